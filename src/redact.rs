//! Credentials never leave the tool: user-info and token-like query
//! parameters are replaced before a URL is written anywhere.

/// Query parameters whose values are treated as secrets.
const SECRET_PARAMS: &[&str] = &[
    "token",
    "access_token",
    "auth",
    "authorization",
    "key",
    "apikey",
    "api_key",
    "secret",
    "password",
    "passwd",
    "pwd",
    "sig",
    "signature",
    "session",
    "sessionid",
    "client_secret",
    "x-amz-signature",
    "x-amz-credential",
];

/// Returns the URL with its user-info and secret query values replaced by `REDACTED`.
pub fn url(u: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(u) else {
        return redact_unparsed(u);
    };
    let mut changed = false;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        let _ = parsed.set_username("REDACTED");
        let _ = parsed.set_password(None);
        changed = true;
    }
    if parsed.query().is_some() {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if pairs.iter().any(|(k, _)| is_secret(k)) {
            let mut q = parsed.query_pairs_mut();
            q.clear();
            for (k, v) in &pairs {
                q.append_pair(k, if is_secret(k) { "REDACTED" } else { v });
            }
            drop(q);
            changed = true;
        }
    }
    if changed { parsed.to_string() } else { u.to_string() }
}

fn is_secret(k: &str) -> bool {
    let k = k.to_ascii_lowercase();
    SECRET_PARAMS.contains(&k.as_str()) || k.ends_with("_token") || k.ends_with("-token")
}

/// A string that is not a URL may still hold `user:pass@`.
fn redact_unparsed(u: &str) -> String {
    if let Some(scheme_end) = u.find("://") {
        let rest = &u[scheme_end + 3..];
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        if let Some(at) = rest[..authority_end].rfind('@') {
            return format!("{}REDACTED@{}", &u[..scheme_end + 3], &rest[at + 1..]);
        }
    }
    u.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_userinfo_and_tokens() {
        let r = url("https://alice:s3cret@example.com/a?token=abc123&page=2");
        assert!(
            !r.contains("s3cret") && !r.contains("abc123") && !r.contains("alice"),
            "{r}"
        );
        assert!(r.contains("page=2"));
        assert_eq!(url("http://example.com/a?b=1"), "http://example.com/a?b=1");
        assert!(!url("http://bob:pw@exa mple").contains("pw"));
    }
}

/// Serde helper: writes a URL redacted.
pub fn ser_url<S: serde::Serializer>(u: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&url(u))
}

/// Serde helper: writes a text with every URL in it redacted.
pub fn ser_text<S: serde::Serializer>(t: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&text(t))
}

/// Serde helper for optional texts.
pub fn ser_opt_text<S: serde::Serializer>(t: &Option<Box<str>>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_some(&text(t)),
        None => s.serialize_none(),
    }
}

/// Redacts every URL inside a free text (error messages, page text).
pub fn text(s: &str) -> String {
    if !s.contains("://") {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find("://") {
        // The scheme starts after the last character that cannot be in one
        // (which may be several bytes long: `𞸧http://`).
        let start = rest[..p]
            .char_indices()
            .rfind(|&(_, c)| !c.is_ascii_alphanumeric() && c != '+' && c != '-' && c != '.')
            .map_or(0, |(i, c)| i + c.len_utf8());
        let end = p + rest[p..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | ')'))
            .unwrap_or(rest.len() - p);
        out.push_str(&rest[..start]);
        out.push_str(&url(&rest[start..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod text_tests {
    #[test]
    fn redacts_urls_in_text() {
        let t = super::text("error sending request for url (https://u:hunter2@h.example/x?token=abc): refused");
        assert!(!t.contains("hunter2") && !t.contains("abc"), "{t}");
        assert!(t.contains("refused"));
    }

    #[test]
    fn a_wide_character_before_the_scheme_is_kept_whole() {
        // Found by the no-panic property test: the scheme's start was taken
        // as one byte after the character before it.
        let t = super::text("runs into \"Theªù𞸧lphttps://u:pw@a.jp/x.htmlThe\"");
        assert!(t.contains("𞸧lphttps://") && !t.contains("pw@"), "{t}");
    }
}

//! Credentials never leave the tool: user-info and token-like query and
//! fragment parameters are replaced before a URL is written anywhere, in a
//! URL that parses and in one that does not. What is fetched is the real URL:
//! only what is written is redacted.

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
    "secret_key",
    "pass",
    "code",
];

/// Parameter-name prefixes of signed URLs (`X-Amz-Signature`, `X-Goog-Credential`, …).
const SECRET_PREFIXES: &[&str] = &["x-amz-", "x-goog-"];

/// Returns the URL with its user-info and secret query values replaced by `REDACTED`.
pub fn url(u: &str) -> String {
    let u = params(u);
    let Ok(mut parsed) = url::Url::parse(&u) else {
        return redact_unparsed(&u);
    };
    if !parsed.username().is_empty() || parsed.password().is_some() {
        let _ = parsed.set_username("REDACTED");
        let _ = parsed.set_password(None);
        return parsed.to_string();
    }
    u.into_owned()
}

fn is_secret(k: &str) -> bool {
    let k = percent_encoding::percent_decode_str(k)
        .decode_utf8_lossy()
        .to_ascii_lowercase();
    SECRET_PARAMS.contains(&k.as_str())
        || SECRET_PREFIXES.iter().any(|p| k.starts_with(p))
        || k.ends_with("_token")
        || k.ends_with("-token")
}

/// The URL as written with the value of every secret parameter of its
/// query and fragment (`?token=…`, `#access_token=…`) replaced: read as
/// text, so that a URL the parser refuses is redacted too, and the rest
/// stays exactly as written.
fn params(u: &str) -> std::borrow::Cow<'_, str> {
    let Some(start) = u.find(['?', '#']) else {
        return std::borrow::Cow::Borrowed(u);
    };
    let mut out = String::with_capacity(u.len());
    out.push_str(&u[..start]);
    let mut changed = false;
    let mut rest = &u[start..];
    while !rest.is_empty() {
        // A delimiter, then one `name=value` up to the next delimiter.
        let (delim, tail) = rest.split_at(1);
        let end = tail.find(['&', ';', '#', '?']).unwrap_or(tail.len());
        let pair = &tail[..end];
        out.push_str(delim);
        match pair.split_once('=') {
            Some((name, value)) if is_secret(name) && !value.is_empty() => {
                out.push_str(name);
                out.push_str("=REDACTED");
                changed = true;
            }
            _ => out.push_str(pair),
        }
        rest = &tail[end..];
    }
    if changed {
        std::borrow::Cow::Owned(out)
    } else {
        std::borrow::Cow::Borrowed(u)
    }
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

    #[test]
    fn redacts_fragments_signed_urls_and_urls_that_do_not_parse() {
        for (u, secret) in [
            ("http://[bad/x?access_token=tok1&a=1", "tok1"),
            ("https://a.example/cb#access_token=tok2&state=x", "tok2"),
            ("https://s.example/o?X-Goog-Signature=sig3&X-Goog-Date=d", "sig3"),
            ("https://s.example/o?X-Amz-Credential=cred4", "cred4"),
            ("https://a.example/?secret_key=k5", "k5"),
            ("https://a.example/?user=u&pass=p6", "p6"),
            ("https://a.example/cb?code=c7", "c7"),
            ("https://a.example/?API%5FKEY=k8", "k8"),
        ] {
            let r = url(u);
            assert!(!r.contains(secret), "{u} -> {r}");
            assert!(r.contains("REDACTED"), "{u} -> {r}");
        }
        // The rest stays as written: no re-encoding of what is not secret.
        assert_eq!(
            url("https://a.example/p?q=a%20b&token=t#frag"),
            "https://a.example/p?q=a%20b&token=REDACTED#frag"
        );
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

//! URLs as pasted into citations, with what was wrong with them.
//!
//! What was written (`raw`) is kept apart from what it means (`url`): glued
//! punctuation is stripped, a URL run into the next word is cut at its file
//! extension, and each repair is recorded as [`Hygiene`] for the report.

use std::borrow::Cow;

use compact_str::CompactString;
use serde::Serialize;
use serde::ser::SerializeStruct;
use smallvec::SmallVec;

/// A URL found in a reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitedUrl {
    /// The URL it means, after hygiene repairs.
    pub url: String,
    /// What was written right after `url` and is not part of it (glued
    /// punctuation, run-in text): usually nothing. See [`CitedUrl::raw`].
    raw_rest: CompactString,
    pub line: usize,
    /// Inline when there is at most one (the closing full stop of an English citation).
    pub hygiene: SmallVec<[Hygiene; 1]>,
    /// The comparison key when it differs from `url` (see [`CitedUrl::key`]).
    pub norm: Option<Box<str>>,
    /// Where the host (lower case, without `www.`) stands in [`CitedUrl::key`].
    host_span: Option<(u32, u32)>,
    /// The archived copy named by an archive note right after the URL
    /// (`（2014年2月6日アーカイブ：URL ）`, `(archived at URL on …)`).
    pub archived: Option<Box<str>>,
}

impl Serialize for CitedUrl {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        UrlIn(self, 0).serialize(s)
    }
}

/// A URL in a source whose line is the second field: the URL's own line is
/// left out when it is that one.
pub struct UrlIn<'a>(pub &'a CitedUrl, pub usize);

impl Serialize for UrlIn<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (u, parent) = (self.0, self.1);
        let mut st = s.serialize_struct("CitedUrl", 5)?;
        // As written, when that is not the URL itself.
        if u.raw_rest.is_empty() {
            st.skip_field("raw")?;
        } else {
            st.serialize_field("raw", &crate::redact::url(&u.raw()))?;
        }
        st.serialize_field("url", &crate::redact::url(&u.url))?;
        if u.line == parent {
            st.skip_field("line")?;
        } else {
            st.serialize_field("line", &u.line)?;
        }
        if u.hygiene.is_empty() {
            st.skip_field("hygiene")?;
        } else {
            st.serialize_field("hygiene", &u.hygiene)?;
        }
        match &u.archived {
            Some(a) => st.serialize_field("archived", &crate::redact::url(a))?,
            None => st.skip_field("archived")?,
        }
        st.end()
    }
}

impl CitedUrl {
    /// The form used to compare URLs: lower-case scheme and host, no fragment,
    /// no default port (parsed once, when the URL is read).
    pub fn key(&self) -> &str {
        self.norm.as_deref().unwrap_or(&self.url)
    }

    /// The text as written, up to the first character that cannot be in a URL.
    pub fn raw(&self) -> Cow<'_, str> {
        if self.raw_rest.is_empty() {
            Cow::Borrowed(&self.url)
        } else {
            Cow::Owned(format!("{}{}", self.url, self.raw_rest))
        }
    }

    /// The length in bytes of [`CitedUrl::raw`].
    pub fn raw_len(&self) -> usize {
        self.url.len() + self.raw_rest.len()
    }

    /// The host, lower case, without `www.`.
    pub fn host(&self) -> Option<&str> {
        let (start, end) = self.host_span?;
        self.key().get(start as usize..end as usize)
    }

    /// What was written after the URL and is not part of it.
    pub fn raw_rest(&self) -> &str {
        &self.raw_rest
    }
}

/// A defect of a written URL.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Hygiene {
    /// Punctuation glued to the end of the URL. `reportable` is false for an
    /// English citation's own closing full stop or separating comma.
    TrailingPunctuation { stripped: CompactString, reportable: bool },
    /// The URL runs into the next word (`….htmThe`).
    RunIntoText { rest: Box<str> },
    /// Not a usable URL.
    Invalid { reason: String },
}

/// File extensions after which a URL path segment normally ends.
const EXTENSIONS: &[&str] = &[
    "html", "htm", "shtml", "xhtml", "php", "asp", "aspx", "jsp", "cgi", "pdf", "txt", "xml", "doc", "docx", "xls",
    "xlsx", "ppt", "pptx", "csv", "json", "zip", "jpg", "jpeg", "png", "gif",
];

/// Characters that end a URL in running text.
const fn ends_url(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '<' | '>'
                | '"'
                | '“'
                | '”'
                | '「'
                | '」'
                | '『'
                | '』'
                | '（'
                | '）'
                | '【'
                | '】'
                | '〔'
                | '〕'
                | '、'
                | '。'
                | '，'
                | '　'
                | '\u{FEFF}'
                | '\\'
                | '^'
                | '`'
                | '{'
                | '|'
                | '}'
        )
}

/// Punctuation that is not part of a URL when it ends one.
fn is_trailing_punct(c: char) -> bool {
    matches!(
        c,
        '.' | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | ')'
            | ']'
            | '」'
            | '）'
            | '。'
            | '、'
            | '』'
            | '】'
            | '，'
            | '\''
            | '’'
            | '”'
            | '>'
    )
}

/// A URL located in a line of text.
#[derive(Debug, Clone)]
pub struct Located {
    pub url: CitedUrl,
    /// Byte range of the raw text in the line.
    pub start: usize,
    pub end: usize,
    /// Byte offset where the meaningful URL ends (run-in text starts here).
    pub url_end: usize,
}

/// Finds every `http://` and `https://` URL in a line. `english_style` says
/// whether a closing `.`/`,` after a URL is the citation's own punctuation.
pub fn find_in_line(line: &str, line_no: usize, english_style: bool) -> impl Iterator<Item = Located> + '_ {
    let mut from = 0;
    std::iter::from_fn(move || {
        let pos = next_scheme(line, from)?;
        let tail = &line[pos..];
        let len = raw_url_len(tail);
        let raw = &tail[..len];
        let (url, url_len, mut hygiene, norm, host_span) = clean(raw, &line[pos + len..], english_style);
        // Japanese punctuation ends a URL but is still glued to it (`…html。`).
        if let Some(c) = line[pos + len..].chars().next().filter(|c| is_trailing_punct(*c))
            && !hygiene
                .iter()
                .any(|h| matches!(h, Hygiene::TrailingPunctuation { .. } | Hygiene::RunIntoText { .. }))
        {
            hygiene.insert(
                0,
                Hygiene::TrailingPunctuation {
                    stripped: CompactString::from(&*c.encode_utf8(&mut [0; 4])),
                    reportable: true,
                },
            );
        }
        hygiene.shrink_to_fit();
        from = pos + len.max(1);
        Some(Located {
            url: CitedUrl {
                raw_rest: raw[url.len()..].into(),
                url,
                line: line_no,
                hygiene,
                norm,
                host_span,
                archived: None,
            },
            start: pos,
            end: pos + len,
            url_end: pos + url_len,
        })
    })
}

/// The length of the URL at the start of `tail`: up to the first character
/// that ends a URL in running text ([`ends_url`]), read byte by byte where
/// the text is ASCII. Kept by hand because the benchmark needs it: the
/// character search (its property test) took the timeline run under 40 MB/s.
fn raw_url_len(tail: &str) -> usize {
    static ENDS: [bool; 128] = {
        let mut t = [false; 128];
        let mut c = 0;
        while c < 128 {
            t[c] = ends_url(c as u8 as char);
            c += 1;
        }
        t
    };
    let b = tail.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] < 0x80 {
            if ENDS[b[i] as usize] {
                return i;
            }
            i += 1;
        } else {
            let Some(c) = tail[i..].chars().next() else { break };
            if ends_url(c) {
                return i;
            }
            i += c.len_utf8();
        }
    }
    b.len()
}

/// The start of the next `http://` or `https://` (any case) at or after `from`:
/// found by its `://`, then checked backwards.
fn next_scheme(line: &str, from: usize) -> Option<usize> {
    let b = line.as_bytes();
    let mut at = from;
    while let Some(p) = memchr::memmem::find(b.get(at..)?, b"://") {
        let colon = at + p;
        for scheme in [&b"https"[..], b"http"] {
            if let Some(start) = colon.checked_sub(scheme.len())
                && start >= from
                && b[start..colon].eq_ignore_ascii_case(scheme)
            {
                return Some(start);
            }
        }
        at = colon + 3;
    }
    None
}

/// What [`clean`] makes of a raw URL: the URL, the length of `raw` it covers,
/// its defects, its comparison key (when it differs) and its host.
type Cleaned = (
    String,
    usize,
    SmallVec<[Hygiene; 1]>,
    Option<Box<str>>,
    Option<(u32, u32)>,
);

/// Repairs a raw URL.
fn clean(raw: &str, after: &str, english_style: bool) -> Cleaned {
    let mut hygiene = SmallVec::new();
    let mut end = raw.len();
    let after_scheme = scheme_len(raw);
    // A URL run into the next word: cut it after the file extension.
    if let Some(cut) = run_in_cut(raw, after_scheme) {
        hygiene.push(Hygiene::RunIntoText {
            rest: raw[cut..].into(),
        });
        end = cut;
    }
    // Glued trailing punctuation (a closing parenthesis stays when the URL opened one).
    let mut body_end = end;
    while let Some(c) = raw[..body_end].chars().next_back() {
        if !is_trailing_punct(c) {
            break;
        }
        if c == ')' && raw[..body_end].matches('(').count() >= raw[..body_end].matches(')').count() {
            break;
        }
        if body_end - c.len_utf8() <= after_scheme {
            break;
        }
        body_end -= c.len_utf8();
    }
    if body_end < end {
        let stripped = &raw[body_end..end];
        let followed_by_space = end < raw.len() || after.is_empty() || after.starts_with(char::is_whitespace);
        let citation_punct = english_style
            && followed_by_space
            && matches!(stripped, "." | ",")
            && !hygiene.iter().any(|h| matches!(h, Hygiene::RunIntoText { .. }));
        hygiene.push(Hygiene::TrailingPunctuation {
            stripped: stripped.into(),
            reportable: !citation_punct,
        });
    }
    let url = &raw[..body_end];
    let (norm, host) = match canonical_as_written(url) {
        Some(host) => (None, Some(host)),
        None => parse_key(url, &mut hygiene),
    };
    (url.to_string(), end, hygiene, norm, host)
}

/// The comparison key and host span of a URL, by the `url` crate.
fn parse_key(url: &str, hygiene: &mut SmallVec<[Hygiene; 1]>) -> (Option<Box<str>>, Option<(u32, u32)>) {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if let Err(reason) = check_host(&parsed) {
                hygiene.push(Hygiene::Invalid { reason });
            }
            parsed.set_fragment(None);
            // The host as it stands in the key (the parser lower-cases it).
            let host = match (parsed.host_str(), u32::try_from(parsed.as_str().len())) {
                (Some(_), Ok(_)) => {
                    let start = parsed[..url::Position::BeforeHost].len();
                    let end = parsed[..url::Position::AfterHost].len();
                    Some(host_span(parsed.as_str(), start, end))
                }
                _ => None,
            };
            let norm = (parsed.as_str() != url).then(|| parsed.as_str().into());
            (norm, host)
        }
        Err(e) => {
            hygiene.push(Hygiene::Invalid { reason: e.to_string() });
            (None, None)
        }
    }
}

/// For the plain URLs most citations hold (`http://www.soumu.go.jp/main_content/000059830.pdf`):
/// when the URL is already what the `url` crate would make of it (its key is
/// itself), the span of its host less `www.`; else None and the URL is parsed.
///
/// Plain means: a lower-case `http` or `https` scheme; a host of lower-case
/// ASCII letters, digits and hyphens in non-empty labels, the last starting
/// with a letter (not an IPv4 address), no `xn--` label; no user, no port; a
/// path starting with `/` with no dot segment; path and query of characters
/// the parser keeps as they are; no fragment. A property test checks it
/// against the `url` crate (`urls::tests::plain_urls_are_their_own_key`).
fn canonical_as_written(url: &str) -> Option<(u32, u32)> {
    let rest = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://"))?;
    let host_start = url.len() - rest.len();
    let host_len = memchr::memchr(b'/', rest.as_bytes())?;
    let host = &rest[..host_len];
    if host.is_empty() || u32::try_from(url.len()).is_err() {
        return None;
    }
    // One pass over the host's bytes and one over the path's (splitting and
    // substring searches cost more than the checks on these short strings).
    let h = host.as_bytes();
    let mut label = 0;
    for i in 0..=h.len() {
        match h.get(i) {
            None | Some(b'.') => {
                if i == label || h[label..i].starts_with(b"xn--") {
                    return None;
                }
                if i < h.len() {
                    label = i + 1;
                }
            }
            Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-' => {}
            Some(_) => return None,
        }
    }
    // `label` is where the last label starts.
    if !h[label].is_ascii_lowercase() {
        return None;
    }
    let path = &rest.as_bytes()[host_len..];
    let mut prev = 0u8;
    for &c in path {
        let kept = c.is_ascii_alphanumeric()
            || matches!(c, b'/' | b'-' | b'_' | b'.' | b'~' | b'?' | b'=' | b'&' | b'+' | b',');
        if !kept || (c == b'.' && prev == b'/') {
            return None;
        }
        prev = c;
    }
    Some(host_span(url, host_start, host_start + host_len))
}

/// The span of the host `key[start..end]` less its leading `www.`s (the caller
/// has checked that the key's length fits in a u32).
fn host_span(key: &str, mut start: usize, end: usize) -> (u32, u32) {
    while key[start..end].starts_with("www.") {
        start += 4;
    }
    (start as u32, end as u32)
}

/// Where the text after the first `://` starts (0 without one).
fn scheme_len(raw: &str) -> usize {
    raw.find("://").map_or(0, |p| p + 3)
}

/// Where a URL runs into the following word: just after a file extension that
/// is directly followed by a letter (`a.htmU.S.` → cut after `htm`).
/// `after_scheme` is [`scheme_len`] of `raw`.
fn run_in_cut(raw: &str, after_scheme: usize) -> Option<usize> {
    let path_start = after_scheme + memchr::memchr(b'/', &raw.as_bytes()[after_scheme..])?;
    let path = &raw[path_start..];
    for (i, _) in path.match_indices('.') {
        let after = &path[i + 1..];
        let word_len = after.find(|c: char| !c.is_alphanumeric()).unwrap_or(after.len());
        let word = &after[..word_len];
        // Every extension is three letters or more: a shorter word has none
        // with a letter after it (most URLs end in `.pdf` or `.htm`).
        if word_len <= 3 {
            continue;
        }
        // The longest known extension the word starts with.
        let Some(ext) = EXTENSIONS
            .iter()
            .filter(|e| word.len() >= e.len() && word.as_bytes()[..e.len()].eq_ignore_ascii_case(e.as_bytes()))
            .max_by_key(|e| e.len())
        else {
            continue;
        };
        if word.len() > ext.len() && word[ext.len()..].starts_with(char::is_alphabetic) {
            return Some(path_start + i + 1 + ext.len());
        }
    }
    None
}

/// Checks that a URL is usable: it parses and names a host.
pub fn validate(url: &str) -> Result<(), String> {
    match url::Url::parse(url) {
        Ok(u) => check_host(&u),
        Err(e) => Err(e.to_string()),
    }
}

fn check_host(u: &url::Url) -> Result<(), String> {
    match u.host_str() {
        None | Some("") => Err("no host".to_string()),
        Some(h) if h.starts_with('.') || h.contains("..") => Err(format!("malformed host {h:?}")),
        Some(_) => Ok(()),
    }
}

/// The normalised form used to compare URLs (the one the redirect-loop
/// check uses too).
pub use crate::net::normal as normalize;

/// The host of a URL (lower case), if it has one.
pub fn host(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()?
        .host_str()
        .map(|h| h.trim_start_matches("www.").to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(line: &str, en: bool) -> CitedUrl {
        let mut v: Vec<Located> = find_in_line(line, 1, en).collect();
        assert_eq!(v.len(), 1, "{line}");
        v.remove(0).url
    }

    #[test]
    fn english_closing_stop_is_not_reported() {
        let u = one("2010, http://www.soumu.go.jp/a.pdf.", true);
        assert_eq!(u.url, "http://www.soumu.go.jp/a.pdf");
        assert_eq!(
            u.hygiene[..],
            [Hygiene::TrailingPunctuation {
                stripped: ".".into(),
                reportable: false
            }]
        );
    }

    #[test]
    fn japanese_trailing_stop_is_reported() {
        let u = one("    http://www.mofa.go.jp/mofaj/files/000059830.pdf.", false);
        assert_eq!(u.url, "http://www.mofa.go.jp/mofaj/files/000059830.pdf");
        assert_eq!(
            u.hygiene[..],
            [Hygiene::TrailingPunctuation {
                stripped: ".".into(),
                reportable: true
            }]
        );
        let u = one("参照：http://example.jp/a.html」。", false);
        assert_eq!(u.url, "http://example.jp/a.html");
        assert_eq!(
            u.hygiene[..],
            [Hygiene::TrailingPunctuation {
                stripped: "」".into(),
                reportable: true
            }]
        );
        assert!(one("http://example.jp/a.html 。", false).hygiene.is_empty());
    }

    #[test]
    fn run_in_word_is_split() {
        let v: Vec<Located> = find_in_line(
            "and http://sankei.jp.msn.com/w/amr1-n1.htmU.S. Department, ”T,” http://x.org/y.",
            1,
            true,
        )
        .collect();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].url.url, "http://sankei.jp.msn.com/w/amr1-n1.htm");
        assert_eq!(v[0].url.hygiene[..], [Hygiene::RunIntoText { rest: "U.S.".into() }]);
        assert_eq!(
            &"and http://sankei.jp.msn.com/w/amr1-n1.htmU.S. Department"[v[0].url_end..],
            "U.S. Department"
        );
        assert_eq!(one("http://a.jp/x.htmlThe", true).url, "http://a.jp/x.html");
        assert!(one("http://a.jp/x.html?from=ylist", true).hygiene.is_empty());
        assert!(one("http://a.jp/index.php3", true).hygiene.is_empty());
    }

    #[test]
    fn host_is_read_from_the_key() {
        let u = one("http://WWW.Soumu.go.jp/a.pdf#p3", true);
        assert_eq!(u.key(), "http://www.soumu.go.jp/a.pdf");
        assert_eq!(u.host(), Some("soumu.go.jp"));
        let u = one("https://www.x.jp:8443@www.example.com:8080/p", true);
        assert_eq!(u.host(), Some("example.com"));
        assert_eq!(one("http://[::1]:8080/a", true).host(), Some("[::1]"));
        assert_eq!(one("http://", true).host(), None);
    }

    /// Key (when not the URL), host span and defects.
    type Parsed = (Option<Box<str>>, Option<(u32, u32)>, SmallVec<[Hygiene; 1]>);

    /// What [`clean`] would make of a URL through the `url` crate alone.
    fn by_parser(url: &str) -> Parsed {
        let mut hygiene = SmallVec::new();
        let (norm, host) = parse_key(url, &mut hygiene);
        (norm, host, hygiene)
    }

    #[test]
    fn plain_urls_take_the_fast_path() {
        for u in [
            "http://www.soumu.go.jp/main_content/000059830.pdf",
            "https://www.whitehouse.gov/the-press-office/2014/04/25/u-s-japan-joint-statement",
            "http://www.jiji.com/jc/c?g=pol_30&k=2014020300635",
            "http://mainichi.jp/select/news/20140205k0000m010119000c.html",
        ] {
            assert!(canonical_as_written(u).is_some(), "{u}");
            assert_eq!(by_parser(u), (None, canonical_as_written(u), SmallVec::new()), "{u}");
        }
    }

    #[test]
    fn extensions_are_three_letters_or_more() {
        // `run_in_cut` skips shorter words on this ground.
        assert!(EXTENSIONS.iter().all(|e| e.len() >= 3));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        #[test]
        fn raw_url_len_stops_where_the_char_search_stops(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "a", "/", ".", "é", "　", " ", "\t", "\u{a0}", "\u{2003}", "<", "\"", "“", "」", "（", "、", "。", "\u{feff}",
                "\\", "^", "`", "{", "|", "}", "%", "?", "#", ")", "’",
            ]), 0..12)
        ) {
            let t: String = parts.concat();
            proptest::prop_assert_eq!(raw_url_len(&t), t.find(ends_url).unwrap_or(t.len()), "{:?}", t);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]
        #[test]
        fn plain_urls_are_their_own_key(
            scheme in proptest::sample::select(vec!["http://", "https://", "HTTP://", "ftp://", "http:/"]),
            labels in proptest::collection::vec(proptest::sample::select(vec![
                "www", "a", "soumu", "go", "jp", "Ab", "1", "0x1", "xn--p1ai", "xn--a", "xn--", "-", "", "é", "a_b", "a:80", "u@a", "b-",
            ]), 1..4),
            lead in proptest::sample::select(vec!["/", "/", "/", "", "?", "#"]),
            path in proptest::collection::vec(proptest::sample::select(vec![
                "/", "a", "A", ".", "..", "/.", "%2e", "?", "=", "&", "+", ",", "~", "-", "_", "#", " ", "'", "\\",
                "\"", "<", "{", "|", "^", "`", "é", ";", "!", "$", "*", "(", "@", ":", "1", "x.pdf",
            ]), 0..8),
        ) {
            let url = format!("{scheme}{}{lead}{}", labels.join("."), path.concat());
            if let Some(span) = canonical_as_written(&url) {
                proptest::prop_assert_eq!(by_parser(&url), (None, Some(span), SmallVec::new()), "{:?}", url);
            }
        }
    }

    #[test]
    fn parentheses_and_invalid() {
        assert_eq!(
            one("(see http://en.wikipedia.org/wiki/A_(b))", true).url,
            "http://en.wikipedia.org/wiki/A_(b)"
        );
        assert_eq!(one("(see http://example.com/a)", true).url, "http://example.com/a");
        let bad = one("http://exa mple", true);
        assert_eq!(bad.url, "http://exa");
        let bad = one("http://", true);
        assert!(bad.hygiene.iter().any(|h| matches!(h, Hygiene::Invalid { .. })));
    }
}

//! The Markdown reader: each source line becomes one logical line with the
//! Markdown syntax that matters for citations rewritten into the plain-text
//! grammar: `[^N]` markers become `[N]`, `[^N]: …` definitions become
//! reference items `[N] …` (and mark where the reference list starts when no
//! heading does), `[text](url)` becomes `text url`, `<url>` becomes `url`,
//! escapes are undone and fenced code is blanked.

use std::sync::LazyLock;

use regex::{Captures, Regex};

use std::borrow::Cow;

use super::{Line, LineRef, Lines, text};

static DEFINITION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s{0,3}\[\^(?P<label>[^\]\s]+)\]:\s?(?P<rest>.*)$").expect("valid regex"));
static FOOTNOTE_REF: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[\^(?P<label>[^\]\s]+)\]").expect("valid regex"));
static LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"!?\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]+)(?:\s+"[^"]*")?\)"#).expect("valid regex"));
static AUTOLINK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<(?P<url>https?://[^>\s]+)>").expect("valid regex"));
static COMMENT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<!--.*?-->").expect("valid regex"));

/// Reads Markdown into logical lines.
pub fn lines(source: &str) -> Lines<'_> {
    let mut out = Lines::default();
    let mut fence: Option<&str> = None;
    for LineRef { number, text } in text::lines(source) {
        let trimmed = text.trim_start();
        if let Some(f) = fence {
            if trimmed.starts_with(f) {
                fence = None;
            }
            out.lines.push(Line {
                number,
                text: Cow::Borrowed(""),
            });
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(if trimmed.starts_with("```") { "```" } else { "~~~" });
            out.lines.push(Line {
                number,
                text: Cow::Borrowed(""),
            });
            continue;
        }
        let converted = match DEFINITION.captures(text) {
            Some(c) => {
                if out.reference_start.is_none() {
                    out.reference_start = Some(out.lines.len());
                }
                Cow::Owned(format!("[{}] {}", &c["label"], inline(&c["rest"])))
            }
            None if needs_rewrite(text) => Cow::Owned(inline(text)),
            None => Cow::Borrowed(text),
        };
        out.lines.push(Line {
            number,
            text: converted,
        });
    }
    out
}

/// Whether a line holds any syntax [`inline`] rewrites.
fn needs_rewrite(s: &str) -> bool {
    s.contains(['[', '<', '\\', '*', '_', '>'])
}

/// Rewrites the inline syntax of one line.
fn inline(s: &str) -> String {
    let s = COMMENT.replace_all(s, "");
    let s = s.strip_prefix("> ").unwrap_or(&s).to_string();
    let s = FOOTNOTE_REF.replace_all(&s, "[$label]");
    let s = LINK.replace_all(&s, |c: &Captures| {
        let (text, url) = (c["text"].trim(), &c["url"]);
        if text.is_empty() || text == url || text.starts_with("http") {
            url.to_string()
        } else {
            format!("{text} {url}")
        }
    });
    let s = AUTOLINK.replace_all(&s, "$url");
    unescape(&s.replace("**", "").replace("__", ""))
}

/// Undoes backslash escapes of ASCII punctuation.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&n) = chars.peek()
            && n.is_ascii_punctuation()
        {
            out.push(n);
            chars.next();
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn footnotes_links_and_fences() {
        let md = "# Title\n\n- 2014: met.[^1] See [the site](http://a.jp/x).\n\n```\n[^9]\n```\n\n[^1]: Jiji, “T,” <http://b.jp/y.html>\n    continued\n";
        let l = lines(md);
        let texts: Vec<&str> = l.lines.iter().map(|l| l.text.as_ref()).collect();
        assert_eq!(texts[2], "- 2014: met.[1] See the site http://a.jp/x.");
        assert_eq!(texts[5], "");
        assert_eq!(texts[8], "[1] Jiji, “T,” http://b.jp/y.html");
        assert_eq!(l.reference_start, Some(8));
        assert_eq!(l.lines[8].number, 9);
    }
}

//! Reference-list items → sources.
//!
//! One numbered item may cite several works, on continuation lines
//! (`2014年2月3日付時事通信「…」` / URL / `2014年2月4日付毎日新聞「…」` / URL) or
//! in one sentence (`Sankei, “…,” December 5, 2013, URL, and Asahi, “…,” …, URL.`).
//! A source is the text before a URL plus the URLs that follow it; text after
//! the last URL is a locator (`, 59.`) unless it starts another citation.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;
use smallvec::{SmallVec, smallvec};

use super::Source;
use super::dates;
use super::normalize::{fold_width, is_japanese, trim};
use super::urls::{self, CitedUrl, Hygiene};
use crate::model::Lang;

/// A piece of a reference's text: a line (or the rest of the numbered line).
#[derive(Debug, Clone)]
pub struct Piece<'a> {
    pub line: usize,
    pub text: &'a str,
}

/// The standard identifiers of books, articles and papers, as citations
/// write them, and a journal's volume and page (`Phys. Rev. A, vol. 31,
/// p. 1695`), which locate an article as surely.
static IDENTIFIER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:ISBN(?:-1[03])?|ISSN|OCLC|PMID|PMC|JSTOR|arXiv|doi|Bibcode|LCCN|NCID|ASIN)\b[:\s]*[0-9A-Z]|\bvol(?:ume)?\.?\s*\d+\s*,?\s*(?:no\.?\s*\d+\s*,?\s*)?pp?\.?\s*\d+",
    )
    .expect("valid regex")
});

static LOCATOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:p|pp|page|pages|S\.|頁|ページ)\.?\s*)?[0-9０-９][0-9０-９\s,\-–~、]*(?:頁|ページ)?$")
        .expect("valid regex")
});

/// An archive note as citecheck writes it after a URL (in text, or as
/// Markdown and HTML read it): Japanese or English.
static ARCHIVE_NOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(?:[（(]\s*(?:[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日)?\s*アーカイブ[：:\s]\s*(?P<ja>https?://[^\s）)]+)\s*[）)]|\(\s*archived(?:\s+at)?\s+(?P<en>https?://\S+)\s+on\s+[^)]*\))",
    )
    .expect("valid regex")
});

/// If `text` starts with an archive note, the archived URL and the note's length.
pub fn archive_note(text: &str) -> Option<(String, usize)> {
    let c = ARCHIVE_NOTE.captures(text)?;
    let u = c.name("ja").or_else(|| c.name("en"))?.as_str();
    Some((u.to_string(), c.get(0)?.end()))
}

/// An access note after a URL (`（2015年2月18日閲覧）`, `(accessed March 1, 2015)`):
/// it belongs to the citation before it.
static ACCESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[(（\[]?\s*(?:(?:最終)?(?:閲覧|アクセス|参照)日?\s*[:：]?.*|.*(?:閲覧|アクセス|参照)(?:日)?|(?:last\s+)?(?:accessed|retrieved|visited|viewed|consulted)\b.*)[)）\]]?$")
        .expect("valid regex")
});

/// Strips the words and punctuation that join one citation to the next
/// (`and `, `及び`, `および`, `、`, `,`, `;`, white space) from the start of a text.
fn strip_leading_join(mut t: &str) -> &str {
    loop {
        let before = t.len();
        t = t.trim_start();
        for join in ["及び", "および", "、", ",", ";"] {
            t = t.strip_prefix(join).unwrap_or(t);
        }
        if let Some(rest) = t.strip_prefix("and")
            && rest.starts_with(char::is_whitespace)
        {
            t = rest.trim_start();
        }
        if t.len() == before {
            return t;
        }
    }
}

/// A citation being read: its text, then its URLs, then a locator.
struct Seg<'a> {
    line: usize,
    /// Borrowed from the reference while it is one run of text.
    text: Cow<'a, str>,
    urls: SmallVec<[CitedUrl; 1]>,
    locator: Option<String>,
}

/// Groups a reference's text runs and URLs, fed in reading order, into
/// sources: text, then URLs, then a locator or the next citation.
struct Grouper<'a, 'o> {
    current: Option<Seg<'a>>,
    done: &'o mut SmallVec<[Source; 1]>,
}

impl<'a> Grouper<'a, '_> {
    fn text(&mut self, line: usize, t: &'a str) {
        if trim(t).is_empty() {
            return;
        }
        let cleaned = trim(strip_leading_join(trim(t)))
            .trim_end_matches(['.', ',', '。', '、'])
            .trim();
        match &mut self.current {
            Some(seg) if !seg.urls.is_empty() => {
                if cleaned.is_empty() || cleaned == "and" {
                    return;
                }
                if LOCATOR.is_match(cleaned) || ACCESS.is_match(cleaned) {
                    seg.locator = Some(match seg.locator.take() {
                        Some(prev) => format!("{prev} {cleaned}"),
                        None => cleaned.to_string(),
                    });
                    return;
                }
                self.start(line, Cow::Borrowed(cleaned), SmallVec::new());
            }
            Some(seg) => {
                if !cleaned.is_empty() {
                    if seg.text.is_empty() {
                        seg.text = Cow::Borrowed(cleaned);
                    } else {
                        let text = seg.text.to_mut();
                        text.push(' ');
                        text.push_str(cleaned);
                    }
                }
            }
            None => self.start(line, Cow::Borrowed(cleaned), SmallVec::new()),
        }
    }

    fn url(&mut self, u: CitedUrl) {
        match &mut self.current {
            Some(seg) => seg.urls.push(u),
            None => self.start(u.line, Cow::Borrowed(""), smallvec![u]),
        }
    }

    fn start(&mut self, line: usize, text: Cow<'a, str>, urls: SmallVec<[CitedUrl; 1]>) {
        self.finish();
        self.current = Some(Seg {
            line,
            text,
            urls,
            locator: None,
        });
    }

    /// Reads the current segment's publisher, title and date into a source.
    fn finish(&mut self) {
        let Some(s) = self.current.take() else { return };
        if s.text.is_empty() && s.urls.is_empty() {
            return;
        }
        let (publisher, title, date) = describe(&s.text);
        let style = if is_japanese(title.as_deref().unwrap_or(&s.text)) {
            Lang::Ja
        } else {
            Lang::En
        };
        let mut urls = s.urls;
        if style == Lang::Ja {
            // In Japanese citation style no punctuation belongs after a URL.
            for u in urls.iter_mut() {
                for h in &mut u.hygiene {
                    if let Hygiene::TrailingPunctuation { reportable, .. } = h {
                        *reportable = true;
                    }
                }
            }
        }
        self.done.push(Source {
            line: s.line,
            publisher,
            title,
            date,
            urls,
            style,
            identifier: IDENTIFIER
                .find(&s.text)
                .or_else(|| s.locator.as_deref().and_then(|l| IDENTIFIER.find(l)))
                .map(|m| m.as_str().into()),
            locator: s.locator.map(String::into_boxed_str),
        });
    }
}

/// Splits a reference's pieces into sources.
pub fn sources<'a>(pieces: &[Piece<'a>]) -> SmallVec<[Source; 1]> {
    let mut done = SmallVec::new();
    sources_into(pieces, &mut done);
    done
}

/// The URLs of a line of body text, each with the archive note written after
/// it (the archived URL inside a note is not a link of its own).
pub fn body_urls(text: &str, line: usize, out: &mut Vec<CitedUrl>) {
    let mut pos = 0;
    for mut loc in urls::find_in_line(text, line, true) {
        if loc.start < pos {
            continue;
        }
        pos = loc.end;
        if let Some((archived, len)) = archive_note(&text[loc.end..]) {
            loc.url.archived = Some(archived.into_boxed_str());
            pos = loc.end + len;
        }
        out.push(loc.url);
    }
}

/// [`sources`] pushed onto `done`.
pub fn sources_into<'a>(pieces: &[Piece<'a>], done: &mut SmallVec<[Source; 1]>) {
    let mut g = Grouper { current: None, done };
    for p in pieces {
        let mut pos = 0;
        for mut loc in urls::find_in_line(p.text, p.line, true) {
            if loc.start < pos {
                continue; // the archived URL inside a note already read
            }
            g.text(p.line, &p.text[pos..loc.start]);
            if let Some((archived, len)) = archive_note(&p.text[loc.end..]) {
                loc.url.archived = Some(archived.into_boxed_str());
                g.url(loc.url);
                pos = loc.end + len;
                continue;
            }
            // Text run into the URL (`….htmU.S. Department`) is the next citation.
            let run_in = loc.url.hygiene.iter().any(|h| matches!(h, Hygiene::RunIntoText { .. }));
            pos = if run_in { loc.url_end } else { loc.end };
            g.url(loc.url);
        }
        g.text(p.line, &p.text[pos..]);
    }
    g.finish();
}

/// Publisher, title and date of one citation's text.
fn describe(text: &str) -> (Option<Box<str>>, Option<Box<str>>, Option<dates::DateSpan>) {
    let text = fold_width(text);
    let text = text.as_ref();
    let (title, before, found) = match find_title(text) {
        Some((open, inner, close)) => {
            let inner = inner.trim().trim_end_matches([',', '.', '、', '，']).trim();
            let before = &text[..open];
            // The date is looked for outside the title.
            let found = dates::find_first_folded(&format!("{before} {}", &text[close..]));
            ((!inner.is_empty()).then(|| Box::from(inner)), before, found)
        }
        None => (None, text, dates::find_first_folded(text)),
    };
    // The publisher is what stands before the title, less the date (the text
    // searched starts with `before`, so the offsets carry over). Without a
    // title there is no telling the publisher.
    let publisher = title.as_ref().and_then(|_| {
        let tidy = |p: &str| -> Box<str> {
            p.trim_start_matches(|c: char| c == '付' || c.is_whitespace())
                .trim()
                .trim_end_matches([',', '、', '，', ':'])
                .trim()
                .into()
        };
        let p = match found.filter(|f| f.end <= before.len()) {
            // Most dates open or close the text before the title.
            Some(f) if f.start == 0 => tidy(&before[f.end..]),
            Some(f) if f.end == before.len() => tidy(&before[..f.start]),
            Some(f) => tidy(&format!("{}{}", &before[..f.start], &before[f.end..])),
            None => tidy(before),
        };
        (!p.is_empty()).then_some(p)
    });
    (publisher, title, found.map(|f| f.span))
}

/// The first quoted span: (byte offset of the opening quote, inner text, byte offset after the closing quote).
fn find_title(text: &str) -> Option<(usize, &str, usize)> {
    let (open, c) = find_any(text, &['「', '『', '“', '”', '"'])?;
    let inner_start = open + c.len_utf8();
    let closers: &[char] = match c {
        '「' => &['」'],
        '『' => &['』'],
        _ => &['“', '”', '"'],
    };
    let (close, close_char) = find_any(&text[inner_start..], closers)?;
    Some((
        open,
        &text[inner_start..inner_start + close],
        inner_start + close + close_char.len_utf8(),
    ))
}

/// The first of `chars` in `text` and its byte offset.
fn find_any(text: &str, chars: &[char]) -> Option<(usize, char)> {
    text.char_indices().find(|(_, c)| chars.contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: usize, text: &str) -> Piece<'_> {
        Piece { line, text }
    }

    #[test]
    fn japanese_multi_line_sources() {
        let s = sources(&[
            p(1, "2014年2月3日付時事通信「サイバー対処で初協議」"),
            p(2, "    http://www.jiji.com/jc/c?g=pol_30&k=2014020300635"),
            p(3, "    2014年2月4日付毎日新聞「サイバー攻撃:日米で共同の対処策定へ」"),
            p(4, "    http://mainichi.jp/select/news/20140205k0000m010119000c.html"),
        ]);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].publisher.as_deref(), Some("時事通信"));
        assert_eq!(s[0].title.as_deref(), Some("サイバー対処で初協議"));
        assert_eq!(s[0].date.unwrap().to_string(), "2014-02-03");
        assert_eq!(s[1].line, 3);
        assert_eq!(s[1].urls[0].line, 4);
        assert_eq!(s[1].style, Lang::Ja);
    }

    #[test]
    fn english_sentence_with_run_in_url() {
        let s = sources(&[p(
            9,
            "Kyodo News, “Saiba boei [Japan],” April 11, 2014, and http://sankei.jp.msn.com/w/a-n1.htmU.S. Department of State, ”The Second US-Japan Cyber Dialogue,” April 10, 2014, http://www.state.gov/r/224648.htm?goMobile=0.",
        )]);
        assert_eq!(s.len(), 2, "{s:#?}");
        assert_eq!(s[0].publisher.as_deref(), Some("Kyodo News"));
        assert_eq!(s[0].urls[0].url, "http://sankei.jp.msn.com/w/a-n1.htm");
        assert_eq!(s[1].publisher.as_deref(), Some("U.S. Department of State"));
        assert_eq!(s[1].title.as_deref(), Some("The Second US-Japan Cyber Dialogue"));
        assert_eq!(s[1].date.unwrap().to_string(), "2014-04-10");
        assert_eq!(s[1].style, Lang::En);
        assert_eq!(
            s[1].urls[0].hygiene[..],
            [Hygiene::TrailingPunctuation {
                stripped: ".".into(),
                reportable: false
            }]
        );
    }

    #[test]
    fn access_notes_stay_with_their_source() {
        let s = sources(&[
            p(1, "2014年2月3日付時事通信「初協議」"),
            p(2, "http://www.jiji.com/a （2015年2月18日閲覧）"),
        ]);
        assert_eq!(s.len(), 1, "{s:#?}");
        assert_eq!(s[0].date.unwrap().to_string(), "2014-02-03");
        let s = sources(&[p(
            1,
            "Jiji, “Talks,” February 3, 2014, http://www.jiji.com/a (accessed March 1, 2015).",
        )]);
        assert_eq!(s.len(), 1, "{s:#?}");
    }

    #[test]
    fn locators_stay_with_their_source() {
        let s = sources(&[p(
            1,
            "ACCJ, “White Paper,” 2009, http://www.asia-strategy.biz/a.pdf, 59.",
        )]);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].locator.as_deref(), Some("59"));
        assert_eq!(s[0].date.unwrap().to_string(), "2009");
        let s = sources(&[p(1, "ACCJ, \"White Paper,\" 2009"), p(2, "    http://x.biz/a.pdf , 59")]);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].title.as_deref(), Some("White Paper"));
    }
}

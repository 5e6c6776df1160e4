//! Logical lines → header, body entries, footnote markers and the reference list.
//!
//! The grammar is shared by every input format and both languages:
//! - the header is everything before the first entry; its 最終更新日 /
//!   "Last updated" line (else 初版公開日 / "Published") dates the document;
//! - an entry is a line that starts with a bullet (`•`, `・`, `- `, a
//!   word-processor `l` + no-break space, …) or with a date; following lines
//!   that start neither continue it;
//! - the reference list starts at a heading (参考情報, References, … with or
//!   without a colon) and holds items numbered `N.`, `[N]` or `（N）`, each
//!   continued by indented lines or lines that hold a URL.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use super::normalize::{fold_width, trim};
use super::references::{self, Piece};
use super::{
    Anomaly, AnomalyKind, Block, BlockKind, DateSpan, Document, Entry, LineRef, Lines, Marker, Reference, dates,
    figures, markers,
};
use crate::config::ParseConfig;
use crate::model::{Format, Lang};

/// Parses a document's lines.
pub fn parse(
    path: &str,
    lang: Lang,
    format: Format,
    encoding: String,
    read: &Lines<'_>,
    cfg: &ParseConfig,
) -> Document {
    // The reference list starts after its heading, or where the format marks it
    // (Markdown footnote definitions, HTML footnote lists without a heading).
    let scan = find_heading(read, cfg);
    let (heading, refs_from) = match (scan.heading.map(|h| h.0), read.reference_start) {
        (_, Some(r)) if read.notes_apart => (Some(r), r),
        (Some(h), None) => (Some(h), h + 1),
        (Some(h), Some(r)) if h < r => (Some(h), h + 1),
        (_, Some(r)) => (Some(r), r),
        (None, None) => (None, scan.count),
    };
    let body_end = heading.unwrap_or(scan.count);
    let mut doc = Document {
        path: path.to_string(),
        lang,
        format,
        encoding,
        lines: scan.last_number,
        published: None,
        reference_heading: match (heading, scan.heading) {
            (Some(h), Some((i, number))) if h == i => Some(number),
            // The notes' own heading, when the page has one.
            (Some(_), Some((_, number))) if read.notes_apart => Some(number),
            (Some(h), _) => read.iter().nth(h).map(|l| l.number),
            (None, _) => None,
        },
        entries: Vec::new(),
        blocks: Vec::new(),
        block_figures: Vec::new(),
        references: Vec::new(),
        body_links: Vec::new(),
        local_links: read.local_links.clone(),
        markers: Vec::new(),
        named_from: read.named_from,
        labels: {
            let mut l: Vec<(u32, Box<str>)> = read.labels.iter().map(|(n, s)| (*n, s.as_str().into())).collect();
            l.sort_unstable();
            l.dedup_by_key(|(n, _)| *n);
            l
        },
        bare_notes: {
            let mut r = read.bare_notes.clone();
            r.sort_unstable();
            r
        },
        remarks: {
            let mut r = read.remarks.clone();
            r.sort_unstable();
            r
        },
        anomalies: Vec::new(),
    };
    parse_body(read.iter().take(body_end), &read.kinds, &mut doc);
    doc.markers
        .extend(read.note_markers.iter().map(|&(line, number)| Marker {
            number,
            line: line as u32,
            in_note: true,
        }));
    // No spare capacity held while the reference list is read.
    doc.entries.shrink_to_fit();
    doc.blocks.shrink_to_fit();
    doc.markers.shrink_to_fit();
    doc.body_links.shrink_to_fit();
    if heading.is_some() {
        let expected = room_for_references(&doc.markers, scan.count.saturating_sub(refs_from));
        doc.references.reserve_exact(expected);
        let after_heading = scan
            .after
            .filter(|_| scan.heading.is_some_and(|(h, _)| h + 1 == refs_from));
        // Up to where the format says the list ends, else to the end.
        let len = read
            .reference_end
            .map_or(usize::MAX, |end| end.saturating_sub(refs_from));
        match after_heading {
            Some(after) => parse_references(after.take(len), &mut doc),
            None => parse_references(read.iter().skip(refs_from).take(len), &mut doc),
        }
    }
    doc.references.shrink_to_fit();
    doc.anomalies.shrink_to_fit();
    doc
}

/// How many references to make room for before the list is read. Most lists
/// have one item per footnote: the footnotes cited in order (a footnote above
/// all before it), so that a long list does not end with up to twice its room.
/// No more than `lines_left`, the lines after the heading: an item takes one
/// at least (a body citing a million footnotes above a short list reserves
/// nothing absurd).
fn room_for_references(markers: &[Marker], lines_left: usize) -> usize {
    let mut top = 0;
    markers
        .iter()
        .filter(|m| {
            let above = m.number > top;
            top = top.max(m.number);
            above
        })
        .count()
        .min(lines_left)
}

/// Strips a list bullet. Returns the rest of the line and whether there was one.
pub fn strip_bullet(line: &str) -> (&str, bool) {
    let t = line.trim_start_matches(|c: char| c.is_whitespace());
    let mut chars = t.chars();
    let Some(first) = chars.next() else { return (t, false) };
    let rest = chars.as_str();
    let symbol = matches!(
        first,
        '•' | '・'
            | '●'
            | '○'
            | '◦'
            | '▪'
            | '■'
            | '□'
            | '◆'
            | '◇'
            | '▶'
            | '►'
            | '➢'
            | '✓'
            | '·'
            | '-'
            | '*'
            | '+'
            | '–'
            | '—'
            | '－'
            | '\u{F06C}'
            | '\u{F0A7}'
            | '\u{F0D8}'
    );
    // Dashes and asterisks need a space after them (`-5`, `*emphasis*`); the
    // Japanese middle dot and round bullets often have none.
    let needs_space = matches!(first, '-' | '*' | '+' | '–' | '—' | '－' | '·');
    if symbol && (!needs_space || rest.starts_with(char::is_whitespace)) && !trim(rest).is_empty() {
        return (trim(rest), true);
    }
    // Word-processor bullets pasted as their Wingdings letter: `l` (●), `n` (■),
    // `q` (❑), `v` (❖), `Ø` (➢), `ü` (✓), `§` (▪), followed by a no-break space,
    // a tab or two spaces; a plain word never is.
    if matches!(first, 'l' | 'n' | 'q' | 'v' | 'Ø' | 'ü' | '§')
        && (rest.starts_with('\u{a0}') || rest.starts_with('\t') || rest.starts_with("  "))
    {
        return (trim(rest), true);
    }
    (t, false)
}

/// A heading's words: without decoration, colon and surrounding space (case kept).
fn heading_words(line: &str) -> &str {
    let t = trim(line);
    let t = t
        .trim_start_matches(['#', '■', '□', '◆', '●', '【', '[', '*', '='])
        .trim_end_matches(['】', ']', '*', '=']);
    let t = trim(t).trim_end_matches([':', '：']);
    trim(t)
}

/// A heading as compared: its words in lower case.
fn heading_text(line: &str) -> String {
    heading_words(line).to_lowercase()
}

/// Whether a line is one of the `wanted` headings (given as [`heading_text`]),
/// compared without allocating.
fn is_heading(line: &str, wanted: &[String]) -> bool {
    let words = heading_words(line);
    if words.is_ascii() {
        // ASCII lower-casing keeps the length.
        return wanted
            .iter()
            .any(|w| w.len() == words.len() && w.as_bytes().eq_ignore_ascii_case(words.as_bytes()));
    }
    wanted
        .iter()
        .any(|w| words.chars().flat_map(char::to_lowercase).eq(w.chars()))
}

/// A reference number at the start of a line: Some(Ok(n)), Some(Err(text)) for an unusable number.
fn ref_number(line: &str) -> Option<(Result<u32, String>, usize)> {
    let folded = fold_width(line);
    let (rest, _) = strip_bullet(&folded);
    let (raw, end) = number_label(rest)?;
    if !raw.starts_with(|ch: char| ch.is_ascii_digit()) {
        return None;
    }
    // Byte length consumed, measured on the original line (folding keeps the
    // characters, not their widths).
    let consumed = if matches!(folded, Cow::Borrowed(_)) {
        folded.len() - rest.len() + end
    } else {
        let consumed_chars = folded[..folded.len() - rest.len()].chars().count() + rest[..end].chars().count();
        line.char_indices().nth(consumed_chars).map_or(line.len(), |(i, _)| i)
    };
    let parsed = match raw.parse::<u32>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(raw.to_string()),
    };
    Some((parsed, consumed))
}

/// The label of a numbered item at the start of `t` (after white space):
/// `[a]` (1–40 characters, no `]` nor space), `(1…)` (a digit, then up to 39
/// characters, no `)` nor space) or `12.` / `12)` followed by white space or
/// the end. Returns the label and where the match ends.
fn number_label(t: &str) -> Option<(&str, usize)> {
    let start = t.len() - t.trim_start().len();
    let s = &t[start..];
    // Characters up to `close`, none of them white space, at most `max`.
    let bracketed = |open_len: usize, close: char, max: usize| -> Option<(&str, usize)> {
        let inner = &s[open_len..];
        for (n, (i, c)) in inner.char_indices().enumerate() {
            if c == close {
                return (n > 0).then(|| (&inner[..i], start + open_len + i + 1));
            }
            if c.is_whitespace() || n == max {
                return None;
            }
        }
        None
    };
    match s.as_bytes().first()? {
        b'[' => bracketed(1, ']', 40),
        b'(' if s.as_bytes().get(1).is_some_and(u8::is_ascii_digit) => bracketed(1, ')', 40),
        b'0'..=b'9' => {
            let digits = s.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 40 || !matches!(s.as_bytes().get(digits), Some(b'.' | b')')) {
                return None;
            }
            // The white space after the label is part of the match.
            let space = match s[digits + 1..].chars().next() {
                None => 0,
                Some(c) if c.is_whitespace() => c.len_utf8(),
                Some(_) => return None,
            };
            Some((&s[..digits], start + digits + 1 + space))
        }
        _ => None,
    }
}

/// What one pass over the lines finds: the reference heading, the number of
/// lines and the last line's number.
struct HeadingScan<'b> {
    /// Index and line number of the heading.
    heading: Option<(usize, usize)>,
    /// The lines after the heading (plain text is split on the fly: the
    /// reference reader starts here instead of splitting the body again).
    after: Option<super::LineIter<'b>>,
    count: usize,
    last_number: usize,
}

fn find_heading<'b>(read: &'b Lines<'_>, cfg: &ParseConfig) -> HeadingScan<'b> {
    let wanted: Vec<String> = cfg.reference_headings.iter().map(|h| heading_text(h)).collect();
    // A heading line is short: skip the others without normalising them.
    let longest = wanted.iter().map(|w| w.len()).max().unwrap_or(0) + 40;
    let (mut first_followed, mut last) = (None, None);
    let mut scan = HeadingScan {
        heading: None,
        after: None,
        count: 0,
        last_number: 0,
    };
    let mut it = read.iter();
    while let Some(l) = it.next() {
        let i = scan.count;
        scan.count += 1;
        scan.last_number = l.number;
        if first_followed.is_some() || l.text.len() > longest || !is_heading(l.text, &wanted) {
            continue;
        }
        last = Some((i, l.number, it.clone()));
        // Prefer a heading followed by a numbered item; else the last one.
        if it
            .clone()
            .filter(|l| !trim(l.text).is_empty())
            .take(3)
            .any(|l| matches!(ref_number(l.text), Some((Ok(_), _))))
        {
            first_followed = Some((i, l.number, it.clone()));
        }
    }
    if let Some((i, number, after)) = first_followed.or(last) {
        scan.heading = Some((i, number));
        scan.after = Some(after);
    }
    scan
}

static PUBLISHED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?P<kind>最終更新日|更新日|last\s+updated|last\s+modified|updated|初版公開日|公開日|公開|first\s+published|published)\s*[:：]?")
        .expect("valid regex")
});

/// A block being read: the block, and its text while it may need figures.
struct OpenBlock {
    block: Block,
    text: String,
}

impl OpenBlock {
    /// Ends the block before the link `links_end` of the body (the line
    /// that starts the next block may have added its own already).
    fn close(mut self, doc: &mut Document, links_end: usize) {
        let cites = doc.blocks.last().map_or(0, |b| b.markers_end as usize) < doc.markers.len();
        self.block.links_end = links_end as u32;
        self.block.markers_end = doc.markers.len() as u32;
        // Only a block that cites footnotes is ever compared, and an
        // entry has its figures already.
        if cites && !self.block.entry {
            let mut cut = self.text.len().min(FIGURE_TEXT_LIMIT);
            while !self.text.is_char_boundary(cut) {
                cut -= 1;
            }
            let found = figures::extract_folded(&self.text[..cut]);
            if !found.is_empty() {
                doc.block_figures.push((doc.blocks.len(), found));
            }
        }
        doc.blocks.push(self.block);
    }
}

fn parse_body<'b>(lines: impl Iterator<Item = LineRef<'b>>, kinds: &[(usize, BlockKind)], doc: &mut Document) {
    let mut first_published: Option<DateSpan> = None;
    let mut current: Option<OpenEntry> = None;
    let mut block: Option<OpenBlock> = None;
    for line in lines {
        let links_before = doc.body_links.len();
        // Links anywhere in the body, the header's included, are checked too.
        if memchr::memmem::find(line.text.as_bytes(), b"://").is_some() {
            references::body_urls(line.text, line.number, &mut doc.body_links);
        }
        let (rest, bullet) = strip_bullet(line.text);
        // Folded once: the line for its markers and continuation text, its
        // rest for the entry (unless the line has nothing to fold, as most).
        let folded_line = fold_width(line.text);
        let folded_rest = match folded_line {
            Cow::Borrowed(_) => Cow::Borrowed(rest),
            Cow::Owned(_) => fold_width(rest),
        };
        let lead = dates::leading_folded(&folded_rest);
        let is_entry = bullet || lead.is_some();
        // Markers count wherever they stand, the header's first paragraph too.
        let found = markers::scan_folded(&folded_line);
        // Blocks: a blank line ends one; a bullet, a date, a kind the markup
        // gives, or the line after a heading starts one.
        if trim(line.text).is_empty() {
            if let Some(b) = block.take() {
                b.close(doc, links_before);
            }
        } else {
            let hinted = kinds
                .binary_search_by_key(&line.number, |(n, _)| *n)
                .ok()
                .map(|i| kinds[i].1);
            let starts =
                is_entry || hinted.is_some() || block.as_ref().is_none_or(|b| b.block.kind == BlockKind::Heading);
            if starts {
                if let Some(b) = block.take() {
                    b.close(doc, links_before);
                }
                let kind = match hinted {
                    Some(k) => k,
                    None if bullet => BlockKind::ListItem,
                    None => BlockKind::Paragraph,
                };
                block = Some(OpenBlock {
                    block: Block {
                        kind,
                        entry: is_entry,
                        line: line.number as u32,
                        end_line: line.number as u32,
                        markers_end: 0,
                        links_end: 0,
                    },
                    text: String::new(),
                });
            }
            if let Some(b) = block.as_mut() {
                b.block.end_line = line.number as u32;
                if !b.block.entry {
                    if !b.text.is_empty() {
                        b.text.push(' ');
                    }
                    b.text.push_str(trim(&folded_line));
                }
            }
        }
        for n in &found.numbers {
            doc.markers.push(Marker {
                number: *n,
                line: line.number as u32,
                in_note: false,
            });
        }
        for bad in &found.invalid {
            doc.anomalies.push(Anomaly {
                line: line.number,
                kind: AnomalyKind::InvalidNumber,
                text: bad.clone(),
            });
        }
        if !is_entry && current.is_none() && doc.entries.is_empty() {
            // Header: look for the document's own date.
            if let Some(c) = PUBLISHED.captures(line.text)
                && let Some(f) = dates::find_first(&line.text[c.get(0).map_or(0, |m| m.end())..])
            {
                let updated = !c["kind"].contains('公') && !c["kind"].to_lowercase().contains("published");
                if updated {
                    doc.published = Some(f.span);
                } else {
                    first_published.get_or_insert(f.span);
                }
            }
            continue;
        }
        if is_entry {
            if let Some(e) = current.take() {
                doc.entries.push(finish(e));
            }
            let folded = &folded_rest;
            let (date, date_text, text) = match lead {
                Some(f) => (
                    Some(f.span),
                    Some(compact_str::CompactString::from(folded[f.start..f.end].trim())),
                    &folded[f.end..],
                ),
                None => (None, None, &folded[..]),
            };
            if let (Some(d), Some(t)) = (date, &date_text)
                && !d.is_valid()
            {
                doc.anomalies.push(Anomaly {
                    line: line.number,
                    kind: AnomalyKind::InvalidDate,
                    text: t.to_string(),
                });
            }
            current = Some(OpenEntry {
                line: line.number,
                end_line: line.number,
                date,
                date_text,
                footnotes: found.numbers,
                text: trim(text).to_string(),
            });
        } else if let Some(e) = current.as_mut()
            && !trim(line.text).is_empty()
        {
            e.end_line = line.number;
            e.footnotes.extend(found.numbers);
            e.text.push(' ');
            e.text.push_str(trim(&folded_line));
        }
    }
    if let Some(e) = current.take() {
        doc.entries.push(finish(e));
    }
    if let Some(b) = block.take() {
        let links = doc.body_links.len();
        b.close(doc, links);
    }
    if doc.published.is_none() {
        doc.published = first_published;
    }
}

/// Entries longer than this (pasted garbage, a whole page on one line) have
/// their figures read from this much of their start only.
const FIGURE_TEXT_LIMIT: usize = 64 * 1024;

/// An entry being read (continuation lines may still extend it).
struct OpenEntry {
    line: usize,
    end_line: usize,
    date: Option<DateSpan>,
    date_text: Option<compact_str::CompactString>,
    footnotes: smallvec::SmallVec<[u32; 4]>,
    text: String,
}

fn finish(e: OpenEntry) -> Entry {
    let mut cut = e.text.len().min(FIGURE_TEXT_LIMIT);
    while !e.text.is_char_boundary(cut) {
        cut -= 1;
    }
    Entry {
        line: e.line as u32,
        end_line: e.end_line as u32,
        date: e.date,
        date_text: e.date_text,
        footnotes: e.footnotes,
        figures: figures::extract_folded(&e.text[..cut]),
        text: e.text.into_boxed_str(),
    }
}

fn parse_references<'b>(lines: impl Iterator<Item = LineRef<'b>>, doc: &mut Document) {
    // The open item: its number and line; its pieces (one vector for all items).
    let mut open: Option<(u32, usize)> = None;
    let mut pieces: Vec<Piece<'b>> = Vec::new();
    let mut closed = false; // the list ended (footer text) until the next numbered item
    let mut prev_blank = true;
    for line in lines {
        let text: &str = line.text;
        let blank = trim(text).is_empty();
        if let Some((number, consumed)) = ref_number(text) {
            if let Some((n, first)) = open.take() {
                close(n, first, &pieces, &mut doc.references);
            }
            pieces.clear();
            closed = false;
            match number {
                Ok(n) => {
                    open = Some((n, line.number));
                    pieces.push(Piece {
                        line: line.number,
                        text: &text[consumed..],
                    });
                }
                Err(raw) => {
                    doc.anomalies.push(Anomaly {
                        line: line.number,
                        kind: AnomalyKind::InvalidNumber,
                        text: raw,
                    });
                    closed = true;
                }
            }
        } else if !blank && !closed {
            let continues = text.starts_with(char::is_whitespace) || text.contains("://") || !prev_blank;
            match open {
                Some(_) if continues => pieces.push(Piece {
                    line: line.number,
                    text,
                }),
                _ => {
                    if let Some((n, first)) = open.take() {
                        close(n, first, &pieces, &mut doc.references);
                    }
                    closed = true;
                }
            }
        }
        prev_blank = blank;
    }
    if let Some((n, first)) = open.take() {
        close(n, first, &pieces, &mut doc.references);
    }
}

/// Adds the reference to the list and reads its sources into it in place
/// (a reference is a few hundred bytes: built elsewhere, it was copied on
/// every move).
fn close(number: u32, line: usize, pieces: &[Piece<'_>], list: &mut Vec<Reference>) {
    let end_line = pieces.last().map_or(line, |p| p.line);
    list.push(Reference {
        number,
        line,
        end_line,
        sources: smallvec::SmallVec::new(),
    });
    if let Some(r) = list.last_mut() {
        references::sources_into(pieces, &mut r.sources);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_for_references_is_bounded_by_the_lines_left() {
        let markers: Vec<Marker> = [1, 2, 2, 5, 3, 9]
            .iter()
            .map(|&number| Marker {
                number,
                line: 1,
                in_note: false,
            })
            .collect();
        // 1, 2, 5 and 9 each stand above every footnote before them.
        assert_eq!(room_for_references(&markers, 100), 4);
        assert_eq!(room_for_references(&markers, 2), 2);
        let many: Vec<Marker> = (1..=1_000_000)
            .map(|number| Marker {
                number,
                line: 3,
                in_note: false,
            })
            .collect();
        assert_eq!(room_for_references(&many, 3), 3);
    }

    #[test]
    fn bullets() {
        assert_eq!(strip_bullet("  • 2009年:x"), ("2009年:x", true));
        assert_eq!(strip_bullet("l\u{a0} 2009: x"), ("2009: x", true));
        assert_eq!(strip_bullet("・項目"), ("項目", true));
        assert_eq!(strip_bullet("-5 degrees"), ("-5 degrees", false));
        assert_eq!(strip_bullet("・ 項目"), ("項目", true));
        assert_eq!(strip_bullet("look here"), ("look here", false));
        assert_eq!(strip_bullet("- item"), ("item", true));
    }

    #[test]
    fn reference_numbers() {
        assert_eq!(ref_number("  1. ACCJ").map(|r| r.0), Some(Ok(1)));
        assert_eq!(ref_number("[12] Kyodo").map(|r| r.0), Some(Ok(12)));
        assert_eq!(ref_number("（３）外務省").map(|r| r.0), Some(Ok(3)));
        let (n, consumed) = ref_number("（３）外務省").unwrap();
        assert_eq!(n, Ok(3));
        assert_eq!(&"（３）外務省"[consumed..], "外務省");
        assert_eq!(
            ref_number("[99999999999999999999] x").map(|r| r.0),
            Some(Err("99999999999999999999".into()))
        );
        assert!(ref_number("2014年2月3日付").is_none());
        assert!(ref_number("[Japan]").is_none());
        let (_, consumed) = ref_number("　［１２］　時事").unwrap();
        assert_eq!(&"　［１２］　時事"[consumed..], "　時事");
        // Nothing to fold: the length is measured on the line itself.
        let (_, consumed) = ref_number("  • 12) 時事").unwrap();
        assert_eq!(&"  • 12) 時事"[consumed..], "時事");
    }

    /// The regex the hand-written [`number_label`] replaced.
    fn label_by_regex(t: &str) -> Option<(&str, usize)> {
        let re =
            Regex::new(r"^\s*(?:\[(?P<a>[^\]\s]{1,40})\]|\((?P<b>[0-9][^)\s]{0,39})\)|(?P<c>[0-9]{1,40})[.)](?:\s|$))")
                .unwrap();
        let c = re.captures(t)?;
        let raw = c.name("a").or_else(|| c.name("b")).or_else(|| c.name("c"))?.as_str();
        Some((raw, c.get(0)?.end()))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        #[test]
        fn number_label_reads_what_the_regex_read(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "[", "]", "(", ")", " ", "\u{a0}", "\t", ".", "1", "0", "12", "9999999999", "a", "注", "　", "x y",
            ]), 0..16)
        ) {
            let t: String = parts.concat();
            proptest::prop_assert_eq!(number_label(&t), label_by_regex(&t), "{:?}", t);
        }
    }
}

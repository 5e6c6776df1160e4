//! The Markdown reader, on pulldown-cmark (the CommonMark parser lychee,
//! mdBook and rustdoc use): each source line becomes one logical line in the
//! plain-text grammar, so markers, dates, figures and reference lists are
//! read as in every other format, and line numbers point into the source.
//!
//! - Footnote references with any label become `[N]`; a definition becomes
//!   the reference item `[N] …` (and marks where the reference list starts
//!   when no heading does), its later lines indented so that they continue it.
//!   Numeric labels keep their number, as written; named labels (`[^note]`)
//!   are numbered as renderers number footnotes, by first reference, after
//!   the highest numeric label, then the defined but unreferenced ones. So a
//!   named label gets exactly the checks that make sense for it: undefined,
//!   defined but never used, defined twice.
//! - `[text](url)`, reference-style links, images and autolinks become
//!   `text url` (the URL once).
//! - List items keep their bullet or their number as written (`3.` stays 3,
//!   though a renderer would renumber it), so reference lists are checked as
//!   the author wrote them.
//! - Code spans and blocks, math (`$…$`, `$$…$$`), HTML and comments, and
//!   front matter (YAML `---`, TOML `+++`) are left out.

use std::borrow::Cow;
use std::collections::HashMap;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::{BlockKind, Line, Lines, LinkTarget, text};

fn options() -> Options {
    Options::ENABLE_FOOTNOTES
        | Options::ENABLE_MATH
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
}

/// How much of a source pulldown-cmark reads at once. It builds a tree of
/// its whole input before the first event, some 7 times the input's size
/// (85 MB for a 12.7 MB chapter of 100,000 footnotes); read in pieces, a
/// large document's peak is one piece's. A document smaller than this is
/// read whole.
const PIECE: usize = 256 * 1024;

/// The source cut into pieces that pulldown-cmark reads the same apart as
/// together: a piece ends before a line that opens a new top-level block
/// after a blank line (it starts with no indentation, so it continues no
/// list item, note or indented code), outside fenced code, front matter and
/// the HTML blocks that may hold blank lines (comments, `<script>`, `<pre>`,
/// `<style>`, `<textarea>`, `<?…?>`, `<!…>`, CDATA). What crosses the cuts is
/// resolved over the whole source: footnote labels ([`number_labels`],
/// which reads a reference whose definition is in another piece as the
/// literal `[^label]` it then is), and link reference definitions (passed
/// to every piece, [`RefMap`]).
fn pieces(source: &str, starts: &[usize], size: usize) -> Vec<std::ops::Range<usize>> {
    if source.len() <= size {
        return std::iter::once(0..source.len()).collect();
    }
    let mut out = Vec::new();
    let mut from = 0;
    let mut fence: Option<(u8, usize)> = None;
    let mut html: Option<&'static str> = None;
    let mut front: Option<&'static str> = None;
    let mut blank_before = false;
    for (i, &at) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(source.len());
        let line = source[at..end].trim_end_matches(['\n', '\r']);
        let inside = fence.is_some() || html.is_some() || front.is_some();
        let opens_block = !line.is_empty() && !line.starts_with([' ', '\t']);
        // A footnote definition opens a block even right after a line of
        // text (a list of notes is written without blank lines between them).
        let definition = label_at(line, 0).is_some_and(|l| line[l.len() + 3..].starts_with(':'));
        if !inside && (blank_before && opens_block || definition) && at - from >= size {
            out.push(from..at);
            from = at;
        }
        blank_before = line.trim().is_empty();
        if i == 0 && (line == "---" || line == "+++") {
            front = Some(if line == "---" { "---" } else { "+++" });
            continue;
        }
        if let Some(close) = front {
            if line == close || (close == "---" && line == "...") {
                front = None;
            }
            continue;
        }
        let t = line.trim_start_matches(' ');
        let indent = line.len() - t.len();
        if let Some((c, n)) = fence {
            let run = t.bytes().take_while(|&b| b == c).count();
            if indent < 4 && run >= n && t[run..].trim().is_empty() {
                fence = None;
            }
            continue;
        }
        if let Some(close) = html {
            if line.to_ascii_lowercase().contains(close) {
                html = None;
            }
            continue;
        }
        if indent >= 4 {
            continue;
        }
        let first = t.bytes().next();
        if let Some(c @ (b'`' | b'~')) = first {
            let run = t.bytes().take_while(|&b| b == c).count();
            if run >= 3 && !(c == b'`' && t[run..].contains('`')) {
                fence = Some((c, run));
            }
            continue;
        }
        if first == Some(b'<') {
            let lower = t.to_ascii_lowercase();
            const RAW: [(&str, &str); 4] = [
                ("<script", "</script>"),
                ("<pre", "</pre>"),
                ("<style", "</style>"),
                ("<textarea", "</textarea>"),
            ];
            let raw = RAW
                .iter()
                .find(|(open, _)| {
                    lower.starts_with(open)
                        && lower[open.len()..]
                            .chars()
                            .next()
                            .is_none_or(|c| c == '>' || c.is_whitespace())
                })
                .map(|(_, close)| *close);
            let close = if lower.starts_with("<!--") {
                Some("-->")
            } else if raw.is_some() {
                raw
            } else if lower.starts_with("<![cdata[") {
                Some("]]>")
            } else if lower.starts_with("<?") {
                Some("?>")
            } else if lower.starts_with("<!") && lower[2..].starts_with(|c: char| c.is_ascii_alphabetic()) {
                Some(">")
            } else {
                None
            };
            // Closed on its own first line, it holds no blank line.
            if let Some(c) = close
                && !lower[2..].contains(c)
            {
                html = Some(c);
            }
        }
    }
    out.push(from..source.len());
    out
}

/// Link reference definitions (`[label]: URL`) of the whole source, by
/// label folded as CommonMark matches labels (case and runs of white space
/// do not count), for the pieces that use a label another piece defines.
type RefMap = HashMap<String, String>;

fn fold_label(label: &str) -> String {
    label.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// A label as written, if it is a footnote number (`[^12]`).
fn numeric(label: &str) -> Option<u32> {
    (!label.is_empty() && label.bytes().all(|b| b.is_ascii_digit()))
        .then(|| label.parse().ok())
        .flatten()
}

/// A `[^label]` at `at`, and the label's length, if one is written there.
fn label_at(source: &str, at: usize) -> Option<&str> {
    let after = source.get(at..)?.strip_prefix("[^")?;
    let n = after.find(|c: char| c == ']' || c.is_whitespace() || c == '[')?;
    (n > 0 && after[n..].starts_with(']')).then(|| &after[..n])
}

/// The number each footnote label is read as (see the module comment), and
/// the highest number given. References count in reading order, those that
/// CommonMark leaves as text for want of a definition included (outside
/// code, math and HTML), so that a reader's third note is `[3]`.
/// The labels, borrowed from the source where pulldown-cmark gives them as
/// written (a document of 100,000 notes otherwise copies each twice over).
type Numbers<'a> = HashMap<Cow<'a, str>, u32>;

fn label<'a>(l: pulldown_cmark::CowStr<'a>) -> Cow<'a, str> {
    match l {
        pulldown_cmark::CowStr::Borrowed(s) => Cow::Borrowed(s),
        other => Cow::Owned(other.to_string()),
    }
}

fn number_labels<'a>(source: &'a str, pieces: &[std::ops::Range<usize>]) -> (Numbers<'a>, u32, u32, RefMap) {
    let mut referenced: Vec<(usize, Cow<'a, str>)> = Vec::new();
    let mut defined: Vec<(usize, Cow<'a, str>)> = Vec::new();
    let mut not_prose: Vec<std::ops::Range<usize>> = Vec::new();
    let mut refs = RefMap::new();
    for piece in pieces {
        let off = piece.start;
        let parser = Parser::new_ext(&source[piece.clone()], options());
        if pieces.len() > 1 {
            for (label, def) in parser.reference_definitions().iter() {
                refs.entry(fold_label(label)).or_insert_with(|| def.dest.to_string());
            }
        }
        for (event, range) in parser.into_offset_iter() {
            let range = range.start + off..range.end + off;
            match event {
                Event::FootnoteReference(l) => referenced.push((range.start, label(l))),
                Event::Start(Tag::FootnoteDefinition(l)) => defined.push((range.start, label(l))),
                Event::Start(Tag::CodeBlock(_) | Tag::MetadataBlock(_) | Tag::HtmlBlock)
                | Event::Code(_)
                | Event::InlineMath(_)
                | Event::DisplayMath(_)
                | Event::Html(_)
                | Event::InlineHtml(_) => not_prose.push(range),
                _ => {}
            }
        }
    }
    // Looked up once per `[^` of the source: sorted positions and disjoint
    // sorted ranges, searched by halves (a list scanned each time made a
    // document of 100,000 footnotes take 11 s).
    let mut known: Vec<usize> = referenced
        .iter()
        .map(|(p, _)| *p)
        .chain(defined.iter().flat_map(|(p, _)| *p..*p + 3))
        .collect();
    known.sort_unstable();
    not_prose.sort_by_key(|r| r.start);
    let mut merged: Vec<std::ops::Range<usize>> = Vec::with_capacity(not_prose.len());
    for r in not_prose {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    let in_code = |at: usize| {
        let i = merged.partition_point(|r| r.start <= at);
        i > 0 && at < merged[i - 1].end
    };
    let mut literal = Vec::new();
    for (at, _) in source.match_indices("[^") {
        if known.binary_search(&at).is_ok() || in_code(at) {
            continue;
        }
        if let Some(label) = label_at(source, at) {
            literal.push((at, Cow::Borrowed(label)));
        }
    }
    referenced.extend(literal);
    referenced.sort_by_key(|(at, _)| *at);
    let mut top = referenced
        .iter()
        .chain(&defined)
        .filter_map(|(_, l)| numeric(l))
        .max()
        .unwrap_or(0);
    let numeric_top = top;
    let mut numbers = HashMap::new();
    for (_, label) in referenced.into_iter().chain(defined) {
        if numbers.contains_key(&label) {
            continue;
        }
        let n = match numeric(&label) {
            Some(n) => n,
            None => {
                top = top.saturating_add(1);
                top
            }
        };
        numbers.insert(label, n);
    }
    // Every number past the highest numeric label stands for a named one.
    (numbers, top, numeric_top.saturating_add(1), refs)
}

/// Rewrites the `[^label]` that CommonMark leaves as text (a reference with
/// no definition: the reference list is written out instead, or the note is
/// missing) into `[N]`, numbering a new named label after all others.
fn literal_references(text: &mut String, numbers: &mut Numbers<'_>, top: &mut u32) {
    if !text.contains("[^") {
        return;
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (at, _) in text.match_indices("[^") {
        if at < copied {
            continue;
        }
        let Some(label) = label_at(text, at) else { continue };
        let number = match numeric(label) {
            Some(v) => v,
            None => *numbers.entry(Cow::Owned(label.to_string())).or_insert_with(|| {
                *top = top.saturating_add(1);
                *top
            }),
        };
        out.push_str(&text[copied..at]);
        out.push_str(&format!("[{number}]"));
        copied = at + 3 + label.len();
    }
    out.push_str(&text[copied..]);
    *text = out;
}

/// Where each source line starts, to turn byte offsets into line numbers.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(source: &str) -> LineIndex {
        let starts = text::lines(source)
            .map(|l| l.text.as_ptr() as usize - source.as_ptr() as usize)
            .collect();
        LineIndex { starts }
    }

    /// The 0-based line of a byte offset.
    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).saturating_sub(1)
    }
}

/// The text of source line `line`, given room at its first piece for about
/// its source's length (markup goes, a label may become a longer number),
/// so that it is not regrown piece by piece to twice what it needs.
fn line_text<'t>(texts: &'t mut [Line<'_>], index: &LineIndex, len: usize, line: usize) -> &'t mut String {
    let buf = texts[line].text.to_mut();
    if buf.capacity() == 0 {
        let end = index.starts.get(line + 1).copied().unwrap_or(len);
        buf.reserve(end - index.starts[line] + 8);
    }
    buf
}

/// An open link or image: its target and the text written so far inside it.
struct OpenLink {
    line: usize,
    url: String,
    text: String,
}

/// Reads Markdown into logical lines.
pub fn lines(source: &str) -> Lines<'_> {
    lines_in_pieces(source, PIECE)
}

/// [`lines`], reading pieces of about `size` bytes at a time.
fn lines_in_pieces(source: &str, size: usize) -> Lines<'_> {
    let index = LineIndex::new(source);
    let count = index.starts.len();
    // Each source line's text, written in place: the lines handed on, with
    // room for the blank line put between body and notes (appending past
    // the room would double it).
    let mut texts: Vec<Line<'_>> = Vec::with_capacity(count + 1);
    texts.extend((0..count).map(|i| Line {
        number: i + 1,
        text: Cow::Owned(String::new()),
    }));
    let pieces = pieces(source, &index.starts, size);
    let (mut numbers, mut top, named_from, refs) = number_labels(source, &pieces);
    // The lines of footnote definitions: they are read after all the body,
    // wherever they stand (a chapter may define each note under its paragraph).
    let mut in_definition: Vec<bool> = vec![false; count];
    let mut local_links: Vec<(usize, String)> = Vec::new();
    let mut kinds: Vec<(usize, BlockKind)> = Vec::new();
    // The first line of the innermost open list item or footnote definition:
    // its later lines are indented so that they continue it.
    let mut open_blocks: Vec<usize> = Vec::new();
    let mut links: Vec<OpenLink> = Vec::new();
    // The line a link's URL was just written at the end of: a word written
    // right after it is set apart, or the URL scanner would run into it.
    let mut after_url: Option<usize> = None;
    // Inside code, math, HTML blocks or front matter nothing is read.
    let mut skipped = 0usize;
    let push = |texts: &mut Vec<Line<'_>>, links: &mut Vec<OpenLink>, open: &[usize], line: usize, s: &str| {
        if let Some(l) = links.last_mut() {
            l.text.push_str(s);
            return;
        }
        let buf = line_text(texts, &index, source.len(), line);
        if buf.is_empty() && open.last().is_some_and(|&first| first < line) {
            buf.push_str("    ");
        }
        buf.push_str(s);
    };
    let refs = &refs;
    let events = pieces.iter().flat_map(|piece| {
        let off = piece.start;
        // A reference-style link whose definition is in another piece.
        let elsewhere = move |link: pulldown_cmark::BrokenLink<'_>| {
            refs.get(&fold_label(&link.reference)).map(|dest| {
                (
                    pulldown_cmark::CowStr::from(dest.clone()),
                    pulldown_cmark::CowStr::from(""),
                )
            })
        };
        Parser::new_with_broken_link_callback(&source[piece.clone()], options(), Some(elsewhere))
            .into_offset_iter()
            .map(move |(e, r)| (e, r.start + off..r.end + off))
    });
    for (event, range) in events {
        let line = index.line(range.start).min(count.saturating_sub(1));
        if count == 0 {
            break;
        }
        match event {
            Event::Start(Tag::CodeBlock(_) | Tag::MetadataBlock(_) | Tag::HtmlBlock) => skipped += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::MetadataBlock(_) | TagEnd::HtmlBlock) => {
                skipped = skipped.saturating_sub(1)
            }
            _ if skipped > 0 => {}
            Event::Text(t) => {
                if after_url.take() == Some(line) && links.is_empty() && t.starts_with(char::is_alphanumeric) {
                    texts[line].text.to_mut().push(' ');
                }
                push(&mut texts, &mut links, &open_blocks, line, &t)
            }
            Event::FootnoteReference(label) => {
                let n = numbers.get(label.as_ref()).copied().unwrap_or(0);
                push(&mut texts, &mut links, &open_blocks, line, &format!("[{n}]"));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let n = numbers.get(label.as_ref()).copied().unwrap_or(0);
                let last = index.line(range.end.saturating_sub(1)).min(count - 1);
                in_definition[line..=last.max(line)].fill(true);
                line_text(&mut texts, &index, source.len(), line).push_str(&format!("[{n}] "));
                open_blocks.push(line);
            }
            Event::Start(Tag::Item) => {
                // The bullet or number as written, not as a renderer would count.
                let written = source[range.start..].trim_start();
                let digits = written.bytes().take_while(u8::is_ascii_digit).count();
                let marker = match written.as_bytes().get(digits) {
                    Some(b'.' | b')') if digits > 0 => format!("{}. ", &written[..digits]),
                    _ => "- ".to_string(),
                };
                push(&mut texts, &mut links, &open_blocks, line, &marker);
                open_blocks.push(line);
            }
            Event::End(TagEnd::Item | TagEnd::FootnoteDefinition) => {
                open_blocks.pop();
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => links.push(OpenLink {
                line,
                url: dest_url.to_string(),
                text: String::new(),
            }),
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if let Some(l) = links.pop() {
                    // A root-relative link (`/images/a.png`) is relative to the
                    // site's root, which the document does not name: it names no file here.
                    if let LinkTarget::File(f) = LinkTarget::of(&l.url)
                        && !f.starts_with('/')
                    {
                        local_links.push((l.line + 1, f));
                    }
                    let text = l.text.trim();
                    let shown = if text.is_empty() || text == l.url || text.starts_with("http") {
                        l.url
                    } else {
                        format!("{text} {}", l.url)
                    };
                    push(&mut texts, &mut links, &open_blocks, l.line, &shown);
                    after_url = Some(l.line);
                }
            }
            Event::End(TagEnd::TableCell) => push(&mut texts, &mut links, &open_blocks, line, " "),
            // The blocks the markup names; a line's first start wins (a
            // quotation's first paragraph is the quotation).
            Event::Start(Tag::Heading { .. } | Tag::TableHead | Tag::TableRow | Tag::BlockQuote(_)) => {
                let kind = match event {
                    Event::Start(Tag::Heading { .. }) => BlockKind::Heading,
                    Event::Start(Tag::BlockQuote(_)) => BlockKind::Quote,
                    _ => BlockKind::TableRow,
                };
                if kinds.last().is_none_or(|(l, _)| *l < line + 1) {
                    kinds.push((line + 1, kind));
                }
            }
            // Code, math, HTML and comments are not prose; breaks and rules carry no text.
            _ => {}
        }
    }
    let mut lines = texts;
    for l in &mut lines {
        if let Cow::Owned(t) = &mut l.text {
            literal_references(t, &mut numbers, &mut top);
            t.shrink_to_fit();
        }
    }
    // The notes after the body, each part in its order, moved in place.
    let mut notes: Vec<Line> = lines.extract_if(.., |l| in_definition[l.number - 1]).collect();
    let apart = !notes.is_empty();
    let reference_start = apart.then(|| {
        lines.push(Line {
            number: count,
            text: Cow::Borrowed(""),
        });
        lines.len()
    });
    lines.append(&mut notes);
    let labels = numbers
        .iter()
        .filter(|(label, _)| numeric(label).is_none())
        .map(|(label, n)| (*n, format!("^{label}")))
        .collect();
    Lines {
        labels,
        reference_end: apart.then_some(lines.len()),
        lines,
        reference_start,
        local_links,
        named_from: Some(named_from),
        notes_apart: apart,
        kinds,
        ..Lines::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(md: &str) -> Vec<String> {
        lines(md).lines.into_iter().map(|l| l.text.into_owned()).collect()
    }

    /// What a reader hands on, for comparing two readings.
    fn reading(l: &Lines<'_>) -> String {
        format!(
            "{:?} {:?} {:?} {:?} {:?} {:?} {:?}",
            l.lines
                .iter()
                .map(|l| (l.number, l.text.to_string()))
                .collect::<Vec<_>>(),
            l.reference_start,
            l.reference_end,
            l.named_from,
            {
                let mut x = l.labels.clone();
                x.sort();
                x
            },
            l.local_links,
            l.kinds
        )
    }

    #[test]
    fn a_source_read_in_pieces_reads_as_it_does_whole() {
        let md = "---\ntitle: x\n\nmore: y\n---\n\n# Head\n\nText[^a] and [a link][far].\n\n\
                  ```\ncode [^b]\n\n# not a heading\n```\n\n<!-- a comment\n\n[^c] is not here -->\n\n\
                  - item one[^1]\n\n  still item one\n\n- item two\n\n<pre>\n\nraw\n</pre>\n\n\
                  > quoted[^b]\n\n| a | b |\n|---|---|\n| 1 | 2[^1] |\n\nLast[^c].\n\n\
                  [^a]: Note a, <https://a.example/>\n\n    more of note a\n\n[^b]: Note b.\n\
                  [^1]: Note one.\n[^x]: Note x, right after.\n\n[far]: https://far.example/page\n";
        let whole = lines_in_pieces(md, usize::MAX);
        let index = LineIndex::new(md);
        // Pieces of a few lines: every cut the rules allow is made.
        let cuts = pieces(md, &index.starts, 1);
        assert!(cuts.len() > 8, "{cuts:?}");
        for c in &cuts {
            let text = &md[c.clone()];
            assert!(
                !text.contains("code [^b]\n\n# not") || text.contains("```\n"),
                "a fence is never cut"
            );
        }
        assert_eq!(reading(&lines_in_pieces(md, 1)), reading(&whole));
        assert_eq!(reading(&lines_in_pieces(md, 40)), reading(&whole));
        // The link whose definition is in another piece keeps its URL.
        assert!(
            reading(&whole).contains("a link https://far.example/page"),
            "{}",
            reading(&whole)
        );
    }

    #[test]
    fn footnotes_links_and_fences() {
        let md = "# Title\n\n- 2014: met.[^1] See [the site](http://a.jp/x).\n\n```\n[^9]\n```\n\n[^1]: Jiji, “T,” <http://b.jp/y.html>\n    continued\n";
        let l = lines(md);
        let texts: Vec<&str> = l.lines.iter().map(|l| l.text.as_ref()).collect();
        assert_eq!(texts[2], "- 2014: met.[1] See the site http://a.jp/x.");
        assert_eq!(texts[5], "");
        // The definitions come after all the body, keeping their line numbers.
        assert_eq!(texts[9], "[1] Jiji, “T,” http://b.jp/y.html");
        assert_eq!(texts[10], "    continued", "a definition's later lines continue it");
        assert_eq!(l.reference_start, Some(9));
        assert_eq!(l.lines[9].number, 9);
        assert_eq!(l.reference_end, Some(l.lines.len()));
        assert!(l.notes_apart);
    }

    #[test]
    fn named_labels_are_numbered_by_first_reference_after_the_numeric_ones() {
        let md = "Prose[^b] and[^2] more[^a], again[^b].\n\n[^a]: A.\n[^b]: B.\n[^2]: Two.\n[^unused]: U.\n";
        let t = texts(md);
        assert_eq!(t[0], "Prose[3] and[2] more[4], again[3].");
        assert_eq!(&t[3..7], ["[4] A.", "[3] B.", "[2] Two.", "[5] U."]);
    }

    #[test]
    fn math_code_html_and_front_matter_are_left_out() {
        let md = "---\ntitle: \"[^9]\"\n---\n\nThe sum $a[^1]b$ is `x[^2]` here.<!-- [^3] -->\n\n$$\n(1+4w_{bc})(1+4w_{ac})\n$$\n";
        let t = texts(md);
        assert!(t[..3].iter().all(String::is_empty), "{t:?}");
        assert_eq!(t[4], "The sum  is  here.");
        assert!(t[6..].iter().all(|l| !l.contains('w')), "{t:?}");
    }

    #[test]
    fn a_marker_before_punctuation_is_read_and_a_definition_ends_with_its_paragraph() {
        let md = "A test[^1]: done.\n\n[^1]: Note.\n\nSee [the receiver](http://a.jp/receiver)を参照してください。\n";
        let l = lines(md);
        let t: Vec<&str> = l.lines.iter().map(|l| l.text.as_ref()).collect();
        assert_eq!(t[0], "A test[1]: done.");
        // The paragraph after the definition is body: before the notes, and not indented.
        let see = t.iter().position(|t| t.contains("receiver")).unwrap();
        assert_eq!(t[see], "See the receiver http://a.jp/receiver を参照してください。");
        assert!(see < l.reference_start.unwrap());
        assert_eq!(t[l.reference_start.unwrap()], "[1] Note.");
    }

    #[test]
    fn references_without_definitions_are_still_markers() {
        // A numbered reference list instead of definitions, and a note never defined.
        let t = texts("Met.[^1] Talked.[^2] Also[^gone].\n\n## References\n\n1. One.\n2. Two.\n");
        assert_eq!(t[0], "Met.[1] Talked.[2] Also[3].");
        assert_eq!(t[4], "1. One.");
    }

    #[test]
    fn local_links_are_kept_and_other_schemes_are_not() {
        let l = lines(
            "See [the guide](../guide/intro.md#setup), ![chart](img/c.png),\n[mail](mailto:a@b.c), [top](#top) and [web](https://a.example/).\n![root](/images/r.png)\n",
        );
        assert_eq!(
            l.local_links,
            [(1, "../guide/intro.md#setup".to_string()), (1, "img/c.png".to_string())]
        );
    }

    #[test]
    fn list_numbers_are_kept_as_written() {
        let t = texts("1. one\n2. two\n2. again\n7) seven\n");
        assert_eq!(t, ["1. one", "2. two", "2. again", "7. seven"]);
    }
}

//! Documents: bytes on disk → decoded text → logical lines → entries and references.
//!
//! Every input format (plain text now; Markdown and HTML later) is turned into
//! [`Line`]s by its own reader; the structure parser in [`structure`] then works
//! on lines only, so all formats share one grammar for markers, dates, figures
//! and reference lists, and line numbers always point into the original file.

pub mod dates;
pub mod figures;
pub mod html;
pub mod load;
pub mod markdown;
pub mod markers;
pub mod normalize;
pub mod notes;
pub mod references;
pub mod structure;
pub mod text;
pub mod urls;

use std::borrow::Cow;
use std::path::PathBuf;

use compact_str::CompactString;
use serde::Serialize;
use smallvec::SmallVec;

pub use dates::{DateSpan, PartialDate};
pub use figures::{Figure, Figures, Unit};
pub use urls::{CitedUrl, Hygiene};

use crate::config::ParseConfig;
use crate::error::Result;
use crate::model::{Format, Lang};

/// One logical line handed from a format reader to the structure parser.
#[derive(Debug, Clone)]
pub struct Line<'a> {
    /// 1-based line number in the source file.
    pub number: usize,
    /// The line's text: borrowed from the source where the reader keeps it as it is.
    pub text: Cow<'a, str>,
}

/// A line as the structure parser reads it, borrowed from [`Lines`].
#[derive(Debug, Clone, Copy)]
pub struct LineRef<'b> {
    /// 1-based line number in the source file.
    pub number: usize,
    pub text: &'b str,
}

/// What a format reader hands to the structure parser.
#[derive(Debug, Clone, Default)]
pub struct Lines<'a> {
    /// The lines a reader rewrote (Markdown, HTML).
    pub lines: Vec<Line<'a>>,
    /// Index of the first reference-list line when the format marks the list
    /// itself (Markdown `[^N]:` definitions, HTML `<li id="fnN">`).
    pub reference_start: Option<usize>,
    /// Plain text, split on the fly instead of stored line by line (a large
    /// document would otherwise hold 32 bytes per line besides its text).
    plain: Option<&'a str>,
    /// The language the document says it is in (`<html lang>`, `xml:lang`).
    pub declared_lang: Option<Lang>,
    /// Index of the first line after the reference list, when the format marks
    /// where the list ends (HTML: the end of the last list of footnotes).
    pub reference_end: Option<usize>,
    /// Links to local files (`[guide](../guide.md)`, `<img src="chart.png">`):
    /// their line and their target as written.
    pub local_links: Vec<(usize, String)>,
    /// The first number given to a named label (`[^note]`, `[n 1]`): numbers
    /// from here on were not written by the author, so their order and gaps
    /// are not checked.
    pub named_from: Option<u32>,
    /// Footnote markers the reader found inside notes: line and number.
    pub note_markers: Vec<(usize, u32)>,
    /// Notes the reader knows are not citations of their own: explanatory
    /// notes (MediaWiki's notes groups, `[n 1]`, `[a]`) and short citations
    /// that link to an entry of the page's bibliography (`King 2003, p. 41.`).
    pub remarks: Vec<u32>,
    /// The labels of named notes as written (`^gigabyte`, `n 1`), by the number they were given.
    pub labels: Vec<(u32, String)>,
    /// Notes written with none of a citation's markup (no `<cite>`, no link
    /// to another site) on a page that marks its citations with it.
    pub bare_notes: Vec<u32>,
    /// Block kinds the reader knows from the markup, by the source line
    /// where the block starts (`# Title` is a heading, a table's row a
    /// row). A block with no entry here is a list item when it opens with a
    /// bullet or a list number, else a paragraph. Sorted by line.
    pub kinds: Vec<(usize, BlockKind)>,
    /// The reader has put the notes apart, after all the body (HTML notes
    /// under each section, or a reference list with more text after it):
    /// the lines before `reference_start` are the body, whatever heading
    /// they hold.
    pub notes_apart: bool,
}

impl<'a> Lines<'a> {
    /// The lines of plain text, read as they are.
    pub fn plain(text: &'a str) -> Self {
        Lines {
            lines: Vec::new(),
            reference_start: None,
            plain: Some(text),
            declared_lang: None,
            reference_end: None,
            local_links: Vec::new(),
            named_from: None,
            note_markers: Vec::new(),
            notes_apart: false,
            remarks: Vec::new(),
            labels: Vec::new(),
            bare_notes: Vec::new(),
            kinds: Vec::new(),
        }
    }

    /// The lines in order.
    pub fn iter(&self) -> LineIter<'_> {
        match self.plain {
            Some(text) => LineIter::Plain(text::lines(text)),
            None => LineIter::Stored(self.lines.iter()),
        }
    }
}

/// Iterator over [`Lines`]; cheap to clone (the parser looks ahead with a clone).
#[derive(Debug, Clone)]
pub enum LineIter<'b> {
    Plain(text::TextLines<'b>),
    Stored(std::slice::Iter<'b, Line<'b>>),
}

impl<'b> Iterator for LineIter<'b> {
    type Item = LineRef<'b>;

    fn next(&mut self) -> Option<LineRef<'b>> {
        match self {
            LineIter::Plain(it) => it.next(),
            LineIter::Stored(it) => it.next().map(|l| LineRef {
                number: l.number,
                text: &l.text,
            }),
        }
    }
}

/// A parsed document.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// The path as given (relative paths stay relative), used in every report.
    pub path: String,
    pub lang: Lang,
    pub format: Format,
    /// The character encoding the file was decoded from.
    pub encoding: String,
    /// Number of lines in the source file.
    pub lines: usize,
    /// The document's own publication or last-update date, from its header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<DateSpan>,
    /// Line of the reference-list heading, if one was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_heading: Option<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub entries: Vec<Entry>,
    /// The body's blocks in reading order, the header's included: what
    /// alignment pairs in prose, where there are no dated entries. In the
    /// JSON through the report's own records (with their footnotes).
    #[serde(skip)]
    pub blocks: Vec<Block>,
    /// The figures of the blocks that cite footnotes and are no entries,
    /// by block index, sorted; only those with figures.
    #[serde(skip)]
    pub block_figures: Vec<(usize, Figures)>,
    pub references: Vec<Reference>,
    /// URLs in the body text (before the reference list), in reading order:
    /// links that are checked like citations but belong to no footnote. Not
    /// in the JSON's documents: each is a `links` record there, with where it
    /// is cited (repeating them per document would multiply the report).
    #[serde(skip)]
    pub body_links: Vec<CitedUrl>,
    /// Links to local files, relative to the document: line and target as written.
    #[serde(skip)]
    pub local_links: Vec<(usize, String)>,
    /// Every footnote marker in the body, in reading order, then those made
    /// inside notes. In the JSON with the block each stands in, the notes'
    /// apart (`note_markers`).
    #[serde(skip)]
    pub markers: Vec<Marker>,
    /// Numbers from here on stand for named labels (see [`Lines::named_from`]).
    #[serde(skip)]
    pub named_from: Option<u32>,
    /// Notes that are remarks or short citations (see [`Lines::remarks`]),
    /// sorted: a missing URL, date or title is no defect there.
    #[serde(skip)]
    pub remarks: Vec<u32>,
    /// Notes the reader saw written without a citation's markup (see
    /// [`Lines::bare_notes`]), sorted.
    #[serde(skip)]
    pub bare_notes: Vec<u32>,
    /// Named notes' labels as written, sorted by number (see [`Lines::labels`]).
    #[serde(skip)]
    pub labels: Vec<(u32, Box<str>)>,
    /// Things the parser saw but could not read (absurd numbers, bad dates).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub anomalies: Vec<Anomaly>,
}

impl Document {
    /// The links of block `i`.
    pub fn block_links(&self, i: usize) -> &[CitedUrl] {
        let start = i.checked_sub(1).map_or(0, |p| self.blocks[p].links_end as usize);
        let end = self.blocks.get(i).map_or(start, |b| b.links_end as usize);
        self.body_links.get(start..end).unwrap_or(&[])
    }

    /// The footnote markers of block `i`, in reading order.
    pub fn block_markers(&self, i: usize) -> &[Marker] {
        let start = i.checked_sub(1).map_or(0, |p| self.blocks[p].markers_end as usize);
        let end = self.blocks.get(i).map_or(start, |b| b.markers_end as usize);
        self.markers.get(start..end).unwrap_or(&[])
    }

    /// The figures of a block that cites footnotes and is no entry (an
    /// entry has its own): the only blocks whose figures are compared.
    pub fn block_figures(&self, index: usize) -> &[Figure] {
        match self.block_figures.binary_search_by_key(&index, |(i, _)| *i) {
            Ok(i) => &self.block_figures[i].1,
            Err(_) => &[],
        }
    }

    /// The block a line of the body belongs to.
    pub fn block_at(&self, line: usize) -> Option<&Block> {
        let i = self.blocks.partition_point(|b| b.line as usize <= line);
        self.blocks[..i].last().filter(|b| line <= b.end_line as usize)
    }

    /// A footnote as the reader sees it: `[3]`, or a named note's label as
    /// written (`[^gigabyte]`, `[n 1]`), not the number citecheck gave it.
    pub fn footnote(&self, number: u32) -> String {
        match self.labels.binary_search_by_key(&number, |(n, _)| *n) {
            Ok(i) => format!("[{}]", self.labels[i].1),
            Err(_) => format!("[{number}]"),
        }
    }
}

/// A body entry: one bullet (or dated paragraph) of the timeline.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub line: u32,
    /// Last line of the entry (continuation lines included).
    pub end_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<DateSpan>,
    /// The date as written, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_text: Option<CompactString>,
    /// Footnote numbers cited by this entry, in order of appearance.
    #[serde(skip_serializing_if = "SmallVec::is_empty")]
    pub footnotes: SmallVec<[u32; 4]>,
    /// Inline when there is at most one (most entries).
    #[serde(skip_serializing_if = "SmallVec::is_empty")]
    pub figures: SmallVec<[Figure; 1]>,
    #[serde(serialize_with = "crate::redact::ser_text")]
    pub text: Box<str>,
}

/// What a block of the body is.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    Heading,
    Paragraph,
    ListItem,
    /// A table's row: its cells are read as one line.
    TableRow,
    Quote,
    /// A term or its description in a definition list.
    Definition,
}

impl BlockKind {
    /// The block's kind in words, for messages.
    pub fn name(self) -> &'static str {
        match self {
            BlockKind::Heading => "heading",
            BlockKind::Paragraph => "paragraph",
            BlockKind::ListItem => "list item",
            BlockKind::TableRow => "table row",
            BlockKind::Quote => "quotation",
            BlockKind::Definition => "definition",
        }
    }
}

/// One block of the body: a run of lines that a blank line, a bullet, a
/// date or the markup (a heading, a table row) sets apart. A timeline entry
/// is a block that opens with a date or a bullet; it is also in
/// [`Document::entries`], with its date and text.
///
/// 20 bytes: a document may have hundreds of thousands. The markers and
/// links of the body are in reading order, and every one stands in a block:
/// a block's are those after the previous block's, up to its own ends
/// ([`Document::block_markers`], [`Document::block_links`]). The figures of
/// the few blocks that are ever compared are kept apart
/// ([`Document::block_figures`]).
#[derive(Debug, Clone)]
pub struct Block {
    pub kind: BlockKind,
    /// Whether the block is one of the document's entries.
    pub entry: bool,
    pub line: u32,
    pub end_line: u32,
    /// The end of its markers in [`Document::markers`].
    pub markers_end: u32,
    /// The end of its links in [`Document::body_links`].
    pub links_end: u32,
}

/// A footnote marker in the body, or in a note that cites a source
/// (MediaWiki's explanatory notes do).
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Marker {
    pub number: u32,
    pub line: u32,
    /// Made inside a note: it cites, but its place says nothing of the order
    /// in which the text cites its sources.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub in_note: bool,
}

/// A numbered item of the reference list.
#[derive(Debug, Clone)]
pub struct Reference {
    pub number: u32,
    pub line: usize,
    pub end_line: usize,
    /// Inline when there is one (most references cite one work).
    pub sources: SmallVec<[Source; 1]>,
}

impl Reference {
    pub fn urls(&self) -> impl Iterator<Item = &CitedUrl> {
        self.sources.iter().flat_map(|s| s.urls.iter())
    }
}

/// A reference in the JSON: a line left out is the line of what holds it
/// (a one-line reference's `end_line`, a source on its reference's first
/// line, a URL on its source's line), so that a large list is not mostly
/// line numbers.
impl Serialize for Reference {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Reference", 4)?;
        st.serialize_field("number", &self.number)?;
        st.serialize_field("line", &self.line)?;
        if self.end_line == self.line {
            st.skip_field("end_line")?;
        } else {
            st.serialize_field("end_line", &self.end_line)?;
        }
        let sources: Vec<SourceIn<'_>> = self.sources.iter().map(|src| SourceIn(src, self.line)).collect();
        st.serialize_field("sources", &sources)?;
        st.end()
    }
}

/// A source in its reference, whose first line is the second field.
struct SourceIn<'a>(&'a Source, usize);

impl Serialize for SourceIn<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let (src, parent) = (self.0, self.1);
        let mut st = s.serialize_struct("Source", 8)?;
        let text = |t: &Option<Box<str>>| t.as_deref().map(crate::redact::text);
        if src.line == parent {
            st.skip_field("line")?;
        } else {
            st.serialize_field("line", &src.line)?;
        }
        for (name, value) in [("publisher", text(&src.publisher)), ("title", text(&src.title))] {
            match value {
                Some(v) => st.serialize_field(name, &v)?,
                None => st.skip_field(name)?,
            }
        }
        match &src.date {
            Some(d) => st.serialize_field("date", d)?,
            None => st.skip_field("date")?,
        }
        if src.urls.is_empty() {
            st.skip_field("urls")?;
        } else {
            let urls: Vec<urls::UrlIn<'_>> = src.urls.iter().map(|u| urls::UrlIn(u, src.line)).collect();
            st.serialize_field("urls", &urls)?;
        }
        st.serialize_field("style", &src.style)?;
        for (name, value) in [
            ("locator", src.locator.as_deref().map(String::from)),
            ("identifier", text(&src.identifier)),
        ] {
            match value {
                Some(v) => st.serialize_field(name, &v)?,
                None => st.skip_field(name)?,
            }
        }
        st.end()
    }
}

/// One cited work inside a reference (a reference may cite several).
#[derive(Debug, Clone)]
pub struct Source {
    pub line: usize,
    pub publisher: Option<Box<str>>,
    pub title: Option<Box<str>>,
    pub date: Option<DateSpan>,
    /// Inline when there is one.
    pub urls: SmallVec<[CitedUrl; 1]>,
    /// The citation style the source is written in (a Japanese document may
    /// cite an English source in English style, and the reverse).
    pub style: Lang,
    /// Text after the last URL (page numbers and the like).
    pub locator: Option<Box<str>>,
    /// A standard identifier the source names (`ISBN 978-0-14-301867-4`,
    /// `doi:10.1000/x`): it is found without a URL.
    pub identifier: Option<Box<str>>,
}

/// Something in the input that could not be read as intended.
#[derive(Debug, Clone, Serialize)]
pub struct Anomaly {
    pub line: usize,
    pub kind: AnomalyKind,
    pub text: String,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AnomalyKind {
    /// A footnote marker or reference number that is not a usable number.
    InvalidNumber,
    /// A date that does not exist (month 13, February 30).
    InvalidDate,
}

/// Where a document comes from and how to read it.
#[derive(Debug, Clone)]
pub struct DocumentSpec {
    pub path: PathBuf,
    /// The path to show in reports.
    pub display: String,
    pub lang: Option<Lang>,
    pub format: Option<Format>,
}

/// Loads and parses one document.
pub fn load_document(spec: &DocumentSpec, cfg: &ParseConfig) -> Result<Document> {
    load_document_with(spec, cfg, &mut Vec::new())
}

/// [`load_document`] reading into `buffer`, which holds the file's bytes
/// afterwards: loading a set reuses one buffer.
pub fn load_document_with(spec: &DocumentSpec, cfg: &ParseConfig, buffer: &mut Vec<u8>) -> Result<Document> {
    let (text, encoding) = load::read_text(&spec.path, buffer)?;
    let format = spec.format.unwrap_or_else(|| Format::from_path(&spec.path));
    let lines = read_lines(format, &text);
    // The reader's lines, not the raw text: markup, scripts and entities
    // would otherwise outweigh a Japanese page's text.
    let lang = spec.lang.unwrap_or_else(|| detect_lines_lang(&lines));
    Ok(structure::parse(&spec.display, lang, format, encoding, &lines, cfg))
}

/// How a link target is checked: a web URL, a local file, or not at all
/// (a same-page fragment, `mailto:`, `tel:`, `javascript:`, `data:`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    Web(String),
    File(String),
    None,
}

impl LinkTarget {
    /// Classifies a target as written in a link.
    pub fn of(target: &str) -> LinkTarget {
        let t = target.trim();
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            return LinkTarget::Web(t.to_string());
        }
        if t.is_empty() || t.starts_with('#') || t.starts_with("//") {
            return LinkTarget::None;
        }
        // A scheme: letters, digits, `+`, `-`, `.`, then `:` (a Windows drive letter is a path).
        let scheme_len = t
            .find(':')
            .filter(|&i| i > 1 && t[..i].chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)));
        if scheme_len.is_some() {
            return LinkTarget::None;
        }
        LinkTarget::File(t.to_string())
    }
}

/// Turns text into numbered logical lines with the reader of its format.
pub fn read_lines(format: Format, text: &str) -> Lines<'_> {
    match format {
        Format::Text => Lines::plain(text),
        Format::Markdown => markdown::lines(text),
        Format::Html => html::lines(text),
    }
}

/// Guesses the language of a text: Japanese when a noticeable share of its
/// letters are kana or kanji.
pub fn detect_lang(text: &str) -> Lang {
    let mut count = ScriptCount::default();
    count.add(text);
    count.guess(None)
}

/// The language of what a reader made of a document: its lines' text, then
/// the language the document declares (`<html lang>`) unless the text
/// plainly contradicts it.
pub fn detect_lines_lang(lines: &Lines<'_>) -> Lang {
    let mut count = ScriptCount::default();
    for l in lines.iter() {
        if count.seen >= ScriptCount::ENOUGH {
            break;
        }
        count.add(l.text);
    }
    count.guess(lines.declared_lang)
}

/// Kana and kanji against Latin letters, over the first characters of a text.
#[derive(Default)]
struct ScriptCount {
    cjk: usize,
    latin: usize,
    seen: usize,
}

impl ScriptCount {
    const ENOUGH: usize = 200_000;

    fn add(&mut self, text: &str) {
        for c in text.chars().take(Self::ENOUGH - self.seen.min(Self::ENOUGH)) {
            self.seen += 1;
            if normalize::is_cjk(c) {
                self.cjk += 1;
            } else if c.is_ascii_alphabetic() {
                self.latin += 1;
            }
        }
    }

    fn guess(&self, declared: Option<Lang>) -> Lang {
        // Kana and kanji carry about three times the information of a Latin letter.
        let by_text = if self.cjk * 3 >= self.latin / 2 && self.cjk > 0 {
            Lang::Ja
        } else {
            Lang::En
        };
        match declared {
            // A template that says `lang="ja"` around English text, or the reverse.
            Some(Lang::Ja) if self.cjk == 0 && self.latin > 0 => Lang::En,
            Some(Lang::En) if self.cjk > 0 && self.cjk * 3 >= self.latin => Lang::Ja,
            Some(l) => l,
            None => by_text,
        }
    }
}

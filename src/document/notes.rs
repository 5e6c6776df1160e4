//! The general rule for notes in HTML, found by a first pass over the page.
//!
//! A link in the text to an element of the same page (`href="#id"` or an
//! address with a fragment naming one of the page's ids, or a
//! script link whose `onclick` names the element's id, as WordPress footnote
//! plugins write them) whose text is a note label (`1`, `[1]`, `*1`, `[n 1]`,
//! `[a]`, `†`) and whose target comes later in the page is a footnote marker.
//! The target's block (the element itself when it is a list item, table row,
//! paragraph, `div`, `dd` or `aside`, else the nearest such element holding
//! it) is the note, and the note's enclosing list, table or `div`/`section`
//! is the note list.
//!
//! That one rule reads the footnote HTML of pulldown-cmark, markdown-it,
//! Pandoc, kramdown, goldmark, MediaWiki, tDiary and WordPress plugins alike,
//! so there is no parser per renderer. A link back from a note to its marker
//! points backwards, and its text (`↩`, `^`, `*1`) is not read.
//!
//! Numbers are the ones the reader sees: a numeric label is its number, and a
//! note list that starts again at 1 (tDiary's notes under each section)
//! numbers on after the lists before it. Other labels (`[n 1]`, `[a]`) are
//! numbered after the highest numeric one, by first reference, as Markdown's
//! named footnotes are. A note that no marker links to, in a list with cited
//! notes, is still a note: an `<ol>` gives it its position, other lists the
//! next free number.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};

/// What the first pass found, keyed by tag index: the position of a start or
/// end tag among all the page's tags, the same in both passes because both
/// run the same tokenizer over the same text.
#[derive(Debug, Default)]
pub struct Notes {
    /// Each marker link's start tag → the number of the note it cites.
    pub markers: HashMap<usize, u32>,
    /// Each note's start tag → (its number, the tag index of its end).
    pub items: HashMap<usize, (u32, usize)>,
    /// Fragment links that point back up the page (from a note to its marker).
    pub backlinks: HashSet<usize>,
    /// The first number given to a note whose label is not a number.
    pub named_from: Option<u32>,
    /// Notes that are remarks, not citations: those of a notes group (a
    /// label that is not a number) and short citations, which link on to an
    /// entry of the page (its bibliography).
    pub remarks: Vec<u32>,
    /// The labels of notes whose label is not a number, by their number.
    pub labels: Vec<(u32, String)>,
}

/// Elements whose raw text the tokenizer must be told about, as in the reader.
pub fn raw_kind(name: &str) -> Option<RawKind> {
    match name {
        "script" => Some(RawKind::ScriptData),
        "style" | "noscript" | "xmp" | "iframe" | "noembed" | "noframes" => Some(RawKind::Rawtext),
        "title" | "textarea" => Some(RawKind::Rcdata),
        _ => None,
    }
}

/// Elements that have no end tag.
pub const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
];

/// Elements that can be a note.
const NOTE_BLOCKS: &[&str] = &["li", "tr", "p", "div", "dd", "aside"];
/// Elements that can hold a list of notes.
const NOTE_LISTS: &[&str] = &["ol", "ul", "table", "tbody", "dl", "div", "section", "aside", "footer"];
/// Elements a paragraph's start closes (the parser's implied `</p>`).
const CLOSES_P: &[&str] = &[
    "p",
    "div",
    "ul",
    "ol",
    "dl",
    "table",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "nav",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "figure",
    "hr",
    "address",
    "main",
];

struct Open {
    name: String,
    tag: usize,
}

#[derive(Clone, Copy)]
struct Block {
    end: Option<usize>,
    /// The start tag of the note list around it.
    list: Option<usize>,
}

struct Link {
    tag: usize,
    target: String,
    text: String,
}

#[derive(Default)]
struct Scan {
    tag: usize,
    stack: Vec<Open>,
    /// id or name → (start tag of the element holding it, its note block).
    targets: HashMap<String, (usize, Option<usize>)>,
    blocks: HashMap<usize, Block>,
    /// Each list item's position in its list (`<li value>` counts).
    ordinals: HashMap<usize, u32>,
    /// Each note list's own blocks, by its start tag.
    children: HashMap<usize, Vec<usize>>,
    /// The `<ol>`s among the lists.
    ordered: HashSet<usize>,
    links: Vec<Link>,
    open_link: Option<usize>,
    skip: Option<String>,
}

impl Scan {
    fn pop_to(&mut self, name: &str) {
        if let Some(i) = self.stack.iter().rposition(|o| o.name == name) {
            while self.stack.len() > i {
                let o = self.stack.pop().expect("stack holds i elements");
                self.close(&o);
            }
        }
    }

    fn close(&mut self, o: &Open) {
        if let Some(b) = self.blocks.get_mut(&o.tag) {
            b.end = Some(self.tag);
        }
    }

    fn start(&mut self, tag: &Tag) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        if self.skip.is_some() {
            return TokenSinkResult::Continue;
        }
        if let Some(kind) = raw_kind(name) {
            if !tag.self_closing {
                self.skip = Some(name.to_string());
            }
            return TokenSinkResult::RawData(kind);
        }
        let attr = |n: &str| {
            tag.attrs
                .iter()
                .find(|a| &*a.name.local == n)
                .map(|a| a.value.to_string())
        };
        // The end tags a browser would imply.
        match name {
            "li" => self.close_open_sibling("li", &["ul", "ol"]),
            "tr" => self.close_open_sibling("tr", &["table", "tbody", "thead", "tfoot"]),
            "dd" | "dt" => {
                self.close_open_sibling("dd", &["dl"]);
                self.close_open_sibling("dt", &["dl"]);
            }
            n if CLOSES_P.contains(&n) && self.stack.last().is_some_and(|o| o.name == "p") => self.pop_to("p"),
            _ => {}
        }
        let here = self.tag;
        if NOTE_BLOCKS.contains(&name) {
            let list = self
                .stack
                .iter()
                .rev()
                .find(|o| NOTE_LISTS.contains(&o.name.as_str()))
                .map(|o| o.tag);
            self.blocks.insert(here, Block { end: None, list });
            if let Some(l) = list {
                // Only a list's own items count, not blocks nested deeper in them.
                let direct = self
                    .stack
                    .iter()
                    .rev()
                    .take_while(|o| o.tag != l)
                    .all(|o| !NOTE_BLOCKS.contains(&o.name.as_str()) && o.name != "td" && o.name != "th")
                    || name == "tr";
                if direct {
                    let kids = self.children.entry(l).or_default();
                    kids.push(here);
                    if name == "li" {
                        let n = attr("value")
                            .and_then(|v| v.trim().parse().ok())
                            .unwrap_or(kids.len() as u32);
                        self.ordinals.insert(here, n);
                    }
                }
            }
        }
        if name == "ol" {
            self.ordered.insert(here);
        }
        for key in ["id", "name"] {
            if let Some(id) = attr(key).filter(|v| !v.is_empty()) {
                let block = if NOTE_BLOCKS.contains(&name) {
                    Some(here)
                } else if name.starts_with('h') && name.len() == 2 {
                    None
                } else {
                    self.stack
                        .iter()
                        .rev()
                        .find(|o| NOTE_BLOCKS.contains(&o.name.as_str()))
                        .map(|o| o.tag)
                };
                self.targets.entry(id).or_insert((here, block));
            }
        }
        if name == "a" {
            // `#id`, or an address with a fragment: a saved page often has its
            // links made absolute (`https://en.wikipedia.org/wiki/Page#cite_note-1`),
            // and a fragment that names a note of this page is taken as this page's.
            let target = attr("href")
                .and_then(|h| h.trim().split_once('#').map(|(_, f)| fragment(f)))
                .or_else(|| attr("onclick").and_then(|js| quoted_id(&js)));
            if let Some(target) = target {
                self.links.push(Link {
                    tag: here,
                    target,
                    text: String::new(),
                });
                self.open_link = Some(self.links.len() - 1);
            }
        }
        if !tag.self_closing && !VOID.contains(&name) {
            self.stack.push(Open {
                name: name.to_string(),
                tag: here,
            });
        }
        TokenSinkResult::Continue
    }

    /// Closes an open `li` (or `tr`, `dd`) when a new one starts in the same list.
    fn close_open_sibling(&mut self, name: &str, lists: &[&str]) {
        let sibling = self.stack.iter().rposition(|o| o.name == name);
        let list = self.stack.iter().rposition(|o| lists.contains(&o.name.as_str()));
        if let Some(s) = sibling
            && list.is_none_or(|l| l < s)
        {
            self.pop_to(name);
        }
    }

    fn end(&mut self, tag: &Tag) {
        let name: &str = &tag.name;
        if let Some(skipped) = &self.skip {
            if skipped == name {
                self.skip = None;
            }
            return;
        }
        if name == "a" {
            self.open_link = None;
        }
        if self.stack.iter().any(|o| o.name == name) {
            self.pop_to(name);
        }
    }
}

/// A fragment as the id it names (`#cite_note-%E6%97%A5` → `cite_note-日`).
fn fragment(f: &str) -> String {
    percent_encoding::percent_decode_str(f).decode_utf8_lossy().into_owned()
}

/// The id a script link scrolls to: `footnote_moveTo('footnote_ref_1')`.
fn quoted_id(js: &str) -> Option<String> {
    let q = js.find(['\'', '"'])?;
    let quote = js[q..].chars().next()?;
    let rest = &js[q + 1..];
    let id = &rest[..rest.find(quote)?];
    (!id.is_empty() && !id.contains(char::is_whitespace)).then(|| id.to_string())
}

/// A link's text as a note label: its number when it has one (`1`, `[1]`,
/// `*1`, `1:2`), or the label itself (`n 1`, `a`, `†`); `None` for the text
/// of an ordinary link (`History`, `Jump to content`).
fn label(text: &str) -> Option<Label> {
    let t = text
        .trim()
        .trim_start_matches(['[', '('])
        .trim_end_matches([']', ')'])
        .trim();
    if t.is_empty() || t.chars().count() > 12 {
        return None;
    }
    let numeric = t.trim_start_matches(['*', '※', '注', '#']);
    // markdown-it writes a note's second reference as `[1:1]`.
    let first = numeric.split(':').next().unwrap_or("");
    if !first.is_empty() && first.len() <= 6 && first.bytes().all(|b| b.is_ascii_digit()) {
        return first.parse().ok().map(Label::Number);
    }
    let symbols = t.chars().all(|c| "*†‡§¶".contains(c));
    // A notes group's label: `n 1`, `note 2` (not `King 2003`, a short citation).
    let group = t.split_once(' ').is_some_and(|(g, n)| {
        g.len() <= 6
            && g.bytes().all(|b| b.is_ascii_lowercase())
            && n.len() <= 3
            && n.bytes().all(|b| b.is_ascii_digit())
    });
    let letters = t.chars().count() <= 2 && t.chars().all(|c| c.is_ascii_lowercase());
    (symbols || group || letters).then(|| Label::Named(t.to_string()))
}

#[derive(Debug, Clone, PartialEq)]
enum Label {
    Number(u32),
    Named(String),
}

struct ScanSink(RefCell<Scan>);

impl TokenSink for ScanSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut s = self.0.borrow_mut();
        match token {
            Token::TagToken(tag) => {
                let r = match tag.kind {
                    TagKind::StartTag => s.start(&tag),
                    TagKind::EndTag => {
                        s.end(&tag);
                        TokenSinkResult::Continue
                    }
                };
                s.tag += 1;
                return r;
            }
            Token::CharacterTokens(t) if s.skip.is_none() => {
                if let Some(i) = s.open_link {
                    s.links[i].text.push_str(&t);
                }
            }
            Token::EOFToken => {
                while let Some(o) = s.stack.pop() {
                    s.close(&o);
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// Finds the page's notes and the markers that cite them.
pub fn scan(source: &str) -> Notes {
    let tokenizer = Tokenizer::new(ScanSink(RefCell::new(Scan::default())), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(source));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let mut scan = tokenizer.sink.0.into_inner();
    while let Some(o) = scan.stack.pop() {
        scan.close(&o);
    }
    plan(scan)
}

fn plan(scan: Scan) -> Notes {
    let mut notes = Notes::default();
    // Each cited note's block, its label, and its markers, in reading order.
    let mut cited: Vec<(usize, Label)> = Vec::new();
    let mut note_of: HashMap<usize, usize> = HashMap::new();
    let mut marker_blocks: Vec<(usize, usize)> = Vec::new();
    let mut dangling: Vec<(usize, u32)> = Vec::new();
    // Links to a later element of the page that is not a note: in a note, a short citation.
    let mut onward: Vec<usize> = Vec::new();
    for link in &scan.links {
        let Some(&(target, block)) = scan.targets.get(&link.target) else {
            // A back arrow to a marker that has no id of its own (`<a href="#fnref1">↩</a>`).
            let t = link.text.trim();
            if !t.is_empty() && t.chars().all(|c| "↩↑^⤴\u{fe0e}\u{fe0f}".contains(c)) {
                notes.backlinks.insert(link.tag);
            } else if let Some(Label::Number(n)) = label(t) {
                // A marker whose note is not on the page: cited, and missing.
                dangling.push((link.tag, n));
            }
            continue;
        };
        if target <= link.tag {
            notes.backlinks.insert(link.tag);
            continue;
        }
        let Some(block) = block.filter(|b| *b > link.tag) else {
            continue;
        };
        let Some(lbl) = label(&link.text) else {
            onward.push(link.tag);
            continue;
        };
        if let std::collections::hash_map::Entry::Vacant(e) = note_of.entry(block) {
            e.insert(cited.len());
            cited.push((block, lbl));
        }
        marker_blocks.push((link.tag, block));
    }
    if cited.is_empty() {
        return notes;
    }
    // Notes no marker cites, in the lists that hold cited notes.
    let lists: Vec<usize> = {
        let mut l: Vec<usize> = cited.iter().filter_map(|(b, _)| scan.blocks[b].list).collect();
        l.sort_unstable();
        l.dedup();
        l
    };
    let mut all: Vec<usize> = cited.iter().map(|(b, _)| *b).collect();
    for l in &lists {
        for &kid in scan.children.get(l).into_iter().flatten() {
            if !note_of.contains_key(&kid) && scan.blocks.contains_key(&kid) {
                all.push(kid);
            }
        }
    }
    all.sort_unstable();
    all.dedup();

    // Numeric labels first, list after list; a list that starts again numbers on.
    let mut number: HashMap<usize, u32> = HashMap::new();
    let mut offset: HashMap<Option<usize>, u32> = HashMap::new();
    // Asked once per list, not once per uncited note in it.
    let mut by_position: HashMap<Option<usize>, bool> = HashMap::new();
    let mut max = 0u32;
    for &b in &all {
        let list = scan.blocks[&b].list;
        let n = match note_of.get(&b).map(|&i| &cited[i].1) {
            Some(Label::Number(n)) => *n,
            Some(Label::Named(_)) => continue,
            // An uncited note of an ordered list: its position, if the list's cited notes agree with theirs.
            None => match list
                .filter(|l| scan.ordered.contains(l))
                .and_then(|_| scan.ordinals.get(&b))
            {
                Some(&o)
                    if *by_position
                        .entry(list)
                        .or_insert_with(|| list_numbered_by_position(&scan, &cited, list)) =>
                {
                    o
                }
                _ => continue,
            },
        };
        let off = *offset.entry(list).or_insert(if n <= max && max > 0 { max } else { 0 });
        let v = n + off;
        number.insert(b, v);
        max = max.max(v);
    }
    // Then named labels and the remaining uncited notes, after the highest number.
    notes.named_from = Some(max.saturating_add(1));
    let mut next = max;
    for (b, lbl) in &cited {
        if matches!(lbl, Label::Named(_)) && !number.contains_key(b) {
            next += 1;
            number.insert(*b, next);
        }
    }
    for &b in &all {
        number.entry(b).or_insert_with(|| {
            next += 1;
            next
        });
    }
    for (tag, block) in marker_blocks {
        notes.markers.insert(tag, number[&block]);
    }
    notes.markers.extend(dangling);
    for &b in &all {
        let end = scan.blocks[&b].end.unwrap_or(usize::MAX);
        notes.items.insert(b, (number[&b], end));
    }
    // A note with a label that is not a number is a notes group's remark, and keeps its label for messages.
    for (b, l) in &cited {
        if let Label::Named(s) = l {
            notes.remarks.push(number[b]);
            notes.labels.push((number[b], s.clone()));
        }
    }
    // `all` is in page order and notes do not overlap: each onward link's note is the last one starting before it.
    for tag in onward {
        let i = all.partition_point(|&b| b < tag);
        if let Some(&b) = i.checked_sub(1).and_then(|i| all.get(i))
            && scan.blocks[&b].end.is_some_and(|e| tag < e)
        {
            notes.remarks.push(number[&b]);
        }
    }
    notes
}

/// Whether a list's cited notes carry their position as their label (MediaWiki's `[3]` at the third item).
fn list_numbered_by_position(scan: &Scan, cited: &[(usize, Label)], list: Option<usize>) -> bool {
    cited
        .iter()
        .filter(|(b, _)| scan.blocks[b].list == list)
        .all(|(b, l)| matches!(l, Label::Number(n) if scan.ordinals.get(b) == Some(n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(label("[1]"), Some(Label::Number(1)));
        assert_eq!(label("*3"), Some(Label::Number(3)));
        assert_eq!(label("[1:1]"), Some(Label::Number(1)));
        assert_eq!(label("[n 1]"), Some(Label::Named("n 1".into())));
        assert_eq!(label("[a]"), Some(Label::Named("a".into())));
        assert_eq!(label("†"), Some(Label::Named("†".into())));
        assert_eq!(label("History"), None);
        assert_eq!(label("Jump to content"), None);
        assert_eq!(label(""), None);
    }

    #[test]
    fn a_table_of_contents_is_not_a_note_list() {
        let n = scan(
            "<ul><li><a href=\"#h\">History</a></li></ul><h2 id=\"h\">History</h2><p>Text<a href=\"#s1\">1</a></p><h2 id=\"s1\">1</h2>",
        );
        assert!(n.markers.is_empty());
        assert!(n.items.is_empty());
    }

    #[test]
    fn a_note_list_that_starts_again_numbers_on() {
        let page = "<p>a<a href=\"#f1\">*1</a> b<a href=\"#f2\">*2</a></p><div><p id=\"f1\">*1 x</p><p id=\"f2\">*2 y</p></div>\
                    <p>c<a href=\"#g1\">*1</a></p><div><p id=\"g1\">*1 z</p></div>";
        let n = scan(page);
        let mut got: Vec<u32> = n.markers.values().copied().collect();
        got.sort_unstable();
        assert_eq!(got, [1, 2, 3]);
        assert_eq!(n.items.len(), 3);
    }

    #[test]
    fn notes_group_entries_and_short_citations_are_remarks() {
        // `[n 1]` is an explanatory note; note 2 is a short citation of a bibliography entry.
        let page = "<p>a<a href=\"#n1\">[n 1]</a> b<a href=\"#c1\">[1]</a> c<a href=\"#c2\">[2]</a></p>\
                    <ol><li id=\"n1\">An explanation.</li></ol>\
                    <ol><li id=\"c1\">\"Title\", 2020, https://a.example/</li><li id=\"c2\"><a href=\"#CITEREFKing2003\">King 2003</a>, p. 41.</li></ol>\
                    <ul><li><cite id=\"CITEREFKing2003\">King, M. (2003). History.</cite></li></ul>";
        let mut n = scan(page);
        n.remarks.sort_unstable();
        assert_eq!(n.remarks, [2, 3], "[n 1] is numbered 3, after the numeric labels");
        assert_eq!(n.labels, [(3, "n 1".to_string())], "and keeps its label for messages");
    }

    #[test]
    fn an_uncited_note_keeps_its_place_in_an_ordered_list() {
        let page = "<p>a<a href=\"#n1\">[1]</a> b<a href=\"#n3\">[3]</a></p><ol><li id=\"n1\">x</li><li id=\"n2\">y</li><li id=\"n3\">z</li></ol><p>after</p>";
        let n = scan(page);
        let mut items: Vec<u32> = n.items.values().map(|v| v.0).collect();
        items.sort_unstable();
        assert_eq!(items, [1, 2, 3]);
    }
}

//! The HTML reader: saved web pages → logical lines, with line numbers that
//! point into the HTML source.
//!
//! It runs html5ever's tokenizer (the parser under scraper) rather than
//! scraper's tree, because the tokenizer reports the source line of every token
//! and a tree does not. Block elements end a logical line; entities are decoded;
//! `<script>`, `<style>` and `<title>` are skipped. Citation markup is rewritten
//! into the plain-text grammar:
//! - markers: `<a href="#fn3">`, `<a href="#cite_note-3">`, `<sup>[3]</sup>`,
//!   and `<sup>3</sup>` unless it follows a Latin letter or digit (an
//!   exponent: `km<sup>2</sup>`) → `[3]`;
//! - footnote items `<li id="fn3">` / `<li id="cite_note-3">` → `[3] …` (and
//!   they mark where the reference list starts when no heading does);
//! - other list items: `<ol>` → `N. …`, `<ul>` → `• …`;
//! - links: `<a href="http://…">text</a>` → `text http://…` (the URL once);
//!   a protocol-relative `//host/…` takes the scheme of `<base href>` or the
//!   canonical URL, else https.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::LazyLock;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
use regex::Regex;

use super::notes::{self, Notes, VOID};
use super::{BlockKind, Line, Lines, LinkTarget};

static SUP_NUMBERS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9]{1,9}(?:\s*[,\-–]\s*[0-9]{1,9})*$").expect("valid regex"));

const BLOCKS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "nav",
    "aside",
    "blockquote",
    "dd",
    "dt",
    "dl",
    "hr",
    "pre",
    "figure",
    "figcaption",
    "body",
    "html",
    "address",
];

/// The quotation marks that open a citation's title.
const QUOTES: [char; 4] = ['"', '“', '「', '『'];

/// Classes and ids of a page's chrome: the skin's navigation, edit links,
/// navigation boxes, category links, and MediaWiki's hidden citation
/// metadata and maintenance messages. Neither citation nor body text.
const CHROME_CLASSES: &[&str] = &[
    "mw-editsection",
    "mw-jump-link",
    "navbox",
    "vertical-navbox",
    "catlinks",
    "printfooter",
    "cs1-maint",
    "Z3988",
    "sistersitebox",
    "mw-indicators",
    "noprint",
    "metadata",
    "mw-logo",
    "mw-header",
    "vector-header-container",
];
const CHROME_IDS: &[&str] = &[
    "mw-navigation",
    "mw-head",
    "mw-panel",
    "footer",
    "catlinks",
    "siteSub",
    "jump-to-nav",
];

/// Whether an element is chrome or hidden (`style="display:none"`).
fn is_chrome(attr: &dyn Fn(&str) -> Option<String>) -> bool {
    let hidden = attr("style").is_some_and(|s| {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        s.to_ascii_lowercase().contains("display:none")
    });
    hidden
        || attr("class").is_some_and(|c| c.split_whitespace().any(|c| CHROME_CLASSES.contains(&c)))
        || attr("id").is_some_and(|id| CHROME_IDS.contains(&id.as_str()))
}

struct Anchor {
    /// A footnote's link back to its marker (`↩`): its text is dropped.
    backlink: bool,
    href: Option<String>,
    marker: Option<String>,
    text: String,
}

struct List {
    ordered: bool,
    next: u32,
}

#[derive(Default)]
struct State {
    out: Lines<'static>,
    cur: String,
    cur_line: u64,
    last_line: u64,
    /// The element being skipped, and how many of its name are open inside it.
    skip: Option<(String, usize)>,
    anchor: Option<Anchor>,
    sup: Option<String>,
    lists: Vec<List>,
    li_depth: usize,
    indent_next: bool,
    footnote_item: bool,
    in_pre: bool,
    /// Inside a `<cite>` (a MediaWiki CS1 citation, or any cited work): its
    /// links' URLs, written after the whole citation so that the citation
    /// reads as one source (title, work, date, then URL), as in text.
    cite: Option<Vec<String>>,
    /// A closed citation's URLs, held back until the next citation or the
    /// end of the line, so that a comment after a citation stays with it.
    cited_urls: Vec<String>,
    /// In a note written without `<cite>`, the URLs of its links, held back
    /// until the next link or the end of the line: the rest of the citation
    /// is read before them.
    linked_urls: Vec<String>,
    /// Where the open `<cite>`'s text starts in `cur`, and whether an `<i>`
    /// inside it is being read as its title.
    cite_start: usize,
    italic_title: bool,
    /// The page's own address, from `<base href>` or its canonical URL:
    /// relative and protocol-relative links are resolved against it.
    base: Option<url::Url>,
    /// Whether the base came from `<base href>` (which the canonical URL does not override).
    base_given: bool,
    /// Whether the page has marked a link `class="external"` (MediaWiki does).
    marks_external: bool,
    /// The page's notes and markers, from the first pass.
    notes: Notes,
    /// The index of the current tag among the page's tags (see [`Notes`]).
    tag: usize,
    /// Inside a note: the tag that ends it.
    note_end: Option<usize>,
    /// Nothing of the note's text read yet: its own label (`1`, `↑1`) is not its text.
    note_fresh: bool,
    /// The note being read has a quoted title already.
    note_titled: bool,
    /// The notes' lines, kept apart and put after the body at the end: a
    /// page may have text after its notes, or notes under each section.
    note_lines: Vec<Line<'static>>,
    /// The note being read: its number, whether it holds a `<cite>`, and
    /// whether it links to the web.
    note: Option<(u32, bool, bool)>,
    /// The kind of block the open element makes, when the markup names one
    /// (a heading, a table row, a quotation, a definition).
    block_kind: Option<BlockKind>,
    /// Notes read so far that hold a `<cite>`, and those that hold neither
    /// a `<cite>` nor a web link.
    cite_notes: usize,
    bare_notes: Vec<u32>,
}

impl State {
    /// Writes the held-back URLs of the last citation.
    fn emit_cited_urls(&mut self) {
        if !self.cited_urls.is_empty() {
            let urls = std::mem::take(&mut self.cited_urls);
            self.append_urls(&urls);
        }
        // A note's own links wait for the note's end: a block inside it (a
        // second paragraph, or a box a browser extension put there) does not
        // end the citation.
        if self.note_end.is_none() {
            self.emit_linked_urls();
        }
    }

    /// Writes URLs set apart from the text on both sides.
    fn append_urls(&mut self, urls: &[String]) {
        let lead = if self.cur.ends_with(' ') { "" } else { " " };
        self.append_inline(&format!("{lead}{} ", urls.join(" ")));
    }

    /// Writes the held-back URLs of a note's last link.
    fn emit_linked_urls(&mut self) {
        if !self.linked_urls.is_empty() {
            let urls = std::mem::take(&mut self.linked_urls);
            self.append_urls(&urls);
        }
    }

    fn flush(&mut self) {
        // A note's `[n] ` waits for its text (`<li id="fn1"><p>…`).
        if self.note_fresh && self.cited_urls.is_empty() && self.linked_urls.is_empty() {
            return;
        }
        self.emit_cited_urls();
        let text = std::mem::take(&mut self.cur);
        let line = if self.cur_line == 0 {
            self.last_line.max(1)
        } else {
            self.cur_line
        };
        self.cur_line = 0;
        if text.trim().is_empty() || is_bare_prefix(&text) {
            return;
        }
        let in_note = self.footnote_item || self.note_end.is_some();
        self.footnote_item = false;
        let line = Line {
            number: line as usize,
            text: Cow::Owned(text.trim_end().to_string()),
        };
        if in_note {
            self.note_lines.push(line);
        } else {
            if let Some(kind) = self.block_kind
                && self.out.kinds.last().is_none_or(|(l, _)| *l < line.number)
            {
                self.out.kinds.push((line.number, kind));
            }
            self.out.lines.push(line);
        }
    }

    fn text(&mut self, s: &str, line: u64) {
        if self.note_fresh && self.anchor.is_none() && self.sup.is_none() {
            let t = s.trim_matches(is_html_space);
            if t.is_empty() {
                return;
            }
            if is_label_text(t) {
                return;
            }
            self.note_fresh = false;
        }
        if let Some(sup) = self.sup.as_mut() {
            sup.push_str(s);
            return;
        }
        if self.anchor.is_some() {
            if self.cur_line == 0 && !s.trim_matches(is_html_space).is_empty() {
                self.begin_line(line);
            }
            if let Some(a) = self.anchor.as_mut() {
                a.text.push_str(s);
            }
            return;
        }
        if self.in_pre {
            let mut first = true;
            for piece in s.split('\n') {
                if !first {
                    self.flush();
                }
                first = false;
                self.push_inline(piece, line);
            }
            return;
        }
        self.push_inline(s, line);
    }

    fn push_inline(&mut self, s: &str, line: u64) {
        if self.note_end.is_some() && s.contains(QUOTES) {
            self.note_titled = true;
        }
        if self.cur_line == 0 && !s.trim_matches(is_html_space).is_empty() {
            // The token is reported on the line where it ends; count back to where its text starts.
            let first = s.find(|c: char| !is_html_space(c)).unwrap_or(0);
            self.begin_line(line.saturating_sub(s[first..].matches('\n').count() as u64).max(1));
        }
        let mut prev_space = self.cur.ends_with(' ') || self.cur.is_empty();
        // On a page whose notes the links show, a marker is a link: a bracketed
        // number in its text (`Baker (2010) [1966]`, `[citation needed]`) is
        // text. A word joiner after the bracket keeps the marker grammar off it.
        // (A note's text is not read for markers: it needs none.)
        let plain_brackets = !self.notes.markers.is_empty() && self.note_end.is_none();
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            if is_html_space(c) {
                if !prev_space {
                    self.cur.push(' ');
                }
                prev_space = true;
            } else {
                self.cur.push(c);
                if plain_brackets && matches!(c, '[' | '(') && chars.peek().is_some_and(char::is_ascii_digit) {
                    self.cur.push('\u{2060}');
                }
                prev_space = false;
            }
        }
    }

    /// The first text of a logical line: remember its line, indent a continuation.
    fn begin_line(&mut self, line: u64) {
        self.cur_line = line;
        if self.indent_next {
            self.cur.push_str("    ");
            self.indent_next = false;
        }
    }

    fn start(&mut self, tag: &Tag, line: u64) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        // The tokenizer must read raw text the same way in both passes, skipped or not.
        let raw = notes::raw_kind(name).filter(|_| !tag.self_closing);
        let result = raw.map_or(TokenSinkResult::Continue, TokenSinkResult::RawData);
        if let Some((skipped, depth)) = self.skip.as_mut() {
            if skipped == name && !tag.self_closing {
                *depth += 1;
            }
            // A box the skin styles as navigation can still hold a citation
            // the reader sees (a table of cities citing its census).
            if let Some(n) = self.notes.markers.get(&self.tag) {
                self.out.note_markers.push((line.max(1) as usize, *n));
            }
            return result;
        }
        let attr = |n: &str| {
            tag.attrs
                .iter()
                .find(|a| &*a.name.local == n)
                .map(|a| a.value.to_string())
        };
        if !tag.self_closing && !VOID.contains(&name) && is_chrome(&attr) {
            self.skip = Some((name.to_string(), 1));
            return result;
        }
        if raw.is_some() || name == "template" {
            if !tag.self_closing {
                self.skip = Some((name.to_string(), 1));
            }
            return result;
        }
        let item = self.notes.items.get(&self.tag).copied();
        if let Some((n, end)) = item {
            // A note: `[n] ` and its text, as a reference item reads in text.
            self.flush();
            if name == "li" {
                self.li_depth += 1;
                if let Some(list) = self.lists.last_mut() {
                    list.next += 1;
                }
            }
            self.cur_line = line;
            self.cur.push_str(&format!("[{n}] "));
            self.footnote_item = true;
            self.note_end = Some(end);
            self.note_fresh = true;
            self.note_titled = false;
            self.note = Some((n, false, false));
            return result;
        }
        match name {
            "br" => {
                self.flush();
                self.indent_next = self.li_depth > 0;
            }
            "ul" | "ol" => {
                self.flush();
                let start = attr("start").and_then(|s| s.trim().parse().ok()).unwrap_or(1);
                self.lists.push(List {
                    ordered: name == "ol",
                    next: start,
                });
            }
            "li" => {
                self.flush();
                self.li_depth += 1;
                self.cur_line = line;
                if let Some(list) = self.lists.last_mut() {
                    if let Some(v) = attr("value").and_then(|v| v.trim().parse().ok()) {
                        list.next = v;
                    }
                    if list.ordered {
                        self.cur.push_str(&format!("{}. ", list.next));
                        list.next += 1;
                    } else {
                        self.cur.push_str("• ");
                    }
                } else {
                    self.cur.push_str("• ");
                }
            }
            "a" => {
                let href = attr("href");
                // An address written whole names another site; a relative
                // one is the site's own page (a wikilink), cited by nobody.
                let to_web = href
                    .as_deref()
                    .is_some_and(|h| matches!(LinkTarget::of(h), LinkTarget::Web(_)) || h.trim().starts_with("//"));
                let number = self.notes.markers.get(&self.tag).copied();
                let marker = number.map(|n| n.to_string());
                // A link from a note back up to its marker (`↩`, `^`).
                let backlink = self.notes.backlinks.contains(&self.tag) && self.in_notes();
                // A page that marks its external links (MediaWiki's `external`
                // class) says which links of a citation are the cited source:
                // the others (`…/wiki/ISBN_(identifier)`, an author's article)
                // are the site's own, however their URL is written.
                let external = attr("class").is_some_and(|c| c.split_whitespace().any(|c| c == "external"));
                self.marks_external |= external;
                let own_site = !external && self.marks_external && self.in_notes();
                let href = match (&marker, href) {
                    (None, Some(_)) if own_site => None,
                    (None, Some(h)) => self.absolute(&h, line),
                    _ => None,
                };
                // In a note, a link to another work starts another source:
                // the URLs held back for the one before are written first.
                if href.is_some() && self.note_end.is_some() && self.cite.is_none() {
                    self.emit_linked_urls();
                }
                if to_web
                    && href.is_some()
                    && let Some((_, _, links)) = self.note.as_mut()
                {
                    *links = true;
                }
                if let Some(n) = number {
                    // `<sup><a href="#fn1">1</a></sup>`: the anchor makes the marker.
                    self.sup = None;
                    if self.note_end.is_some() {
                        self.out.note_markers.push((line.max(1) as usize, n));
                    }
                }
                self.anchor = Some(Anchor {
                    href,
                    marker,
                    backlink,
                    text: String::new(),
                });
            }
            "sup" if self.anchor.is_none() => self.sup = Some(String::new()),
            "cite" if self.cite.is_none() => {
                if let Some((_, cites, _)) = self.note.as_mut() {
                    *cites = true;
                }
                self.emit_cited_urls();
                self.cite = Some(Vec::new());
                self.cite_start = self.cur.len();
            }
            // A book's title is in italics, not quotes (CS1's `citation book`):
            // the first italics of a citation with no quoted title is its title.
            // (Often the title is also the link: `<a href=…><i>Title</i></a>`.)
            "i" if (self.cite.is_some() || self.note_end.is_some()) && !self.italic_title => {
                let in_link = self.anchor.as_ref().is_some_and(|a| a.text.contains(QUOTES));
                if !self.has_title() && !in_link {
                    self.inline_text("“");
                    self.italic_title = true;
                }
            }
            "html" => {
                // `lang` and `xml:lang` share the local name.
                self.out.declared_lang = attr("lang").and_then(|l| {
                    let primary = l.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
                    match primary.as_str() {
                        "ja" | "jp" => Some(crate::model::Lang::Ja),
                        "en" => Some(crate::model::Lang::En),
                        _ => None,
                    }
                });
            }
            "base" => {
                if let Some(u) = attr("href").as_deref().and_then(web_base) {
                    self.base = Some(u);
                    self.base_given = true;
                }
            }
            "link" if attr("rel").is_some_and(|r| r.eq_ignore_ascii_case("canonical")) && !self.base_given => {
                if let Some(u) = attr("href").as_deref().and_then(web_base) {
                    self.base = Some(u);
                }
            }
            "img" => {
                // An image is a link too.
                if let Some(src) = attr("src").and_then(|s| self.absolute(&s, line)) {
                    self.append_inline(&format!(" {src} "));
                }
            }
            "td" | "th" => self.cur.push(' '),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "tr" | "blockquote" | "dd" | "dt" => {
                self.flush();
                self.block_kind = Some(match name {
                    "tr" => BlockKind::TableRow,
                    "blockquote" => BlockKind::Quote,
                    "dd" | "dt" => BlockKind::Definition,
                    _ => BlockKind::Heading,
                });
            }
            "pre" => {
                self.flush();
                self.in_pre = true;
            }
            n if BLOCKS.contains(&n) => self.flush(),
            _ => {}
        }
        TokenSinkResult::Continue
    }

    fn end(&mut self, tag: &Tag) {
        let name: &str = &tag.name;
        if let Some((skipped, depth)) = self.skip.as_mut() {
            if skipped == name {
                *depth -= 1;
                if *depth == 0 {
                    self.skip = None;
                }
            }
            return;
        }
        match name {
            "a" => {
                if let Some(a) = self.anchor.take() {
                    // A link's text reads as the page shows it: one space for any run of white space.
                    let text = a
                        .text
                        .split(is_html_space)
                        .filter(|w| !w.is_empty())
                        .collect::<Vec<_>>()
                        .join(" ");
                    // A note's own label, as a link that leads nowhere (`<a role="button">↑1</a>`).
                    let own_label = self.note_fresh && a.href.is_none() && a.marker.is_none() && is_label_text(&text);
                    if !a.backlink && !own_label && !text.is_empty() {
                        self.note_fresh = false;
                    }
                    // A linked work's title is the link's text, when the
                    // citation quotes none (CS1's reports and web pages,
                    // `<a href=…>The state of the environment</a>`).
                    let text = if self.in_notes()
                        && a.href.is_some()
                        && a.marker.is_none()
                        && !self.has_title()
                        && !self.italic_title
                        && !text.contains(QUOTES)
                        && !text.contains("://")
                        && text.chars().count() >= 4
                    {
                        format!("“{text}”")
                    } else {
                        text
                    };
                    if self.note_end.is_some() && text.contains(QUOTES) {
                        self.note_titled = true;
                    }
                    let piece = match (a.marker, a.href) {
                        _ if a.backlink || own_label => String::new(),
                        (Some(n), _) => format!("[{n}]"),
                        (None, Some(href)) if self.cite.is_some() => {
                            if let Some(urls) = self.cite.as_mut() {
                                urls.push(href);
                            }
                            text
                        }
                        // A note written without `<cite>` reads the same way: a
                        // link's URL after the rest of its citation (`"Title".
                        // The Reporter, September 8, 2019. URL`), as in text.
                        (None, Some(href)) if self.note_end.is_some() && !text.contains(href.trim()) => {
                            self.linked_urls.push(href);
                            text
                        }
                        (None, Some(href)) if !text.contains(href.trim()) => {
                            if text.is_empty() {
                                href
                            } else {
                                format!("{text} {href}")
                            }
                        }
                        _ => text,
                    };
                    self.append_inline(&piece);
                }
            }
            "sup" => {
                if let Some(s) = self.sup.take() {
                    let inner = s
                        .trim()
                        .trim_start_matches(['[', '('])
                        .trim_end_matches([']', ')'])
                        .trim();
                    // `[2]` is a note; a bare `2` right after a Latin letter
                    // or digit (`km²`, `n²`, `10⁶`) is an exponent.
                    let bracketed = s.trim().starts_with(['[', '(']);
                    let exponent = !bracketed && self.cur.ends_with(|c: char| c.is_ascii_alphanumeric());
                    let piece = if self.note_fresh {
                        // A note's leading label (`<sup>1</sup>` in pulldown-cmark's notes).
                        String::new()
                    } else if SUP_NUMBERS.is_match(inner) && !exponent {
                        format!("[{inner}]")
                    } else {
                        s
                    };
                    self.append_inline(&piece);
                }
            }
            "i" if self.italic_title => {
                self.inline_text("”");
                self.italic_title = false;
                if self.note_end.is_some() {
                    self.note_titled = true;
                }
            }
            "cite" => {
                if self.italic_title {
                    self.inline_text("”");
                    self.italic_title = false;
                }
                if let Some(urls) = self.cite.take() {
                    self.cited_urls.extend(urls);
                }
            }
            "ul" | "ol" => {
                self.flush();
                self.separate();
                self.lists.pop();
            }
            "li" => {
                self.flush();
                self.separate();
                self.li_depth = self.li_depth.saturating_sub(1);
                self.indent_next = false;
            }
            "pre" => {
                self.flush();
                self.in_pre = false;
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "tr" | "blockquote" | "dd" | "dt" => {
                self.flush();
                self.separate();
                self.block_kind = None;
            }
            n if BLOCKS.contains(&n) => {
                self.flush();
                self.separate();
            }
            _ => {}
        }
    }

    /// Ends a block with an empty line, as a blank line ends a paragraph in
    /// text: the structure parser reads a non-indented line right after a
    /// reference item as its continuation, and after a blank as the list's end.
    fn separate(&mut self) {
        if self.note_end.is_some() {
            // A note's later paragraphs continue it.
            self.indent_next = true;
            return;
        }
        if self.out.lines.last().is_some_and(|l| !l.text.is_empty()) {
            let number = self.last_line.max(1) as usize;
            self.out.lines.push(Line {
                number,
                text: Cow::Borrowed(""),
            });
        }
    }

    /// Adds text where the current text goes: into an open link's text, else the line.
    fn inline_text(&mut self, s: &str) {
        match self.anchor.as_mut() {
            Some(a) => a.text.push_str(s),
            None => self.cur.push_str(s),
        }
    }

    fn append_inline(&mut self, piece: &str) {
        if self.anchor.is_none() && self.cur_line == 0 && !piece.trim().is_empty() {
            self.begin_line(self.last_line);
        }
        if let Some(a) = self.anchor.as_mut() {
            a.text.push_str(piece);
        } else {
            self.cur.push_str(piece);
        }
    }
}

impl State {
    /// Inside a citation or a list of notes.
    fn in_notes(&self) -> bool {
        self.cite.is_some() || self.note_end.is_some()
    }

    /// Whether the citation being read (a `<cite>`, else a note) has a quoted title already.
    fn has_title(&self) -> bool {
        match self.cite {
            Some(_) => self.cur.get(self.cite_start..).unwrap_or("").contains(QUOTES),
            None => self.note_titled,
        }
    }

    /// After each tag: a note or the list of notes may have ended at it.
    fn after_tag(&mut self) {
        if self.note_end.is_some_and(|e| self.tag >= e) {
            self.flush();
            self.separate();
            self.note_end = None;
            self.note_fresh = false;
            self.indent_next = false;
            match self.note.take() {
                Some((_, true, _)) => self.cite_notes += 1,
                Some((n, false, false)) => self.bare_notes.push(n),
                _ => {}
            }
        }
        self.tag += 1;
    }

    /// A link target as an absolute web URL: http(s) as written, or relative
    /// and protocol-relative ones resolved against the page's base (a
    /// protocol-relative link takes https when the page names none). A
    /// relative link on a page with no base is a local file, kept apart.
    /// Fragments, `mailto:` and the like are not links to check.
    fn absolute(&mut self, href: &str, line: u64) -> Option<String> {
        let h = href.trim();
        // In a citation or a list of notes, a relative link is the site's own
        // (an author's article, an ISBN search page), not the cited source.
        let in_notes = self.in_notes();
        match LinkTarget::of(h) {
            LinkTarget::Web(u) => Some(u),
            LinkTarget::File(_) if in_notes => None,
            LinkTarget::File(f) => match &self.base {
                Some(base) => base.join(&f).ok().map(String::from),
                // A site-relative link (`/wiki/X`) on a page with no base names no local file.
                None if f.starts_with('/') => None,
                None => {
                    self.out.local_links.push((line.max(1) as usize, f));
                    None
                }
            },
            LinkTarget::None if h.starts_with("//") && h.len() > 2 => {
                let scheme = self.base.as_ref().map_or("https", |b| b.scheme());
                Some(format!("{scheme}:{h}"))
            }
            LinkTarget::None => None,
        }
    }
}

/// An http(s) address a page gives as its own.
fn web_base(href: &str) -> Option<url::Url> {
    url::Url::parse(href.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
}

fn is_html_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0C')
}

/// Text that is only a note's label (`1`, `*1`, `↑1`, `^`), not its content.
fn is_label_text(t: &str) -> bool {
    let t = t.trim_matches(is_html_space);
    t.chars().count() <= 8 && t.chars().all(|c| "↑^↩*[]()#.:".contains(c) || c.is_ascii_digit())
}

fn is_bare_prefix(t: &str) -> bool {
    let t = t.trim();
    t == "•" || (t.ends_with('.') && t[..t.len() - 1].bytes().all(|b| b.is_ascii_digit()))
}

struct Sink(RefCell<State>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        let mut st = self.0.borrow_mut();
        st.last_line = line;
        match token {
            Token::TagToken(tag) => {
                // The tag that ends a note (its end tag, or the start of the
                // next item): the note's held-back URLs close its last line.
                if st.note_end.is_some_and(|e| st.tag >= e) {
                    st.emit_linked_urls();
                }
                let result = match tag.kind {
                    TagKind::StartTag => st.start(&tag, line),
                    TagKind::EndTag => {
                        st.end(&tag);
                        TokenSinkResult::Continue
                    }
                };
                st.after_tag();
                return result;
            }
            Token::CharacterTokens(t) if st.skip.is_none() => st.text(&t, line),
            Token::EOFToken => st.flush(),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// Reads HTML into logical lines.
pub fn lines(source: &str) -> Lines<'static> {
    let state = State {
        notes: notes::scan(source),
        ..State::default()
    };
    let tokenizer = Tokenizer::new(Sink(RefCell::new(state)), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(source));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let mut st = tokenizer.sink.0.into_inner();
    st.flush();
    st.out.named_from = st.notes.named_from;
    st.out.remarks = std::mem::take(&mut st.notes.remarks);
    // Only a page that marks its citations (`<cite>`, as MediaWiki's CS1
    // does) says anything by leaving a note unmarked.
    if st.cite_notes > 0 {
        st.out.bare_notes = std::mem::take(&mut st.bare_notes);
    }
    st.out.labels = std::mem::take(&mut st.notes.labels);
    if !st.note_lines.is_empty() {
        // The notes, after all the body: what follows a list of notes
        // (more sections, external links) is body, not part of a reference.
        st.separate();
        st.out.reference_start = Some(st.out.lines.len());
        st.out.lines.append(&mut st.note_lines);
        st.out.reference_end = Some(st.out.lines.len());
        st.out.notes_apart = true;
    }
    st.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(html: &str) -> Vec<(usize, String)> {
        lines(html)
            .lines
            .into_iter()
            .filter(|l| !l.text.is_empty())
            .map(|l| (l.number, l.text.into_owned()))
            .collect()
    }

    #[test]
    fn markers_items_and_links() {
        let html = "<html><head><title>T</title><script>var a='[9]';</script></head><body>\n<ul>\n<li>2014年2月3日:会合。<sup><a href=\"#fn1\">1</a></sup></li>\n<li>June 2014: met.<sup>2</sup> &amp; more</li>\n</ul>\n<h2>参考文献</h2>\n<ol>\n<li id=\"fn1\">外務省「題」<br>\n<a href=\"http://a.jp/x.html\">http://a.jp/x.html</a></li>\n<li id=\"cite_note-2\">Jiji, “T,” <a href=\"https://b.jp/y\">link</a>.</li>\n</ol></body></html>";
        let got = texts(html);
        assert_eq!(
            got,
            vec![
                (3, "• 2014年2月3日:会合。[1]".to_string()),
                (4, "• June 2014: met.[2] & more".to_string()),
                (6, "参考文献".to_string()),
                (8, "[1] 外務省「題」".to_string()),
                (9, "    http://a.jp/x.html".to_string()),
                (10, "[2] Jiji, “T,” link. https://b.jp/y".to_string()),
            ]
        );
        let read = lines(html);
        assert_eq!(read.lines[read.reference_start.unwrap()].text, "[1] 外務省「題」");
    }

    #[test]
    fn exponents_are_not_markers_and_bracketed_sups_are() {
        let got = texts(
            "<p>An area of 3 km<sup>2</sup>, n<sup>2</sup> steps and 10<sup>6</sup> bytes.<sup>[4]</sup> Met.<sup>5</sup> 会合<sup>6</sup></p>",
        );
        assert_eq!(
            got,
            vec![(
                1,
                "An area of 3 km2, n2 steps and 106 bytes.[4] Met.[5] 会合[6]".to_string()
            )]
        );
    }

    #[test]
    fn protocol_relative_links_take_the_pages_scheme() {
        let page = |head: &str| {
            texts(&format!(
                "<html><head>{head}</head><body><p><a href=\"//doi.org/10.1000/x\">doi</a> <a href=\"/wiki/Local\">local</a> <a href=\"mailto:a@b.c\">mail</a></p></body></html>"
            ))
        };
        // No base: the site-relative link names no file and is left alone.
        assert_eq!(page("")[0].1, "doi https://doi.org/10.1000/x local mail");
        assert!(
            lines("<html><body><p><a href=\"/wiki/Local\">x</a></p></body></html>")
                .local_links
                .is_empty()
        );
        // A base resolves relative links as well as protocol-relative ones; <base href> wins.
        assert_eq!(
            page("<link rel=\"canonical\" href=\"http://old.example/page\">")[0].1,
            "doi http://doi.org/10.1000/x local http://old.example/wiki/Local mail"
        );
        assert_eq!(
            page("<base href=\"https://b.example/\"><link rel=\"canonical\" href=\"http://old.example/\">")[0].1,
            "doi https://doi.org/10.1000/x local https://b.example/wiki/Local mail"
        );
        // With no base, a relative link is a local file; an image is a link too.
        let read = lines(
            "<html><body><p><a href=\"guide/intro.html#setup\">guide</a> <img src=\"img/c.png\"> <img src=\"https://a.example/i.png\"></p></body></html>",
        );
        assert_eq!(
            read.local_links,
            [(1, "guide/intro.html#setup".to_string()), (1, "img/c.png".to_string())]
        );
        assert!(read.lines.iter().any(|l| l.text.contains("https://a.example/i.png")));
    }

    #[test]
    fn a_japanese_page_is_japanese_however_it_is_written() {
        use crate::document::detect_lines_lang;
        use crate::model::Lang;
        // Written in entities only, and with markup that outweighs the text.
        let entities =
            "<html><body><p>&#x65E5;&#x672C;&#x306E;&#x30B5;&#x30A4;&#x30D0;&#x30FC;&#x653F;&#x7B56;</p></body></html>";
        assert_eq!(detect_lines_lang(&lines(entities)), Lang::Ja);
        let heavy = format!(
            "<html><head><script>{}</script></head><body><div class=\"navigation-wrapper-left\"><p>日本のサイバー政策について。</p></div></body></html>",
            "var analytics = 'tracking code here';".repeat(50)
        );
        assert_eq!(detect_lines_lang(&lines(&heavy)), Lang::Ja);
        // A declared language counts, unless the text plainly says otherwise.
        let declared = "<html lang=\"ja-JP\"><body><p>2014 東京 Tokyo Meeting report summary</p></body></html>";
        assert_eq!(detect_lines_lang(&lines(declared)), Lang::Ja);
        let wrong = "<html lang=\"ja\"><body><p>An English article on a Japanese template.</p></body></html>";
        assert_eq!(detect_lines_lang(&lines(wrong)), Lang::En);
    }

    #[test]
    fn a_citation_is_one_source_and_the_skin_is_not_read() {
        let page = "<html><body><div id=\"mw-navigation\"><a href=\"https://nav.example/\">Nav</a></div>\
<p>Text.<sup><a href=\"#cite_note-1\">[1]</a></sup><sup><a href=\"#cite_note-2\">[2]</a></sup></p>\
<ol class=\"references\">\
<li id=\"cite_note-1\"><span class=\"reference-text\"><cite class=\"citation web\"><a class=\"external text\" href=\"http://a.example/x\">\"Title A\"</a>. <i>Work</i><span class=\"reference-accessdate\">. Retrieved 2016-05-01</span>.</cite><span class=\"Z3988\"><span style=\"display:none;\">&#160;</span></span> A comment.<span class=\"cs1-maint citation-comment\">CS1 maint: x (<a href=\"/wiki/C\">link</a>)</span></span></li>\
<li id=\"cite_note-2\"><cite class=\"citation book\">Ross, A. (1994). <i>A Book</i>. Press. <a href=\"https://wiki.example/wiki/ISBN\">ISBN</a> 1</cite></li>\
<li id=\"cite_note-3\"><cite class=\"citation\"><a class=\"external text\" href=\"https://c.example/\"><i>Linked Book</i></a>, Mozilla</cite></li>\
</ol>\
<p><a href=\"http://after.example/\">After the list</a></p>\
<div class=\"navbox\"><a href=\"https://navbox.example/\">Box</a></div></body></html>";
        let read = lines(page);
        let t: Vec<&str> = read
            .lines
            .iter()
            .map(|l| l.text.as_ref())
            .filter(|t| !t.is_empty())
            .collect();
        assert_eq!(
            t,
            [
                "Text.[1][2]",
                "After the list http://after.example/",
                "[1] \"Title A\". Work. Retrieved 2016-05-01. A comment. http://a.example/x",
                "[2] Ross, A. (1994). “A Book”. Press. ISBN 1",
                "[3] “Linked Book”, Mozilla https://c.example/",
            ]
        );
        // The notes come after all the body, and end the lines: what followed
        // the list on the page is body text.
        assert!(read.notes_apart);
        let start = read.reference_start.expect("the notes' start is marked");
        assert_eq!(
            read.lines[start].text,
            "[1] \"Title A\". Work. Retrieved 2016-05-01. A comment. http://a.example/x"
        );
        assert_eq!(read.reference_end, Some(read.lines.len()));
    }

    #[test]
    fn a_note_without_cite_reads_its_link_after_the_rest_of_the_citation() {
        // The link is the title; the work and the date follow it, past a box
        // a browser extension put inside the note. Two links are two sources.
        let page = "<p>Claim.<sup><a href=\"#n1\">[1]</a></sup> More.<sup><a href=\"#n2\">[2]</a></sup><sup><a href=\"#n3\">[3]</a></sup></p><ol>\
<li id=\"n1\">July, <a href=\"https://a.example/review\">\"A review\"</a><div class=\"shield\"></div>. <i>The Reporter</i>, September 8, 2019.</li>\
<li id=\"n2\"><a href=\"https://b.example/1\">Report one</a>, 2018; <a href=\"https://c.example/2\">Report two</a>, 2019.</li>\
<li id=\"n3\"><a href=\"https://d.example/v\"><i>Visualizing</i> A blog, 2015</a></li></ol>";
        let read = lines(page);
        let notes: Vec<&str> = read.lines[read.reference_start.unwrap()..]
            .iter()
            .map(|l| l.text.as_ref())
            .collect();
        assert_eq!(
            notes,
            [
                "[1] July, \"A review\"",
                "    . The Reporter, September 8, 2019. https://a.example/review",
                // A link's text is the title when nothing else is quoted; italics are, first.
                "[2] “Report one”, 2018; https://b.example/1 Report two, 2019. https://c.example/2",
                "[3] “Visualizing” A blog, 2015 https://d.example/v",
            ]
        );
    }

    #[test]
    fn notes_without_citation_markup_are_named_only_on_pages_that_use_it() {
        // Note 2 has neither `<cite>` nor a link to another site (the
        // wikilink is the site's own); note 3 links out.
        let notes = "<p>a<sup><a href=\"#n1\">[1]</a></sup> b<sup><a href=\"#n2\">[2]</a></sup> \
                     c<sup><a href=\"#n3\">[3]</a></sup></p><ol>\
                     <li id=\"n1\"><cite>Ross (1994). <i>A Book</i>.</cite></li>\
                     <li id=\"n2\">Also known as <a href=\"/wiki/R\">the ratio</a>.</li>\
                     <li id=\"n3\"><a href=\"https://x.example/\">Notes</a> at a college</li></ol>";
        let html = format!(
            "<html><head><link rel=\"canonical\" href=\"https://w.example/wiki/P\"></head><body>{notes}</body></html>"
        );
        assert_eq!(lines(&html).bare_notes, [2]);
        // Without a single `<cite>`, an unmarked note says nothing.
        assert!(
            lines(&html.replace("<cite>", "<span>").replace("</cite>", "</span>"))
                .bare_notes
                .is_empty()
        );
    }

    #[test]
    fn multi_line_text_keeps_its_first_line() {
        let got = texts("<p>\nfirst\nsecond</p>\n<p>third</p>");
        assert_eq!(got, vec![(2, "first second".to_string()), (4, "third".to_string())]);
    }
}

//! `citecheck fix`: corrected copies of the documents. Each doubtful URL with
//! a verified snapshot gets an archive note in the document's own language and
//! form; hygiene fixes are applied (stray punctuation removed from URLs, URLs
//! run into the next word split). Nothing else changes, byte for byte, and the
//! file is written back in the encoding it was read in. The tool reads its own
//! notes, so running fix twice gives the same files.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::archive::Snapshot;
use crate::document::{Document, Hygiene, load};
use crate::error::Result;
use crate::links::LinkResult;
use crate::model::{Format, Lang};
use crate::redact;
use crate::run::Run;

/// One corrected document.
#[derive(Debug, Clone)]
pub struct Fixed {
    pub path: PathBuf,
    pub original: String,
    pub fixed: String,
    pub encoding: String,
    pub notes: usize,
    pub hygiene: usize,
}

#[derive(Debug)]
enum Edit {
    Insert(String),
    Delete(usize),
}

use crate::document::dates::MONTH_NAMES as MONTHS;

/// The archive note for a snapshot, in the document's language and form.
pub fn note(lang: Lang, format: Format, s: &Snapshot) -> String {
    let (y, m, d) = {
        let c = &s.captured;
        let n = |a: usize, b: usize| c.get(a..b).and_then(|x| x.parse::<u32>().ok()).unwrap_or(0);
        (n(0, 4), n(5, 7), n(8, 10))
    };
    let month = MONTHS.get((m as usize).wrapping_sub(1)).copied().unwrap_or("");
    let url = &s.archived_url;
    let attr = url.replace('&', "&amp;").replace('"', "&quot;");
    match (lang, format) {
        (Lang::Ja, Format::Text) => format!("（{y}年{m}月{d}日アーカイブ：{url} ）"),
        (Lang::Ja, Format::Markdown) => format!("（[{y}年{m}月{d}日アーカイブ]({url})）"),
        (Lang::Ja, Format::Html) => format!("（<a href=\"{attr}\">{y}年{m}月{d}日アーカイブ</a>）"),
        (Lang::En, Format::Text) => format!(" (archived at {url} on {month} {d}, {y})"),
        (Lang::En, Format::Markdown) => format!(" ([archived]({url}) on {month} {d}, {y})"),
        (Lang::En, Format::Html) => format!(" (<a href=\"{attr}\">archived</a> on {month} {d}, {y})"),
    }
}

/// Splits text into lines that keep their line endings.
fn split_keep(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\n' || b[i] == b'\r' {
            let end = if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
                i + 2
            } else {
                i + 1
            };
            out.push(&text[start..end]);
            start = end;
            i = end;
        } else {
            i += 1;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Plans the corrections of one document of a run.
pub fn fix_document(doc: &Document, path: &Path, run: &Run) -> Result<Fixed> {
    let decoded = load::read(path)?;
    // The document's URLs find their link by its (redacted) URL, and the link its snapshot by id.
    let link_by_url: HashMap<&str, (&LinkResult, Option<&Snapshot>)> = run
        .links_with_snapshots()
        .map(|(l, s)| (l.url.as_str(), (l, s.filter(|s| s.verified))))
        .collect();
    // Edits per line: (byte offset in the line, order, edit).
    let mut edits: HashMap<usize, Vec<(usize, usize, Edit)>> = HashMap::new();
    let lines = split_keep(&decoded.text);
    let mut cursor: HashMap<usize, usize> = HashMap::new();
    let (mut notes, mut hygiene) = (0, 0);
    // Citations and body links alike: a dead link gets its archive note
    // wherever it stands. Hygiene is a citation's: body prose is left as written.
    let cited = doc.references.iter().flat_map(|r| r.urls()).map(|u| (u, true));
    for (u, is_citation) in cited.chain(doc.body_links.iter().map(|u| (u, false))) {
        let Some(line) = lines.get(u.line.wrapping_sub(1)) else {
            continue;
        };
        let from = cursor.get(&u.line).copied().unwrap_or(0);
        let needle = if doc.format == Format::Html {
            format!(">{}", u.raw())
        } else {
            u.raw().into_owned()
        };
        let Some(found) = line.get(from..).and_then(|l| l.find(&needle)) else {
            continue;
        };
        let pos = from + found + if doc.format == Format::Html { 1 } else { 0 };
        cursor.insert(u.line, pos + u.raw_len());
        let list = edits.entry(u.line).or_default();
        let url_end = pos + u.url.len();
        if is_citation && doc.format != Format::Html {
            for h in &u.hygiene {
                match h {
                    Hygiene::TrailingPunctuation {
                        stripped,
                        reportable: true,
                    } if u.raw_rest().starts_with(&**stripped) => {
                        list.push((url_end, 0, Edit::Delete(stripped.len())));
                        hygiene += 1;
                    }
                    Hygiene::RunIntoText { .. } => {
                        list.push((url_end, 2, Edit::Insert(" ".to_string())));
                        hygiene += 1;
                    }
                    _ => {}
                }
            }
        }
        let key = redact::url(&u.url);
        let link = link_by_url.get(key.as_str());
        let doubtful = link.is_some_and(|(l, _)| l.class.is_doubtful() || l.title_matches == Some(false));
        if u.archived.is_none()
            && doubtful
            && let Some(snap) = link.and_then(|(_, s)| *s)
        {
            let at = if doc.format == Format::Html && line[pos + u.raw_len()..].starts_with("</a>") {
                pos + u.raw_len() + 4
            } else {
                url_end
            };
            list.push((at, 1, Edit::Insert(note(doc.lang, doc.format, snap))));
            notes += 1;
        }
    }
    let mut fixed = String::with_capacity(decoded.text.len() + notes * 120);
    for (i, line) in lines.iter().enumerate() {
        let Some(list) = edits.get_mut(&(i + 1)) else {
            fixed.push_str(line);
            continue;
        };
        list.sort_by_key(|(at, order, _)| (*at, *order));
        // `last`: the next byte of the original line to copy.
        let mut last = 0;
        for (at, _, e) in list.iter() {
            if *at > last {
                fixed.push_str(&line[last..*at]);
                last = *at;
            }
            match e {
                Edit::Insert(t) => fixed.push_str(t),
                Edit::Delete(n) if *at >= last => last = (*at + n).min(line.len()),
                Edit::Delete(_) => {}
            }
        }
        fixed.push_str(&line[last..]);
    }
    Ok(Fixed {
        path: path.to_path_buf(),
        original: decoded.text,
        fixed,
        encoding: decoded.encoding,
        notes,
        hygiene,
    })
}

/// Encodes text back into the encoding the document was read in.
pub fn encode(text: &str, encoding: &str) -> Vec<u8> {
    match encoding {
        "UTF-8 (BOM)" => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
        "UTF-16LE" => [
            vec![0xFF, 0xFE],
            text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        ]
        .concat(),
        "UTF-16BE" => [
            vec![0xFE, 0xFF],
            text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        ]
        .concat(),
        other => match encoding_rs::Encoding::for_label(other.as_bytes()) {
            Some(enc) if enc != encoding_rs::UTF_8 => enc.encode(text).0.into_owned(),
            _ => text.as_bytes().to_vec(),
        },
    }
}

/// A unified diff of a correction.
pub fn diff(f: &Fixed) -> String {
    let name = f.path.display().to_string();
    similar::TextDiff::from_lines(&f.original, &f.fixed)
        .unified_diff()
        .context_radius(1)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

/// Plans the corrections of every document of a run, in run order. Nothing
/// is written: the binary writes them where it is asked to.
pub fn plan(run: &Run) -> Result<Vec<Fixed>> {
    run.documents
        .iter()
        .zip(&run.paths)
        .map(|(doc, path)| fix_document(doc, path, run))
        .collect()
}

impl Fixed {
    /// Whether the correction changes anything.
    pub fn changed(&self) -> bool {
        self.fixed != self.original
    }

    /// The corrected text, encoded as the document was.
    pub fn bytes(&self) -> Vec<u8> {
        encode(&self.fixed, &self.encoding)
    }
}

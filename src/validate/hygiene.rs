//! Citation completeness and URL hygiene within one document.

use std::collections::hash_map::Entry;

use foldhash::{HashMap, HashMapExt};

use crate::document::{Document, Hygiene};
use crate::model::{Finding, Kind};

pub fn check(doc: &Document) -> Vec<Finding> {
    let mut out = Vec::new();
    let file = doc.path.as_str();
    let mut first_use: HashMap<&str, (u32, usize)> = HashMap::with_capacity(doc.references.len());
    // Footnotes that mostly cite nothing (no URL, no date) are remarks, as a
    // book's notes are: a missing URL, date or title is no defect there.
    let citing = doc
        .references
        .iter()
        .filter(|r| r.sources.iter().any(|s| !s.urls.is_empty() || s.date.is_some()))
        .count();
    let remarks = citing * 2 < doc.references.len();
    for r in &doc.references {
        let many = r.sources.len() > 1;
        // The reader may know a note for a remark, or for a short
        // citation of an entry listed elsewhere (`King 2003, p. 41.`).
        let remark = remarks
            || doc.remarks.binary_search(&r.number).is_ok()
            // A note the page did not mark as a citation, naming no date and
            // no identifier, explains (`Also known as the Rayleigh–Ritz
            // ratio.`); it does not cite a work that lacks a URL.
            || (doc.bare_notes.binary_search(&r.number).is_ok()
                && r.sources.iter().all(|s| s.date.is_none() && s.identifier.is_none()));
        for (i, s) in r.sources.iter().enumerate() {
            // Written only when a finding needs it.
            let which = || {
                if many {
                    format!("source {} of reference {}", i + 1, doc.footnote(r.number))
                } else {
                    format!("reference {}", doc.footnote(r.number))
                }
            };
            if s.urls.is_empty() && s.identifier.is_none() && !remark {
                out.push(
                    Finding::new(
                        Kind::ReferenceWithoutUrl,
                        file,
                        s.line,
                        format!("{} has no URL", which()),
                    )
                    .footnote(r.number),
                );
            }
            if s.date.is_none() && !remark {
                out.push(
                    Finding::new(
                        Kind::ReferenceWithoutDate,
                        file,
                        s.line,
                        format!("{} has no date", which()),
                    )
                    .footnote(r.number),
                );
            }
            // An identifier finds the work without a title too (physics
            // journals' style names none: `Phys. Rev. A, vol. 31, p. 1695`).
            if s.title.is_none() && s.identifier.is_none() && !remark {
                out.push(
                    Finding::new(
                        Kind::ReferenceWithoutTitle,
                        file,
                        s.line,
                        format!("{} has no quoted title", which()),
                    )
                    .footnote(r.number),
                );
            }
            for u in &s.urls {
                for h in &u.hygiene {
                    match h {
                        Hygiene::TrailingPunctuation {
                            stripped,
                            reportable: true,
                        } => out.push(
                            Finding::new(
                                Kind::UrlTrailingPunctuation,
                                file,
                                u.line,
                                format!("{stripped:?} is glued to the end of the URL {}", u.url),
                            )
                            .footnote(r.number)
                            .url(&u.url)
                            .suggest(format!(
                                "write the URL as {} (with a space or line break after it)",
                                u.url
                            )),
                        ),
                        Hygiene::TrailingPunctuation { .. } => {}
                        Hygiene::RunIntoText { rest } => out.push(
                            Finding::new(
                                Kind::UrlRunIntoText,
                                file,
                                u.line,
                                format!("the URL {} runs into the following text {rest:?}", u.url),
                            )
                            .footnote(r.number)
                            .url(&u.url)
                            .suggest(format!("separate them: \"{} {rest}\"", u.url)),
                        ),
                        Hygiene::Invalid { reason } => out.push(
                            Finding::new(
                                Kind::InvalidUrl,
                                file,
                                u.line,
                                format!("{:?} is not a valid URL: {reason}", u.raw()),
                            )
                            .footnote(r.number)
                            .url(&u.url),
                        ),
                    }
                }
                // One hash per URL: the entry is read and, if new, filled.
                match first_use.entry(u.key()) {
                    Entry::Occupied(first) if first.get().0 != r.number => {
                        let (n, line) = *first.get();
                        out.push(
                            Finding::new(
                                Kind::DuplicateUrl,
                                file,
                                u.line,
                                format!("the URL {} is also cited by reference {}", u.url, doc.footnote(n)),
                            )
                            .footnote(r.number)
                            .url(&u.url)
                            .related(file, line)
                            .suggest(format!(
                                "cite reference {} again instead of repeating it",
                                doc.footnote(n)
                            )),
                        );
                    }
                    Entry::Occupied(_) => {}
                    Entry::Vacant(slot) => {
                        slot.insert((r.number, u.line));
                    }
                }
            }
        }
    }
    out
}

//! Numbering within one document: duplicates, gaps, cited-but-missing,
//! listed-but-never-cited, first citations out of order, unusable numbers.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use super::{Finding, Kind};
use crate::document::{AnomalyKind, Document};

pub fn check(doc: &Document) -> Vec<Finding> {
    let mut out = Vec::new();
    let file = doc.path.as_str();

    if doc.reference_heading.is_none() {
        out.push(
            Finding::new(Kind::NoReferenceSection, file, 1, "no reference-list heading found")
                .suggest("add a heading such as 参考情報 or References before the numbered list, or list your heading under parse.reference_headings"),
        );
    }

    for a in doc.anomalies.iter().filter(|a| a.kind == AnomalyKind::InvalidNumber) {
        out.push(Finding::new(
            Kind::InvalidNumber,
            file,
            a.line,
            format!("{:?} is not a usable footnote number", a.text),
        ));
    }

    // Reference numbers: duplicates.
    let mut listed: HashMap<u32, usize> = HashMap::with_capacity(doc.references.len());
    for r in &doc.references {
        match listed.get(&r.number) {
            Some(&first) => out.push(
                Finding::new(
                    Kind::DuplicateReference,
                    file,
                    r.line,
                    format!("reference [{}] is listed twice (first at line {first})", r.number),
                )
                .footnote(r.number)
                .related(file, first)
                .suggest("renumber or merge the two items"),
            ),
            None => {
                listed.insert(r.number, r.line);
            }
        }
    }

    // Markers: cited-but-missing and order of first citation.
    let mut seen = HashSet::with_capacity(doc.markers.len());
    let mut max_seen = 0u32;
    for m in &doc.markers {
        if !seen.insert(m.number) {
            continue; // a later re-citation is fine
        }
        if doc.reference_heading.is_some() && !listed.contains_key(&m.number) {
            out.push(
                Finding::new(
                    Kind::MissingReference,
                    file,
                    m.line as usize,
                    format!(
                        "footnote [{}] is cited but the reference list has no item {}",
                        m.number, m.number
                    ),
                )
                .footnote(m.number),
            );
        }
        if m.number < max_seen {
            out.push(
                Finding::new(
                    Kind::CitationOrder,
                    file,
                    m.line as usize,
                    format!("footnote [{}] is first cited after footnote [{max_seen}]", m.number),
                )
                .footnote(m.number)
                .suggest("number footnotes in the order they are first cited"),
            );
        }
        max_seen = max_seen.max(m.number);
    }

    // Listed but never cited.
    for r in &doc.references {
        if !seen.contains(&r.number) && listed.get(&r.number) == Some(&r.line) {
            out.push(
                Finding::new(
                    Kind::UncitedReference,
                    file,
                    r.line,
                    format!("reference [{}] is never cited in the text", r.number),
                )
                .footnote(r.number),
            );
        }
    }

    // Gaps in the list that no marker explains (cited gaps are missing references already).
    let mut expected = 1u32;
    let mut in_order: Vec<(u32, usize)> = listed.iter().map(|(&n, &line)| (n, line)).collect();
    in_order.sort_unstable();
    for (n, line) in in_order {
        if n > expected {
            let gap: Vec<u32> = (expected..n).take(3).collect();
            let cited_inside = (expected..n).take(10_000).any(|g| seen.contains(&g));
            if !cited_inside {
                let range = if n - expected == 1 {
                    format!("[{}]", gap[0])
                } else {
                    format!("[{}]–[{}]", expected, n - 1)
                };
                out.push(
                    Finding::new(
                        Kind::NumberingGap,
                        file,
                        line,
                        format!("the reference list skips {range} before [{n}]"),
                    )
                    .footnote(n),
                );
            }
        }
        expected = n.saturating_add(1);
    }
    out
}

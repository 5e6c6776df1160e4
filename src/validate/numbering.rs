//! Numbering within one document: duplicates, gaps, cited-but-missing,
//! listed-but-never-cited, first citations out of order, unusable numbers.

use foldhash::{HashMap, HashMapExt};

use crate::document::{AnomalyKind, Document};
use crate::model::{Finding, Kind};

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
    let mut listed: NumberMap<usize> =
        NumberMap::for_numbers(doc.references.iter().map(|r| r.number), doc.references.len());
    for r in &doc.references {
        match listed.get(r.number) {
            Some(first) => out.push(
                Finding::new(
                    Kind::DuplicateReference,
                    file,
                    r.line,
                    format!(
                        "reference {} is listed twice (first at line {first})",
                        doc.footnote(r.number)
                    ),
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
    let mut seen = NumberMap::for_numbers(doc.markers.iter().map(|m| m.number), doc.markers.len());
    let mut max_seen = 0u32;
    for m in &doc.markers {
        if !seen.insert(m.number, ()) {
            continue; // a later re-citation is fine
        }
        if doc.reference_heading.is_some() && listed.get(m.number).is_none() {
            out.push(
                Finding::new(
                    Kind::MissingReference,
                    file,
                    m.line as usize,
                    format!(
                        "footnote {} is cited but the reference list has no item for it",
                        doc.footnote(m.number)
                    ),
                )
                .footnote(m.number),
            );
        }
        // A named label's number was not written by the author: it has no order.
        let named = doc.named_from.is_some_and(|n| m.number >= n);
        if named || m.in_note {
            continue;
        }
        if m.number < max_seen {
            out.push(
                Finding::new(
                    Kind::CitationOrder,
                    file,
                    m.line as usize,
                    format!(
                        "footnote {} is first cited after footnote {}",
                        doc.footnote(m.number),
                        doc.footnote(max_seen)
                    ),
                )
                .footnote(m.number)
                .suggest("number footnotes in the order they are first cited"),
            );
        }
        max_seen = max_seen.max(m.number);
    }

    // Listed but never cited.
    for r in &doc.references {
        if seen.get(r.number).is_none() && listed.get(r.number) == Some(r.line) {
            out.push(
                Finding::new(
                    Kind::UncitedReference,
                    file,
                    r.line,
                    format!("reference {} is never cited in the text", doc.footnote(r.number)),
                )
                .footnote(r.number),
            );
        }
    }

    // Gaps in the list that no marker explains (cited gaps are missing references already).
    let mut expected = 1u32;
    for (n, line) in listed.sorted() {
        if doc.named_from.is_some_and(|from| n >= from) {
            break;
        }
        if n > expected {
            let gap: Vec<u32> = (expected..n).take(3).collect();
            let cited_inside = (expected..n).take(10_000).any(|g| seen.get(g).is_some());
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

/// Footnote numbers to values: a vector indexed by number when the numbers
/// are dense (as numbered lists are: hashing them took most of this check's
/// time), else a hash map (absurd numbers like 99999999 stay cheap).
enum NumberMap<V> {
    Dense(Vec<Option<V>>),
    Sparse(HashMap<u32, V>),
}

impl<V: Copy> NumberMap<V> {
    /// An empty map for `count` numbers.
    fn for_numbers(numbers: impl Iterator<Item = u32>, count: usize) -> Self {
        let max = numbers.max().unwrap_or(0) as usize;
        if max <= 2 * count + 1024 {
            NumberMap::Dense(vec![None; max + 1])
        } else {
            NumberMap::Sparse(HashMap::with_capacity(count))
        }
    }

    fn get(&self, n: u32) -> Option<V> {
        match self {
            NumberMap::Dense(v) => v.get(n as usize).copied().flatten(),
            NumberMap::Sparse(m) => m.get(&n).copied(),
        }
    }

    /// Sets the value of `n` (one of the numbers the map was made for); true
    /// when `n` had none (as `HashSet::insert`).
    fn insert(&mut self, n: u32, value: V) -> bool {
        match self {
            NumberMap::Dense(v) => v.get_mut(n as usize).is_some_and(|slot| slot.replace(value).is_none()),
            NumberMap::Sparse(m) => m.insert(n, value).is_none(),
        }
    }

    /// The entries in increasing order of number.
    fn sorted(&self) -> Vec<(u32, V)> {
        match self {
            NumberMap::Dense(v) => v
                .iter()
                .enumerate()
                .filter_map(|(n, value)| Some((n as u32, (*value)?)))
                .collect(),
            NumberMap::Sparse(m) => {
                let mut all: Vec<(u32, V)> = m.iter().map(|(&n, &value)| (n, value)).collect();
                all.sort_unstable_by_key(|(n, _)| *n);
                all
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        /// Dense and sparse maps answer alike whatever is put in them.
        #[test]
        fn dense_and_sparse_agree(ops in proptest::collection::vec((0u32..3000, 0usize..100), 0..200)) {
            let mut dense = NumberMap::Dense(vec![None; 3000]);
            let mut sparse = NumberMap::Sparse(HashMap::new());
            for &(n, line) in &ops {
                proptest::prop_assert_eq!(dense.get(n), sparse.get(n));
                proptest::prop_assert_eq!(dense.insert(n, line), sparse.insert(n, line));
            }
            proptest::prop_assert_eq!(dense.sorted(), sparse.sorted());
            for n in 0..3000 {
                proptest::prop_assert_eq!(dense.get(n), sparse.get(n));
            }
        }
    }

    /// The findings' kinds, lines and footnotes for a document citing `cited`
    /// and listing `listed`, with `big` standing for the last number.
    fn findings(big: u32) -> Vec<(Kind, usize, Option<u32>)> {
        use crate::document::{Lines, structure};
        use crate::model::{Format, Lang};
        let text = format!(
            "T\n\n- 2014: a.[1] b.[{}]\n- 2015: c.[{big}] d.[1]\n\nReferences\n\n[1] A, \"a,\" 2014, http://a.jp/1\n[2] B, \"b,\" 2014, http://a.jp/2\n[2] C, \"c,\" 2014, http://a.jp/3\n[{big}] D, \"d,\" 2014, http://a.jp/4\n",
            big + 1
        );
        let cfg = crate::config::ParseConfig::default();
        let doc = structure::parse("t", Lang::En, Format::Text, "UTF-8".into(), &Lines::plain(&text), &cfg);
        check(&doc)
            .into_iter()
            .map(|f| (f.kind, f.line, f.footnote.map(|n| n.min(big))))
            .collect()
    }

    #[test]
    fn dense_and_sparse_numbers_give_the_same_findings() {
        let dense = findings(50);
        let sparse = findings(5_000_000);
        let kinds: Vec<Kind> = dense.iter().map(|f| f.0).collect();
        for k in [
            Kind::DuplicateReference,
            Kind::MissingReference,
            Kind::UncitedReference,
            Kind::CitationOrder,
            Kind::NumberingGap,
        ] {
            assert!(kinds.contains(&k), "{k:?} in {dense:?}");
        }
        let stand_in = |v: Vec<(Kind, usize, Option<u32>)>, big: u32| -> Vec<(Kind, usize, Option<u32>)> {
            v.into_iter()
                .map(|(k, l, n)| (k, l, n.map(|n| if n == big { 0 } else { n })))
                .collect()
        };
        assert_eq!(stand_in(dense, 50), stand_in(sparse, 5_000_000));
    }

    #[test]
    fn absurd_numbers_are_kept_sparse() {
        let m: NumberMap<()> = NumberMap::for_numbers([1, 2, u32::MAX].into_iter(), 3);
        assert!(matches!(m, NumberMap::Sparse(_)));
        let m: NumberMap<()> = NumberMap::for_numbers(1..=100_000, 100_000);
        assert!(matches!(m, NumberMap::Dense(_)));
    }
}

//! The two languages side by side: entries pair up, cite the same footnotes,
//! give the same dates and figures; references carry the same numbers and
//! point to the same sources with the same dates.
//!
//! Findings are reported on the second document of the pair (the one listed
//! later in the config), with `related` pointing into the first.

use std::collections::{BTreeMap, BTreeSet};

use smallvec::SmallVec;

use crate::document::{Block, DateSpan, Document, Entry, Figure, Reference, Source, Unit};
use crate::model::Lang;
use crate::model::{Finding, Kind};

/// How far the entry aligner looks ahead for a better match when the two
/// documents have different numbers of entries. Keeps alignment linear.
const LOOKAHEAD: usize = 4;

fn lang_name(l: Lang) -> &'static str {
    match l {
        Lang::Ja => "Japanese",
        Lang::En => "English",
    }
}

/// What alignment pairs: a timeline's entries, or in prose the blocks that
/// cite footnotes.
pub trait Aligned {
    fn line(&self) -> usize;
    /// The footnotes cited, in order.
    fn footnotes(&self) -> &[u32];
    fn date(&self) -> Option<DateSpan>;
    /// The date as written.
    fn date_text(&self) -> Option<&str>;
    fn figures(&self) -> &[Figure];
    /// What it is, in words: `entry`, `paragraph`, `list item`.
    fn what(&self) -> &'static str;
}

impl Aligned for Entry {
    fn line(&self) -> usize {
        self.line as usize
    }
    fn footnotes(&self) -> &[u32] {
        &self.footnotes
    }
    fn date(&self) -> Option<DateSpan> {
        self.date
    }
    fn date_text(&self) -> Option<&str> {
        self.date_text.as_deref()
    }
    fn figures(&self) -> &[Figure] {
        &self.figures
    }
    fn what(&self) -> &'static str {
        "entry"
    }
}

/// A block that cites footnotes, as alignment reads it.
pub struct CitingBlock<'d> {
    block: &'d Block,
    footnotes: SmallVec<[u32; 4]>,
    figures: &'d [Figure],
    /// The entry the block is, when it opens with a bullet or a date.
    entry: Option<&'d Entry>,
}

impl Aligned for CitingBlock<'_> {
    fn line(&self) -> usize {
        self.block.line as usize
    }
    fn footnotes(&self) -> &[u32] {
        &self.footnotes
    }
    fn date(&self) -> Option<DateSpan> {
        self.entry.and_then(|e| e.date)
    }
    fn date_text(&self) -> Option<&str> {
        self.entry.and_then(|e| e.date_text.as_deref())
    }
    fn figures(&self) -> &[Figure] {
        self.entry.map_or(self.figures, |e| &e.figures)
    }
    fn what(&self) -> &'static str {
        self.block.kind.name()
    }
}

pub fn check(a: &Document, b: &Document) -> Vec<Finding> {
    let mut out = Vec::new();
    // A timeline pairs its dated entries. Prose has none (or only one side
    // has a list): there the blocks that cite footnotes pair up, by
    // position and by the footnotes they cite, and must cite the same ones.
    if !a.entries.is_empty() && !b.entries.is_empty() {
        align(a, &a.entries, b, &b.entries, &mut out);
    } else {
        align(a, &citing(a), b, &citing(b), &mut out);
    }
    compare_references(a, b, &mut out);
    out.extend(footnote_sequence(a, b));
    out
}

/// The footnote references of both languages in reading order, compared
/// whatever the blocks: a translation that drops, adds or reorders a
/// footnote is found even where its paragraphs do not pair one to one.
/// Linear: counts per footnote, then the first place the orders part.
/// One finding per pair, on the later-listed document, as pair findings are.
fn footnote_sequence(a: &Document, b: &Document) -> Option<Finding> {
    let seq_a: Vec<u32> = a.markers.iter().map(|m| m.number).collect();
    let seq_b: Vec<u32> = b.markers.iter().map(|m| m.number).collect();
    if seq_a == seq_b {
        return None;
    }
    let count = |s: &[u32]| {
        let mut c: std::collections::BTreeMap<u32, usize> = std::collections::BTreeMap::new();
        for &n in s {
            *c.entry(n).or_default() += 1;
        }
        c
    };
    let (ca, cb) = (count(&seq_a), count(&seq_b));
    let numbers: std::collections::BTreeSet<u32> = ca.keys().chain(cb.keys()).copied().collect();
    let mut differences = Vec::new();
    for n in numbers {
        let (x, y) = (ca.get(&n).copied().unwrap_or(0), cb.get(&n).copied().unwrap_or(0));
        match (x, y) {
            _ if x == y => {}
            (_, 0) => differences.push(format!("[{n}] is cited only in {}", a.path)),
            (0, _) => differences.push(format!("[{n}] is cited only here")),
            _ => differences.push(format!("[{n}] is cited {x} times in {} and {y} here", a.path)),
        }
    }
    let at = seq_a
        .iter()
        .zip(&seq_b)
        .position(|(x, y)| x != y)
        .unwrap_or(seq_a.len().min(seq_b.len()));
    let line_b = b.markers.get(at).or(b.markers.last()).map_or(1, |m| m.line as usize);
    let line_a = a.markers.get(at).or(a.markers.last()).map_or(1, |m| m.line as usize);
    let what = if differences.is_empty() {
        let (x, y) = (seq_a[at], seq_b[at]);
        format!(
            "the footnotes are cited in another order than in {}: footnote reference {} is [{y}] here and [{x}] there",
            a.path,
            at + 1
        )
    } else {
        const SHOWN: usize = 5;
        let more = differences.len().saturating_sub(SHOWN);
        let mut list = differences.into_iter().take(SHOWN).collect::<Vec<_>>().join("; ");
        if more > 0 {
            list.push_str(&format!("; and {more} more"));
        }
        format!(
            "the {} version cites other footnotes than the {} one: {list}",
            lang_name(b.lang),
            lang_name(a.lang)
        )
    };
    let mut f = Finding::new(Kind::FootnoteSequenceMismatch, &b.path, line_b, what).related(&a.path, line_a);
    if let Some(&n) = seq_b.get(at).or(seq_a.get(at)) {
        f = f.footnote(n);
    }
    Some(f)
}

/// The blocks of a document that cite footnotes.
pub fn citing(d: &Document) -> Vec<CitingBlock<'_>> {
    // Entries are the blocks that open with a bullet or a date, in order:
    // the k-th such block is the k-th entry, with its date and figures.
    let mut entries = d.entries.iter();
    d.blocks
        .iter()
        .enumerate()
        .filter_map(|(i, k)| {
            let entry = if k.entry { entries.next() } else { None };
            let markers = d.block_markers(i);
            (!markers.is_empty()).then(|| CitingBlock {
                block: k,
                footnotes: markers.iter().map(|m| m.number).collect(),
                figures: d.block_figures(i),
                entry,
            })
        })
        .collect()
}

fn align<U: Aligned>(a: &Document, ua: &[U], b: &Document, ub: &[U], out: &mut Vec<Finding>) {
    for (ia, ib) in pair_entries(ua, ub) {
        match (ia, ib) {
            (Some(i), Some(j)) => compare_entries(a, &ua[i], b, &ub[j], out),
            (Some(i), None) => out.push(unpaired(a, &ua[i], b)),
            (None, Some(j)) => out.push(unpaired(b, &ub[j], a)),
            (None, None) => {}
        }
    }
}

fn unpaired<U: Aligned>(doc: &Document, e: &U, other: &Document) -> Finding {
    let what = e
        .date_text()
        .map(|d| format!("the {} dated {d:?}", e.what()))
        .unwrap_or_else(|| format!("this {}", e.what()));
    Finding::new(
        Kind::EntryUnpaired,
        &doc.path,
        e.line(),
        format!(
            "{what} has no counterpart in the {} version ({})",
            lang_name(other.lang),
            other.path
        ),
    )
}

/// Whether two entries plausibly say the same thing: same month, or the same footnotes.
fn compatible<U: Aligned>(x: &U, y: &U) -> bool {
    let same_month = match (x.date(), y.date()) {
        (Some(dx), Some(dy)) => {
            dx.start.year == dy.start.year
                && (dx.start.month == dy.start.month || dx.start.month.is_none() || dy.start.month.is_none())
        }
        _ => false,
    };
    same_month || (!x.footnotes().is_empty() && footnote_set(x) == footnote_set(y))
}

fn footnote_set<U: Aligned>(e: &U) -> BTreeSet<u32> {
    e.footnotes().iter().copied().collect()
}

/// Pairs entries: by position when the counts agree, else by a linear greedy
/// walk that skips an entry when a near neighbour matches better.
pub fn pair_entries<U: Aligned>(a: &[U], b: &[U]) -> Vec<(Option<usize>, Option<usize>)> {
    if a.len() == b.len() {
        return (0..a.len()).map(|i| (Some(i), Some(i))).collect();
    }
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if compatible(&a[i], &b[j]) {
            out.push((Some(i), Some(j)));
            i += 1;
            j += 1;
            continue;
        }
        let mut skipped = false;
        for d in 1..=LOOKAHEAD {
            if i + d < a.len() && compatible(&a[i + d], &b[j]) {
                out.extend((i..i + d).map(|k| (Some(k), None)));
                i += d;
                skipped = true;
                break;
            }
            if j + d < b.len() && compatible(&a[i], &b[j + d]) {
                out.extend((j..j + d).map(|k| (None, Some(k))));
                j += d;
                skipped = true;
                break;
            }
        }
        if !skipped {
            out.push((Some(i), Some(j)));
            i += 1;
            j += 1;
        }
    }
    out.extend((i..a.len()).map(|k| (Some(k), None)));
    out.extend((j..b.len()).map(|k| (None, Some(k))));
    out
}

fn list(ns: &BTreeSet<u32>) -> String {
    if ns.is_empty() {
        return "none".to_string();
    }
    ns.iter().map(|n| format!("[{n}]")).collect::<Vec<_>>().join(", ")
}

fn compare_entries<U: Aligned>(a: &Document, ea: &U, b: &Document, eb: &U, out: &mut Vec<Finding>) {
    let other = lang_name(a.lang);
    let (what, what_a) = (eb.what(), ea.what());
    // The same footnotes in the same order need no sets.
    let (fa, fb) = if ea.footnotes() == eb.footnotes() {
        (BTreeSet::new(), BTreeSet::new())
    } else {
        (footnote_set(ea), footnote_set(eb))
    };
    if fa != fb {
        let diff: Vec<u32> = fa.symmetric_difference(&fb).copied().collect();
        let mut f = Finding::new(
            Kind::EntryFootnoteMismatch,
            &b.path,
            eb.line(),
            format!(
                "this {what} cites {} but the {other} {what_a} cites {}",
                list(&fb),
                list(&fa)
            ),
        )
        .related(&a.path, ea.line());
        if let Some(&n) = diff.first() {
            f = f.footnote(n);
        }
        out.push(f);
    }
    if let (Some(da), Some(db)) = (ea.date(), eb.date()) {
        let text_a = ea.date_text().unwrap_or_default();
        let text_b = eb.date_text().unwrap_or_default();
        if db.is_reversed() && !da.is_reversed() {
            // The reversed range itself is reported by the consistency check;
            // here the counterpart says what was probably meant.
            out.push(
                Finding::new(
                    Kind::DateMismatch,
                    &b.path,
                    eb.line(),
                    format!("the date {text_b:?} ({db}) cannot match the {other} entry's {text_a:?} ({da})"),
                )
                .related(&a.path, ea.line())
                .suggest(format!("the {other} version says {da}")),
            );
        } else if da.is_reversed() && !db.is_reversed() {
            out.push(
                Finding::new(
                    Kind::DateMismatch,
                    &a.path,
                    ea.line(),
                    format!(
                        "the date {text_a:?} ({da}) cannot match the {} entry's {text_b:?} ({db})",
                        lang_name(b.lang)
                    ),
                )
                .related(&b.path, eb.line())
                .suggest(format!("the {} version says {db}", lang_name(b.lang))),
            );
        } else if !da.agrees_with(&db) {
            out.push(
                Finding::new(
                    Kind::DateMismatch,
                    &b.path,
                    eb.line(),
                    format!("the date {text_b:?} ({db}) differs from the {other} entry's {text_a:?} ({da})"),
                )
                .related(&a.path, ea.line())
                .suggest("check the source and correct the wrong version"),
            );
        }
    }
    compare_figures(a, ea, b, eb, out);
}

/// Figure values with their text as written.
type Values<'e> = Vec<(f64, &'e str)>;

/// A rule that pairs two sources.
type PairRule<'r> = &'r dyn Fn(&Source, &Source) -> bool;

fn compare_figures<U: Aligned>(a: &Document, ea: &U, b: &Document, eb: &U, out: &mut Vec<Finding>) {
    let (fa, fb) = (ea.figures(), eb.figures());
    // Nothing can disagree when one side gives no figure, or both give the same ones in the same order.
    if fa.is_empty()
        || fb.is_empty()
        || (fa.len() == fb.len()
            && fa
                .iter()
                .zip(fb.iter())
                .all(|(x, y)| x.unit == y.unit && same(x.value, y.value)))
    {
        return;
    }
    let mut by_unit: BTreeMap<Unit, (Values, Values)> = BTreeMap::new();
    for f in fa {
        by_unit.entry(f.unit).or_default().0.push((f.value, f.text.as_str()));
    }
    for f in fb {
        by_unit.entry(f.unit).or_default().1.push((f.value, f.text.as_str()));
    }
    for (unit, (mut xa, mut xb)) in by_unit {
        // Remove the values both sides share; what is left on both sides disagrees.
        xa.retain(|(v, _)| {
            if let Some(k) = xb.iter().position(|(w, _)| same(*v, *w)) {
                xb.remove(k);
                false
            } else {
                true
            }
        });
        if xa.is_empty() || xb.is_empty() {
            continue;
        }
        let show = |xs: &[(f64, &str)]| xs.iter().map(|(_, t)| format!("{t:?}")).collect::<Vec<_>>().join(", ");
        out.push(
            Finding::new(
                Kind::FigureMismatch,
                &b.path,
                eb.line(),
                format!(
                    "{} {} here but {} in the {} {}",
                    unit.as_str(),
                    show(&xb),
                    show(&xa),
                    lang_name(a.lang),
                    ea.what()
                ),
            )
            .related(&a.path, ea.line())
            .suggest("check the source and correct the wrong figure"),
        );
    }
}

fn same(x: f64, y: f64) -> bool {
    (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0)
}

fn compare_references(a: &Document, b: &Document, out: &mut Vec<Finding>) {
    let missing = |d: &Document, r: &Reference, other: &Document| {
        Finding::new(
            Kind::ReferenceMissingInPair,
            &d.path,
            r.line,
            format!(
                "reference [{}] has no counterpart in the {} version",
                r.number,
                lang_name(other.lang)
            ),
        )
        .footnote(r.number)
    };
    // Both lists in number order, walked side by side.
    let (ma, mb) = (first_by_number(a), first_by_number(b));
    let (mut i, mut j) = (0, 0);
    loop {
        match (ma.get(i), mb.get(j)) {
            (Some(ra), Some(rb)) if ra.number == rb.number => {
                compare_sources(a, ra, b, rb, out);
                i += 1;
                j += 1;
            }
            (Some(ra), rb) if rb.is_none_or(|rb| ra.number < rb.number) => {
                if b.reference_heading.is_some() {
                    out.push(missing(a, ra, b));
                }
                i += 1;
            }
            (_, Some(rb)) => {
                if a.reference_heading.is_some() {
                    out.push(missing(b, rb, a));
                }
                j += 1;
            }
            (_, None) => break,
        }
    }
}

/// The first reference of each number, in number order.
fn first_by_number(d: &Document) -> Vec<&Reference> {
    let mut v: Vec<&Reference> = d.references.iter().collect();
    // Stable: of equal numbers the first listed stays first, and is kept.
    v.sort_by_key(|r| r.number);
    v.dedup_by_key(|r| r.number);
    v
}

fn share_url(a: &Source, b: &Source) -> bool {
    a.urls.iter().any(|x| b.urls.iter().any(|y| x.key() == y.key()))
}

/// Whether two sources cite a common host.
fn share_host(a: &Source, b: &Source) -> bool {
    a.urls
        .iter()
        .any(|x| x.host().is_some() && b.urls.iter().any(|y| x.host() == y.host()))
}

/// Pairs the sources of two references: same URL first, then same host, then by position.
/// Source pairs (at most a few: kept inline) and the sources of each side left unpaired.
type SourcePairs = (SmallVec<[(usize, usize); 2]>, Vec<usize>, Vec<usize>);

fn pair_sources(sa: &[Source], sb: &[Source]) -> SourcePairs {
    if sa.len() == 1 && sb.len() == 1 {
        // The common case: one source each.
        return (smallvec::smallvec![(0, 0)], Vec::new(), Vec::new());
    }
    let mut taken_a = vec![false; sa.len()];
    let mut taken_b = vec![false; sb.len()];
    let mut pairs = SmallVec::new();
    let rules: [PairRule; 2] = [&share_url, &share_host];
    for rule in rules {
        for (i, x) in sa.iter().enumerate() {
            if taken_a[i] {
                continue;
            }
            if let Some(j) = (0..sb.len()).find(|&j| !taken_b[j] && rule(x, &sb[j])) {
                taken_a[i] = true;
                taken_b[j] = true;
                pairs.push((i, j));
            }
        }
    }
    let rest_a: Vec<usize> = (0..sa.len()).filter(|&i| !taken_a[i]).collect();
    let rest_b: Vec<usize> = (0..sb.len()).filter(|&j| !taken_b[j]).collect();
    let n = rest_a.len().min(rest_b.len());
    pairs.extend(rest_a.iter().zip(&rest_b).map(|(&i, &j)| (i, j)));
    pairs.sort_unstable();
    (pairs, rest_a[n..].to_vec(), rest_b[n..].to_vec())
}

fn compare_sources(a: &Document, ra: &Reference, b: &Document, rb: &Reference, out: &mut Vec<Finding>) {
    let n = rb.number;
    let other = lang_name(a.lang);
    let (pairs, only_a, only_b) = pair_sources(&ra.sources, &rb.sources);
    for (i, j) in pairs {
        let (sa, sb) = (&ra.sources[i], &rb.sources[j]);
        if !sa.urls.is_empty() && !sb.urls.is_empty() && !share_url(sa, sb) {
            let first_b = sb.urls.first().map(|u| u.url.as_str()).unwrap_or_default();
            let first_a = sa.urls.first().map(|u| u.url.as_str()).unwrap_or_default();
            let line_b = sb.urls.first().map_or(sb.line, |u| u.line);
            let line_a = sa.urls.first().map_or(sa.line, |u| u.line);
            if !share_host(sa, sb) {
                out.push(
                    Finding::new(
                        Kind::SourceHostMismatch,
                        &b.path,
                        line_b,
                        format!(
                            "reference [{n}] cites {first_b} but the {other} version cites {first_a}, on another host"
                        ),
                    )
                    .footnote(n)
                    .url(first_b)
                    .related(&a.path, line_a)
                    .suggest("make sure both versions cite the same source"),
                );
            } else {
                out.push(
                    Finding::new(
                        Kind::SourceLanguageVariant,
                        &b.path,
                        line_b,
                        format!(
                            "reference [{n}] cites {first_b}; the {other} version cites {first_a} on the same host"
                        ),
                    )
                    .footnote(n)
                    .url(first_b)
                    .related(&a.path, line_a),
                );
            }
        }
        if let (Some(da), Some(db)) = (sa.date, sb.date)
            && !da.agrees_with(&db)
        {
            out.push(
                Finding::new(
                    Kind::ReferenceDateMismatch,
                    &b.path,
                    sb.line,
                    format!("reference [{n}] dates its source {db} but the {other} version says {da}"),
                )
                .footnote(n)
                .related(&a.path, sa.line)
                .suggest("check the source's date and correct the wrong version"),
            );
        }
    }
    for i in only_a {
        let s = &ra.sources[i];
        out.push(missing_source(a, s, n, b, rb.line));
    }
    for j in only_b {
        let s = &rb.sources[j];
        out.push(missing_source(b, s, n, a, ra.line));
    }
}

fn missing_source(doc: &Document, s: &Source, n: u32, other: &Document, other_line: usize) -> Finding {
    let what = s
        .title
        .as_deref()
        .map(|t| format!("{t:?}"))
        .unwrap_or_else(|| "a source".to_string());
    let mut f = Finding::new(
        Kind::SourceMissingInPair,
        &doc.path,
        s.line,
        format!(
            "reference [{n}] cites {what}, which the {} version does not",
            lang_name(other.lang)
        ),
    )
    .footnote(n)
    .related(&other.path, other_line);
    if let Some(u) = s.urls.first() {
        f = f.url(&u.url);
    }
    f
}

//! Prose Markdown, read through pulldown-cmark: footnotes with any label,
//! markers in the first paragraph, math and code left out.

mod support;

use citecheck::model::Kind;
use support::{CheckOptions, check};

/// Findings at warning and above, as (kind, line, footnote).
fn findings(md: &str) -> Vec<(Kind, usize, Option<u32>)> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("chapter.md"), md).unwrap();
    let o = check(&CheckOptions {
        documents: vec![dir.path().join("chapter.md")],
        offline: true,
        ..CheckOptions::default()
    })
    .unwrap();
    o.run
        .findings
        .iter()
        .filter(|f| f.severity >= citecheck::model::Severity::Warning)
        .map(|f| (f.kind, f.line, f.footnote))
        .collect()
}

#[test]
fn named_footnotes_get_the_checks_that_fit_them() {
    let md = "\
# Storage

A disk holds a gigabyte[^gigabyte] of data, or exactly[^exact] that much.
The cache[^cache] is smaller; see the gigabyte[^gigabyte] again.

[^gigabyte]: One billion bytes, “Units,” 2014-02-03, https://units.example/gb
[^exact]: A power of two, “Binary units,” 2014-02-03, https://units.example/gib
[^unused]: Never cited, “Orphan,” 2014-02-03, https://units.example/orphan
[^exact]: Defined twice, “Again,” 2014-02-03, https://units.example/again
";
    let mut got = findings(md);
    got.sort();
    // [^cache] is cited but never defined; [^unused] defined but never cited; [^exact] twice.
    let mut want = vec![
        (Kind::MissingReference, 4, Some(3)),
        (Kind::UncitedReference, 8, Some(4)),
        (Kind::DuplicateReference, 9, Some(2)),
    ];
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn numeric_footnotes_are_checked_as_written_even_in_the_first_paragraph() {
    let md = "\
The first paragraph cites the fourth note[^4] before the third[^3]. A marker before punctuation[^1]: read.
Then the second[^2].

$$ (1+4w_{bc})(1+4w_{ac}) $$

Code `x[^9]` is not a marker.

[^1]: One, “A,” 2014-02-03, https://a.example/1
[^2]: Two, “B,” 2014-02-03, https://a.example/2
[^3]: Three, “C,” 2014-02-03, https://a.example/3
[^4]: Four, “D,” 2014-02-03, https://a.example/4
";
    let mut got = findings(md);
    got.sort();
    // First cited in the order 4, 3, 1, 2: each of 3, 1 and 2 comes after a
    // higher number. Nothing else: math and code hold no markers.
    assert_eq!(
        got,
        [
            (Kind::CitationOrder, 1, Some(1)),
            (Kind::CitationOrder, 1, Some(3)),
            (Kind::CitationOrder, 2, Some(2)),
        ]
    );
}

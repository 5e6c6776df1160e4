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

#[test]
fn links_to_local_files_are_checked_on_disk_even_offline() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("docs/guide")).unwrap();
    std::fs::create_dir_all(d.join("docs/img")).unwrap();
    std::fs::write(d.join("docs/guide/intro.md"), "# Intro\n").unwrap();
    std::fs::write(d.join("docs/img/a chart.png"), b"png").unwrap();
    let md = "\
# Index

Start with [the introduction](guide/intro.md#setup) and ![the chart](img/a%20chart.png).
The [old page](guide/removed.md) is gone; [mail](mailto:a@b.example) and [top](#index) are not files.
Again [the introduction](guide/intro.md).
";
    std::fs::write(d.join("docs/index.md"), md).unwrap();
    let o = check(&CheckOptions {
        documents: vec![d.join("docs/index.md")],
        offline: true,
        config: Some("/dev/null".into()),
        ..CheckOptions::default()
    })
    .unwrap();
    let local: Vec<_> = o.run.links.iter().filter(|l| l.local).collect();
    assert_eq!(local.len(), 3, "{local:#?}");
    let intro = local.iter().find(|l| l.url.ends_with("intro.md")).unwrap();
    assert_eq!(intro.class, citecheck::links::LinkClass::Alive);
    assert_eq!(intro.cited_by.len(), 2, "one file, two links");
    let chart = local.iter().find(|l| l.url.ends_with("a chart.png")).unwrap();
    assert_eq!(chart.class, citecheck::links::LinkClass::Alive, "percent-decoded");
    let dead: Vec<_> = o.run.findings.iter().filter(|f| f.kind == Kind::LinkDead).collect();
    assert_eq!(dead.len(), 1, "{dead:#?}");
    assert_eq!(dead[0].line, 4);
    assert_eq!(dead[0].footnote, None);
    assert!(dead[0].message.contains("removed.md"), "{}", dead[0].message);
    // A body link has no footnote: the finding names its block instead.
    assert!(
        dead[0].message.ends_with("(in the paragraph from line 3)"),
        "{}",
        dead[0].message
    );
}

#[test]
fn a_link_to_the_page_a_markdown_source_builds_is_alive() {
    // mdBook, Jekyll and Hugo build `drop.html` from `drop.md`; the sources
    // link to the built page. An HTML page linking to a missing `.html`
    // gets no such reading: it is the built site.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("drop.md"), "# Drop\n").unwrap();
    std::fs::write(d.join("chapter.md"), "See [Drop](drop.html) and [Gone](gone.html).\n").unwrap();
    std::fs::write(
        d.join("page.html"),
        "<html><body><p><a href=\"drop.html\">Drop</a></p></body></html>",
    )
    .unwrap();
    let run = |file: &str| {
        let o = check(&CheckOptions {
            documents: vec![d.join(file)],
            offline: true,
            config: Some("/dev/null".into()),
            ..CheckOptions::default()
        })
        .unwrap();
        let mut dead: Vec<String> = o
            .run
            .findings
            .iter()
            .filter(|f| f.kind == Kind::LinkDead)
            .map(|f| f.message.clone())
            .collect();
        dead.sort();
        dead
    };
    let md = run("chapter.md");
    assert_eq!(md.len(), 1, "{md:?}");
    assert!(md[0].contains("gone.html"), "{md:?}");
    let html = run("page.html");
    assert_eq!(html.len(), 1, "{html:?}");
    assert!(html[0].contains("drop.html"), "{html:?}");
}

#[test]
fn a_chapter_whose_notes_are_remarks_gets_no_citation_warnings() {
    // A book's notes explain; they cite nothing. Defined under their
    // paragraph, they do not swallow the text after them.
    let remarks = "\
A gigabyte[^gigabyte] is large. Memory can live longer.[^moving]

[^gigabyte]: ‘Gigabyte’ can mean two things: 10^9, or 2^30.

More text after the note, citing nothing.

[^moving]: We can make the memory live longer by transferring ownership.
";
    assert_eq!(findings(remarks), []);
    // Where most notes cite a source, the one that lost its URL, date and title is reported.
    let citations = "\
One.[^a] Two.[^b] Three.[^c]

[^a]: Ministry, “Report A,” 2014-02-03, https://a.example/a
[^b]: Ministry, “Report B,” 2014-02-03, https://a.example/b
[^c]: Ministry of Examples, Report C.
";
    let mut got = findings(citations);
    got.sort();
    assert_eq!(
        got,
        [
            (Kind::ReferenceWithoutUrl, 5, Some(3)),
            (Kind::ReferenceWithoutDate, 5, Some(3)),
            (Kind::ReferenceWithoutTitle, 5, Some(3)),
        ]
    );
}

#[test]
fn messages_name_a_footnote_by_its_label_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let md = "A gigabyte[^gigabyte] and a cache[^cache].\n\n[^gigabyte]: One billion bytes, “Units,” 2014-02-03, https://units.example/gb\n[^unused]: Orphan, “O,” 2014-02-03, https://units.example/o\n";
    std::fs::write(dir.path().join("c.md"), md).unwrap();
    let o = check(&CheckOptions {
        documents: vec![dir.path().join("c.md")],
        offline: true,
        ..CheckOptions::default()
    })
    .unwrap();
    let messages: Vec<&str> = o.run.findings.iter().map(|f| f.message.as_str()).collect();
    assert!(
        messages.iter().any(|m| m.contains("[^cache]") && m.contains("cited")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("[^unused]") && m.contains("never cited")),
        "{messages:?}"
    );
    assert!(
        messages.iter().all(|m| !m.contains("[3]")),
        "no number of citecheck's own: {messages:?}"
    );
}

//! The block model: every format's body read as headings, paragraphs, list
//! items, table rows and quotations, each with its lines, the footnotes it
//! cites and its links; and prose translations aligned block by block.

mod support;

use citecheck::document::BlockKind;
use citecheck::model::Kind;
use support::{CheckOptions, check, repo_root};

fn run(files: &[(&str, &str)]) -> (tempfile::TempDir, citecheck::run::Run) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let o = check(&CheckOptions {
        documents: files.iter().map(|(n, _)| dir.path().join(n)).collect(),
        offline: true,
        config: Some("/dev/null".into()),
        ..CheckOptions::default()
    })
    .unwrap();
    (dir, o.run)
}

fn footnotes(doc: &citecheck::document::Document, i: usize) -> Vec<u32> {
    doc.block_markers(i).iter().map(|m| m.number).collect()
}

fn kinds(doc: &citecheck::document::Document) -> Vec<(BlockKind, u32, u32, Vec<u32>)> {
    doc.blocks
        .iter()
        .enumerate()
        .map(|(i, b)| (b.kind, b.line, b.end_line, footnotes(doc, i)))
        .collect()
}

#[test]
fn markdown_blocks_have_their_lines_footnotes_and_links() {
    let md = "\
# Title
A first paragraph cites[^a] and
links to [a page](https://a.example/p).

- an item[^2]
- another, with <https://b.example/>

| year | figure |
|------|--------|
| 2014 | 5[^3] |

> A quotation.

[^a]: Note a. https://n.example/a
[^2]: Note two.
[^3]: Note three.
";
    let (_dir, run) = run(&[("a.md", md)]);
    let doc = &run.documents[0];
    // `[^a]` is named: numbered after the highest numeric label (3).
    assert_eq!(
        kinds(doc),
        [
            (BlockKind::Heading, 1, 1, vec![]),
            (BlockKind::Paragraph, 2, 3, vec![4]),
            (BlockKind::ListItem, 5, 5, vec![2]),
            (BlockKind::ListItem, 6, 6, vec![]),
            (BlockKind::TableRow, 8, 8, vec![]),
            (BlockKind::TableRow, 10, 10, vec![3]),
            (BlockKind::Quote, 12, 12, vec![]),
        ]
    );
    let urls = |i: usize| -> Vec<&str> { doc.block_links(i).iter().map(|u| u.url.as_str()).collect() };
    assert_eq!(urls(1), ["https://a.example/p"]);
    assert_eq!(urls(3), ["https://b.example/"]);
    assert!(urls(0).is_empty() && urls(2).is_empty());
    assert_eq!(doc.block_at(3).map(|b| b.line), Some(2), "a line belongs to its block");
    // Each marker keeps its own line, the label as written in messages.
    let lines: Vec<(u32, u32)> = doc.markers.iter().map(|m| (m.number, m.line)).collect();
    assert_eq!(lines, [(4, 2), (2, 5), (3, 10)]);
    assert_eq!(doc.footnote(4), "[^a]");
}

#[test]
fn html_and_text_blocks_follow_the_markup_and_the_blank_lines() {
    let html = "<html><body><h2>Background</h2>\n<p>One<sup><a href=\"#fn1\">1</a></sup>\nstill one.</p>\n\
                <ul><li>item</li></ul>\n<blockquote><p>said</p></blockquote>\n\
                <ol><li id=\"fn1\">A note.</li></ol></body></html>";
    let text = "Title\n\nFirst paragraph.[1]\nIts second line.\n\n• a bullet\n\nReferences:\n[1] A note.\n";
    let (_dir, run) = run(&[("a.html", html), ("b.txt", text)]);
    let html_doc = &run.documents[0];
    let got: Vec<(BlockKind, u32, Vec<u32>)> = html_doc
        .blocks
        .iter()
        .enumerate()
        .map(|(i, b)| (b.kind, b.line, footnotes(html_doc, i)))
        .collect();
    assert_eq!(
        got,
        [
            (BlockKind::Heading, 1, vec![]),
            (BlockKind::Paragraph, 2, vec![1]),
            (BlockKind::ListItem, 4, vec![]),
            (BlockKind::Quote, 5, vec![]),
        ]
    );
    assert_eq!(
        kinds(&run.documents[1]),
        [
            (BlockKind::Paragraph, 1, 1, vec![]),
            (BlockKind::Paragraph, 3, 4, vec![1]),
            (BlockKind::ListItem, 6, 6, vec![]),
        ]
    );
}

const EN: &str = "\
# Memory

The stack is fast.[^1] It is also small.

The heap is large.[^2] Allocation costs time.[^3]

[^1]: Note one, 2014.
[^2]: Note two, 2014.
[^3]: Note three, 2014.
";

const JA: &str = "\
# メモリ

スタックは高速です。[^1]また小さいです。

ヒープは大きいです。[^2]アロケーションには時間がかかります。[^3]

[^1]: 注1、2014年。
[^2]: 注2、2014年。
[^3]: 注3、2014年。
";

/// The kinds that compare the two languages.
fn is_pair(k: Kind) -> bool {
    matches!(
        k,
        Kind::EntryFootnoteMismatch
            | Kind::EntryUnpaired
            | Kind::ReferenceMissingInPair
            | Kind::FootnoteSequenceMismatch
            | Kind::SourceHostMismatch
            | Kind::SourceMissingInPair
            | Kind::ReferenceDateMismatch
            | Kind::DateMismatch
            | Kind::FigureMismatch
    )
}

fn pair_findings(ja: &str, en: &str) -> Vec<(Kind, usize, Option<u32>, String)> {
    let (_dir, run) = run(&[("ja.md", ja), ("en.md", en)]);
    run.findings
        .iter()
        .filter(|f| is_pair(f.kind))
        .map(|f| (f.kind, f.line, f.footnote, f.message.clone()))
        .collect()
}

#[test]
fn a_faithful_prose_translation_pairs_block_by_block() {
    assert_eq!(pair_findings(JA, EN), []);
}

#[test]
fn a_footnote_moved_to_another_paragraph_is_found_though_the_sequence_agrees() {
    // [2] moves up a paragraph: the reading order is still 1, 2, 3.
    let moved = EN
        .replace("The stack is fast.[^1] It", "The stack is fast.[^1][^2] It")
        .replace("The heap is large.[^2]", "The heap is large.");
    let got = pair_findings(JA, &moved);
    assert_eq!(got.len(), 2, "{got:#?}");
    assert!(got.iter().all(|f| f.0 == Kind::EntryFootnoteMismatch), "{got:#?}");
    assert_eq!((got[0].1, got[1].1), (3, 5));
    assert!(
        got[0]
            .3
            .contains("this paragraph cites [1], [2] but the Japanese paragraph cites [1]"),
        "{}",
        got[0].3
    );
}

#[test]
fn a_dropped_footnote_is_found_in_its_paragraph_and_in_the_sequence() {
    let dropped = EN.replace("Allocation costs time.[^3]", "Allocation costs time.");
    let got = pair_findings(JA, &dropped);
    let kinds: Vec<Kind> = got.iter().map(|f| f.0).collect();
    assert!(kinds.contains(&Kind::FootnoteSequenceMismatch), "{got:#?}");
    let block = got
        .iter()
        .find(|f| f.0 == Kind::EntryFootnoteMismatch)
        .expect("block finding");
    assert_eq!(block.1, 5, "on the paragraph that lost it");
    assert_eq!(block.2, Some(3));
}

#[test]
fn a_translated_paragraph_added_between_cited_ones_does_not_shift_the_pairs() {
    // The translation adds a cited paragraph of its own: it has no
    // counterpart, and the paragraphs after it still pair.
    let added = JA.replace(
        "ヒープは大きいです。",
        "訳注：この節は概要です。[^9]\n\nヒープは大きいです。",
    ) + "[^9]: 訳注。\n";
    let got = pair_findings(&added, EN);
    let unpaired: Vec<_> = got.iter().filter(|f| f.0 == Kind::EntryUnpaired).collect();
    assert_eq!(unpaired.len(), 1, "{got:#?}");
    assert_eq!(unpaired[0].1, 5);
    assert!(
        unpaired[0].3.contains("this paragraph has no counterpart"),
        "{}",
        unpaired[0].3
    );
    assert!(!got.iter().any(|f| f.0 == Kind::EntryFootnoteMismatch), "{got:#?}");
}

/// The real translation pairs (tests/fixtures/real/, SOURCES.md): a
/// faithful translation of a book chapter gives no pair finding.
#[test]
fn the_real_rust_book_translations_pair_without_findings() {
    let real = repo_root().join("tests/fixtures/real");
    for chapter in ["the-stack-and-the-heap", "choosing-your-guarantees"] {
        let ja = std::fs::read_to_string(real.join(format!("rustbook-{chapter}-ja.md"))).unwrap();
        let en = std::fs::read_to_string(real.join(format!("rustbook-{chapter}-en.md"))).unwrap();
        let (_dir, run) = run(&[("ja.md", &ja), ("en.md", &en)]);
        let citing =
            |d: &citecheck::document::Document| (0..d.blocks.len()).filter(|&i| !d.block_markers(i).is_empty()).count();
        assert_eq!(
            citing(&run.documents[0]),
            2,
            "{chapter}: the Japanese chapter's citing blocks"
        );
        assert_eq!(
            citing(&run.documents[1]),
            2,
            "{chapter}: the English chapter's citing blocks"
        );
        let pair: Vec<_> = run.findings.iter().filter(|f| is_pair(f.kind)).collect();
        assert!(pair.is_empty(), "{chapter}: {pair:#?}");
    }
}

#[test]
fn a_list_in_one_language_and_prose_in_the_other_still_compare_their_figures() {
    // The Japanese version lists the meeting (an entry: a bullet), the
    // English one tells it in a paragraph: no timeline on both sides, so
    // the blocks that cite pair up, and the entry keeps its figures.
    let ja = "# 会合\n\n- 会合には約30名が出席した。[^1]\n\n[^1]: 外務省、2014年。\n";
    let en =
        "# The meeting\n\nAbout 20 officials attended the meeting.[^1]\n\n[^1]: Ministry of Foreign Affairs, 2014.\n";
    let got = pair_findings(ja, en);
    let figures: Vec<_> = got.iter().filter(|f| f.0 == Kind::FigureMismatch).collect();
    assert_eq!(figures.len(), 1, "{got:#?}");
    assert_eq!(figures[0].1, 3);
    assert!(figures[0].3.contains("in the Japanese list item"), "{}", figures[0].3);
}

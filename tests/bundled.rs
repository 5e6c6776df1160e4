//! The bundled real pair (data/): every class of defect it contains is found,
//! at the right place, and its clean parts raise nothing.

mod support;

use citecheck::model::{Finding, Kind};
use support::*;
use support::{CheckOptions, check};

fn run() -> (Vec<Finding>, String, String, String, String) {
    let out = tempfile::tempdir().unwrap();
    let outcome = check(&CheckOptions {
        config: Some(repo_root().join("data/citecheck.yaml")),
        out: Some(out.path().to_path_buf()),
        offline: true,
        ..CheckOptions::default()
    })
    .unwrap();
    let ja = outcome.run.documents[0].path.clone();
    let en = outcome.run.documents[1].path.clone();
    let ja_text = std::fs::read_to_string(&ja).unwrap();
    let en_text = std::fs::read_to_string(&en).unwrap();
    (outcome.run.findings, ja, en, ja_text, en_text)
}

#[test]
fn structure_of_the_bundled_pair() {
    let out = tempfile::tempdir().unwrap();
    let outcome = check(&CheckOptions {
        config: Some(repo_root().join("data/citecheck.yaml")),
        out: Some(out.path().to_path_buf()),
        offline: true,
        ..CheckOptions::default()
    })
    .unwrap();
    for d in &outcome.run.documents {
        assert_eq!(d.entries.len(), 28, "{}", d.path);
        assert_eq!(d.references.len(), 29, "{}", d.path);
        assert_eq!(d.published.map(|p| p.to_string()).as_deref(), Some("2015-02-18"));
        let numbers: Vec<u32> = d.references.iter().map(|r| r.number).collect();
        assert_eq!(numbers, (1..=29).collect::<Vec<_>>());
        // Entry 17 holds three footnotes; one entry (June 2010) holds none.
        assert!(d.entries.iter().any(|e| *e.footnotes == [17, 18, 19]));
        assert_eq!(d.entries.iter().filter(|e| e.footnotes.is_empty()).count(), 1);
    }
    let ja = &outcome.run.documents[0];
    // Reference 16 cites two newspapers on continuation lines; 21 cites three.
    assert_eq!(ja.references[15].sources.len(), 2);
    assert_eq!(ja.references[20].sources.len(), 3);
    let en = &outcome.run.documents[1];
    assert_eq!(en.references[20].sources.len(), 3);
}

#[test]
fn every_defect_class_of_the_bundled_pair_is_found() {
    let (f, ja, en, ja_text, en_text) = run();
    // Dates: a reversed range, and a range one day off.
    expect(
        &f,
        Kind::ReversedDateRange,
        &en,
        line_of(&en_text, "October 18 to 10, 2012"),
    );
    expect(&f, Kind::DateMismatch, &en, line_of(&en_text, "October 18 to 10, 2012"));
    expect(&f, Kind::DateMismatch, &en, line_of(&en_text, "February 2 to 3, 2014"));
    // Figures: 約30名 against "Approximately 20 … officers".
    let fig = expect(&f, Kind::FigureMismatch, &en, line_of(&en_text, "Approximately 20"));
    assert_eq!(fig.related[0].line, line_of(&ja_text, "約30名"));
    // References: other hosts, other dates, missing dates.
    expect(
        &f,
        Kind::SourceHostMismatch,
        &en,
        line_of(&en_text, "[5] U.S. Department of State"),
    );
    expect(&f, Kind::SourceHostMismatch, &en, line_of(&en_text, "[12] Kyodo"));
    expect(
        &f,
        Kind::SourceHostMismatch,
        &en,
        line_of(&en_text, "[26] Department of State"),
    );
    expect(&f, Kind::ReferenceDateMismatch, &en, line_of(&en_text, "[12] Kyodo"));
    expect(
        &f,
        Kind::ReferenceDateMismatch,
        &en,
        line_of(&en_text, "[26] Department of State"),
    );
    expect(
        &f,
        Kind::ReferenceWithoutDate,
        &en,
        line_of(&en_text, "[4] Japanese Ministry"),
    );
    expect(&f, Kind::ReferenceWithoutDate, &en, line_of(&en_text, "[25] Kyodo"));
    expect(&f, Kind::SourceLanguageVariant, &en, line_of(&en_text, "000087149.pdf"));
    // URL hygiene: a URL run into "U.S. Department of State", full stops glued in Japanese citations.
    expect(&f, Kind::UrlRunIntoText, &en, line_of(&en_text, "n1.htmU.S."));
    expect(
        &f,
        Kind::UrlTrailingPunctuation,
        &ja,
        line_of(&ja_text, "000059830.pdf."),
    );
    expect(
        &f,
        Kind::UrlTrailingPunctuation,
        &ja,
        line_of(&ja_text, "plt1412080022-n1.html."),
    );
    // …but not the English-style citation's closing stop inside the Japanese list, nor the English ones.
    assert!(
        !f.iter().any(|x| x.kind == Kind::UrlTrailingPunctuation && x.file == en),
        "{}",
        show(&f)
    );
    assert!(
        !f.iter()
            .any(|x| x.kind == Kind::UrlTrailingPunctuation && x.line == line_of(&ja_text, "army.mil"))
    );
    // The numbering of both documents is sound and every entry pairs up.
    for k in [
        Kind::DuplicateReference,
        Kind::MissingReference,
        Kind::UncitedReference,
        Kind::NumberingGap,
        Kind::CitationOrder,
        Kind::EntryUnpaired,
        Kind::EntryFootnoteMismatch,
        Kind::ReferenceMissingInPair,
    ] {
        assert!(!f.iter().any(|x| x.kind == k), "unexpected {k}:\n{}", show(&f));
    }
}

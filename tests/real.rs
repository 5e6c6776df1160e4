//! Real documents nobody here wrote (`tests/fixtures/real/`, listed with
//! their sources and independently counted truths in SOURCES.md): citecheck
//! finds as many footnote references and definitions as they hold.

mod support;

use std::path::Path;

use support::{CheckOptions, check, repo_root};

/// The table of SOURCES.md: file, references, definitions.
fn truths() -> Vec<(String, usize, usize)> {
    let text = std::fs::read_to_string(repo_root().join("tests/fixtures/real/SOURCES.md")).unwrap();
    text.lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| file"))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            let n = cells.len();
            (
                cells[0].to_string(),
                cells[n - 2].parse().unwrap(),
                cells[n - 1].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn every_real_fixture_is_listed_and_counted() {
    let truths = truths();
    let dir = repo_root().join("tests/fixtures/real");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "SOURCES.md" && !n.ends_with(".py"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = truths.iter().map(|t| t.0.clone()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "every fixture has its row in SOURCES.md");
    for (file, references, definitions) in truths {
        let path = dir.join(&file);
        let o = check(&CheckOptions {
            documents: vec![path.clone()],
            offline: true,
            config: Some(Path::new("/dev/null").to_path_buf()),
            ..CheckOptions::default()
        })
        .unwrap();
        let doc = &o.run.documents[0];
        assert_eq!(doc.references.len(), definitions, "{file}: definitions");
        assert_eq!(doc.markers.len(), references, "{file}: references");
    }
}

/// `tests/fixtures/modified/`: a real page with one defect put in by hand
/// (SOURCES.md says which), so that the numbering checks are seen to run on
/// MediaWiki's notes.
#[test]
fn a_wikipedia_marker_that_links_to_no_note_is_a_missing_reference() {
    let path = repo_root().join("tests/fixtures/modified/wikipedia-hermitian-matrix-broken-cite-note.html");
    let o = check(&CheckOptions {
        documents: vec![path],
        offline: true,
        config: Some(Path::new("/dev/null").to_path_buf()),
        ..CheckOptions::default()
    })
    .unwrap();
    let numbering: Vec<(citecheck::model::Kind, Option<u32>)> = o
        .run
        .findings
        .iter()
        .filter(|f| {
            use citecheck::model::Kind::*;
            matches!(
                f.kind,
                MissingReference | UncitedReference | CitationOrder | NumberingGap | DuplicateReference
            )
        })
        .map(|f| (f.kind, f.footnote))
        .collect();
    use citecheck::model::Kind::{MissingReference, UncitedReference};
    // The marker `[5]` was made `[6]`, linking to `#cite_note-6`, which the page lacks.
    assert_eq!(numbering, [(MissingReference, Some(6)), (UncitedReference, Some(5))]);
}

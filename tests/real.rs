//! Real documents nobody here wrote (`tests/fixtures/real/`, listed with
//! their sources and independently counted truths in SOURCES.md): citecheck
//! finds as many footnote references and definitions as they hold.

mod support;

use std::path::Path;

use support::{CheckOptions, check, repo_root};

/// The rows of the SOURCES.md table whose header starts with `header`, as cells.
fn table(header: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(repo_root().join("tests/fixtures/real/SOURCES.md")).unwrap();
    let mut rows = Vec::new();
    let mut inside = false;
    for l in text.lines() {
        if l.starts_with(header) {
            inside = true;
            continue;
        }
        if inside && l.starts_with("|---") {
            continue;
        }
        if inside && l.starts_with("| ") {
            rows.push(l.trim_matches('|').split(" | ").map(|c| c.trim().to_string()).collect());
        } else if inside {
            break;
        }
    }
    rows
}

/// The fixtures table: file, references, definitions.
fn truths() -> Vec<(String, usize, usize)> {
    table("| file | repository")
        .into_iter()
        .map(|cells| {
            let n = cells.len();
            (
                cells[0].clone(),
                cells[n - 2].parse().unwrap(),
                cells[n - 1].parse().unwrap(),
            )
        })
        .collect()
}

/// The fixture's place in its repository, when `trees/` lists the files
/// around it (`git ls-tree`, SOURCES.md says at which commit): a temporary
/// folder that holds those files (empty: only their names matter) and the
/// fixture at its own path, so that its relative links are checked as they
/// stand in the repository, not in a folder of unrelated fixtures.
fn placed(file: &str) -> Option<(tempfile::TempDir, std::path::PathBuf)> {
    let real = repo_root().join("tests/fixtures/real");
    let row = table("| file | repository").into_iter().find(|r| r[0] == file)?;
    let listing = std::fs::read_to_string(real.join("trees").join(format!("{}.txt", row[1].replace('/', "+")))).ok()?;
    let dir = tempfile::tempdir().unwrap();
    for path in listing.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let at = dir.path().join(path);
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::fs::write(&at, "").unwrap();
    }
    let at = dir.path().join(&row[2]);
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    std::fs::copy(real.join(file), &at).unwrap();
    Some((dir, at))
}

fn check_one(file: &str) -> support::Outcome {
    let tree = placed(file);
    let path = match &tree {
        Some((_, at)) => at.clone(),
        None => repo_root().join("tests/fixtures/real").join(file),
    };
    check(&CheckOptions {
        documents: vec![path],
        offline: true,
        config: Some(Path::new("/dev/null").to_path_buf()),
        ..CheckOptions::default()
    })
    .unwrap()
}

#[test]
fn every_real_fixture_is_listed_and_counted() {
    let truths = truths();
    let dir = repo_root().join("tests/fixtures/real");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "SOURCES.md" && n != "trees" && !n.ends_with(".py"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = truths.iter().map(|t| t.0.clone()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "every fixture has its row in SOURCES.md");
    for (file, references, definitions) in truths {
        let o = check_one(&file);
        let doc = &o.run.documents[0];
        assert_eq!(doc.references.len(), definitions, "{file}: definitions");
        assert_eq!(doc.markers.len(), references, "{file}: references");
    }
}

#[test]
fn every_real_fixture_gives_exactly_the_findings_read_by_hand() {
    let expected = table("| file | kind");
    assert!(expected.len() > 30, "the findings table is read");
    for (file, _, definitions) in truths() {
        let o = check_one(&file);
        let mut got: Vec<String> = o
            .run
            .findings
            .iter()
            .filter(|f| f.severity >= citecheck::model::Severity::Warning)
            .map(|f| {
                format!(
                    "{} {} {}",
                    f.kind,
                    f.line,
                    f.footnote.map_or("-".to_string(), |n| n.to_string())
                )
            })
            .collect();
        let rows: Vec<&Vec<String>> = expected.iter().filter(|r| r[0] == file).collect();
        let mut want: Vec<String> = rows.iter().map(|r| format!("{} {} {}", r[1], r[2], r[3])).collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{file}: findings at warning and above");
        // False findings: at most 1 per 25 references, and at most 1 below 25.
        let false_ones = rows.iter().filter(|r| r[4] == "no").count();
        let budget = (definitions / 25).max(1);
        assert!(
            false_ones <= budget,
            "{file}: {false_ones} false findings, budget {budget}"
        );
    }
}

/// `tests/fixtures/modified/`: a real page with one defect put in by hand
/// (SOURCES.md says which), so that the numbering checks are seen to run on
/// MediaWiki's notes.
#[test]
fn a_wikipedia_marker_that_links_to_no_note_is_a_missing_reference() {
    let o = check_one("../modified/wikipedia-hermitian-matrix-broken-cite-note.html");
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

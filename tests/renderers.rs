//! Footnote HTML from real renderers (`tests/fixtures/renderers/`, with the
//! renderer, version and command of each in SOURCES.md): the general rule for
//! notes reads every one of them, with the counts and numbers counted by hand.

mod support;

use std::path::Path;

use citecheck::model::{Kind, Lang};
use support::{CheckOptions, check, repo_root, show};

struct Truth {
    file: String,
    references: usize,
    definitions: usize,
    sequence: Vec<u32>,
}

fn truths() -> Vec<Truth> {
    let text = std::fs::read_to_string(repo_root().join("tests/fixtures/renderers/SOURCES.md")).unwrap();
    text.lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| file"))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            let n = cells.len();
            Truth {
                file: cells[0].to_string(),
                references: cells[n - 3].parse().unwrap(),
                definitions: cells[n - 2].parse().unwrap(),
                sequence: cells[n - 1].split_whitespace().map(|v| v.parse().unwrap()).collect(),
            }
        })
        .collect()
}

/// Findings that would be false on any of these outputs: each is a
/// consistent footnote set as the renderer wrote it.
const NUMBERING: &[Kind] = &[
    Kind::MissingReference,
    Kind::UncitedReference,
    Kind::CitationOrder,
    Kind::DuplicateReference,
    Kind::NumberingGap,
    Kind::InvalidNumber,
    Kind::NoReferenceSection,
];

#[test]
fn every_renderers_notes_are_read() {
    let dir = repo_root().join("tests/fixtures/renderers");
    let truths = truths();
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".html"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = truths.iter().map(|t| t.file.clone()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "every output has its row in SOURCES.md");
    let source = std::fs::read_to_string(dir.join("source.md")).unwrap();
    for t in truths {
        let html = std::fs::read_to_string(dir.join(&t.file)).unwrap();
        let o = check(&CheckOptions {
            documents: vec![dir.join(&t.file)],
            offline: true,
            config: Some(Path::new("/dev/null").to_path_buf()),
            ..CheckOptions::default()
        })
        .unwrap();
        let doc = &o.run.documents[0];
        let f = &t.file;
        assert_eq!(doc.markers.len(), t.references, "{f}: references");
        assert_eq!(doc.references.len(), t.definitions, "{f}: definitions");
        let seen: Vec<u32> = doc.markers.iter().map(|m| m.number).collect();
        assert_eq!(seen, t.sequence, "{f}: the numbers the reader sees");
        let wrong: Vec<_> = o
            .run
            .findings
            .iter()
            .filter(|x| NUMBERING.contains(&x.kind))
            .cloned()
            .collect();
        assert!(wrong.is_empty(), "{f}:\n{}", show(&wrong));
        // Each note holds the URL it cites, and only that one.
        for r in &doc.references {
            let urls: Vec<&str> = r.sources.iter().flat_map(|s| &s.urls).map(|u| u.url.as_str()).collect();
            assert_eq!(urls.len(), 1, "{f}: reference [{}] cites one URL: {urls:?}", r.number);
            assert!(html.contains(urls[0]), "{f}: {} is in the page", urls[0]);
        }
        // A note's line is a line of the page, after the marker that cites it.
        let lines = html.lines().count();
        for r in &doc.references {
            let first_marker = doc.markers.iter().find(|m| m.number == r.number).unwrap();
            assert!(
                r.line <= lines && r.line >= first_marker.line as usize,
                "{f}: reference [{}] at line {}",
                r.number,
                r.line
            );
        }
        if html.contains("https://project.example/") {
            // The body link is checked as a body link, not a citation; `#later` is not a link.
            assert!(source.contains("https://project.example/"));
            let body: Vec<&str> = doc.body_links.iter().map(|u| u.url.as_str()).collect();
            assert_eq!(body, ["https://project.example/"], "{f}: body links");
        }
        let japanese = t.file.starts_with("tdiary") || t.file.starts_with("wordpress");
        assert_eq!(doc.lang, if japanese { Lang::Ja } else { Lang::En }, "{f}: language");
    }
}

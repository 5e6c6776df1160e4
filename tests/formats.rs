//! Every input form gives the same findings: the bundled pair as text, as
//! Markdown and as HTML (converted here), and in every encoding; hostile files
//! get a clear error or a finding, never a panic or a hang.

mod support;

#[path = "support/convert.rs"]
mod convert;

use std::collections::BTreeMap;
use std::path::Path;

use citecheck::model::{Finding, Kind};
use encoding_rs::{EUC_JP, ISO_2022_JP, SHIFT_JIS};
use support::*;
use support::{CheckOptions, check};

/// Findings as (document index, kind, footnote) with their counts: what must
/// not change between forms (line numbers may).
fn signature(findings: &[Finding], paths: &[String]) -> BTreeMap<(usize, Kind, Option<u32>), usize> {
    let mut m = BTreeMap::new();
    for f in findings {
        let doc = paths.iter().position(|p| *p == f.file).expect("known file");
        *m.entry((doc, f.kind, f.footnote)).or_default() += 1;
    }
    m
}

fn check_files(dir: &Path, ja: &str, en: &str, format: &str) -> (Vec<Finding>, Vec<String>, Vec<usize>) {
    std::fs::write(
        dir.join("c.yaml"),
        format!("documents:\n  - path: {ja}\n    lang: ja\n    format: {format}\n  - path: {en}\n    lang: en\n    format: {format}\n"),
    )
    .unwrap();
    let out = check(&CheckOptions {
        config: Some(dir.join("c.yaml")),
        out: Some(dir.join("reports")),
        offline: true,
        ..CheckOptions::default()
    })
    .unwrap();
    let paths = out.run.documents.iter().map(|d| d.path.clone()).collect();
    let counts = out
        .run
        .documents
        .iter()
        .flat_map(|d| [d.entries.len(), d.references.len()])
        .collect();
    (out.run.findings, paths, counts)
}

fn bundled() -> (String, String) {
    (
        std::fs::read_to_string(repo_root().join("data/timeline-ja.txt")).unwrap(),
        std::fs::read_to_string(repo_root().join("data/timeline-en.txt")).unwrap(),
    )
}

#[test]
fn markdown_and_html_forms_give_the_same_findings_as_text() {
    let (ja, en) = bundled();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("ja.txt"), &ja).unwrap();
    std::fs::write(d.join("en.txt"), &en).unwrap();
    std::fs::write(d.join("ja.md"), convert::to_markdown(&ja)).unwrap();
    std::fs::write(d.join("en.md"), convert::to_markdown(&en)).unwrap();
    std::fs::write(d.join("ja.html"), convert::to_html(&ja)).unwrap();
    std::fs::write(d.join("en.html"), convert::to_html(&en)).unwrap();

    let (text, tp, tc) = check_files(d, "ja.txt", "en.txt", "text");
    assert_eq!(tc, vec![28, 29, 28, 29]);
    let expected = signature(&text, &tp);
    assert!(expected.len() > 8, "the text form has findings of many kinds");
    for (ext, format) in [("md", "markdown"), ("html", "html")] {
        let (got, paths, counts) = check_files(d, &format!("ja.{ext}"), &format!("en.{ext}"), format);
        assert_eq!(counts, tc, "{format}: entries and references");
        assert_eq!(
            signature(&got, &paths),
            expected,
            "{format} findings differ:\n{}",
            show(&got)
        );
    }
}

#[test]
fn html_line_numbers_point_into_the_html_source() {
    let (ja, en) = bundled();
    let dir = tempfile::tempdir().unwrap();
    let html_en = convert::to_html(&en);
    std::fs::write(dir.path().join("ja.html"), convert::to_html(&ja)).unwrap();
    std::fs::write(dir.path().join("en.html"), &html_en).unwrap();
    let (f, paths, _) = check_files(dir.path(), "ja.html", "en.html", "html");
    let reversed = f
        .iter()
        .find(|x| x.kind == Kind::ReversedDateRange)
        .expect("reversed range");
    assert_eq!(reversed.file, paths[1]);
    assert_eq!(reversed.line, line_of(&html_en, "October 18 to 10, 2012"));
    let run_in = f.iter().find(|x| x.kind == Kind::UrlRunIntoText).expect("run-in URL");
    assert_eq!(run_in.line, line_of(&html_en, "n1.htmU.S."));
}

#[test]
fn html_entities_and_wikipedia_style_markers() {
    let ja = "<html><body>\n<ul><li>2014年2月3日:会合&amp;協議を開催。<sup id=\"cite_ref-1\"><a href=\"#cite_note-1\">[1]</a></sup></li></ul>\n<h2>脚注</h2>\n<ol class=\"references\">\n<li id=\"cite_note-1\">2014年2月3日付時事通信「サイバー対処で初協議」 <a href=\"http://www.jiji.com/jc/c?g=pol_30&amp;k=2014020300635\">記事</a></li>\n</ol></body></html>\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ja.html"), ja).unwrap();
    let en = "<html><body><ul><li>February 3, 2014: A meeting &amp; talks were held.<sup><a href=\"#fn1\">1</a></sup></li></ul>\n<ol><li id=\"fn1\">Jiji, &ldquo;Saiba taisho de hatsu kyogi,&rdquo; February 3, 2014, <a href=\"http://www.jiji.com/jc/c?g=pol_30&amp;k=2014020300635\">http://www.jiji.com/jc/c?g=pol_30&amp;k=2014020300635</a>. <a href=\"#fnref1\">↩</a></li></ol></body></html>\n";
    std::fs::write(dir.path().join("en.html"), en).unwrap();
    let (f, _, counts) = check_files(dir.path(), "ja.html", "en.html", "html");
    assert_eq!(counts, vec![1, 1, 1, 1]);
    assert!(above_info(&f).is_empty(), "{}", show(&f));
    let out = check(&CheckOptions {
        config: Some(dir.path().join("c.yaml")),
        out: Some(dir.path().join("r")),
        offline: true,
        ..Default::default()
    })
    .unwrap();
    let url = &out.run.documents[0].references[0].sources[0].urls[0].url;
    assert_eq!(
        url, "http://www.jiji.com/jc/c?g=pol_30&k=2014020300635",
        "entities decoded in href"
    );
    assert_eq!(
        out.run.documents[1].references[0].sources[0].title.as_deref(),
        Some("Saiba taisho de hatsu kyogi")
    );
}

#[test]
fn every_encoding_gives_the_same_findings() {
    let (ja, en) = bundled();
    // JIS X 0208 has no U+2022 bullet: a legacy-encoded page would use 「・」.
    let ja = ja.replace('•', "・");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("en.txt"), &en).unwrap();
    std::fs::write(d.join("ja.txt"), &ja).unwrap();
    let (base, paths, _) = check_files(d, "ja.txt", "en.txt", "text");
    let expected = signature(&base, &paths);

    let mut forms: Vec<(&str, Vec<u8>)> = Vec::new();
    for (enc, name) in [
        (SHIFT_JIS, "Shift_JIS"),
        (EUC_JP, "EUC-JP"),
        (ISO_2022_JP, "ISO-2022-JP"),
    ] {
        let (bytes, _, unmappable) = enc.encode(&ja);
        assert!(!unmappable, "{name} can encode the document");
        forms.push((name, bytes.into_owned()));
    }
    forms.push(("UTF-8 (BOM)", [&[0xEF, 0xBB, 0xBF][..], ja.as_bytes()].concat()));
    forms.push((
        "UTF-16LE",
        [vec![0xFF, 0xFE], ja.encode_utf16().flat_map(u16::to_le_bytes).collect()].concat(),
    ));
    forms.push((
        "UTF-16BE",
        [vec![0xFE, 0xFF], ja.encode_utf16().flat_map(u16::to_be_bytes).collect()].concat(),
    ));
    for (name, bytes) in forms {
        std::fs::write(d.join("ja.txt"), &bytes).unwrap();
        let out = check(&CheckOptions {
            config: Some(d.join("c.yaml")),
            out: Some(d.join("r")),
            offline: true,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(out.run.documents[0].encoding, name);
        assert_eq!(out.run.documents[0].entries.len(), 28, "{name}");
        assert_eq!(
            signature(&out.run.findings, &paths),
            expected,
            "{name}:\n{}",
            show(&out.run.findings)
        );
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(d.join("r/citecheck.json")).unwrap()).unwrap();
        assert_eq!(json["documents"][0]["encoding"], name, "the report names the encoding");
    }
}

#[test]
fn mixed_line_endings_change_nothing() {
    let (ja, en) = bundled();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("ja.txt"), &ja).unwrap();
    std::fs::write(d.join("en.txt"), &en).unwrap();
    let (base, _, _) = check_files(d, "ja.txt", "en.txt", "text");
    let mixed: String = ja
        .split('\n')
        .enumerate()
        .map(|(i, l)| format!("{l}{}", ["\r\n", "\n", "\r"][i % 3]))
        .collect();
    std::fs::write(d.join("ja.txt"), mixed.trim_end_matches(['\r', '\n'])).unwrap();
    let (got, _, _) = check_files(d, "ja.txt", "en.txt", "text");
    let key = |f: &[Finding]| f.iter().map(|x| (x.file.clone(), x.line, x.kind)).collect::<Vec<_>>();
    assert_eq!(key(&got), key(&base));
}

#[test]
fn hostile_documents_give_findings_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Unbalanced brackets, absurd numbers, markers and references that go nowhere.
    let nasty = "• 2014年2月3日:[[[[ (脚注: （注 ［ [1-99999999] [99999999999999999999] ((((\n\n参考情報:\n[\n1.\n[2\n（３\n  http://\n[4294967296] x\n";
    std::fs::write(d.join("a.txt"), nasty).unwrap();
    std::fs::write(
        d.join("b.txt"),
        "l\u{a0} February 30, 2014 to January 1, 2014: ]]]] [0] [1]\nReferences\n[1] “unterminated, http://[::1\n",
    )
    .unwrap();
    let (f, _, _) = check_files(d, "a.txt", "b.txt", "text");
    assert!(f.iter().any(|x| x.kind == Kind::InvalidNumber), "{}", show(&f));
    assert!(
        f.iter()
            .any(|x| x.kind == Kind::ReversedDateRange || x.kind == Kind::InvalidDate),
        "{}",
        show(&f)
    );
}

#[test]
fn fifty_megabyte_single_line_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let chunk = "• 2014年2月3日:会合 [1] (脚注:2) http://example.com/a.htmlThe 約30名 ten countries [";
    let mut big = String::with_capacity(50 * 1024 * 1024 + chunk.len());
    while big.len() < 50 * 1024 * 1024 {
        big.push_str(chunk);
    }
    std::fs::write(d.join("big.txt"), &big).unwrap();
    std::fs::write(d.join("en.txt"), support::EN).unwrap();
    let (_, _, counts) = check_files(d, "big.txt", "en.txt", "text");
    assert_eq!(counts[0], 1, "one (very long) entry");
}

#[test]
#[ignore = "writes the converted bundled pair to /tmp/citecheck-forms for inspection"]
fn dump_conversions() {
    let (ja, en) = bundled();
    std::fs::create_dir_all("/tmp/citecheck-forms").unwrap();
    std::fs::write("/tmp/citecheck-forms/ja.html", convert::to_html(&ja)).unwrap();
    std::fs::write("/tmp/citecheck-forms/en.html", convert::to_html(&en)).unwrap();
    std::fs::write("/tmp/citecheck-forms/ja.md", convert::to_markdown(&ja)).unwrap();
    std::fs::write("/tmp/citecheck-forms/en.md", convert::to_markdown(&en)).unwrap();
}

//! Every report format, from the bundled data and from a run with link
//! results; escaping of text from documents and web pages; the HTML report in
//! a real browser; GitHub annotations; baselines.

mod support;

#[path = "support/server.rs"]
mod server;

#[path = "support/fake.rs"]
mod fake;

use std::path::Path;
use std::process::Command;

use citecheck::model::{Finding, Kind, Location, Severity};
use support::*;
use support::{CheckOptions, check};

fn bin(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_citecheck"));
    c.args(args)
        .current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

/// Checks the six formats of one output folder against the run's findings.
/// `in_repo`: the documents lie inside the repository root, so SARIF paths are relative.
fn check_formats(out: &Path, findings: &[Finding], links: usize, in_repo: bool) {
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("citecheck.json")).unwrap()).unwrap();
    assert_eq!(json["findings"].as_array().unwrap().len(), findings.len());
    assert_eq!(json["links"].as_array().unwrap().len(), links);

    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("citecheck.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), findings.len());
    let rules: Vec<&str> = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for (f, r) in findings.iter().zip(results) {
        assert_eq!(r["ruleId"], f.kind.name());
        assert!(rules.contains(&f.kind.name()));
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["region"]["startLine"], f.line);
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        if in_repo {
            assert_eq!(uri, f.file, "relative to the repository root");
        } else {
            assert!(
                uri.ends_with(Path::new(&f.file).file_name().unwrap().to_str().unwrap()),
                "{uri}"
            );
        }
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
    }

    let junit = std::fs::read_to_string(out.join("citecheck.junit.xml")).unwrap();
    let doc = roxmltree::Document::parse(&junit).expect("JUnit is well-formed XML");
    let suites: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("testsuite")).collect();
    assert!(!suites.is_empty());
    let cases = doc.descendants().filter(|n| n.has_tag_name("testcase")).count();
    assert_eq!(
        doc.root_element().attribute("tests").unwrap().parse::<usize>().unwrap(),
        cases
    );

    let csv = std::fs::read_to_string(out.join("citecheck-archive.csv")).unwrap();
    assert!(csv.starts_with("footnote,language,file,line,original_url,link_class"));
    let html = std::fs::read_to_string(out.join("citecheck.html")).unwrap();
    assert!(html.contains("id=\"selfcheck-result\""));
    assert_eq!(html.matches("<tr data-severity=").count(), findings.len());
    let md = std::fs::read_to_string(out.join("citecheck.md")).unwrap();
    assert!(md.starts_with("# citecheck report"));
}

#[test]
fn every_format_from_the_bundled_data() {
    let dir = tempfile::tempdir().unwrap();
    copy_bundled(dir.path());
    // A repository of its own, checked from its root as CI does.
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let o = bin(dir.path(), &["check", "--offline"], &[]);
    assert_eq!(o.status.code(), Some(1));
    // The binary wrote the six reports the bundled config names, and nothing else there.
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("reports"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "citecheck-archive.csv",
            "citecheck.html",
            "citecheck.json",
            "citecheck.junit.xml",
            "citecheck.md",
            "citecheck.sarif"
        ]
    );
    // The same run in process, for what the reports must hold.
    let outcome = check(&CheckOptions {
        config: Some(dir.path().join("data/citecheck.yaml")),
        offline: true,
        ..CheckOptions::default()
    })
    .unwrap();
    let findings: Vec<Finding> = outcome
        .run
        .findings
        .iter()
        .map(|f| Finding {
            file: f
                .file
                .strip_prefix(&format!("{}/", dir.path().display()))
                .unwrap_or(&f.file)
                .to_string(),
            ..f.clone()
        })
        .collect();
    check_formats(&dir.path().join("reports"), &findings, outcome.run.links.len(), true);
    let csv = std::fs::read_to_string(dir.path().join("reports/citecheck-archive.csv")).unwrap();
    let rows = csv.lines().count() - 1;
    assert_eq!(rows, outcome.run.links.iter().map(|l| l.cited_by.len()).sum::<usize>());
}

const HOSTILE: &str = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>";

#[test]
fn every_format_from_a_run_with_link_results_and_hostile_text() {
    let s = server::Server::start(server::Mode::Routes);
    let dir = tempfile::tempdir().unwrap();
    let ok = s.url("/ok");
    let missing = s.url("/missing");
    let other = s.url("/other-title");
    let doc = format!(
        "Site\n\nl\u{a0} May 1, 2014: {HOSTILE} met.[1]\n\nl\u{a0} May 2, 2014: Second.[2]\n\nl\u{a0} May 3, 2014: Third.[3]\n\nReferences:\n\n[1] Pub, “Cited Page Title {HOSTILE},” May 1, 2014, {ok}\n\n[2] Pub, “Cited Page Title,” May 2, 2014, {missing}\n\n[3] Pub, “Joint Statement,” May 3, 2014, {other}\n"
    );
    std::fs::write(dir.path().join("doc.txt"), doc).unwrap();
    // An archive with a capture of the dead page.
    let archive = fake::Fake::start(|r| {
        if r.path == "/cdx/search/cdx" {
            let url = r.param("url").unwrap_or_default();
            return fake::Response::cdx(url, &[("20140502000000", "200")]);
        }
        fake::Response::html("Cited Page Title")
    });
    std::fs::write(
        dir.path().join("c.yaml"),
        format!(
            "documents:\n  - path: doc.txt\n    lang: en\nlinks:\n  retry_base_ms: 10\n  per_host_interval_ms: 0\n  cache:\n    enabled: false\narchive:\n  interval_ms: 0\n  providers:\n    - kind: wayback_cdx\n      base_url: {}\n",
            archive.base()
        ),
    )
    .unwrap();
    let outcome = check(&CheckOptions {
        config: Some(dir.path().join("c.yaml")),
        out: Some(dir.path().join("r")),
        ..CheckOptions::default()
    })
    .unwrap();
    assert!(outcome.run.findings.iter().any(|f| f.kind == Kind::LinkDead));
    check_formats(&dir.path().join("r"), &outcome.run.findings, 3, false);
    let html = std::fs::read_to_string(dir.path().join("r/citecheck.html")).unwrap();
    assert!(
        !html.contains("<script>alert") && !html.contains("<img src=x"),
        "hostile text rendered as markup"
    );
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(html.contains("cls-dead"), "link classes shown beside the references");
    let md = std::fs::read_to_string(dir.path().join("r/citecheck.md")).unwrap();
    assert!(!md.contains("<script>") && !md.contains("<img"));
    let csv = std::fs::read_to_string(dir.path().join("r/citecheck-archive.csv")).unwrap();
    assert!(
        csv.lines()
            .any(|l| l.contains("/missing") && l.contains(",dead,404,") && l.contains("20140502000000")),
        "{csv}"
    );
    // The snapshot reaches every audience: editors, archivists, machines.
    assert!(html.contains("archived 2014-05-02"), "snapshot beside the reference");
    assert!(md.contains("## Archived copies") && md.contains("20140502000000"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r/citecheck.json")).unwrap()).unwrap();
    let dead = json["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["class"] == "dead")
        .unwrap();
    assert_eq!(dead["snapshot"]["days_from_target"], 0);
    let sarif = std::fs::read_to_string(dir.path().join("r/citecheck.sarif")).unwrap();
    assert!(
        sarif.contains("20140502000000"),
        "the dead link's result suggests the snapshot"
    );
}

/// The page title served by a web page is escaped too.
#[test]
fn served_page_titles_are_escaped() {
    let f = Finding::new(
        Kind::ContentMismatch,
        "doc.txt",
        3,
        format!("the page's title {HOSTILE:?} differs"),
    );
    let mut run = citecheck::run::Run::new(Vec::new(), vec![f], citecheck::model::FailOn::Error);
    run.links.push(citecheck::links::LinkResult {
        url: "http://example.org/a".into(),
        class: citecheck::links::LinkClass::Alive,
        http_status: Some(200),
        redirect_chain: vec![],
        final_url: None,
        permanent_redirect: false,
        title: Some(HOSTILE.into()),
        content_type: None,
        evidence: HOSTILE.into(),
        checked_at: "2026-01-01T00:00:00Z".into(),
        cited_by: vec![],
        from_cache: false,
        title_matches: Some(false),
        type_matches: None,
        archived_copy: None,
        local: false,
        failing: None,
    });
    for text in [
        citecheck::report::html::render(&run),
        citecheck::report::markdown::render(&run),
        citecheck::report::junit::render(&run),
    ] {
        assert!(
            !text.contains("<script>alert") && !text.contains("<img src=x"),
            "{text}"
        );
    }
}

#[test]
fn report_runs_in_a_real_browser() {
    let chromium = ["chromium", "chromium-browser", "google-chrome"].into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let Some(chromium) = chromium else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("CI=true but no Chromium: .ci/run installs the chromium package");
        }
        eprintln!("SKIPPED report_runs_in_a_real_browser: no Chromium on this machine (install the chromium package)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    copy_bundled(dir.path());
    let o = bin(dir.path(), &["check", "--offline", "--format", "html"], &[]);
    assert_eq!(o.status.code(), Some(1));
    let profile = tempfile::tempdir().unwrap();
    let page = dir.path().join("reports/citecheck.html");
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", profile.path().display()),
            "--dump-dom",
            &format!("file://{}", page.display()),
        ])
        .output()
        .expect("run chromium");
    let dom = String::from_utf8_lossy(&out.stdout);
    let tag = dom
        .split("id=\"selfcheck-result\"")
        .nth(1)
        .expect("self-check element in the DOM");
    let tag = &tag[..tag.find('<').unwrap_or(tag.len())];
    assert!(tag.contains("data-status=\"ok\""), "{tag}");
    assert!(
        tag.contains("data-rows=\"57\""),
        "28 entry rows + 29 reference rows: {tag}"
    );
    assert!(tag.contains("data-findings=\"27\""), "{tag}");
}

#[test]
fn github_annotations_are_well_formed_and_escaped() {
    let mut f = Finding::new(
        Kind::DateMismatch,
        "data/doc,1.txt",
        7,
        "100% wrong\r\n::error::injected",
    );
    f.related.push(Location {
        file: "x".into(),
        line: 1,
    });
    let run = citecheck::run::Run::new(Vec::new(), vec![f], citecheck::model::FailOn::Error);
    let a = citecheck::report::github::annotations(&run);
    assert_eq!(a.lines().count(), 1, "{a}");
    assert!(
        a.starts_with("::error file=data/doc%2C1.txt,line=7,title=citecheck date_mismatch::"),
        "{a}"
    );
    assert!(a.trim_end().ends_with("100%25 wrong%0D%0A::error::injected"), "{a}");

    let dir = tempfile::tempdir().unwrap();
    copy_bundled(dir.path());
    let summary = dir.path().join("summary.md");
    let o = bin(
        dir.path(),
        &["check", "--offline"],
        &[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
        ],
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    let errors: Vec<&str> = stdout.lines().filter(|l| l.starts_with("::error ")).collect();
    assert_eq!(errors.len(), 4, "{stdout}");
    assert!(
        errors
            .iter()
            .any(|l| l.starts_with("::error file=data/timeline-en.txt,line=33,")),
        "{stdout}"
    );
    assert!(
        std::fs::read_to_string(&summary)
            .unwrap()
            .contains("# citecheck report")
    );
}

#[test]
fn baseline_passes_until_a_new_defect_appears() {
    let dir = tempfile::tempdir().unwrap();
    copy_bundled(dir.path());
    let o = bin(dir.path(), &["baseline", "--offline"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(dir.path().join(".citecheck/baseline.json").is_file());
    let o = bin(
        dir.path(),
        &["check", "--offline", "--baseline", ".citecheck/baseline.json"],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));

    // Edits elsewhere (a new line at the top shifts every line) do not break the match…
    let en = dir.path().join("data/timeline-en.txt");
    let text = std::fs::read_to_string(&en).unwrap();
    std::fs::write(&en, format!("\n\n{text}")).unwrap();
    let o = bin(
        dir.path(),
        &["check", "--offline", "--baseline", ".citecheck/baseline.json"],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));

    // …but one new defect fails the run, with exactly that finding.
    let text = std::fs::read_to_string(&en)
        .unwrap()
        .replacen("July 7, 2014:", "July 8, 2014:", 1);
    std::fs::write(&en, text).unwrap();
    let o = bin(
        dir.path(),
        &[
            "check",
            "--offline",
            "--baseline",
            ".citecheck/baseline.json",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("reports/citecheck.json")).unwrap()).unwrap();
    let new: Vec<&serde_json::Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f.get("baselined").is_none() && f["severity"] != "info")
        .collect();
    assert_eq!(new.len(), 1, "{new:#?}");
    assert_eq!(new[0]["kind"], "date_mismatch");
    assert_eq!(Severity::Error.as_str(), new[0]["severity"]);
}

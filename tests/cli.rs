//! The binary end to end: exit codes, reports on disk, errors that name the file.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use support::*;

fn citecheck(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_citecheck"))
        .args(args)
        .current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .output()
        .expect("run citecheck")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn bundled_pair_with_default_config() {
    // From a copy of the repository's data/ folder, with no arguments at all.
    let dir = tempfile::tempdir().unwrap();
    copy_bundled(dir.path());
    let o = citecheck(dir.path(), &["check", "--offline"]);
    let (out, err) = text(&o);
    assert_eq!(
        o.status.code(),
        Some(1),
        "the bundled pair has real errors\n{out}\n{err}"
    );
    assert!(out.contains("citecheck: "), "{out}");
    assert!(out.contains("28 entries, 29 references"), "{out}");

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("reports/citecheck.json")).unwrap()).unwrap();
    assert_eq!(json["schema_version"], 2);
    for d in json["documents"].as_array().unwrap() {
        assert_eq!(d["entries"].as_array().unwrap().len(), 28, "{}", d["path"]);
        assert_eq!(d["references"].as_array().unwrap().len(), 29, "{}", d["path"]);
    }
    let md = std::fs::read_to_string(dir.path().join("reports/citecheck.md")).unwrap();
    assert!(md.contains("## Errors"));
    // The same run with the subcommand omitted (links off in the config: no test touches the internet).
    let cfg = dir.path().join("data/citecheck.yaml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(&cfg, text.replace("  enabled: true ", "  enabled: false")).unwrap();
    assert!(
        std::fs::read_to_string(&cfg).unwrap().contains("enabled: false"),
        "the bundled config lists links.enabled"
    );
    assert_eq!(citecheck(dir.path(), &[]).status.code(), Some(1));
}

#[test]
fn exit_codes_follow_fail_on() {
    let p = Pair::new(JA, EN);
    let cfg = p.config().display().to_string();
    let out = p.dir.path().join("out").display().to_string();
    let run = |extra: &[&str]| {
        let mut args = vec!["check", "--offline", "--config", &cfg, "--out", &out];
        args.extend_from_slice(extra);
        citecheck(p.dir.path(), &args).status.code()
    };
    assert_eq!(run(&[]), Some(0), "clean pair passes");
    // The clean pair has only info findings? No: it has none at all above info,
    // so even --fail-on warning passes; --fail-on info fails only if info exists.
    assert_eq!(run(&["--fail-on", "warning"]), Some(0));

    let en = edit(EN, "About 30 officials", "About 20 officials");
    std::fs::write(p.dir.path().join("doc-en.txt"), &en).unwrap();
    assert_eq!(run(&[]), Some(1));
    assert_eq!(run(&["--fail-on", "never"]), Some(0));

    let en = edit(EN, "June 8, 2014, http", "http"); // warning only: no date
    std::fs::write(p.dir.path().join("doc-en.txt"), &en).unwrap();
    assert_eq!(run(&[]), Some(0));
    assert_eq!(run(&["--fail-on", "warning"]), Some(1));
    assert_eq!(run(&["--fail-on", "bogus"]), Some(2));
}

#[test]
fn documents_on_the_command_line_and_format_choice() {
    let p = Pair::new(JA, EN);
    let o = citecheck(
        p.dir.path(),
        &[
            "check",
            "--offline",
            "doc-ja.txt",
            "doc-en.txt",
            "--format",
            "json",
            "--out",
            "r",
            "--quiet",
        ],
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    assert!(p.dir.path().join("r/citecheck.json").is_file());
    assert!(!p.dir.path().join("r/citecheck.md").exists());
    // --quiet: only the summary lines.
    assert!(!out.contains("entries, 4 references, 4 footnote markers"), "{out}");
    assert!(out.starts_with("citecheck: 0 errors"), "{out}");
    // Languages were detected from the text.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p.dir.path().join("r/citecheck.json")).unwrap()).unwrap();
    assert_eq!(json["documents"][0]["lang"], "ja");
    assert_eq!(json["documents"][1]["lang"], "en");
}

#[test]
fn input_errors_name_the_file_and_exit_2() {
    let p = Pair::new(JA, EN);
    let d = p.dir.path();
    std::fs::write(d.join("empty.txt"), "").unwrap();
    std::fs::write(d.join("binary.txt"), b"abc\n\0\x01\x02").unwrap();
    std::fs::write(d.join("latin1.txt"), b"caf\xe9\n").unwrap();
    std::fs::create_dir(d.join("folder.txt")).unwrap();
    for (file, says) in [
        ("missing.txt", "no such file"),
        ("empty.txt", "empty"),
        ("binary.txt", "binary"),
        ("latin1.txt", "latin1.txt:1"),
        ("folder.txt", "directory"),
    ] {
        let o = citecheck(d, &["check", "--offline", "doc-ja.txt", file]);
        let (_, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{file}: {err}");
        assert!(err.contains(file) && err.contains(says), "{file}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn config_errors_name_the_line() {
    let p = Pair::new(JA, EN);
    std::fs::write(p.config(), "documents:\n  - path: doc-ja.txt\n    language: ja\n").unwrap();
    let o = citecheck(p.dir.path(), &["check", "--offline", "--config", "citecheck.yaml"]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("citecheck.yaml:3"), "{err}");

    std::fs::write(p.config(), "documents: [\n").unwrap();
    let o = citecheck(p.dir.path(), &["check", "--offline", "--config", "citecheck.yaml"]);
    assert_eq!(o.status.code(), Some(2));

    let o = citecheck(p.dir.path(), &["check", "--offline", "--config", "nope.yaml"]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(err.contains("nope.yaml"), "{err}");
}

#[test]
fn reports_are_replaced_atomically() {
    // A stale report is replaced whole, and no temporary file is left behind.
    let p = Pair::new(JA, EN);
    let reports = p.dir.path().join("reports");
    std::fs::create_dir_all(&reports).unwrap();
    std::fs::write(reports.join("citecheck.json"), "stale").unwrap();
    p.check();
    let json = std::fs::read_to_string(reports.join("citecheck.json")).unwrap();
    assert!(json.starts_with('{'));
    let leftovers: Vec<_> = std::fs::read_dir(&reports)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn report_text_from_documents_is_escaped() {
    let en = edit(
        EN,
        "“Joint Press Statement – the Sixth Meeting,”",
        "“<script>alert(1)</script> | `x` [y](javascript:z),”",
    );
    let en = edit(
        &en,
        "September 17, 2014, http://www.soumu",
        "September 19, 2014, http://www.soumu",
    );
    let p = Pair::new(JA, &en);
    p.check();
    let md = std::fs::read_to_string(p.dir.path().join("reports/citecheck.md")).unwrap();
    assert!(!md.contains("<script>"), "{md}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p.dir.path().join("reports/citecheck.json")).unwrap()).unwrap();
    let title = json["documents"][1]["references"][3]["sources"][0]["title"]
        .as_str()
        .unwrap();
    assert!(title.contains("<script>"), "JSON keeps the text as data: {title}");
}

#[test]
fn readme_documents_every_finding_kind() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    for k in citecheck::model::Kind::ALL {
        let row = format!("| `{}` | {} |", k.name(), k.severity());
        assert!(readme.contains(&row), "README lacks the row for {}", k.name());
    }
}

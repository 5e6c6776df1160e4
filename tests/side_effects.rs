//! What the binary leaves on disk, file by file: `fix --dry-run` nothing at
//! all, `check --format json` its report and its store and nothing else;
//! reports and new copies get the mode the umask gives, rewritten documents
//! keep theirs, and a symlinked document is written through.
//!
//! The web answers through HTTP_PROXY (a fake on 127.0.0.1 that says every
//! page is gone) and a fake Wayback CDX service has a capture of everything,
//! so the runs have real archive notes to write.

mod support;

#[path = "support/fake.rs"]
mod fake;

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use fake::{Fake, Response};
use support::repo_root;

/// Every file and folder under `dir`: its bytes (None for a folder), mode and kind.
fn tree(dir: &Path) -> BTreeMap<String, (Option<Vec<u8>>, u32, bool)> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, (Option<Vec<u8>>, u32, bool)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(base).unwrap().display().to_string();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            let mode = meta.permissions().mode() & 0o7777;
            if meta.is_dir() {
                out.insert(rel, (None, mode, false));
                walk(base, &p, out);
            } else {
                out.insert(
                    rel,
                    (Some(std::fs::read(&p).unwrap()), mode, meta.file_type().is_symlink()),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Runs the binary in `dir` under a umask, with the web behind the proxy.
fn citecheck(dir: &Path, umask: &str, args: &[&str], proxy: &str) -> Output {
    support::behind_proxy(&mut Command::new("sh"), proxy)
        .arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_citecheck"))
        .args(args)
        .current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap()
}

/// A web where every page is gone, and an archive with a capture of everything.
fn services() -> (Fake, Fake) {
    let web = Fake::start(|_| Response::new(404, "text/html", "<title>Not Found</title>"));
    let archive = Fake::start(|r| {
        if r.path == "/cdx/search/cdx" {
            let url = r.param("url").unwrap_or_default();
            return Response::cdx(url, &[("20140615000000", "200")]);
        }
        if r.path.to_ascii_lowercase().ends_with(".pdf") {
            return Response::new(200, "application/pdf", b"%PDF-1.4\n".to_vec());
        }
        Response::new(200, "text/html", "<html><body>archived page</body></html>")
    });
    (web, archive)
}

/// The bundled pair and a config that keeps the cache where it is by default.
fn setup(dir: &Path, archive: &Fake, links: &str) {
    for f in ["timeline-ja.txt", "timeline-en.txt"] {
        std::fs::copy(repo_root().join("data").join(f), dir.join(f)).unwrap();
    }
    std::fs::write(
        dir.join("c.yaml"),
        format!(
            "documents:\n  - path: timeline-ja.txt\n    lang: ja\n  - path: timeline-en.txt\n    lang: en\n\
             links:\n  per_host_interval_ms: 0\n  retry_base_ms: 10\n{links}\
             archive:\n  interval_ms: 0\n  providers:\n    - kind: wayback_cdx\n      base_url: {}\n",
            archive.base()
        ),
    )
    .unwrap();
}

#[test]
fn fix_dry_run_leaves_the_tree_byte_identical() {
    let (web, archive) = services();
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path(), &archive, "");
    let before = tree(dir.path());
    let o = citecheck(
        dir.path(),
        "022",
        &["fix", "--config", "c.yaml", "--dry-run"],
        &web.base(),
    );
    let diff = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    // The run did find something to write: notes and hygiene fixes in the diff.
    assert!(diff.contains("アーカイブ") && diff.contains("(archived at "), "{diff}");
    assert!(archive.count("/cdx") > 0, "the archive was asked");
    let after = tree(dir.path());
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "no file or folder is added or removed (reports, cache, fixed copies)"
    );
    assert!(before == after, "every file keeps its bytes and mode");
}

#[test]
fn check_with_one_format_writes_its_report_and_the_store_and_nothing_else() {
    let (web, archive) = services();
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path(), &archive, "");
    let before = tree(dir.path());
    let o = citecheck(
        dir.path(),
        "022",
        &["check", "--config", "c.yaml", "--format", "json", "-q"],
        &web.base(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let after = tree(dir.path());
    let added: Vec<&String> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    assert_eq!(
        added,
        [
            ".citecheck",
            ".citecheck/citecheck.db",
            "reports",
            "reports/citecheck.json",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .iter()
        .collect::<Vec<_>>()
    );
    for (k, v) in &before {
        assert_eq!(after.get(k), Some(v), "{k} is unchanged");
    }
    let json: serde_json::Value = serde_json::from_slice(after["reports/citecheck.json"].0.as_ref().unwrap()).unwrap();
    assert!(
        json["links"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["snapshot"]["archived_url"].is_string()),
        "the report carries the snapshots"
    );
    let db = rusqlite::Connection::open(dir.path().join(".citecheck/citecheck.db")).unwrap();
    let dead: i64 = db
        .query_row("SELECT count(*) FROM link_checks WHERE status = 404", [], |r| r.get(0))
        .unwrap();
    assert!(dead > 0, "the 404s are stored");
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn reports_and_new_copies_get_the_umask_mode() {
    let (web, archive) = services();
    for (umask, want) in [("022", 0o644), ("027", 0o640), ("002", 0o664)] {
        let dir = tempfile::tempdir().unwrap();
        setup(dir.path(), &archive, "  enabled: false\n");
        let o = citecheck(dir.path(), umask, &["check", "--config", "c.yaml", "-q"], &web.base());
        assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
        let reports: Vec<_> = std::fs::read_dir(dir.path().join("reports"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(reports.len(), 6);
        for r in &reports {
            assert_eq!(mode(r), want, "{} under umask {umask}", r.display());
        }
        let o = citecheck(
            dir.path(),
            umask,
            &["fix", "--config", "c.yaml", "--out", "fixed", "-q"],
            &web.base(),
        );
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        for f in ["timeline-ja.txt", "timeline-en.txt"] {
            assert_eq!(
                mode(&dir.path().join("fixed").join(f)),
                want,
                "fixed/{f} under umask {umask}"
            );
        }
    }
}

#[test]
fn fix_in_place_keeps_the_mode_and_writes_through_a_symlink() {
    let (web, archive) = services();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    setup(d, &archive, "");
    // The English document is a symlink into another folder; the Japanese one is 0640.
    std::fs::create_dir(d.join("real")).unwrap();
    std::fs::rename(d.join("timeline-en.txt"), d.join("real/timeline-en.txt")).unwrap();
    std::os::unix::fs::symlink("real/timeline-en.txt", d.join("timeline-en.txt")).unwrap();
    std::fs::set_permissions(d.join("timeline-ja.txt"), std::fs::Permissions::from_mode(0o640)).unwrap();
    std::fs::set_permissions(d.join("real/timeline-en.txt"), std::fs::Permissions::from_mode(0o604)).unwrap();
    let en_before = std::fs::read_to_string(d.join("real/timeline-en.txt")).unwrap();
    let ja_before = std::fs::read_to_string(d.join("timeline-ja.txt")).unwrap();

    let o = citecheck(
        d,
        "022",
        &["fix", "--config", "c.yaml", "--in-place", "-q"],
        &web.base(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));

    let ja_after = std::fs::read_to_string(d.join("timeline-ja.txt")).unwrap();
    assert_ne!(ja_after, ja_before, "the Japanese document was fixed");
    assert!(ja_after.contains("アーカイブ"));
    assert_eq!(
        mode(&d.join("timeline-ja.txt")),
        0o640,
        "a rewritten document keeps its mode"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("timeline-ja.txt.bak")).unwrap(),
        ja_before
    );

    let link = std::fs::symlink_metadata(d.join("timeline-en.txt")).unwrap();
    assert!(link.file_type().is_symlink(), "the link stays a link");
    let en_after = std::fs::read_to_string(d.join("real/timeline-en.txt")).unwrap();
    assert_ne!(en_after, en_before, "the link's target was rewritten");
    assert!(en_after.contains("(archived at "));
    assert_eq!(
        mode(&d.join("real/timeline-en.txt")),
        0o604,
        "the target keeps its mode"
    );
    let real: Vec<_> = std::fs::read_dir(d.join("real")).unwrap().collect();
    assert_eq!(real.len(), 1, "no temporary file is left beside the target");
}

//! Link history (InternetArchiveBot's rule): with `links.dead_after`, a link
//! is dead only after N failing checks in a row spanning D days; before that
//! it is failing, and no archive is asked for it. The clock is set with
//! `CITECHECK_NOW`, each run a separate process sharing one store.

#[path = "support/fake.rs"]
mod fake;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};

use fake::{Fake, Response};

const TITLE: &str = "Cited Page Title";

/// A site whose one page answers the status the test sets, and an archive
/// that counts the lookups it gets.
fn setup(dir: &Path, status: Arc<AtomicU16>) -> (Fake, Fake) {
    let web = Fake::start(move |_| match status.load(Ordering::SeqCst) {
        200 => Response::html(TITLE),
        s => Response::new(s, "text/html", "<title>Not Found</title>"),
    });
    let archive = Fake::start(|_| Response::json("[]"));
    std::fs::write(
        dir.join("doc.txt"),
        format!(
            "Sample Institute\n\nl\u{a0} May 1, 2014: An event.[1]\n\nReferences:\n\n[1] Publisher, “{TITLE},” May 1, 2014, {}/article.html\n",
            web.base()
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("c.yaml"),
        format!(
            "documents:\n  - path: doc.txt\n    lang: en\nlinks:\n  soft404_probe: false\n  retry_base_ms: 10\n  \
             cache:\n    path: store.db\n  dead_after:\n    checks: 3\n    days: 3\n\
             archive:\n  providers:\n    - kind: wayback_cdx\n      base_url: {}\n  retries: 0\n",
            archive.base()
        ),
    )
    .unwrap();
    (web, archive)
}

/// Runs `check` on day `day` (from 2026-01-01) and returns the link's JSON record.
fn run_on(dir: &Path, day: u32) -> serde_json::Value {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_citecheck"))
        .args(["check", "--config", "c.yaml", "--out", "r", "--format", "json", "-q"])
        .env("CITECHECK_NOW", format!("2026-01-{:02}T12:00:00Z", 1 + day))
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("r/citecheck.json")).unwrap()).unwrap();
    json["links"][0].clone()
}

#[test]
fn a_link_is_dead_only_after_n_failing_checks_over_d_days() {
    let dir = tempfile::tempdir().unwrap();
    let status = Arc::new(AtomicU16::new(404));
    let (_web, archive) = setup(dir.path(), status.clone());

    let first = run_on(dir.path(), 0);
    assert_eq!(first["class"], "failing", "{first}");
    assert_eq!(first["checks"], 1);
    assert_eq!(first["first_failed"], "2026-01-01T12:00:00Z");
    assert!(first["evidence"].as_str().unwrap().contains("1 of 3 checks"), "{first}");
    let second = run_on(dir.path(), 2);
    assert_eq!(second["class"], "failing", "{second}");
    assert_eq!(second["checks"], 2);
    assert_eq!(archive.count("/"), 0, "no archive is asked for a failing link");

    // The third failing check, four days after the first: dead.
    let third = run_on(dir.path(), 4);
    assert_eq!(third["class"], "dead", "{third}");
    assert_eq!(third["checks"], 3);
    assert_eq!(third["first_failed"], "2026-01-01T12:00:00Z");
    assert!(archive.count("/") > 0, "a dead link gets its archive lookup");
}

#[test]
fn three_failing_checks_within_fewer_days_are_still_failing_and_an_ok_check_resets() {
    let dir = tempfile::tempdir().unwrap();
    let status = Arc::new(AtomicU16::new(404));
    let (_web, _archive) = setup(dir.path(), status.clone());
    for day in [0, 1] {
        assert_eq!(run_on(dir.path(), day)["class"], "failing");
    }
    let third = run_on(dir.path(), 2);
    assert_eq!(third["class"], "failing", "3 checks but 2 days: {third}");
    assert_eq!(third["checks"], 3);

    // It answers again: alive, and the count starts over.
    status.store(200, Ordering::SeqCst);
    assert_eq!(run_on(dir.path(), 3)["class"], "alive");
    status.store(404, Ordering::SeqCst);
    let after = run_on(dir.path(), 4);
    assert_eq!(after["class"], "failing", "{after}");
    assert_eq!(after["checks"], 1, "the OK check reset the count");
    assert_eq!(after["first_failed"], "2026-01-05T12:00:00Z");
    assert_eq!(after["last_ok"], "2026-01-04T12:00:00Z");
    // Days 5 and 8: three failing checks since day 4, four days: dead.
    run_on(dir.path(), 5);
    assert_eq!(run_on(dir.path(), 8)["class"], "dead");
}

#[test]
fn by_default_the_first_404_is_dead() {
    let dir = tempfile::tempdir().unwrap();
    let status = Arc::new(AtomicU16::new(404));
    let (_web, _archive) = setup(dir.path(), status);
    let cfg = std::fs::read_to_string(dir.path().join("c.yaml"))
        .unwrap()
        .replace("  dead_after:\n    checks: 3\n    days: 3\n", "");
    std::fs::write(dir.path().join("c.yaml"), cfg).unwrap();
    let first = run_on(dir.path(), 0);
    assert_eq!(first["class"], "dead", "{first}");
    assert_eq!(first["checks"], 1);
}

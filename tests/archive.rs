//! Archive rescue against fake archive services that the tests start on
//! 127.0.0.1, answering in the real services' formats (CDX rows of strings with
//! a header row, Availability's `archived_snapshots`, replay redirects,
//! TimeTravel's `uri` arrays).

mod support;

#[path = "support/fake.rs"]
mod fake;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use citecheck::archive::Snapshot;
use citecheck::model::Kind;
use fake::{Fake, Response};
use support::{CheckOptions, Outcome, check};

const TITLE: &str = "Cyber Talks Begin";

/// A web with a dead page and a live one.
fn web() -> Fake {
    Fake::start(|r| match r.path.as_str() {
        "/alive" => Response::html(TITLE),
        p if p.starts_with("/citecheck-probe") => Response::new(404, "text/html", "no"),
        _ => Response::new(404, "text/html", "<title>Not Found</title>"),
    })
}

/// Replays of captures: 200 with the cited title, except the timestamps listed as broken.
fn replay(r: &fake::Request, broken: &[&str]) -> Response {
    let ts = r.path.trim_start_matches("/web/").split('/').next().unwrap_or("");
    if broken.contains(&ts) {
        Response::new(404, "text/html", "gone")
    } else {
        Response::html(TITLE)
    }
}

fn run(dir: &Path, web: &Fake, cites: &[&str], providers: &str) -> Outcome {
    let mut body = String::from("Site\n\n");
    let mut refs = String::from("References:\n\n");
    for (i, path) in cites.iter().enumerate() {
        let n = i + 1;
        body.push_str(&format!("l\u{a0} February {n}, 2014: Event.[{n}]\n\n"));
        refs.push_str(&format!(
            "[{n}] Jiji, “{TITLE},” February 3, 2014, {}{path}\n\n",
            web.base()
        ));
    }
    std::fs::write(dir.join("doc.txt"), format!("{body}\n{refs}")).unwrap();
    std::fs::write(
        dir.join("c.yaml"),
        format!(
            "documents:\n  - path: doc.txt\n    lang: en\nlinks:\n  retry_base_ms: 10\n  per_host_interval_ms: 0\n  cache:\n    enabled: false\narchive:\n  interval_ms: 0\n  retry_base_ms: 10\n  timeout_ms: 3000\n  providers:\n{providers}"
        ),
    )
    .unwrap();
    check(&CheckOptions {
        config: Some(dir.join("c.yaml")),
        out: Some(dir.join("r")),
        ..CheckOptions::default()
    })
    .unwrap()
}

fn provider(kind: &str, base: &str) -> String {
    format!("    - kind: {kind}\n      base_url: {base}\n")
}

fn snap<'a>(o: &'a Outcome, path: &str) -> Option<&'a Snapshot> {
    // The snapshot is found through its link: the run keys snapshots by link.
    let s = o.run.links_with_snapshots().find(|(l, _)| l.url.ends_with(path))?.1?;
    assert_eq!(s.url, o.run.links.iter().find(|l| l.url.ends_with(path))?.url);
    Some(s)
}

#[test]
fn cdx_closest_capture_skips_non_200_and_prefers_before_on_a_tie() {
    let web = web();
    let archive = Fake::start(|r| {
        if r.path == "/cdx/search/cdx" {
            assert_eq!(r.param("output"), Some("json"));
            assert_eq!(r.param("fl"), Some("timestamp,original,statuscode,mimetype"));
            assert_eq!(r.param("filter"), Some("statuscode:200"));
            assert!(r.param("from").is_some() && r.param("to").is_some());
            let url = r.param("url").unwrap().to_string();
            let rows = if url.ends_with("/gone-a") {
                // 9 days before, 3 days after, and a 404 capture 1 day after (skipped).
                vec![
                    ("20130101000000", "200"),
                    ("20140125000000", "200"),
                    ("20140206000000", "200"),
                    ("20140204000000", "404"),
                ]
            } else {
                // 1.5 days before and 1 day after: within a day of each other → the one before.
                vec![("20140201120000", "200"), ("20140204000000", "200")]
            };
            return Response::cdx(&url, &rows);
        }
        replay(r, &[])
    });
    let dir = tempfile::tempdir().unwrap();
    let o = run(
        dir.path(),
        &web,
        &["/gone-a", "/gone-b"],
        &provider("wayback_cdx", &archive.base()),
    );
    let a = snap(&o, "/gone-a").expect("snapshot for a");
    assert_eq!(a.timestamp, "20140206000000");
    assert_eq!(a.captured, "2014-02-06");
    assert_eq!(a.days_from_target, Some(3));
    assert_eq!(a.target_date, "2014-02-03");
    assert_eq!(a.provider, "wayback-cdx");
    assert!(a.verified);
    assert_eq!(
        a.archived_url,
        format!("{}/web/20140206000000/{}/gone-a", archive.base(), web.base())
    );
    let b = snap(&o, "/gone-b").expect("snapshot for b");
    assert_eq!(b.timestamp, "20140201120000");
    // The finding about the dead link says what to cite instead.
    let f = o
        .run
        .findings
        .iter()
        .find(|f| f.kind == Kind::LinkDead && f.url.as_deref().is_some_and(|u| u.ends_with("/gone-a")))
        .unwrap();
    assert!(
        f.suggestion.as_deref().unwrap_or("").contains("20140206000000"),
        "{f:?}"
    );
    let json = std::fs::read_to_string(dir.path().join("r/citecheck.json")).unwrap();
    assert!(json.contains("\"archived_url\""));
    let csv = std::fs::read_to_string(dir.path().join("r/citecheck-archive.csv")).unwrap();
    assert!(
        csv.lines()
            .any(|l| l.contains("/gone-a") && l.contains("20140206000000") && l.contains(",3,wayback-cdx,true")),
        "{csv}"
    );
}

#[test]
fn every_provider_empty_means_unrecoverable() {
    let web = web();
    let archive = Fake::start(|r| match r.path.as_str() {
        "/cdx/search/cdx" => Response::json("[]"),
        "/wayback/available" => Response::json(r#"{"url":"x","archived_snapshots":{}}"#),
        p if p.starts_with("/api/json/") => Response::new(404, "application/json", "{}"),
        _ => Response::new(404, "text/html", "no capture"),
    });
    let base = archive.base();
    let providers = [
        provider("wayback_cdx", &base),
        provider("wayback_availability", &base),
        provider("wayback_replay", &base),
        provider("timetravel", &base),
    ]
    .concat();
    let dir = tempfile::tempdir().unwrap();
    let o = run(dir.path(), &web, &["/gone"], &providers);
    assert!(o.run.snapshots.is_empty());
    let f = o
        .run
        .findings
        .iter()
        .find(|f| f.kind == Kind::LinkUnrecoverable)
        .expect("unrecoverable finding");
    assert_eq!(f.severity, citecheck::model::Severity::Error);
    assert!(f.message.contains("needs a human"));
    assert!(!o.run.findings.iter().any(|f| f.kind == Kind::ArchiveProviderFailed));
}

#[test]
fn a_failing_provider_is_a_warning_and_the_next_answers() {
    let web = web();
    let archive = Fake::start(|r| match r.path.as_str() {
        "/cdx/search/cdx" => Response::new(503, "text/plain", "down"),
        "/wayback/available" => Response::json(&format!(
            r#"{{"url":"x","archived_snapshots":{{"closest":{{"status":"200","available":true,"url":"http://{}/web/20140210000000/x","timestamp":"20140210000000"}}}}}}"#,
            r.header("host").unwrap_or("")
        )),
        _ => replay(r, &[]),
    });
    let base = archive.base();
    let dir = tempfile::tempdir().unwrap();
    let o = run(
        dir.path(),
        &web,
        &["/gone"],
        &[provider("wayback_cdx", &base), provider("wayback_availability", &base)].concat(),
    );
    let s = snap(&o, "/gone").expect("the next provider answered");
    assert_eq!(s.provider, "wayback-availability");
    assert_eq!(s.days_from_target, Some(7));
    let w = o
        .run
        .findings
        .iter()
        .find(|f| f.kind == Kind::ArchiveProviderFailed)
        .expect("warning");
    assert!(
        w.message.contains("wayback-cdx") && w.message.contains("503"),
        "{}",
        w.message
    );
    assert_eq!(archive.count("/cdx/"), 3, "retried twice with backoff");
}

#[test]
fn rate_limited_then_answers() {
    let web = web();
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let archive = Fake::start(move |r| {
        if r.path == "/cdx/search/cdx" {
            if c.fetch_add(1, Ordering::SeqCst) == 0 {
                return Response::new(429, "text/plain", "slow down");
            }
            let url = r.param("url").unwrap();
            return Response::cdx(url, &[("20140203000000", "200")]);
        }
        replay(r, &[])
    });
    let dir = tempfile::tempdir().unwrap();
    let o = run(dir.path(), &web, &["/gone"], &provider("wayback_cdx", &archive.base()));
    assert_eq!(snap(&o, "/gone").expect("after the 429").days_from_target, Some(0));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert!(!o.run.findings.iter().any(|f| f.kind == Kind::ArchiveProviderFailed));
}

#[test]
fn malformed_json_is_a_warning_and_the_next_provider_is_asked() {
    let web = web();
    let archive = Fake::start(|r| match r.path.as_str() {
        "/cdx/search/cdx" => Response::json("[[\"timestamp\", oops"),
        p if p.starts_with("/api/json/") => {
            let host = r.header("host").unwrap_or("").to_string();
            Response::json(&format!(
                r#"{{"original_uri":"x","mementos":{{"closest":{{"datetime":"2014-02-05T00:00:00Z","uri":["http://{host}/web/20140205000000/x","http://mirror/x"]}}}}}}"#
            ))
        }
        _ => replay(r, &[]),
    });
    let base = archive.base();
    let dir = tempfile::tempdir().unwrap();
    let o = run(
        dir.path(),
        &web,
        &["/gone"],
        &[provider("wayback_cdx", &base), provider("timetravel", &base)].concat(),
    );
    let s = snap(&o, "/gone").expect("TimeTravel answered");
    assert_eq!(s.provider, "timetravel");
    assert_eq!(s.timestamp, "20140205000000");
    assert!(
        s.archived_url.ends_with("/web/20140205000000/x"),
        "the first of the uri array: {}",
        s.archived_url
    );
    let w = o
        .run
        .findings
        .iter()
        .find(|f| f.kind == Kind::ArchiveProviderFailed)
        .expect("warning");
    assert!(w.message.contains("malformed"), "{}", w.message);
}

#[test]
fn a_capture_that_does_not_replay_is_not_suggested() {
    let web = web();
    let archive = Fake::start(|r| {
        if r.path == "/cdx/search/cdx" {
            let url = r.param("url").unwrap();
            return Response::cdx(url, &[("20140203000000", "200")]);
        }
        if r.path.starts_with("/web/20140203/") {
            // The replay redirect names the nearest capture, as the Wayback Machine does.
            return Response::redirect(
                302,
                &format!("/web/20140207000000/{}", &r.path["/web/20140203/".len()..]),
            );
        }
        replay(r, &["20140203000000"])
    });
    let base = archive.base();
    let dir = tempfile::tempdir().unwrap();
    let o = run(dir.path(), &web, &["/gone"], &provider("wayback_cdx", &base));
    assert!(
        snap(&o, "/gone").is_none(),
        "a capture whose replay is 404 is not suggested"
    );
    // With the replay-redirect provider next, its capture (which replays) is suggested.
    let o = run(
        dir.path(),
        &web,
        &["/gone"],
        &[provider("wayback_cdx", &base), provider("wayback_replay", &base)].concat(),
    );
    let s = snap(&o, "/gone").expect("the replay redirect's capture");
    assert_eq!(s.provider, "wayback-replay");
    assert_eq!(s.timestamp, "20140207000000");
}

#[test]
fn live_links_get_no_lookup_unless_archive_all() {
    let web = web();
    let archive = Fake::start(|r| {
        if r.path == "/cdx/search/cdx" {
            let url = r.param("url").unwrap();
            return Response::cdx(url, &[("20140203000000", "200")]);
        }
        replay(r, &[])
    });
    let dir = tempfile::tempdir().unwrap();
    let o = run(dir.path(), &web, &["/alive"], &provider("wayback_cdx", &archive.base()));
    assert!(o.run.snapshots.is_empty());
    assert_eq!(archive.count("/"), 0, "no lookup for a live link in doubtful mode");
    let o = check(&CheckOptions {
        config: Some(dir.path().join("c.yaml")),
        out: Some(dir.path().join("r")),
        archive: Some(citecheck::config::ArchiveMode::All),
        ..CheckOptions::default()
    })
    .unwrap();
    assert!(
        snap(&o, "/alive").is_some(),
        "--archive all pins a snapshot for live links"
    );
}

#[test]
fn memento_timegate_is_a_provider() {
    let web = web();
    let archive = Fake::start(|r| {
        if let Some(rest) = r.path.strip_prefix("/timegate/") {
            assert!(
                r.header("accept-datetime").is_some_and(|d| d.contains("03 Feb 2014")),
                "{:?}",
                r.header("accept-datetime")
            );
            return Response::redirect(
                302,
                &format!("http://{}/memento/20140204000000/{rest}", r.header("host").unwrap()),
            );
        }
        Response::html(TITLE)
    });
    let dir = tempfile::tempdir().unwrap();
    let o = run(
        dir.path(),
        &web,
        &["/gone"],
        &provider("memento", &format!("{}/timegate", archive.base())),
    );
    let s = snap(&o, "/gone").expect("the TimeGate's memento");
    assert_eq!(s.timestamp, "20140204000000");
    assert_eq!(s.provider, "memento");
    assert!(s.verified);
}

#[test]
fn lookups_are_cached_like_link_results() {
    let web = web();
    let archive = Fake::start(|r| {
        if r.path == "/cdx/search/cdx" {
            let url = r.param("url").unwrap();
            return Response::cdx(url, &[("20140203000000", "200")]);
        }
        replay(r, &[])
    });
    let dir = tempfile::tempdir().unwrap();
    let first = run(dir.path(), &web, &["/gone"], &provider("wayback_cdx", &archive.base()));
    assert!(snap(&first, "/gone").is_some());
    // Turn the store on (inside the test folder) and run twice.
    let cfg = std::fs::read_to_string(dir.path().join("c.yaml")).unwrap().replace(
        "  cache:\n    enabled: false\n",
        &format!(
            "  cache:\n    enabled: true\n    path: {}\n",
            dir.path().join("citecheck.db").display()
        ),
    );
    std::fs::write(dir.path().join("c.yaml"), cfg).unwrap();
    let opts = CheckOptions {
        config: Some(dir.path().join("c.yaml")),
        out: Some(dir.path().join("r")),
        ..CheckOptions::default()
    };
    let second = check(&opts).unwrap();
    let asked = archive.count("/");
    let third = check(&opts).unwrap();
    assert_eq!(snap(&second, "/gone"), snap(&third, "/gone"));
    assert_eq!(
        archive.count("/"),
        asked,
        "no request to the archive for a cached lookup"
    );
    let db = rusqlite::Connection::open(dir.path().join("citecheck.db")).unwrap();
    let lookups: i64 = db
        .query_row("SELECT count(*) FROM archive_lookups", [], |r| r.get(0))
        .unwrap();
    assert!(lookups >= 1, "the lookup is in the store");
}

#[test]
fn save_missing_sends_credentials_to_the_save_endpoint_only() {
    let web = web();
    let archive = Fake::start(|r| match (r.method.as_str(), r.path.as_str()) {
        ("GET", "/cdx/search/cdx") => Response::json("[]"),
        ("POST", "/save") => {
            assert_eq!(r.header("authorization"), Some("LOW akey-123:s3cret-456"));
            assert!(String::from_utf8_lossy(&r.body).starts_with("url=http"));
            Response::json(r#"{"url":"x","job_id":"spn2-abc"}"#)
        }
        ("GET", "/save/status/spn2-abc") => Response::json(
            r#"{"status":"success","job_id":"spn2-abc","timestamp":"20261128120000","original_url":"http://example.org/alive"}"#,
        ),
        _ => Response::html(TITLE),
    });
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Write the document and config through `run`'s helper, then call the binary with the credentials.
    let _ = run(d, &web, &["/alive"], &provider("wayback_cdx", &archive.base()));
    let cfg = std::fs::read_to_string(d.join("c.yaml")).unwrap().replace(
        "archive:\n",
        &format!("archive:\n  save_url: {}/save\n  save_poll_ms: 10\n", archive.base()),
    );
    let cfg = cfg.replace(
        "  cache:\n    enabled: false\n",
        &format!(
            "  cache:\n    enabled: true\n    path: {}\n",
            d.join("cache/citecheck.db").display()
        ),
    );
    std::fs::write(d.join("c.yaml"), cfg).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_citecheck"))
        .args(["check", "--config", "c.yaml", "--out", "r", "--save-missing"])
        .current_dir(d)
        .env("IA_ACCESS_KEY", "akey-123")
        .env("IA_SECRET_KEY", "s3cret-456")
        .output()
        .unwrap();
    let mut everything = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    for entry in walk(d) {
        everything.push_str(&String::from_utf8_lossy(&std::fs::read(&entry).unwrap()));
    }
    for secret in ["akey-123", "s3cret-456"] {
        assert!(!everything.contains(secret), "{secret} leaked");
    }
    let json = std::fs::read_to_string(d.join("r/citecheck.json")).unwrap();
    assert!(
        json.contains("archive_saved") && json.contains("20261128120000"),
        "{json}"
    );
    let seen = archive.seen.lock().unwrap();
    let with_auth: Vec<&str> = seen
        .iter()
        .filter(|r| r.header("authorization").is_some())
        .map(|r| r.path.as_str())
        .collect();
    assert_eq!(with_auth, vec!["/save"], "credentials only on /save");
    assert!(
        seen.iter().any(|r| r.path == "/save/status/spn2-abc"),
        "the job was polled"
    );
    // Without the credentials, --save-missing is a usage error.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_citecheck"))
        .args(["check", "--config", "c.yaml", "--out", "r", "--save-missing"])
        .current_dir(d)
        .env_remove("IA_ACCESS_KEY")
        .env_remove("IA_SECRET_KEY")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
    }
    out
}

#[test]
fn memento_timemap_is_a_provider() {
    let web = web();
    let archive = Fake::start(|r| {
        if let Some(orig) = r.path.strip_prefix("/timemap/link/") {
            let host = r.header("host").unwrap();
            let body = format!(
                "<{orig}>; rel=\"original\",\n<http://{host}/timemap/link/{orig}>; rel=\"self\"; type=\"application/link-format\",\n<http://{host}/m/20130101000000/{orig}>; rel=\"first memento\"; datetime=\"Tue, 01 Jan 2013 00:00:00 GMT\",\n<http://{host}/m/20140205000000/{orig}>; rel=\"memento\"; datetime=\"Wed, 05 Feb 2014 00:00:00 GMT\",\n<http://{host}/m/20160101000000/{orig}>; rel=\"last memento\"; datetime=\"Fri, 01 Jan 2016 00:00:00 GMT\"\n"
            );
            return Response::new(200, "application/link-format", body);
        }
        Response::html(TITLE)
    });
    let dir = tempfile::tempdir().unwrap();
    let o = run(
        dir.path(),
        &web,
        &["/gone"],
        &provider("memento_timemap", &format!("{}/timemap/link", archive.base())),
    );
    let s = snap(&o, "/gone").expect("the TimeMap's closest memento");
    assert_eq!(s.timestamp, "20140205000000");
    assert_eq!(s.provider, "memento-timemap");
}

/// The archive is asked about the real URL, secrets and all (a redacted
/// one could never be found); nothing citecheck writes holds the secrets.
#[test]
fn archives_are_asked_about_the_real_url_and_no_output_holds_its_secrets() {
    let web = web();
    let archive = Fake::start(|r| {
        if r.path == "/cdx/search/cdx" {
            let url = r.param("url").unwrap().to_string();
            return Response::cdx(&url, &[("20140206000000", "200")]);
        }
        replay(r, &[])
    });
    let dir = tempfile::tempdir().unwrap();
    let cites = [
        "/gone-a?token=tokSECRET1&page=2",
        "/gone-b?X-Goog-Signature=sigSECRET2",
        "/gone-c?secret_key=keySECRET3#access_token=fragSECRET4",
    ];
    let o = run(dir.path(), &web, &cites, &provider("wayback_cdx", &archive.base()));
    // Every output written, the reports of every format among them.
    let mut written = String::new();
    for f in walk(&dir.path().join("r")) {
        written.push_str(&String::from_utf8_lossy(&std::fs::read(&f).unwrap()));
    }
    assert!(written.contains("REDACTED"), "the reports name the links");
    for secret in ["tokSECRET1", "sigSECRET2", "keySECRET3", "fragSECRET4"] {
        assert!(!written.contains(secret), "{secret} written");
        assert!(
            !format!("{:?}", o.run.findings).contains(secret),
            "{secret} in a finding"
        );
    }
    // The servers saw the real URLs: the web page itself, and the archive's lookup.
    let asked: Vec<String> = archive
        .seen
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.path == "/cdx/search/cdx")
        .filter_map(|r| r.param("url").map(String::from))
        .collect();
    for secret in ["tokSECRET1", "sigSECRET2", "keySECRET3"] {
        assert!(
            asked.iter().any(|u| u.contains(secret)),
            "{secret} not asked: {asked:?}"
        );
    }
    let fetched: Vec<String> = web.seen.lock().unwrap().iter().map(|r| r.target.clone()).collect();
    assert!(fetched.iter().any(|t| t.contains("tokSECRET1")), "{fetched:?}");
    // Each dead link got its archived copy, found through the real URL.
    for path in ["/gone-a", "/gone-b", "/gone-c"] {
        let found = o.run.links_with_snapshots().find(|(l, _)| l.url.contains(path));
        assert!(found.is_some_and(|(_, s)| s.is_some()), "{path}: no snapshot");
    }
}

#[test]
fn a_run_killed_in_the_archive_phase_repeats_no_finished_lookup() {
    const LINKS: usize = 30;
    let web = Fake::start(|_| Response::new(404, "text/html", "<title>Not Found</title>"));
    // Each lookup is one request, answered "no capture": a definite answer, kept.
    let archive = Fake::start(|_| Response::json("[]"));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut body = String::from("Sample Institute\n\n");
    let mut refs = String::from("References:\n\n");
    for n in 1..=LINKS {
        body.push_str(&format!("l\u{a0} May 1, 2014: Event {n}.[{n}]\n\n"));
        refs.push_str(&format!(
            "[{n}] Publisher, “{TITLE},” May 1, 2014, {}/gone/{n}.html\n\n",
            web.base()
        ));
    }
    std::fs::write(d.join("doc.txt"), format!("{body}\n{refs}")).unwrap();
    std::fs::write(
        d.join("c.yaml"),
        format!(
            "documents:\n  - path: doc.txt\n    lang: en\nlinks:\n  per_host_interval_ms: 0\n  soft404_probe: false\n  \
             cache:\n    path: store.db\narchive:\n  interval_ms: 150\n  retries: 0\n  providers:\n    - kind: wayback_cdx\n      base_url: {}\n",
            archive.base()
        ),
    )
    .unwrap();
    let args = ["check", "--config", "c.yaml", "--out", "r", "--quiet"];
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_citecheck"))
        .args(args)
        .current_dir(d)
        .spawn()
        .unwrap();
    let lookups = |d: &Path| -> usize {
        rusqlite::Connection::open(d.join("store.db"))
            .and_then(|db| db.query_row("SELECT count(*) FROM archive_lookups", [], |r| r.get::<_, i64>(0)))
            .unwrap_or(0) as usize
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while lookups(d) < 5 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // SIGKILL in the middle of the lookups: no chance to clean up.
    child.kill().unwrap();
    let _ = child.wait();
    let kept = lookups(d);
    assert!((5..LINKS).contains(&kept), "kept {kept} lookups");
    let asked = archive.count("/");
    assert!(asked >= kept);
    let web_before = web.count("/");

    let o = std::process::Command::new(env!("CARGO_BIN_EXE_citecheck"))
        .args(args)
        .current_dir(d)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        archive.count("/") - asked,
        LINKS - kept,
        "the rerun asks only the lookups the store lacks"
    );
    assert_eq!(web.count("/"), web_before, "and re-checks no link: every 404 was kept");
    assert_eq!(lookups(d), LINKS);
}

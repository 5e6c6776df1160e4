//! The link engine end to end, against HTTP servers the tests start on
//! 127.0.0.1. No test touches the internet: host names are mapped to loopback
//! with the resolver overrides (`links.resolve`), and the only names that go
//! to the system resolver are `.invalid` ones, which never resolve.

mod support;

#[path = "support/server.rs"]
mod server;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use citecheck::links::{LinkClass, LinkResult, NetworkStatus};
use citecheck::model::Kind;
use server::{HUGE_BODY, Mode, Server, closed_port};
use support::{CheckOptions, Outcome, check};

/// Writes an English document citing each URL (with its cited title) and a config.
fn setup(dir: &Path, cites: &[(&str, &str)], links_cfg: &str) {
    let mut body = String::from("Sample Institute\n\n");
    let mut refs = String::from("References:\n\n");
    for (i, (url, title)) in cites.iter().enumerate() {
        let n = i + 1;
        let day = 1 + i % 28;
        body.push_str(&format!("l\u{a0} May {day}, 2014: Event number {n} happened.[{n}]\n\n"));
        refs.push_str(&format!("[{n}] Publisher, “{title},” May {day}, 2014, {url}\n\n"));
    }
    std::fs::write(dir.join("doc.txt"), format!("{body}\n{refs}")).unwrap();
    let cache = dir.join("cache/citecheck.db");
    // Fast settings for tests, unless the test sets its own.
    let mut cfg = String::from("documents:\n  - path: doc.txt\n    lang: en\nlinks:\n");
    for line in [
        "timeout_ms: 2000",
        "connect_timeout_ms: 1000",
        "retry_base_ms: 50",
        "retry_after_cap_ms: 3000",
        "per_host_interval_ms: 0",
    ] {
        let key = line.split(':').next().unwrap();
        if !links_cfg.contains(&format!("{key}:")) {
            cfg.push_str(&format!("  {line}\n"));
        }
    }
    cfg.push_str(&format!(
        "  cache:\n    enabled: false\n    path: {}\n{links_cfg}",
        cache.display()
    ));
    std::fs::write(dir.join("c.yaml"), cfg).unwrap();
}

fn run(dir: &Path) -> Outcome {
    check(&CheckOptions {
        config: Some(dir.join("c.yaml")),
        out: Some(dir.join("reports")),
        ..CheckOptions::default()
    })
    .expect("check runs")
}

fn links(cites: &[(&str, &str)], cfg: &str) -> (Outcome, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path(), cites, cfg);
    (run(dir.path()), dir)
}

fn result<'a>(o: &'a Outcome, url: &str) -> &'a LinkResult {
    o.run
        .links
        .iter()
        .find(|l| l.url == url)
        .unwrap_or_else(|| panic!("no result for {url}: {:#?}", o.run.links))
}

const T: &str = "Cited Page Title";

fn class_of(mode: Mode, path: &str, title: &str) -> (LinkResult, Server) {
    let s = Server::start(mode);
    let url = s.url(path);
    let (o, _d) = links(&[(&url, title)], "");
    (result(&o, &url).clone(), s)
}

#[test]
fn alive_with_title() {
    let (r, _s) = class_of(Mode::Routes, "/ok", T);
    assert_eq!(r.class, LinkClass::Alive, "{r:?}");
    assert_eq!(r.http_status, Some(200));
    assert_eq!(r.title.as_deref(), Some(T));
    assert_eq!(r.title_matches, Some(true));
    // A checked link says when: an RFC 3339 time.
    assert!(r.checked_at.parse::<jiff::Timestamp>().is_ok(), "{:?}", r.checked_at);
}

#[test]
fn permanent_redirect_chain() {
    let (r, s) = class_of(Mode::Routes, "/moved", T);
    assert_eq!(r.class, LinkClass::Redirected, "{r:?}");
    assert!(r.permanent_redirect);
    assert_eq!(r.redirect_chain, vec![s.url("/moved2"), s.url("/ok")]);
    assert_eq!(r.final_url.as_deref(), Some(s.url("/ok").as_str()));
}

#[test]
fn redirect_to_home_page_is_soft_404() {
    let (r, _s) = class_of(Mode::Routes, "/gone-home", T);
    assert_eq!(r.class, LinkClass::Soft404, "{r:?}");
    assert!(r.evidence.contains("home page"), "{}", r.evidence);
}

#[test]
fn not_found_is_dead() {
    let (r, _s) = class_of(Mode::Routes, "/missing", T);
    assert_eq!(r.class, LinkClass::Dead);
    assert_eq!(r.http_status, Some(404));
}

#[test]
fn gone_is_dead() {
    let (r, _s) = class_of(Mode::Routes, "/removed", T);
    assert_eq!(r.class, LinkClass::Dead);
    assert_eq!(r.http_status, Some(410));
}

#[test]
fn shift_jis_not_found_page_is_soft_404() {
    let (r, _s) = class_of(Mode::Routes, "/sjis-notfound", "日米サイバー対話");
    assert_eq!(r.class, LinkClass::Soft404, "{r:?}");
    assert_eq!(r.title.as_deref(), Some("お探しのページは見つかりませんでした"));
}

#[test]
fn site_that_answers_every_path_is_soft_404_by_probe() {
    let s = Server::start(Mode::AnswersEverything);
    let url = s.url("/news/2014/article-123.html");
    let (o, _d) = links(&[(&url, "Cyber talks begin")], "");
    let r = result(&o, &url);
    assert_eq!(r.class, LinkClass::Soft404, "{r:?}");
    assert!(r.evidence.contains("random path"), "{}", r.evidence);
    // One probe for the host, besides the checked URL.
    assert_eq!(s.stats.total(), 2);
}

#[test]
fn head_refused_falls_back_to_get() {
    let s = Server::start(Mode::Routes);
    let url = s.url("/head405.pdf");
    let (o, _d) = links(&[(&url, T)], "");
    let r = result(&o, &url);
    assert_eq!(r.class, LinkClass::Alive, "{r:?}");
    let methods: Vec<String> = s.stats.seen.lock().unwrap().iter().map(|x| x.method.clone()).collect();
    assert_eq!(methods, vec!["HEAD", "GET"]);
}

#[test]
fn only_404_and_410_are_dead_refusals_are_blocked_and_other_statuses_are_http_errors() {
    let s = Server::start(Mode::Routes);
    let statuses = [400u16, 401, 404, 407, 410, 418, 422, 451, 999, 600];
    let urls: Vec<String> = statuses.iter().map(|n| s.url(&format!("/status/{n}"))).collect();
    let cites: Vec<(&str, &str)> = urls.iter().map(|u| (u.as_str(), T)).collect();
    let (o, _d) = links(&cites, "");
    let class = |n: u16| result(&o, &s.url(&format!("/status/{n}"))).class;
    for n in [404, 410] {
        assert_eq!(class(n), LinkClass::Dead, "{n}");
    }
    for n in [401, 407, 451, 999] {
        assert_eq!(class(n), LinkClass::Blocked, "{n}");
    }
    for n in [400, 418, 422, 600] {
        assert_eq!(class(n), LinkClass::HttpError, "{n}");
    }
    // A warning naming the status, not an error that fails CI.
    let f = o
        .run
        .findings
        .iter()
        .find(|f| f.url.as_deref() == Some(s.url("/status/418").as_str()))
        .expect("a finding for 418");
    assert_eq!(f.kind, Kind::LinkHttpError);
    assert_eq!(f.severity, citecheck::model::Severity::Warning);
    assert!(f.message.contains("HTTP 418"), "{}", f.message);
}

#[test]
fn a_hosts_own_headers_are_not_sent_on_a_hop_to_another_host() {
    let (a, b) = (Server::start(Mode::Routes), Server::start(Mode::Routes));
    let url = a.url(&format!("/to-port/{}/ok", b.addr.port()));
    let cfg = format!(
        "  soft404_probe: false\n  headers:\n    X-Team: archivists\n  hosts:\n    \"127.0.0.1:{}\":\n      headers:\n        X-Api-Key: key-for-a\n",
        a.addr.port()
    );
    let (o, _d) = links(&[(&url, T)], &cfg);
    assert_eq!(result(&o, &url).class, LinkClass::Redirected, "{:?}", result(&o, &url));
    let header = |s: &Server, path: &str, k: &str| -> Vec<Option<String>> {
        s.stats
            .seen
            .lock()
            .unwrap()
            .iter()
            .filter(|x| x.path.starts_with(path))
            .map(|x| x.headers.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
            .collect()
    };
    let to_a = header(&a, "/to-port", "x-api-key");
    assert!(
        !to_a.is_empty() && to_a.iter().all(|v| v.as_deref() == Some("key-for-a")),
        "{to_a:?}"
    );
    let to_b = header(&b, "/ok", "x-api-key");
    assert!(!to_b.is_empty() && to_b.iter().all(Option::is_none), "{to_b:?}");
    // Headers for every host still go everywhere.
    assert!(
        header(&b, "/ok", "x-team")
            .iter()
            .all(|v| v.as_deref() == Some("archivists"))
    );
}

#[test]
fn forbidden_is_blocked_not_dead() {
    let (r, _s) = class_of(Mode::Routes, "/forbidden", T);
    assert_eq!(r.class, LinkClass::Blocked, "{r:?}");
}

#[test]
fn rate_limit_honours_retry_after_then_succeeds() {
    let s = Server::start(Mode::Routes);
    let url = s.url("/ratelimited");
    let (o, _d) = links(&[(&url, T)], "");
    assert_eq!(result(&o, &url).class, LinkClass::Alive);
    let seen = s.stats.seen.lock().unwrap().clone();
    let times: Vec<Instant> = seen.iter().filter(|x| x.path == "/ratelimited").map(|x| x.at).collect();
    assert_eq!(times.len(), 2);
    assert!(
        times[1] - times[0] >= Duration::from_millis(950),
        "waited {:?}",
        times[1] - times[0]
    );
}

#[test]
fn server_errors_are_retried() {
    let s = Server::start(Mode::Routes);
    let url = s.url("/flaky");
    let (o, _d) = links(&[(&url, T)], "");
    assert_eq!(result(&o, &url).class, LinkClass::Alive);
    assert_eq!(s.stats.count("/flaky"), 3);
    let url = s.url("/always500");
    let (o, _d) = links(&[(&url, T)], "");
    let r = result(&o, &url);
    assert_eq!(r.class, LinkClass::ServerError, "a 5xx is never dead: {r:?}");
    assert_eq!(s.stats.count("/always500"), 3, "two retries");
}

#[test]
fn hanging_server_times_out() {
    let s = Server::start(Mode::Routes);
    let url = s.url("/hang");
    let (o, _d) = links(&[(&url, T)], "  timeout_ms: 1000\n  retries: 1\n");
    let r = result(&o, &url);
    assert_eq!(r.class, LinkClass::Timeout, "{r:?}");
    assert_eq!(s.stats.count("/hang"), 2, "a timeout is retried");
}

#[test]
fn redirect_loop_is_detected() {
    let (r, _s) = class_of(Mode::Routes, "/loop-a", T);
    assert_eq!(r.class, LinkClass::ServerError, "{r:?}");
    assert!(r.evidence.contains("loop"), "{}", r.evidence);
}

#[test]
fn huge_body_is_capped() {
    let s = Server::start(Mode::Routes);
    let url = s.url("/huge");
    let (o, _d) = links(&[(&url, T)], "");
    assert_eq!(result(&o, &url).class, LinkClass::Alive);
    std::thread::sleep(Duration::from_millis(300));
    let sent = s.stats.huge_bytes.load(std::sync::atomic::Ordering::SeqCst);
    // The client keeps 1 MB and hangs up. What the server got rid of before
    // that also depends on how far loopback buffers grew (up to tens of MB
    // under load), so the bound is far above those and far below the body: a
    // client that read it all would have taken 256 MB.
    assert!(
        sent < HUGE_BODY / 4,
        "server sent {sent} of {HUGE_BODY} bytes: the body was not capped"
    );
}

#[test]
fn gzip_body_is_decoded() {
    let (r, _s) = class_of(Mode::Routes, "/gzip", T);
    assert_eq!(r.class, LinkClass::Alive);
    assert_eq!(r.title.as_deref(), Some(T), "title read from the decompressed body");
}

#[test]
fn closed_port_is_connection_refused() {
    let live = Server::start(Mode::Routes);
    let dead = format!("http://127.0.0.1:{}/x", closed_port());
    let ok = live.url("/ok");
    let (o, _d) = links(&[(&dead, T), (&ok, T)], "");
    assert_eq!(result(&o, &dead).class, LinkClass::ConnectionRefused);
    assert_eq!(o.run.network, NetworkStatus::Ok);
}

#[test]
fn page_with_another_title_is_content_mismatch() {
    let s = Server::start(Mode::Routes);
    let url = s.url("/other-title");
    let (o, _d) = links(&[(&url, "Joint Statement of the Security Consultative Committee")], "");
    let r = result(&o, &url);
    assert_eq!(r.class, LinkClass::Alive);
    assert_eq!(r.title_matches, Some(false));
    assert!(
        o.run.findings.iter().any(|f| f.kind == Kind::ContentMismatch),
        "{:#?}",
        o.run.findings
    );
}

#[test]
fn html_served_for_a_cited_pdf_is_type_mismatch() {
    let s = Server::start(Mode::Routes);
    let url = s.url("/report.pdf");
    let (o, _d) = links(&[(&url, T)], "  check_pdf_content: true\n");
    let r = result(&o, &url);
    assert_eq!(r.type_matches, Some(false), "{r:?}");
    assert!(o.run.findings.iter().any(|f| f.kind == Kind::ContentTypeMismatch));
    // By default PDFs are checked by HEAD, which sees the content type too.
    let s = Server::start(Mode::Routes);
    let url = s.url("/report.pdf");
    let (o, _d) = links(&[(&url, T)], "");
    assert_eq!(result(&o, &url).type_matches, Some(false));
    assert_eq!(s.stats.seen.lock().unwrap()[0].method, "HEAD");
}

#[test]
fn one_request_per_distinct_url_and_named_hosts() {
    let s = Server::start(Mode::Routes);
    let port = s.addr.port();
    let a = format!("http://site-a.test:{port}/ok");
    let b = format!("http://site-b.test:{port}/ok2");
    let cfg = format!("  resolve:\n    site-a.test: \"127.0.0.1:{port}\"\n    site-b.test: \"127.0.0.1:{port}\"\n");
    // Each URL cited three times (one with a fragment), by different references.
    let a_frag = format!("{a}#section");
    let (o, _d) = links(&[(&a, T), (&b, T), (&a, T), (&a_frag, T), (&b, T)], &cfg);
    assert_eq!(o.run.links.len(), 2, "{:#?}", o.run.links);
    assert_eq!(result(&o, &a).cited_by.len(), 3);
    assert_eq!(s.stats.count("/ok"), 1);
    assert_eq!(s.stats.count("/ok2"), 1);
    // Plus one soft-404 probe per host name, and nothing else.
    assert_eq!(s.stats.total(), 4);
    let hosts: std::collections::BTreeSet<String> =
        s.stats.seen.lock().unwrap().iter().map(|x| x.host.clone()).collect();
    assert_eq!(hosts.len(), 2, "{hosts:?}");
}

#[test]
fn per_host_limit_and_interval_hold() {
    let s = Server::start(Mode::Routes);
    let urls: Vec<String> = (0..8).map(|i| s.url(&format!("/slow?i={i}"))).collect();
    let cites: Vec<(&str, &str)> = urls.iter().map(|u| (u.as_str(), T)).collect();
    let (o, _d) = links(&cites, "  per_host_concurrency: 2\n  soft404_probe: false\n");
    assert!(o.run.links.iter().all(|l| l.class == LinkClass::Alive));
    let max = *s.stats.max_in_flight.lock().unwrap().values().max().unwrap();
    assert!(max <= 2, "in flight at once: {max}");
    assert_eq!(max, 2, "the limit is used");

    let s = Server::start(Mode::Routes);
    let urls: Vec<String> = (0..5).map(|i| s.url(&format!("/ok?i={i}"))).collect();
    let cites: Vec<(&str, &str)> = urls.iter().map(|u| (u.as_str(), T)).collect();
    let (_o, _d) = links(
        &cites,
        "  per_host_interval_ms: 200\n  per_host_concurrency: 4\n  soft404_probe: false\n",
    );
    let mut times: Vec<Instant> = s.stats.seen.lock().unwrap().iter().map(|x| x.at).collect();
    times.sort();
    for w in times.windows(2) {
        assert!(
            w[1] - w[0] >= Duration::from_millis(190),
            "starts {:?} apart",
            w[1] - w[0]
        );
    }
}

#[test]
fn unresolvable_name_is_dead_when_other_hosts_answer() {
    let s = Server::start(Mode::Routes);
    let ok = s.url("/ok");
    let gone = "http://no-such-host.invalid/page.html";
    let (o, _d) = links(&[(&ok, T), (gone, T)], "");
    assert_eq!(o.run.network, NetworkStatus::Ok);
    assert_eq!(result(&o, gone).class, LinkClass::Dead, "{:?}", result(&o, gone));
    assert!(o.run.findings.iter().any(|f| f.kind == Kind::LinkDead));
}

fn bin(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_citecheck"))
        .args(args)
        .current_dir(dir)
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .output()
        .unwrap()
}

#[test]
fn network_down_says_so_once_and_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    let cites: Vec<(String, &str)> = (0..6)
        .map(|i| (format!("http://host{i}.invalid/page{i}.html"), T))
        .collect();
    let cites: Vec<(&str, &str)> = cites.iter().map(|(u, t)| (u.as_str(), *t)).collect();
    setup(dir.path(), &cites, "");
    let start = Instant::now();
    let o = bin(dir.path(), &["check", "--config", "c.yaml", "--out", "r"]);
    let took = start.elapsed();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        o.status.code(),
        Some(3),
        "{stderr}\n{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert_eq!(stderr.matches("network is unreachable").count(), 1, "{stderr}");
    assert!(
        took < Duration::from_secs(20),
        "gave up early, not after every timeout ({took:?})"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r/citecheck.json")).unwrap()).unwrap();
    assert_eq!(json["summary"]["network"], "unreachable");
    assert!(
        json["links"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["class"] == "unchecked")
    );
    // Findings at or above --fail-on still give 1: drop a marker, leaving a reference uncited (a warning).
    let doc = std::fs::read_to_string(dir.path().join("doc.txt"))
        .unwrap()
        .replacen("happened.[1]", "happened.", 1);
    std::fs::write(dir.path().join("doc.txt"), doc).unwrap();
    let o = bin(dir.path(), &["check", "--config", "c.yaml", "--out", "r"]);
    assert_eq!(
        o.status.code(),
        Some(3),
        "a warning does not fail at the default --fail-on error"
    );
    let o = bin(
        dir.path(),
        &["check", "--config", "c.yaml", "--out", "r", "--fail-on", "warning"],
    );
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn cache_spares_requests_for_fresh_results() {
    let s = Server::start(Mode::Routes);
    let dir = tempfile::tempdir().unwrap();
    let (ok, flaky, missing) = (s.url("/ok"), s.url("/always500"), s.url("/missing"));
    setup(dir.path(), &[(&ok, T), (&flaky, T), (&missing, T)], "");
    let cfg = std::fs::read_to_string(dir.path().join("c.yaml"))
        .unwrap()
        .replace("enabled: false", "enabled: true");
    std::fs::write(dir.path().join("c.yaml"), cfg).unwrap();
    let first = run(dir.path());
    assert_eq!(result(&first, &ok).class, LinkClass::Alive);
    let before = (
        s.stats.count("/ok"),
        s.stats.count("/missing"),
        s.stats.count("/always500"),
    );
    let second = run(dir.path());
    assert!(result(&second, &ok).from_cache);
    assert!(result(&second, &missing).from_cache, "404 is a definite answer: cached");
    assert!(!result(&second, &flaky).from_cache, "5xx is never cached");
    assert_eq!(s.stats.count("/ok"), before.0, "no request for a fresh success");
    assert_eq!(s.stats.count("/missing"), before.1);
    assert!(s.stats.count("/always500") > before.2);
    // --max-cache-age 0 checks everything again.
    let third = check(&CheckOptions {
        config: Some(dir.path().join("c.yaml")),
        out: Some(dir.path().join("reports")),
        max_cache_age: Some(Duration::ZERO),
        ..CheckOptions::default()
    })
    .unwrap();
    assert!(!result(&third, &ok).from_cache);
    assert_eq!(s.stats.count("/ok"), before.0 + 1);
}

#[test]
fn killed_run_leaves_a_readable_cache_and_resumes() {
    let s = Server::start(Mode::Delayed(250));
    let dir = tempfile::tempdir().unwrap();
    let urls: Vec<String> = (0..40).map(|i| s.url(&format!("/p{i}.html"))).collect();
    let cites: Vec<(&str, &str)> = urls.iter().map(|u| (u.as_str(), T)).collect();
    setup(
        dir.path(),
        &cites,
        "  per_host_concurrency: 1\n  soft404_probe: false\n  title_check: false\n",
    );
    let cfg = std::fs::read_to_string(dir.path().join("c.yaml"))
        .unwrap()
        .replace("enabled: false", "enabled: true");
    std::fs::write(dir.path().join("c.yaml"), cfg).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_citecheck"))
        .args(["check", "--config", "c.yaml", "--out", "r", "--quiet"])
        .current_dir(dir.path())
        .spawn()
        .unwrap();
    let cache = dir.path().join("cache/citecheck.db");
    let deadline = Instant::now() + Duration::from_secs(15);
    while !cache.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(1200));
    // SIGKILL: no chance to clean up.
    child.kill().unwrap();
    let _ = child.wait();
    let db = rusqlite::Connection::open(&cache).expect("store written during the run");
    let kept: i64 = db
        .query_row(
            "SELECT count(DISTINCT url_hash) FROM link_checks WHERE reusable",
            [],
            |r| r.get(0),
        )
        .expect("the store reads after a SIGKILL");
    drop(db);
    let kept = kept as usize;
    assert!(kept > 0 && kept < 40, "kept {kept}");
    let before = s.stats.total();
    let o = bin(dir.path(), &["check", "--config", "c.yaml", "--out", "r", "--quiet"]);
    assert!(
        o.status.code() == Some(0),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        s.stats.total() - before,
        40 - kept,
        "the rerun asks only what the cache lacks"
    );
}

#[test]
fn credentials_never_appear_in_any_output() {
    let s = Server::start(Mode::Routes);
    let port = s.addr.port();
    let dir = tempfile::tempdir().unwrap();
    let secret = format!("http://alice:s3cretPW@127.0.0.1:{port}/secret?token=tok123abc&page=2");
    let dead = format!("http://bob:hunter2xyz@127.0.0.1:{}/x?api_key=key987", closed_port());
    // A URL the parser refuses, a fragment and signed-URL parameters.
    let unparsed = "http://[bad/x?access_token=badTOKEN9";
    let fragment = format!("http://127.0.0.1:{port}/ok#access_token=fragTOKEN8&state=1");
    let signed = format!("http://127.0.0.1:{port}/ok?X-Goog-Signature=googSIG7&pass=passWORD6");
    setup(
        dir.path(),
        &[(&secret, T), (&dead, T), (unparsed, T), (&fragment, T), (&signed, T)],
        "",
    );
    let cfg = std::fs::read_to_string(dir.path().join("c.yaml"))
        .unwrap()
        .replace("enabled: false", "enabled: true");
    std::fs::write(dir.path().join("c.yaml"), cfg).unwrap();
    let o = bin(dir.path(), &["check", "--config", "c.yaml", "--out", "r"]);
    let mut everything = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    for f in [
        "r/citecheck.json",
        "r/citecheck.md",
        "r/citecheck.html",
        "r/citecheck.sarif",
        "r/citecheck.junit.xml",
        "r/citecheck-archive.csv",
    ] {
        everything.push_str(&std::fs::read_to_string(dir.path().join(f)).unwrap_or_else(|_| panic!("{f} written")));
    }
    // The store, and its WAL files if any, byte for byte.
    let mut store_bytes = 0;
    for f in std::fs::read_dir(dir.path().join("cache")).unwrap().flatten() {
        let bytes = std::fs::read(f.path()).unwrap();
        store_bytes += bytes.len();
        everything.push_str(&String::from_utf8_lossy(&bytes));
    }
    assert!(store_bytes > 0, "the store is written");
    for needle in [
        "s3cretPW",
        "tok123abc",
        "hunter2xyz",
        "key987",
        "alice",
        "bob:",
        "badTOKEN9",
        "fragTOKEN8",
        "googSIG7",
        "passWORD6",
    ] {
        assert!(!everything.contains(needle), "{needle} leaked");
    }
    assert!(everything.contains("REDACTED"));
    // The request itself still carried the credentials to the server.
    let seen = s.stats.seen.lock().unwrap();
    assert!(
        seen.iter()
            .any(|x| x.path == "/secret" && x.headers.iter().any(|(k, _)| k == "authorization"))
    );
}

#[test]
fn offline_checks_nothing() {
    let s = Server::start(Mode::Routes);
    let dir = tempfile::tempdir().unwrap();
    let ok = s.url("/ok");
    setup(dir.path(), &[(&ok, T)], "");
    let o = check(&CheckOptions {
        config: Some(dir.path().join("c.yaml")),
        out: Some(dir.path().join("r")),
        offline: true,
        ..CheckOptions::default()
    })
    .unwrap();
    assert_eq!(o.run.network, NetworkStatus::Offline);
    assert_eq!(s.stats.total(), 0);
    assert_eq!(result(&o, &ok).class, LinkClass::Unchecked);
}

#[test]
fn http_proxy_from_the_environment_is_used() {
    let proxy = Server::start(Mode::Routes);
    let dir = tempfile::tempdir().unwrap();
    // A name nobody resolves: only the proxy can answer for it.
    let url = "http://proxied-site.invalid/ok";
    setup(dir.path(), &[(url, T)], "  soft404_probe: false\n");
    let o = Command::new(env!("CARGO_BIN_EXE_citecheck"))
        .args(["check", "--config", "c.yaml", "--out", "r"])
        .current_dir(dir.path())
        .env("HTTP_PROXY", proxy.url(""))
        .env("http_proxy", proxy.url(""))
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
    let seen = proxy.stats.seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].host, "proxied-site.invalid");
}

#[test]
fn user_agent_headers_and_accepted_statuses_are_configurable() {
    let s = Server::start(Mode::Routes);
    let (ok, forbidden) = (s.url("/ok"), s.url("/forbidden"));
    let host = format!("127.0.0.1:{}", s.addr.port());
    let cfg = format!(
        "  soft404_probe: false\n  accept: [403]\n  headers:\n    X-Team: archivists\n  hosts:\n    \"{host}\":\n      headers:\n        Accept-Language: ja\n"
    );
    let (o, _d) = links(&[(&ok, T), (&forbidden, T)], &cfg);
    assert_eq!(result(&o, &forbidden).class, LinkClass::Alive, "403 accepted");
    let seen = s.stats.seen.lock().unwrap();
    let h = &seen[0].headers;
    let get = |k: &str| h.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let ua = get("user-agent").unwrap();
    assert!(
        ua.starts_with(&format!("citecheck/{} (+", env!("CARGO_PKG_VERSION"))),
        "{ua}"
    );
    assert_eq!(get("x-team").as_deref(), Some("archivists"));
    assert_eq!(get("accept-language").as_deref(), Some("ja"));
    drop(seen);
    let (_o, _d) = links(&[(&ok, T)], "  user_agent: \"Archive-Bot/2.0\"\n");
    let seen = s.stats.seen.lock().unwrap();
    let last = seen.last().unwrap();
    assert_eq!(
        last.headers
            .iter()
            .find(|(n, _)| n == "user-agent")
            .map(|(_, v)| v.as_str()),
        Some("Archive-Bot/2.0")
    );
}

#[test]
fn tls_handshake_failure_is_a_tls_error() {
    // An https:// URL served by a plain-HTTP server: the handshake cannot succeed.
    let s = Server::start(Mode::Routes);
    let ok = s.url("/ok");
    let tls = format!("https://127.0.0.1:{}/ok", s.addr.port());
    let (o, _d) = links(&[(&ok, T), (&tls, T)], "");
    let r = result(&o, &tls);
    assert_eq!(r.class, LinkClass::TlsError, "{r:?}");
}

#[test]
fn a_cache_that_cannot_be_written_is_a_warning_the_binary_prints() {
    let s = Server::start(Mode::Routes);
    let dir = tempfile::tempdir().unwrap();
    let url = s.url("/ok");
    setup(dir.path(), &[(&url, T)], "  soft404_probe: false\n");
    // The cache folder would have to be made inside a regular file.
    std::fs::write(dir.path().join("cache"), "a file, not a folder").unwrap();
    let cfg = std::fs::read_to_string(dir.path().join("c.yaml"))
        .unwrap()
        .replace("enabled: false", "enabled: true");
    std::fs::write(dir.path().join("c.yaml"), cfg).unwrap();
    // In process: the run says so as data, and goes on.
    let o = check(&CheckOptions {
        config: Some(dir.path().join("c.yaml")),
        ..CheckOptions::default()
    })
    .expect("the run goes on");
    assert_eq!(result(&o, &url).class, LinkClass::Alive);
    assert_eq!(o.run.warnings.len(), 1, "{:?}", o.run.warnings);
    assert!(o.run.warnings[0].contains("cannot create"), "{:?}", o.run.warnings);
    // The binary prints it once, as a warning, and the run's outcome is unchanged.
    let o = bin(dir.path(), &["check", "--config", "c.yaml", "--out", "r", "--quiet"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert_eq!(
        err.matches("citecheck: warning: cannot open the link store").count(),
        1,
        "{err}"
    );
}

/// A Markdown note with links only in its body: no footnote, no reference list.
fn body_links_doc(s: &Server) -> (String, Vec<&'static str>) {
    let u = |p: &str| s.url(p);
    let doc = format!(
        "# Notes on the week\n\nSee [the statement]({}) and [the second one]({}).\n\
         Again [the statement]({}), an autolink <{}> and a bare {} here.\n\n\
         - [gone]({})\n- [refused]({})\n- ![chart]({})\n\n> quoted [weather]({})\n\n\
         Mail [us](mailto:someone@example.org). Compressed: [gz]({}).\n",
        u("/ok"),
        u("/ok2"),
        u("/ok"),
        u("/ok3"),
        u("/missing"),
        u("/removed"),
        u("/forbidden"),
        u("/report.pdf"),
        u("/other-title"),
        u("/gzip"),
    );
    let paths = vec![
        "/ok",
        "/ok2",
        "/ok3",
        "/missing",
        "/removed",
        "/forbidden",
        "/report.pdf",
        "/other-title",
        "/gzip",
    ];
    (doc, paths)
}

#[test]
fn every_body_link_of_a_markdown_file_is_checked_once() {
    let s = Server::start(Mode::Routes);
    let dir = tempfile::tempdir().unwrap();
    let (doc, paths) = body_links_doc(&s);
    std::fs::write(dir.path().join("note.md"), &doc).unwrap();
    std::fs::write(
        dir.path().join("c.yaml"),
        "documents:\n  - path: note.md\n    lang: en\nlinks:\n  per_host_interval_ms: 0\n  retry_base_ms: 10\n  soft404_probe: false\n  cache:\n    enabled: false\n",
    )
    .unwrap();
    let o = run(dir.path());
    assert_eq!(o.run.links.len(), paths.len(), "{:#?}", o.run.links);
    for p in &paths {
        assert_eq!(s.stats.count(p), 1, "{p} is requested once");
    }
    assert_eq!(
        s.stats.total(),
        paths.len(),
        "nothing else is requested (mailto: is not a web link)"
    );
    let statement = result(&o, &s.url("/ok"));
    assert_eq!(statement.cited_by.len(), 2, "cited twice, checked once");
    assert!(statement.cited_by.iter().all(|c| c.footnote.is_none()));
    assert_eq!(result(&o, &s.url("/missing")).class, LinkClass::Dead);
    let dead: Vec<_> = o.run.findings.iter().filter(|f| f.kind == Kind::LinkDead).collect();
    assert_eq!(dead.len(), 2, "{dead:#?}");
    for f in &dead {
        assert_eq!(f.footnote, None, "a body link belongs to no footnote");
        let line = doc.lines().position(|l| l.contains(f.url.as_deref().unwrap())).unwrap() + 1;
        assert_eq!(f.line, line, "the finding points at the link's line");
    }

    // `links.scope: citations` leaves the body alone.
    let before = s.stats.total();
    let cfg = std::fs::read_to_string(dir.path().join("c.yaml"))
        .unwrap()
        .replace("links:\n", "links:\n  scope: citations\n");
    std::fs::write(dir.path().join("c.yaml"), cfg).unwrap();
    let o = run(dir.path());
    assert!(o.run.links.is_empty());
    assert_eq!(s.stats.total(), before);
}

/// `--exclude-loopback` and `-E` (`--exclude-all-private`) keep every
/// request from being sent to a loopback server; the link is unchecked, with
/// the reason. `links.exclude_loopback` in the config does the same.
#[test]
fn excluded_address_classes_get_no_request() {
    let s = Server::start(Mode::Routes);
    let ok = s.url("/ok");
    let (o, _d) = links(&[(&ok, T)], "  exclude_loopback: true\n");
    let r = result(&o, &ok);
    assert_eq!(r.class, LinkClass::Unchecked, "{r:?}");
    assert!(r.checked_at.is_empty(), "never checked: no time");
    assert!(
        r.evidence.contains("loopback") && r.evidence.contains("--exclude-loopback"),
        "{}",
        r.evidence
    );
    let f = o
        .run
        .findings
        .iter()
        .find(|f| f.kind == Kind::LinkUnchecked)
        .expect("a finding says so");
    assert!(f.message.contains("loopback"), "{}", f.message);
    assert_eq!(s.stats.seen.lock().unwrap().len(), 0, "no request reached the server");
    for flag in ["--exclude-loopback", "-E", "--exclude-all-private"] {
        let dir = tempfile::tempdir().unwrap();
        setup(dir.path(), &[(&ok, T)], "");
        let out = bin(dir.path(), &["check", "--config", "c.yaml", "--out", "r", flag]);
        let json = std::fs::read_to_string(dir.path().join("r/citecheck.json")).unwrap_or_default();
        assert!(
            json.contains("--exclude-loopback"),
            "{flag}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            s.stats.seen.lock().unwrap().len(),
            0,
            "{flag}: no request reached the server"
        );
    }
    // --exclude-private alone does not exclude loopback.
    let (o, _d) = links(&[(&ok, T)], "  exclude_private: true\n  exclude_link_local: true\n");
    assert_eq!(result(&o, &ok).class, LinkClass::Alive);
}

#[test]
fn exclude_private_and_link_local_keep_their_requests_from_being_sent() {
    // Every request goes to a proxy on 127.0.0.1, so nothing can leave
    // 127.0.0.0/8 even if the guard failed; the guard applies to the
    // literal addresses behind a proxy.
    let proxy = Server::start(Mode::Routes);
    let private = "http://10.1.2.3/ok";
    let link_local = "http://169.254.169.254/ok";
    let public = "http://proxied-site.invalid/ok";
    let run = |flags: &[&str]| {
        let dir = tempfile::tempdir().unwrap();
        setup(
            dir.path(),
            &[(private, T), (link_local, T), (public, T)],
            "  soft404_probe: false\n",
        );
        let mut args = vec!["check", "--config", "c.yaml", "--out", "r", "--format", "json"];
        args.extend_from_slice(flags);
        let o = Command::new(env!("CARGO_BIN_EXE_citecheck"))
            .args(&args)
            .current_dir(dir.path())
            .env("HTTP_PROXY", proxy.url(""))
            .env("http_proxy", proxy.url(""))
            .env_remove("NO_PROXY")
            .env_remove("no_proxy")
            .output()
            .unwrap();
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("r/citecheck.json")).unwrap()).unwrap();
        json["links"].as_array().unwrap().clone()
    };
    let hosts_seen = || -> Vec<String> {
        proxy
            .stats
            .seen
            .lock()
            .unwrap()
            .iter()
            .map(|s| s.host.clone())
            .collect()
    };
    for (flags, excluded, why) in [
        (&["--exclude-private"][..], private, "--exclude-private"),
        (&["--exclude-link-local"][..], link_local, "--exclude-link-local"),
    ] {
        proxy.stats.seen.lock().unwrap().clear();
        let links = run(flags);
        let r = links.iter().find(|l| l["url"] == excluded).unwrap();
        assert_eq!(r["class"], "unchecked", "{flags:?}: {r}");
        assert!(r["evidence"].as_str().unwrap().contains(why), "{r}");
        let host = excluded.trim_start_matches("http://").trim_end_matches("/ok");
        let seen = hosts_seen();
        assert!(
            !seen.iter().any(|h| h == host),
            "{flags:?}: {host} was requested: {seen:?}"
        );
        assert!(
            seen.iter().any(|h| h == "proxied-site.invalid"),
            "{flags:?}: other links are still checked: {seen:?}"
        );
    }
    // Without the flags both are requested (through the proxy): the test can fail.
    proxy.stats.seen.lock().unwrap().clear();
    run(&[]);
    let seen = hosts_seen();
    assert!(
        seen.iter().any(|h| h == "10.1.2.3") && seen.iter().any(|h| h == "169.254.169.254"),
        "{seen:?}"
    );
}

//! `citecheck fix` on the bundled documents: the web answers through
//! HTTP_PROXY (a fake on 127.0.0.1 that says every page is gone) and a fake
//! Wayback CDX service has captures for everything. The corrected copies
//! differ from the originals only by archive notes and hygiene fixes, a second
//! run changes nothing, and `check` reads the notes back as rescued links.

mod support;

#[path = "support/fake.rs"]
mod fake;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::LazyLock;

use fake::{Fake, Response};
use regex::Regex;
use support::repo_root;

static NOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"（[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日アーカイブ：\S+ ）| \(archived at \S+ on [A-Z][a-z]+ [0-9]{1,2}, [0-9]{4}\)").unwrap()
});

static ARCHIVED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"https?://\S*?/web/\S+").unwrap());

fn citecheck(dir: &Path, args: &[&str], proxy: &str) -> Output {
    support::behind_proxy(&mut Command::new(env!("CARGO_BIN_EXE_citecheck")), proxy)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// A JSON report, read.
fn report(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The kinds of a JSON report's findings, in order.
fn kinds(json: &serde_json::Value) -> Vec<&str> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect()
}

fn setup(dir: &Path, archive: &Fake, docs: &[&str]) {
    let mut cfg = String::from("documents:\n");
    for (d, lang) in docs.iter().zip(["ja", "en"]) {
        cfg.push_str(&format!("  - path: {d}\n    lang: {lang}\n"));
    }
    cfg.push_str(&format!(
        "links:\n  per_host_interval_ms: 0\n  retry_base_ms: 10\n  cache:\n    enabled: false\narchive:\n  interval_ms: 0\n  providers:\n    - kind: wayback_cdx\n      base_url: {}\n",
        archive.base()
    ));
    std::fs::write(dir.join("c.yaml"), cfg).unwrap();
}

#[test]
fn fix_writes_notes_and_hygiene_fixes_only_and_is_idempotent() {
    // Every cited page is gone.
    let web = Fake::start(|_| Response::new(404, "text/html", "<title>Not Found</title>"));
    // The archive has captures of everything, a year apart.
    let archive = Fake::start(|r| {
        if r.path == "/cdx/search/cdx" {
            let url = r.param("url").unwrap_or_default();
            return Response::cdx(
                url,
                &[
                    ("20130615000000", "200"),
                    ("20140615000000", "200"),
                    ("20150615000000", "200"),
                ],
            );
        }
        if r.path.to_ascii_lowercase().ends_with(".pdf") {
            return Response::new(200, "application/pdf", b"%PDF-1.4\n".to_vec());
        }
        Response::new(200, "text/html", "<html><body>archived page</body></html>")
    });
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for f in ["timeline-ja.txt", "timeline-en.txt"] {
        std::fs::copy(repo_root().join("data").join(f), d.join(f)).unwrap();
    }
    setup(d, &archive, &["timeline-ja.txt", "timeline-en.txt"]);
    let o = citecheck(d, &["fix", "--config", "c.yaml", "--out", "fixed"], &web.base());
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );

    for name in ["timeline-ja.txt", "timeline-en.txt"] {
        let original = std::fs::read_to_string(d.join(name)).unwrap();
        let fixed = std::fs::read_to_string(d.join("fixed").join(name)).unwrap();
        assert_ne!(original, fixed, "{name} gained notes");
        let (ol, fl): (Vec<&str>, Vec<&str>) = (original.split('\n').collect(), fixed.split('\n').collect());
        assert_eq!(ol.len(), fl.len(), "no line added or removed");
        let mut notes = 0;
        for (a, b) in ol.iter().zip(&fl) {
            notes += NOTE.find_iter(b).count();
            let bare = NOTE.replace_all(b, "");
            if bare != *a {
                // The only other changes: a glued full stop removed, a space between a URL and the next word.
                let hygiene = a
                    .replace(".htmU.S.", ".htm U.S.")
                    .replace(".pdf.", ".pdf")
                    .replace("n1.html.", "n1.html");
                assert_eq!(bare, hygiene, "unexpected change:\n- {a}\n+ {b}");
            }
        }
        assert!(notes >= 25, "{name}: {notes} notes");
        // Archived URLs are followed by white space or a closing bracket, never by punctuation.
        for m in ARCHIVED.find_iter(&fixed) {
            let next = fixed[m.end()..].chars().next().unwrap_or(' ');
            assert!(
                next.is_whitespace() || next == ')' || next == '）',
                "{:?} then {next:?}",
                m.as_str()
            );
        }
    }
    let ja_fixed = std::fs::read_to_string(d.join("fixed/timeline-ja.txt")).unwrap();
    assert!(
        ja_fixed.contains("000059830.pdf（2014年6月15日アーカイブ："),
        "Japanese note after the URL whose glued stop was removed"
    );
    let en_fixed = std::fs::read_to_string(d.join("fixed/timeline-en.txt")).unwrap();
    assert!(
        en_fixed.contains("n1.htm (archived at ") && en_fixed.contains(") U.S. Department of State"),
        "run-in URL split"
    );
    assert!(
        en_fixed.contains("000087149.pdf (archived at "),
        "English note before the citation's own full stop"
    );

    // A second run over the fixed copies changes nothing.
    let again = d.join("again");
    std::fs::create_dir(&again).unwrap();
    for name in ["timeline-ja.txt", "timeline-en.txt"] {
        std::fs::copy(d.join("fixed").join(name), again.join(name)).unwrap();
    }
    setup(&again, &archive, &["timeline-ja.txt", "timeline-en.txt"]);
    let o = citecheck(&again, &["fix", "--config", "c.yaml", "--dry-run"], &web.base());
    assert_eq!(o.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&o.stdout).trim().is_empty(),
        "a second fix changes nothing:\n{}",
        String::from_utf8_lossy(&o.stdout)
    );

    // check on the fixed copies reports the rescued links as info, none as dead.
    let o = citecheck(
        &again,
        &["check", "--config", "c.yaml", "--format", "json", "--out", "r"],
        &web.base(),
    );
    let json = report(&again.join("r/citecheck.json"));
    let kinds = kinds(&json);
    assert!(kinds.contains(&"link_rescued"), "{kinds:?}");
    assert!(
        !kinds.contains(&"link_dead") && !kinds.contains(&"link_unrecoverable"),
        "{kinds:?}"
    );
    assert!(
        !kinds.contains(&"url_trailing_punctuation") && !kinds.contains(&"url_run_into_text"),
        "hygiene fixed"
    );
    // The remaining errors are the documents' own (dates, figures), as before.
    assert_eq!(o.status.code(), Some(1));
}

/// A web where every page is gone, and an archive with one capture of
/// everything, on February 3, 2014.
fn gone_web_and_one_capture() -> (Fake, Fake) {
    let web = Fake::start(|_| Response::new(404, "text/html", "gone"));
    let archive = Fake::start(|r| {
        if r.path == "/cdx/search/cdx" {
            let url = r.param("url").unwrap_or_default();
            return Response::cdx(url, &[("20140203000000", "200")]);
        }
        Response::new(200, "text/html", "<html><body>ok</body></html>")
    });
    (web, archive)
}

#[test]
fn dry_run_prints_a_diff_and_in_place_keeps_a_backup() {
    let (web, archive) = gone_web_and_one_capture();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let doc = "Site\n\nl\u{a0} February 3, 2014: Talks.[1]\n\nReferences:\n\n[1] Jiji, “Talks,” February 3, 2014, http://news.example/a.html.\n";
    std::fs::write(d.join("en.txt"), doc).unwrap();
    std::fs::write(
        d.join("c.yaml"),
        format!("documents:\n  - path: en.txt\n    lang: en\nlinks:\n  cache:\n    enabled: false\narchive:\n  interval_ms: 0\n  providers:\n    - kind: wayback_cdx\n      base_url: {}\n", archive.base()),
    )
    .unwrap();
    let o = citecheck(d, &["fix", "--config", "c.yaml", "--dry-run"], &web.base());
    let diff = String::from_utf8_lossy(&o.stdout);
    assert!(diff.contains("--- a/") && diff.contains("+++ b/"), "{diff}");
    assert!(diff.contains(&format!("+[1] Jiji, “Talks,” February 3, 2014, http://news.example/a.html (archived at {}/web/20140203000000/http://news.example/a.html on February 3, 2014).", archive.base())), "{diff}");
    assert_eq!(
        std::fs::read_to_string(d.join("en.txt")).unwrap(),
        doc,
        "dry run writes nothing"
    );
    assert!(!d.join("reports/fixed").exists());

    std::fs::write(d.join("en.txt.bak"), "an older backup").unwrap();
    let o = citecheck(d, &["fix", "--config", "c.yaml", "--in-place"], &web.base());
    assert_eq!(o.status.code(), Some(0));
    assert!(
        std::fs::read_to_string(d.join("en.txt"))
            .unwrap()
            .contains("(archived at ")
    );
    assert_eq!(
        std::fs::read_to_string(d.join("en.txt.bak")).unwrap(),
        "an older backup",
        "an existing .bak is never overwritten"
    );
}

#[test]
fn a_dead_body_link_gets_its_note_like_a_citation_and_once() {
    let (web, archive) = gone_web_and_one_capture();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // No reference list: the link stands in the prose, with a full stop after it.
    let doc =
        "Site\n\nPublished: February 3, 2014\n\nThe talks were reported at http://news.example/a.html. More soon.\n";
    std::fs::write(d.join("en.txt"), doc).unwrap();
    std::fs::write(
        d.join("c.yaml"),
        format!("documents:\n  - path: en.txt\n    lang: en\nlinks:\n  soft404_probe: false\n  cache:\n    enabled: false\narchive:\n  interval_ms: 0\n  providers:\n    - kind: wayback_cdx\n      base_url: {}\n", archive.base()),
    )
    .unwrap();
    let o = citecheck(d, &["fix", "--config", "c.yaml", "--in-place", "-q"], &web.base());
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let fixed = std::fs::read_to_string(d.join("en.txt")).unwrap();
    assert_eq!(
        fixed,
        doc.replace(
            "http://news.example/a.html.",
            &format!(
                "http://news.example/a.html (archived at {}/web/20140203000000/http://news.example/a.html on February 3, 2014).",
                archive.base()
            )
        ),
        "the note follows the URL; the prose's full stop stays"
    );
    // Read back: the link is rescued, and a second fix changes nothing.
    let o = citecheck(d, &["fix", "--config", "c.yaml", "--in-place", "-q"], &web.base());
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(d.join("en.txt")).unwrap(), fixed);
    let o = citecheck(
        d,
        &["check", "--config", "c.yaml", "--format", "json", "-q"],
        &web.base(),
    );
    let json = report(&d.join("reports/citecheck.json"));
    let kinds = kinds(&json);
    assert!(
        kinds.contains(&"link_rescued") && !kinds.contains(&"link_dead"),
        "{kinds:?}"
    );
    assert_eq!(
        json["links"].as_array().unwrap().len(),
        1,
        "the archived copy is not a link of its own"
    );
    assert_eq!(o.status.code(), Some(0));
}

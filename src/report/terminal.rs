//! The short summary printed on the terminal.

use std::fmt::Write;
use std::path::PathBuf;

use crate::model::Severity;
use crate::run::Run;

/// Links to the web (the ones the network checks).
fn web_links(run: &Run) -> usize {
    run.links.iter().filter(|l| !l.local).count()
}

/// What the local-file checks found, said after the web links' line (which
/// they do not need the network for).
fn local_files(run: &Run) -> String {
    let local = run.links.iter().filter(|l| l.local).count();
    if local == 0 {
        return String::new();
    }
    let missing = run
        .links
        .iter()
        .filter(|l| l.local && l.class == crate::links::LinkClass::Dead)
        .count();
    format!("; {local} local files checked, {missing} missing")
}

/// Removes control characters (terminal escapes) from text taken from documents.
pub fn clean(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// Renders the terminal output: findings at `min` severity and above (none
/// when `quiet`), then the summary.
pub fn render(run: &Run, written: &[PathBuf], quiet: bool) -> String {
    let mut out = String::new();
    if !quiet {
        for d in &run.documents {
            let _ = writeln!(
                out,
                "{} ({}, {}): {} entries, {} references, {} footnote markers",
                clean(&d.path),
                d.lang,
                d.encoding,
                d.entries.len(),
                d.references.len(),
                d.markers.len()
            );
        }
        for f in run.findings.iter().filter(|f| f.severity >= Severity::Warning) {
            let _ = writeln!(
                out,
                "{}:{}: {}[{}] {}",
                clean(&f.file),
                f.line,
                f.severity,
                f.kind,
                clean(&f.message)
            );
        }
    }
    let s = run.summary();
    let count = |sev| s.by_severity.get(&sev).copied().unwrap_or(0);
    let _ = writeln!(
        out,
        "citecheck: {} errors, {} warnings, {} info in {} documents ({} entries, {} references){}",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
        s.documents,
        s.entries,
        s.references,
        if s.failed { " — FAILED" } else { "" }
    );
    match run.network {
        crate::links::NetworkStatus::Ok => {
            let classes: Vec<String> = s.links.iter().map(|(c, n)| format!("{c} {n}")).collect();
            let _ = writeln!(
                out,
                "links: {} checked ({}), {} requests",
                run.links.len(),
                classes.join(", "),
                run.requests
            );
        }
        crate::links::NetworkStatus::Offline => {
            let _ = writeln!(
                out,
                "links: {} not checked (offline){}",
                web_links(run),
                local_files(run)
            );
        }
        crate::links::NetworkStatus::Unreachable => {
            let _ = writeln!(
                out,
                "links: {} not checked: the network is unreachable{}",
                web_links(run),
                local_files(run)
            );
        }
    }
    if !run.snapshots.is_empty() {
        let verified = run.snapshots.values().filter(|s| s.verified).count();
        let _ = writeln!(
            out,
            "archive: {} archived copies suggested ({verified} verified)",
            run.snapshots.len()
        );
    }
    if !written.is_empty() {
        let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
        let _ = writeln!(out, "reports: {}", names.join(", "));
    }
    out
}

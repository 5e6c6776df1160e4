//! The human-readable report (`citecheck.md`): a summary table, then the
//! findings grouped by severity with file:line. Text that comes from the
//! documents is escaped so it renders as text, never as markup.

use std::fmt::Write;

use crate::model::Severity;
use crate::run::Run;

/// Escapes text for Markdown (and the HTML that Markdown may carry).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '!' | '{' | '}' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

pub fn render(run: &Run) -> String {
    let s = run.summary();
    let mut out = String::new();
    let _ = writeln!(out, "# citecheck report\n");
    let _ = writeln!(
        out,
        "Generated {} by citecheck {}.\n",
        run.generated_at, run.tool_version
    );
    let _ = writeln!(
        out,
        "| Document | Language | Format | Encoding | Entries | References | Markers |"
    );
    let _ = writeln!(out, "|---|---|---|---|---:|---:|---:|");
    for d in &run.documents {
        let _ = writeln!(
            out,
            "| {} | {} | {:?} | {} | {} | {} | {} |",
            escape(&d.path),
            d.lang,
            d.format,
            escape(&d.encoding),
            d.entries.len(),
            d.references.len(),
            d.markers.len()
        );
    }
    let _ = writeln!(out, "\n| Severity | Findings |\n|---|---:|");
    for sev in [Severity::Error, Severity::Warning, Severity::Info] {
        let _ = writeln!(out, "| {sev} | {} |", s.by_severity.get(&sev).copied().unwrap_or(0));
    }
    let verdict = if s.failed { "fails" } else { "passes" };
    let _ = writeln!(
        out,
        "\nThe run {verdict} at `--fail-on {}`.",
        format!("{:?}", s.fail_on).to_lowercase()
    );
    if !s.by_kind.is_empty() {
        let _ = writeln!(out, "\n| Kind | Severity | Count |\n|---|---|---:|");
        for (k, n) in &s.by_kind {
            let _ = writeln!(out, "| `{}` | {} | {n} |", k.name(), k.severity());
        }
    }
    for sev in [Severity::Error, Severity::Warning, Severity::Info] {
        let group: Vec<_> = run.findings.iter().filter(|f| f.severity == sev).collect();
        if group.is_empty() {
            continue;
        }
        let title = match sev {
            Severity::Error => "Errors",
            Severity::Warning => "Warnings",
            Severity::Info => "Info",
        };
        let _ = writeln!(out, "\n## {title} ({})\n", group.len());
        for f in group {
            let fn_part = f.footnote.map(|n| format!(" \\[{n}\\]")).unwrap_or_default();
            let _ = write!(
                out,
                "- `{}:{}`{fn_part} **{}**: {}",
                escape(&f.file),
                f.line,
                f.kind.name(),
                escape(&f.message)
            );
            if let Some(sug) = &f.suggestion {
                let _ = write!(out, " — {}", escape(sug));
            }
            for r in &f.related {
                let _ = write!(out, " (see `{}:{}`)", escape(&r.file), r.line);
            }
            out.push('\n');
        }
    }
    if run.findings.is_empty() {
        let _ = writeln!(out, "\nNo findings.");
    }
    links(run, &mut out);
    archive(run, &mut out);
    out
}

/// The archivists' section: what to replace with which snapshot.
fn archive(run: &Run, out: &mut String) {
    if run.snapshots.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n## Archived copies\n");
    let _ = writeln!(
        out,
        "| URL | Snapshot | Captured | Days from citation | Provider | Verified |\n|---|---|---|---:|---|---|"
    );
    for s in run.snapshots.values() {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            escape(&s.url),
            escape(&s.archived_url),
            escape(&s.captured),
            s.days_from_target.map(|d| d.to_string()).unwrap_or_default(),
            escape(&s.provider),
            if s.verified { "yes" } else { "no" }
        );
    }
}

/// The links section: counts per class, then every link that is not simply alive.
fn links(run: &Run, out: &mut String) {
    use crate::links::{LinkClass, NetworkStatus};
    if run.links.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n## Links\n");
    match run.network {
        NetworkStatus::Offline => {
            let _ = writeln!(out, "{} distinct URLs; not checked (offline).", run.links.len());
            return;
        }
        NetworkStatus::Unreachable => {
            let _ = writeln!(
                out,
                "{} distinct URLs; not checked: the network was unreachable.",
                run.links.len()
            );
            return;
        }
        NetworkStatus::Ok => {}
    }
    let s = run.summary();
    let _ = writeln!(out, "| Class | URLs |\n|---|---:|");
    for (class, n) in &s.links {
        let _ = writeln!(out, "| {class} | {n} |");
    }
    let notable: Vec<_> = run
        .links
        .iter()
        .filter(|l| l.class != LinkClass::Alive || l.title_matches == Some(false) || l.type_matches == Some(false))
        .collect();
    if notable.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n| URL | Class | HTTP | Evidence | Cited by |\n|---|---|---:|---|---|"
    );
    for l in notable {
        let cited: Vec<String> = l
            .cited_by
            .iter()
            .map(|c| match c.footnote {
                Some(n) => format!("{}:{} \\[{n}\\]", escape(&c.file), c.line),
                None => format!("{}:{} (body)", escape(&c.file), c.line),
            })
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            escape(&l.url),
            l.class,
            l.http_status.map(|s| s.to_string()).unwrap_or_default(),
            escape(&l.evidence),
            cited.join(", ")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("<script>x</script>"), "&lt;script&gt;x&lt;/script&gt;");
        assert_eq!(escape("a|b\nc"), "a\\|b c");
    }
}

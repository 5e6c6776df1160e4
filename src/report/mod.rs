//! Findings → reports. Every format renders one [`Run`] and nothing else.

pub mod csv;
pub mod github;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod terminal;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::archive::Snapshot;
use crate::config::ReportFormat;
use crate::document::Document;
use crate::error::{Error, Result};
use crate::links::{LinkClass, LinkResult, NetworkStatus};
use crate::validate::{FailOn, Finding, Kind, Severity};

/// The result of one run: what every report renders.
#[derive(Debug, Clone)]
pub struct Run {
    pub tool_version: String,
    pub generated_at: String,
    pub documents: Vec<Document>,
    pub findings: Vec<Finding>,
    pub fail_on: FailOn,
    /// One record per distinct URL.
    pub links: Vec<LinkResult>,
    pub network: NetworkStatus,
    /// HTTP requests sent by the link stage.
    pub requests: usize,
    /// Archived copies suggested for doubtful links.
    pub snapshots: Vec<Snapshot>,
}

/// Counts for the summary of every format.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub documents: usize,
    pub entries: usize,
    pub references: usize,
    pub findings: usize,
    pub by_severity: BTreeMap<Severity, usize>,
    pub by_kind: BTreeMap<Kind, usize>,
    pub fail_on: FailOn,
    /// Whether findings at or above `fail_on` exist (exit code 1).
    pub failed: bool,
    /// Distinct URLs per link class.
    pub links: BTreeMap<LinkClass, usize>,
    /// `ok`, `offline` or `unreachable`.
    pub network: NetworkStatus,
    /// Findings known from the baseline (they do not fail the run).
    pub baselined: usize,
}

impl Run {
    pub fn new(documents: Vec<Document>, findings: Vec<Finding>, fail_on: FailOn) -> Self {
        Run {
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            generated_at: jiff::Timestamp::now()
                .round(jiff::Unit::Second)
                .unwrap_or_else(|_| jiff::Timestamp::now())
                .to_string(),
            documents,
            findings,
            fail_on,
            links: Vec::new(),
            network: NetworkStatus::Offline,
            requests: 0,
            snapshots: Vec::new(),
        }
    }

    pub fn summary(&self) -> Summary {
        let mut by_severity: BTreeMap<Severity, usize> = [Severity::Error, Severity::Warning, Severity::Info]
            .into_iter()
            .map(|s| (s, 0))
            .collect();
        let mut by_kind = BTreeMap::new();
        for f in &self.findings {
            *by_severity.entry(f.severity).or_default() += 1;
            *by_kind.entry(f.kind).or_default() += 1;
        }
        Summary {
            documents: self.documents.len(),
            entries: self.documents.iter().map(|d| d.entries.len()).sum(),
            references: self.documents.iter().map(|d| d.references.len()).sum(),
            findings: self.findings.len(),
            by_severity,
            by_kind,
            fail_on: self.fail_on,
            failed: self.failed(),
            links: self.links.iter().fold(BTreeMap::new(), |mut m, l| {
                *m.entry(l.class).or_default() += 1;
                m
            }),
            network: self.network,
            baselined: self.findings.iter().filter(|f| f.baselined).count(),
        }
    }

    /// Whether any finding not in the baseline is at or above the fail-on threshold.
    pub fn failed(&self) -> bool {
        self.findings
            .iter()
            .any(|f| !f.baselined && self.fail_on.fails(f.severity))
    }
}

/// Escapes `&`, `<`, `>`, `"` and `'` (written as `apostrophe`) for markup
/// content and attribute values, and leaves out the characters `drop` names
/// (each format forbids its own). The HTML and JUnit writers share it.
pub(crate) fn escape_markup(s: &str, apostrophe: &str, drop: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str(apostrophe),
            c if drop(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes the requested reports into `dir`; returns the paths written.
pub fn write_all(run: &Run, dir: &Path, formats: &[ReportFormat]) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Output {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut written = Vec::new();
    for format in formats {
        let (name, body) = match format {
            ReportFormat::Json => ("citecheck.json", json::render(run)),
            ReportFormat::Markdown => ("citecheck.md", markdown::render(run)),
            ReportFormat::Html => ("citecheck.html", html::render(run)),
            ReportFormat::Junit => ("citecheck.junit.xml", junit::render(run)),
            ReportFormat::Sarif => ("citecheck.sarif", sarif::render(run)),
            ReportFormat::Csv => ("citecheck-archive.csv", csv::render(run)),
        };
        let path = dir.join(name);
        write_atomic(&path, body.as_bytes())?;
        written.push(path);
    }
    Ok(written)
}

/// Writes a file so that readers see the old content or the new, never half:
/// a temporary file in the same folder, flushed, then renamed over the target.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let err = |source| Error::Output {
        path: path.to_path_buf(),
        source,
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".citecheck-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

#[cfg(test)]
mod escape_tests {
    #[test]
    fn html_and_junit_escape_markup_and_drop_what_each_forbids() {
        let s = "a&b<c>\"d'e\tf\ng\rh\u{1}i\u{85}j\u{FFFE}k";
        assert_eq!(
            super::html::escape(s),
            "a&amp;b&lt;c&gt;&quot;d&#39;e\tf\nghij\u{FFFE}k"
        );
        assert_eq!(
            super::junit::escape(s),
            "a&amp;b&lt;c&gt;&quot;d&apos;e\tf\ng\rhi\u{85}jk"
        );
    }
}

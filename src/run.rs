//! The run: every stage's output, assembled once, which every report renders
//! and `fix` edits from. Nothing patches it afterwards.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use crate::archive::Snapshot;
use crate::document::Document;
use crate::links::{LinkClass, LinkResult, NetworkStatus};
use crate::model::{FailOn, Finding, Kind, LinkId, Severity};

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
    /// Archived copies suggested for doubtful links, keyed by their link.
    pub snapshots: BTreeMap<LinkId, Snapshot>,
    /// The documents' paths on disk, in the order of `documents`.
    pub paths: Vec<PathBuf>,
    /// Problems that did not stop the run (a cache that could not be written).
    pub warnings: Vec<String>,
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
            snapshots: BTreeMap::new(),
            paths: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The archived copy suggested for a link.
    pub fn snapshot(&self, id: LinkId) -> Option<&Snapshot> {
        self.snapshots.get(&id)
    }

    /// Each link with the archived copy suggested for it.
    pub fn links_with_snapshots(&self) -> impl Iterator<Item = (&LinkResult, Option<&Snapshot>)> {
        self.links
            .iter()
            .enumerate()
            .map(|(i, l)| (l, self.snapshots.get(&LinkId(i))))
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

/// Orders findings by document (as listed), line, kind and footnote, and drops exact repeats.
pub fn sort(findings: &mut Vec<Finding>, docs: &[Document]) {
    let order: Vec<&str> = docs.iter().map(|d| d.path.as_str()).collect();
    findings.sort_by(|x, y| {
        let fx = order.iter().position(|p| *p == x.file);
        let fy = order.iter().position(|p| *p == y.file);
        (fx, x.line, x.kind, x.footnote, &x.message).cmp(&(fy, y.line, y.kind, y.footnote, &y.message))
    });
    findings.dedup();
}

//! The machine-readable report (`citecheck.json`). Fields are added over
//! time, never renamed; `schema_version` changes only when a field's meaning does.

use serde::Serialize;

use crate::archive::Snapshot;
use crate::document::Document;
use crate::links::LinkResult;
use crate::model::Finding;
use crate::run::{Run, Summary};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    schema_version: u32,
    tool_version: &'a str,
    generated_at: &'a str,
    documents: Vec<DocumentReport<'a>>,
    summary: Summary,
    findings: &'a [Finding],
    links: Vec<LinkRecord<'a>>,
}

/// A link result with the archived copy suggested for it.
#[derive(Serialize)]
struct LinkRecord<'a> {
    #[serde(flatten)]
    link: &'a LinkResult,
    #[serde(skip_serializing_if = "Option::is_none")]
    snapshot: Option<&'a Snapshot>,
}

#[derive(Serialize)]
struct DocumentReport<'a> {
    entry_count: usize,
    reference_count: usize,
    marker_count: usize,
    #[serde(flatten)]
    doc: &'a Document,
}

/// Renders the JSON report.
pub fn render(run: &Run) -> String {
    let report = Report {
        schema_version: SCHEMA_VERSION,
        tool_version: &run.tool_version,
        generated_at: &run.generated_at,
        documents: run
            .documents
            .iter()
            .map(|d| DocumentReport {
                entry_count: d.entries.len(),
                reference_count: d.references.len(),
                marker_count: d.markers.len(),
                doc: d,
            })
            .collect(),
        summary: run.summary(),
        findings: &run.findings,
        links: run
            .links_with_snapshots()
            .map(|(link, snapshot)| LinkRecord { link, snapshot })
            .collect(),
    };
    let mut s = serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

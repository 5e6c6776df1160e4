//! The machine-readable report (`citecheck.json`). Fields are added over
//! time, never renamed; `schema_version` changes only when a field's meaning does.

use serde::Serialize;

use crate::archive::Snapshot;
use crate::document::{BlockKind, Document};
use crate::links::LinkResult;
use crate::model::Finding;
use crate::run::{Run, Summary};

pub const SCHEMA_VERSION: u32 = 2;

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
    blocks: Vec<BlockRecord>,
}

/// A block: its kind, its lines (`end_line` left out for a one-line block)
/// and the footnotes it cites, in order (left out when none).
#[derive(Serialize)]
struct BlockRecord {
    kind: BlockKind,
    line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    footnotes: Vec<u32>,
}

fn blocks(d: &Document) -> Vec<BlockRecord> {
    d.blocks
        .iter()
        .enumerate()
        .map(|(i, b)| BlockRecord {
            kind: b.kind,
            line: b.line,
            end_line: (b.end_line != b.line).then_some(b.end_line),
            footnotes: d.block_markers(i).iter().map(|m| m.number).collect(),
        })
        .collect()
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
                blocks: blocks(d),
            })
            .collect(),
        summary: run.summary(),
        findings: &run.findings,
        links: run
            .links_with_snapshots()
            .map(|(link, snapshot)| LinkRecord { link, snapshot })
            .collect(),
    };
    // Compact: the report of a large document set is read by programs, and
    // indentation alone made it half again as large.
    let mut s = serde_json::to_string(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

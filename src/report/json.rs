//! The machine-readable report (`citecheck.json`). Fields are added over
//! time, never renamed; `schema_version` changes only when a field's meaning does.

use serde::Serialize;

use crate::archive::Snapshot;
use crate::document::{BlockKind, Document, Marker};
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
    blocks: Vec<BlockRecord<'a>>,
    /// The markers made inside notes, which stand in no block of the body.
    #[serde(skip_serializing_if = "<[Marker]>::is_empty")]
    note_markers: &'a [Marker],
}

/// A block: its kind, its lines (`end_line` left out for a one-line block)
/// and its footnote markers in reading order, each with its number and line
/// (left out when none; a marker's line left out when it is the block's).
#[derive(Serialize)]
struct BlockRecord<'a> {
    kind: BlockKind,
    line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    markers: Vec<MarkerIn<'a>>,
}

/// A marker in its block, whose first line is the second field.
struct MarkerIn<'a>(&'a Marker, u32);

impl Serialize for MarkerIn<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Marker", 2)?;
        st.serialize_field("number", &self.0.number)?;
        if self.0.line == self.1 {
            st.skip_field("line")?;
        } else {
            st.serialize_field("line", &self.0.line)?;
        }
        st.end()
    }
}

fn blocks(d: &Document) -> Vec<BlockRecord<'_>> {
    d.blocks
        .iter()
        .enumerate()
        .map(|(i, b)| BlockRecord {
            kind: b.kind,
            line: b.line,
            end_line: (b.end_line != b.line).then_some(b.end_line),
            markers: d.block_markers(i).iter().map(|m| MarkerIn(m, b.line)).collect(),
        })
        .collect()
}

/// The markers after the body's: those made inside notes.
fn note_markers(d: &Document) -> &[Marker] {
    let body = d.blocks.last().map_or(0, |b| b.markers_end as usize);
    d.markers.get(body..).unwrap_or(&[])
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
                note_markers: note_markers(d),
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

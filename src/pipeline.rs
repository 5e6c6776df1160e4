//! The whole pipeline, as one function that writes nothing:
//! documents → findings → link results → archived copies → the run.
//!
//! The caller gives the configuration (the command line already applied),
//! the store that link and archive results are kept in, and who watches the
//! progress; it gets the run back and writes whatever it wants from it.

use crate::archive::{self, Snapshot};
use crate::baseline::Baseline;
use crate::config::{Config, DEFAULT_CONFIG};
use crate::document::{self, Document, DocumentSpec};
use crate::error::{Error, Result};
use crate::links::{self, NetworkStatus, Progress};
use crate::run::{self, Run};
use crate::store::{self, Store};
use crate::validate;

/// Runs `citecheck check`: load and parse the documents, validate them,
/// check their links, look up archived copies, and assemble the run.
pub fn run(config: &Config, store: &mut dyn Store, progress: &dyn Progress) -> Result<Run> {
    let specs = document_specs(config)?;
    // A baseline that cannot be read stops the run before any request is sent.
    let baseline = config.baseline.as_deref().map(Baseline::load).transpose()?;
    let documents = load_documents(&specs, config)?;
    let mut findings = validate::run(&documents);
    let link_report = links::check(&documents, &config.links, store, progress);
    let rescued = if link_report.network == NetworkStatus::Ok {
        archive::rescue(&documents, &link_report.results, &config.archive, &config.links, store)
    } else {
        archive::ArchiveReport::default()
    };
    findings.extend(links::findings(&link_report, &|id| {
        rescued.snapshots.get(&id).map(Snapshot::suggestion)
    }));
    findings.extend(rescued.findings);
    findings.retain(|f| !config.checks.disable.contains(&f.kind));
    run::sort(&mut findings, &documents);
    if let Some(b) = &baseline {
        b.apply(&mut findings);
    }
    let mut run = Run::new(documents, findings, config.fail_on);
    run.paths = specs.into_iter().map(|s| s.path).collect();
    run.links = link_report.results;
    run.network = link_report.network;
    run.requests = link_report.requests;
    run.snapshots = rescued.snapshots;
    run.warnings = link_report.warnings;
    for w in rescued.warnings {
        store::warn_once(&mut run.warnings, Err(w));
    }
    Ok(run)
}

/// The documents of the configuration, or a usage error if it lists none.
pub fn document_specs(config: &Config) -> Result<Vec<DocumentSpec>> {
    if config.documents.is_empty() {
        return Err(Error::Usage(match &config.source {
            Some(p) => format!(
                "{} lists no documents; give them in `documents:` or on the command line",
                p.display()
            ),
            None => format!("no documents to check: give them on the command line or create {DEFAULT_CONFIG}"),
        }));
    }
    Ok(config
        .documents
        .iter()
        .map(|d| DocumentSpec {
            display: d.path.display().to_string(),
            path: d.path.clone(),
            lang: d.lang,
            format: d.format,
        })
        .collect())
}

/// Parses every document of a set, reading them one after another into one buffer.
pub fn load_documents(specs: &[DocumentSpec], config: &Config) -> Result<Vec<Document>> {
    let mut buffer = Vec::new();
    specs
        .iter()
        .map(|s| document::load_document_with(s, &config.parse, &mut buffer))
        .collect()
}

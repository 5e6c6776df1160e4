//! citecheck: validates the footnotes and references of bilingual documents.
//!
//! Data flows one way:
//!
//! ```text
//! config ─► document (load → lines → entries, markers, references)
//!        ─► validate (numbering · alignment · consistency · hygiene) ─► findings
//!        ─► report (json · markdown · terminal)
//! ```
//!
//! Each stage takes the previous stage's typed output; none reaches back.

pub mod archive;
pub mod baseline;
pub mod cli;
pub mod config;
pub mod document;
pub mod error;
pub mod fix;
pub mod links;
pub mod redact;
pub mod report;
pub mod validate;

use std::path::{Path, PathBuf};

use config::{Loaded, ReportFormat};
use document::{Document, DocumentSpec};
use error::{Error, Result};
use report::Run;
use validate::FailOn;

/// The default configuration file, relative to the working directory.
pub const DEFAULT_CONFIG: &str = "data/citecheck.yaml";

/// What `citecheck check` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub config: Option<PathBuf>,
    /// Documents given on the command line (replace the config's list).
    pub documents: Vec<PathBuf>,
    pub out: Option<PathBuf>,
    pub formats: Option<Vec<ReportFormat>>,
    pub fail_on: Option<FailOn>,
    /// Check no link.
    pub offline: bool,
    /// Show link-checking progress.
    pub progress: bool,
    /// Re-check cached link results older than this.
    pub max_cache_age: Option<std::time::Duration>,
    /// Findings in this baseline do not fail the run.
    pub baseline: Option<PathBuf>,
    /// Which links get an archived copy suggested (default: the config's `archive.mode`).
    pub archive: Option<config::ArchiveMode>,
    /// Save live links that no archive has with Save Page Now (credentials from the environment).
    pub save_missing: bool,
}

/// The outcome of a check: the run and the reports written.
#[derive(Debug)]
pub struct Outcome {
    pub run: Run,
    pub written: Vec<PathBuf>,
    /// The documents' paths on disk, in run order.
    pub paths: Vec<PathBuf>,
}

/// Loads the configuration named in the options, or the default one if it exists.
pub fn load_config(opts: &CheckOptions) -> Result<Loaded> {
    match &opts.config {
        Some(p) => config::load(p),
        None if Path::new(DEFAULT_CONFIG).is_file() => config::load(Path::new(DEFAULT_CONFIG)),
        None => Ok(Loaded {
            config: config::Config::default(),
            path: None,
        }),
    }
}

/// The documents to check: those on the command line, else the config's.
pub fn document_specs(opts: &CheckOptions, loaded: &Loaded) -> Result<Vec<DocumentSpec>> {
    if !opts.documents.is_empty() {
        return Ok(opts
            .documents
            .iter()
            .map(|p| {
                // A document the config also lists keeps its language and format.
                let known = loaded
                    .config
                    .documents
                    .iter()
                    .find(|d| same_file(&loaded.resolve(&d.path), p));
                DocumentSpec {
                    path: p.clone(),
                    display: p.display().to_string(),
                    lang: known.and_then(|d| d.lang),
                    format: known.and_then(|d| d.format),
                }
            })
            .collect());
    }
    if loaded.config.documents.is_empty() {
        return Err(Error::Usage(match &loaded.path {
            Some(p) => format!(
                "{} lists no documents; give them in `documents:` or on the command line",
                p.display()
            ),
            None => format!("no documents to check: give them on the command line or create {DEFAULT_CONFIG}"),
        }));
    }
    Ok(loaded
        .config
        .documents
        .iter()
        .map(|d| {
            let path = loaded.resolve(&d.path);
            DocumentSpec {
                display: path.display().to_string(),
                path,
                lang: d.lang,
                format: d.format,
            }
        })
        .collect())
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// Parses every document of a set, reading them one after another into one buffer.
pub fn load_documents(specs: &[DocumentSpec], loaded: &Loaded) -> Result<Vec<Document>> {
    let mut buffer = Vec::new();
    specs
        .iter()
        .map(|s| document::load_document_with(s, &loaded.config.parse, &mut buffer))
        .collect()
}

/// Runs `citecheck check`: load, parse, validate, check links, look up
/// archived copies, write the reports.
pub fn check(opts: &CheckOptions) -> Result<Outcome> {
    let loaded = load_config(opts)?;
    let specs = document_specs(opts, &loaded)?;
    let documents = load_documents(&specs, &loaded)?;
    let mut findings = validate::run(&documents, &loaded.config);
    let mut link_report = links::check(
        &documents,
        &loaded.config.links,
        &links::RunOptions {
            offline: opts.offline,
            progress: opts.progress,
            max_cache_age: opts.max_cache_age,
        },
    );
    findings.extend(links::findings(&link_report));
    let rescued = archive_stage(opts, &loaded, &documents, &link_report)?;
    attach_snapshots(&rescued.snapshots, &mut link_report.results, &mut findings);
    findings.extend(rescued.findings.iter().cloned());
    findings.retain(|f| !loaded.config.checks.disable.iter().any(|d| d == f.kind.name()));
    validate::sort(&mut findings, &documents);
    if let Some(path) = &opts.baseline {
        baseline::Baseline::load(path)?.apply(&mut findings);
    }
    let fail_on = opts.fail_on.unwrap_or(loaded.config.fail_on);
    let mut run = Run::new(documents, findings, fail_on);
    run.links = link_report.results;
    run.network = link_report.network;
    run.requests = link_report.requests;
    run.snapshots = rescued.snapshots;
    let out = opts.out.clone().unwrap_or_else(|| loaded.config.output.dir.clone());
    let formats = opts
        .formats
        .clone()
        .unwrap_or_else(|| loaded.config.output.formats.clone());
    let written = report::write_all(&run, &out, &formats)?;
    Ok(Outcome {
        run,
        written,
        paths: specs.iter().map(|s| s.path.clone()).collect(),
    })
}

/// Looks up archived copies for the doubtful links (when the network worked).
fn archive_stage(
    opts: &CheckOptions,
    loaded: &Loaded,
    documents: &[Document],
    link_report: &links::LinkReport,
) -> Result<archive::ArchiveReport> {
    if link_report.network != links::NetworkStatus::Ok {
        return Ok(archive::ArchiveReport::default());
    }
    let save = match (opts.save_missing, archive::SaveCredentials::from_env()) {
        (false, _) => None,
        (true, Some(c)) => Some(c),
        (true, None) => {
            return Err(Error::Usage(
                "--save-missing needs IA_ACCESS_KEY and IA_SECRET_KEY in the environment".into(),
            ));
        }
    };
    Ok(archive::rescue(
        documents,
        &link_report.results,
        &loaded.config.archive,
        &loaded.config.links,
        &archive::RescueOptions {
            mode: opts.archive.unwrap_or(loaded.config.archive.mode),
            max_age: opts.max_cache_age,
            save,
        },
    ))
}

/// Puts each snapshot on its link result, and tells the reader of each
/// finding about that link what to cite instead.
fn attach_snapshots(
    snapshots: &[archive::Snapshot],
    links: &mut [links::LinkResult],
    findings: &mut [validate::Finding],
) {
    for s in snapshots {
        if let Some(l) = links.iter_mut().find(|l| l.url == s.url) {
            l.snapshot = Some(s.clone());
        }
        for f in findings
            .iter_mut()
            .filter(|f| f.url.as_deref() == Some(s.url.as_str()) && f.kind.name().starts_with("link_"))
        {
            let days = s
                .days_from_target
                .map(|d| format!(", {d:+} days from the citation date"))
                .unwrap_or_default();
            f.suggestion = Some(format!(
                "cite the archived copy {} (captured {} by {}{days}{})",
                s.archived_url,
                s.captured,
                s.provider,
                if s.verified { ", verified" } else { ", not verified" }
            ));
        }
    }
}

//! The command line. Arguments are checked once, here, and turned into a
//! configuration [`Overlay`]; nothing below the binary sees them.

use std::path::PathBuf;

use citecheck::config::{ArchiveMode, Overlay, SaveCredentials};
use citecheck::model::{FailOn, ReportFormat};
use clap::{Parser, Subcommand};

/// Validates the footnotes and references of bilingual (Japanese/English)
/// documents: numbering, alignment between the languages, dates, figures and
/// URL hygiene.
#[derive(Debug, Parser)]
#[command(name = "citecheck", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a document set and write the reports (the default command).
    Check(CheckArgs),
    /// Record today's findings as the baseline (later runs with --baseline fail only on new ones).
    Baseline(BaselineArgs),
    /// Write corrected copies: archive notes for rescued links, hygiene fixes.
    Fix(FixArgs),
}

#[derive(Debug, Clone, clap::Args)]
pub struct FixArgs {
    /// Documents to fix; default: the documents listed in the config.
    pub documents: Vec<PathBuf>,
    /// Configuration file [default: data/citecheck.yaml if it exists].
    #[arg(long, short)]
    pub config: Option<PathBuf>,
    /// Directory for the corrected copies.
    #[arg(long, short, default_value = "reports/fixed")]
    pub out: PathBuf,
    /// Rewrite the originals (after saving FILE.bak; an existing .bak is never overwritten).
    #[arg(long, conflicts_with = "dry_run")]
    pub in_place: bool,
    /// Print a unified diff and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Which links get an archived copy [default: archive.mode, `doubtful`].
    #[arg(long, value_enum)]
    pub archive: Option<ArchiveMode>,
    /// Re-check cached link results older than this.
    #[arg(long, value_parser = parse_age)]
    pub max_cache_age: Option<std::time::Duration>,
    /// Print only the summary.
    #[arg(long, short)]
    pub quiet: bool,
}

impl FixArgs {
    /// What these arguments change in the configuration.
    pub fn overlay(&self) -> Overlay {
        Overlay {
            documents: self.documents.clone(),
            max_cache_age: self.max_cache_age,
            archive_mode: self.archive,
            ..Overlay::default()
        }
    }
}

#[derive(Debug, Clone, clap::Args)]
pub struct BaselineArgs {
    #[command(flatten)]
    pub check: CheckArgs,
    /// Baseline file to write.
    #[arg(long, default_value = citecheck::baseline::DEFAULT)]
    pub output: PathBuf,
}

#[derive(Debug, Clone, Default, clap::Args)]
pub struct CheckArgs {
    /// Documents to check (e.g. the Japanese then the English version);
    /// default: the documents listed in the config.
    pub documents: Vec<PathBuf>,
    /// Configuration file [default: data/citecheck.yaml if it exists].
    #[arg(long, short)]
    pub config: Option<PathBuf>,
    /// Directory for the reports [default: output.dir of the config, `reports`].
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Report formats, comma-separated: json, markdown, html, junit, sarif, csv.
    #[arg(long, short, value_delimiter = ',')]
    pub format: Option<Vec<ReportFormat>>,
    /// Lowest severity that fails the run (exit code 1).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Print only the summary line (and no progress).
    #[arg(long, short)]
    pub quiet: bool,
    /// Check no link (documents only).
    #[arg(long)]
    pub offline: bool,
    /// Re-check cached link results older than this (`30s`, `15m`, `12h`, `1d`; `0` ignores the cache).
    #[arg(long, value_parser = parse_age)]
    pub max_cache_age: Option<std::time::Duration>,
    /// Fail only on findings that are not in this baseline (see `citecheck baseline`).
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// Which links get an archived copy suggested [default: archive.mode, `doubtful`].
    #[arg(long, value_enum)]
    pub archive: Option<ArchiveMode>,
    /// Ask Save Page Now to archive live links that no archive has (needs IA_ACCESS_KEY and IA_SECRET_KEY).
    #[arg(long)]
    pub save_missing: bool,
    /// Send no request to a private address (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7).
    #[arg(long)]
    pub exclude_private: bool,
    /// Send no request to a loopback address (127/8, ::1).
    #[arg(long)]
    pub exclude_loopback: bool,
    /// Send no request to a link-local address (169.254/16, fe80::/10).
    #[arg(long)]
    pub exclude_link_local: bool,
    /// All three: --exclude-private --exclude-loopback --exclude-link-local.
    #[arg(long, short = 'E')]
    pub exclude_all_private: bool,
}

fn parse_age(s: &str) -> Result<std::time::Duration, String> {
    citecheck::config::parse_duration(s).ok_or_else(|| format!("{s:?} is not a duration such as 30s, 15m, 12h or 1d"))
}

impl CheckArgs {
    /// What these arguments change in the configuration. `--save-missing`
    /// takes its credentials from the environment, or is a usage error.
    pub fn overlay(&self) -> Result<Overlay, String> {
        let save = match (self.save_missing, SaveCredentials::from_env()) {
            (false, _) => None,
            (true, Some(c)) => Some(c),
            (true, None) => {
                return Err("--save-missing needs IA_ACCESS_KEY and IA_SECRET_KEY in the environment".into());
            }
        };
        Ok(Overlay {
            documents: self.documents.clone(),
            out_dir: self.out.clone(),
            formats: self.format.clone(),
            fail_on: self.fail_on,
            offline: self.offline,
            max_cache_age: self.max_cache_age,
            baseline: self.baseline.clone(),
            archive_mode: self.archive,
            save,
            exclude_private: self.exclude_private || self.exclude_all_private,
            exclude_loopback: self.exclude_loopback || self.exclude_all_private,
            exclude_link_local: self.exclude_link_local || self.exclude_all_private,
        })
    }
}

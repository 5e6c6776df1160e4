//! The binary: parse the arguments, turn them into a configuration overlay,
//! call the library's pure pipeline, write what it returns, and map the
//! outcome to an exit code. It is the only code that prints or writes files
//! (through `output`), and it has one exit path: `main` turns every error
//! into exit code 2.
//!
//! Exit codes (one table, also in the README):
//! 0 = nothing at or above `--fail-on`; 1 = findings at or above it;
//! 2 = usage, config or input error; 3 = the network is unreachable (links
//! unchecked) and no finding reaches `--fail-on`, so CI can retry.

mod cli;
mod progress;

use std::path::PathBuf;
use std::process::ExitCode;

use citecheck::config::{self, Config, Overlay};
use citecheck::error::{Error, Result};
use citecheck::links::NetworkStatus;
use citecheck::output;
use citecheck::report::{github, terminal};
use citecheck::run::Run;
use citecheck::store;
use clap::Parser;
use cli::{CheckArgs, Cli, Command, FixArgs};

const EXIT_FINDINGS: u8 = 1;
const EXIT_ERROR: u8 = 2;
const EXIT_NETWORK: u8 = 3;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(EXIT_ERROR)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let outcome = match cli.command {
        Some(Command::Fix(f)) => fix(&f),
        Some(Command::Check(args)) => check(&args, None),
        Some(Command::Baseline(b)) => check(&b.check, Some(b.output)),
        None => check(&CheckArgs::default(), None),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("citecheck: error: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// The configuration: the file, then the command line over it.
fn configure(file: Option<&std::path::Path>, overlay: Overlay) -> Result<Config> {
    let mut config = config::load_or_default(file)?;
    config.update(overlay);
    Ok(config)
}

/// Runs the pipeline with the caches of the configuration (read only when
/// the run must write nothing) and a progress bar.
fn run(config: &Config, quiet: bool, write_store: bool) -> Result<Run> {
    let mut store = if write_store {
        store::Sqlite::open(config)
    } else {
        store::Sqlite::open_read_only(config)
    };
    let run = citecheck::run(config, &mut store, &progress::Bar::new(!quiet))?;
    for w in &run.warnings {
        eprintln!("citecheck: warning: {}", terminal::clean(w));
    }
    Ok(run)
}

/// `citecheck check` and `citecheck baseline`.
fn check(args: &CheckArgs, baseline_out: Option<PathBuf>) -> Result<u8> {
    let config = configure(args.config.as_deref(), args.overlay().map_err(Error::Usage)?)?;
    let run = run(&config, args.quiet, true)?;
    let written = output::reports(&run, &config.output.dir, &config.output.formats)?;
    stdout(&terminal::render(&run, &written, args.quiet));
    if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
        stdout(&github::annotations(&run));
        if let Err(e) = output::step_summary(&run) {
            eprintln!("citecheck: warning: {e}");
        }
    }
    if run.network == NetworkStatus::Unreachable {
        eprintln!(
            "citecheck: the network is unreachable: no host answered, so links were not checked \
             (exit code 3 unless findings fail the run)"
        );
    }
    if let Some(path) = baseline_out {
        // `citecheck baseline`: record, and succeed.
        output::write(
            &path,
            citecheck::baseline::render(&run.findings, &run.generated_at).as_bytes(),
        )?;
        stdout(&format!(
            "baseline: {} findings recorded in {}\n",
            run.findings.len(),
            path.display()
        ));
        return Ok(0);
    }
    Ok(if run.failed() {
        EXIT_FINDINGS
    } else if run.network == NetworkStatus::Unreachable {
        EXIT_NETWORK
    } else {
        0
    })
}

/// `citecheck fix`: check, look up archived copies, write corrected documents
/// (or, with `--dry-run`, print their diff and write nothing).
fn fix(args: &FixArgs) -> Result<u8> {
    let config = configure(args.config.as_deref(), args.overlay())?;
    let run = run(&config, args.quiet, !args.dry_run)?;
    if run.network == NetworkStatus::Unreachable {
        eprintln!("citecheck: the network is unreachable: links were not checked, so no archive note can be added");
    }
    let mut out = String::new();
    for f in citecheck::fix::plan(&run)? {
        if args.dry_run {
            out.push_str(&citecheck::fix::diff(&f));
            continue;
        }
        let target = if !f.changed() {
            None
        } else if args.in_place {
            output::backup(&f.path)?;
            Some(f.path.clone())
        } else {
            Some(args.out.join(f.path.file_name().unwrap_or_default()))
        };
        if let Some(t) = &target {
            output::write(t, &f.bytes())?;
        }
        if !args.quiet {
            let to = target
                .as_ref()
                .map(|t| t.display().to_string())
                .unwrap_or_else(|| "unchanged".to_string());
            out.push_str(&format!(
                "{} -> {} ({} archive notes, {} hygiene fixes)\n",
                f.path.display(),
                to,
                f.notes,
                f.hygiene
            ));
        }
    }
    stdout(&out);
    Ok(0)
}

/// Prints to standard output; a closed pipe is not worth a panic.
fn stdout(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().write_all(text.as_bytes());
}

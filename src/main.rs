//! Thin binary: parse the arguments, call the library, map the outcome to an exit code.
//!
//! Exit codes (one table, also in the README):
//! 0 = nothing at or above `--fail-on`; 1 = findings at or above it;
//! 2 = usage, config or input error; 3 = the network is unreachable (links
//! unchecked) and no finding reaches `--fail-on`, so CI can retry.

use std::io::Write;
use std::process::ExitCode;

use citecheck::cli::{CheckArgs, Cli, Command};
use citecheck::links::NetworkStatus;
use citecheck::report::{github, terminal};
use clap::Parser;

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
    let (args, baseline_out) = match cli.command {
        Some(Command::Fix(f)) => return fix(&f),
        Some(Command::Check(args)) => (args, None),
        Some(Command::Baseline(b)) => (b.check, Some(b.output)),
        None => (CheckArgs::default(), None),
    };
    match citecheck::check(&args.options()) {
        Ok(outcome) => {
            let run = &outcome.run;
            let text = terminal::render(run, &outcome.written, args.quiet);
            let _ = std::io::stdout().write_all(text.as_bytes());
            if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
                let _ = std::io::stdout().write_all(github::annotations(run).as_bytes());
                github::step_summary(run);
            }
            if run.network == NetworkStatus::Unreachable {
                eprintln!(
                    "citecheck: the network is unreachable: no host answered, so links were not checked \
                     (exit code 3 unless findings fail the run)"
                );
            }
            if let Some(path) = baseline_out {
                // `citecheck baseline`: record, and succeed.
                return match citecheck::baseline::write(&path, &run.findings, &run.generated_at) {
                    Ok(()) => {
                        println!(
                            "baseline: {} findings recorded in {}",
                            run.findings.len(),
                            path.display()
                        );
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        eprintln!("citecheck: error: {e}");
                        ExitCode::from(EXIT_ERROR)
                    }
                };
            }
            if run.failed() {
                ExitCode::from(EXIT_FINDINGS)
            } else if run.network == NetworkStatus::Unreachable {
                ExitCode::from(EXIT_NETWORK)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("citecheck: error: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// `citecheck fix`: check, look up archived copies, write corrected documents.
fn fix(args: &citecheck::cli::FixArgs) -> ExitCode {
    let outcome = match citecheck::check(&args.options()) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("citecheck: error: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    if outcome.run.network == NetworkStatus::Unreachable {
        eprintln!("citecheck: the network is unreachable: links were not checked, so no archive note can be added");
    }
    let opts = citecheck::fix::FixOptions {
        out_dir: args.out.clone(),
        in_place: args.in_place,
        dry_run: args.dry_run,
    };
    match citecheck::fix::fix(&outcome.run, &outcome.paths, &opts) {
        Ok(done) => {
            let mut out = String::new();
            for (f, target) in &done {
                if args.dry_run {
                    out.push_str(&citecheck::fix::diff(f));
                } else if !args.quiet {
                    let to = target
                        .as_ref()
                        .map(|t| t.display().to_string())
                        .unwrap_or_else(|| "unchanged".to_string());
                    out.push_str(&format!(
                        "{} -> {to} ({} archive notes, {} hygiene fixes)\n",
                        f.path.display(),
                        f.notes,
                        f.hygiene
                    ));
                }
            }
            let _ = std::io::stdout().write_all(out.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("citecheck: error: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

//! Everything citecheck writes to disk, besides its store: reports, corrected
//! documents and their backups, baselines, the GitHub step summary. Only the
//! binary calls this; every file is replaced atomically with the modes a
//! user expects (see `citecheck::atomic`).

use std::io::Write;
use std::path::{Path, PathBuf};

use citecheck::error::{Error, Result};
use citecheck::model::ReportFormat;
use citecheck::report;
use citecheck::run::Run;

fn output_error(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Output {
        path: path.to_path_buf(),
        source,
    }
}

/// Replaces a file atomically, creating its folder.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        citecheck::atomic::create_dir(dir).map_err(output_error(dir))?;
    }
    citecheck::atomic::write(path, bytes).map_err(output_error(path))
}

/// Writes the requested reports into `dir`; returns the paths written.
pub fn reports(run: &Run, dir: &Path, formats: &[ReportFormat]) -> Result<Vec<PathBuf>> {
    citecheck::atomic::create_dir(dir).map_err(output_error(dir))?;
    let mut written = Vec::new();
    for &format in formats {
        let path = dir.join(report::file_name(format));
        write(&path, report::render(run, format).as_bytes())?;
        written.push(path);
    }
    Ok(written)
}

/// Copies a document to `FILE.bak` before `fix --in-place` rewrites it; an
/// existing backup is never overwritten.
pub fn backup(path: &Path) -> Result<()> {
    let mut bak = path.as_os_str().to_owned();
    bak.push(".bak");
    let bak = PathBuf::from(bak);
    if !bak.exists() {
        std::fs::copy(path, &bak).map_err(output_error(&bak))?;
    }
    Ok(())
}

/// Appends the Markdown report to `$GITHUB_STEP_SUMMARY`, if it is set.
pub fn step_summary(run: &Run) {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") else {
        return;
    };
    let md = report::markdown::render(run);
    match std::fs::OpenOptions::new().create(true).append(true).open(&path) {
        Ok(mut f) => {
            if let Err(e) = f.write_all(md.as_bytes()) {
                eprintln!("citecheck: warning: cannot append to $GITHUB_STEP_SUMMARY: {e}");
            }
        }
        Err(e) => eprintln!("citecheck: warning: cannot append to $GITHUB_STEP_SUMMARY: {e}"),
    }
}

/// Prints to standard output; a closed pipe is not an error worth a panic.
pub fn stdout(text: &str) {
    let _ = std::io::stdout().write_all(text.as_bytes());
}

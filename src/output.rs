//! Everything citecheck writes to disk, besides its store: reports, corrected
//! documents and their backups, baselines, the GitHub step summary.
//!
//! The pipeline never calls this: the binary does, after the run (and tests
//! do, to write as the binary writes). Every file is replaced atomically with
//! the modes a user expects (see [`crate::atomic`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::ReportFormat;
use crate::report;
use crate::run::Run;

fn output_error(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Output {
        path: path.to_path_buf(),
        source,
    }
}

/// Replaces a file atomically, creating its folder.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::atomic::create_dir(dir).map_err(output_error(dir))?;
    }
    crate::atomic::write(path, bytes).map_err(output_error(path))
}

/// Writes the requested reports into `dir`; returns the paths written.
pub fn reports(run: &Run, dir: &Path, formats: &[ReportFormat]) -> Result<Vec<PathBuf>> {
    crate::atomic::create_dir(dir).map_err(output_error(dir))?;
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
pub fn step_summary(run: &Run) -> Result<()> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") else {
        return Ok(());
    };
    let path = PathBuf::from(path);
    let md = report::markdown::render(run);
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all(md.as_bytes()))
        .map_err(output_error(&path))
}

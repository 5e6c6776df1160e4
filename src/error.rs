//! Errors that stop a run (exit code 2). Content defects are never errors:
//! they are [`crate::model::Finding`]s.

use std::path::PathBuf;

/// An error that prevents citecheck from producing a report.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A document could not be read or decoded.
    #[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Input {
        path: PathBuf,
        line: Option<usize>,
        message: String,
    },
    /// The configuration file is missing or malformed.
    #[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Config {
        path: PathBuf,
        line: Option<usize>,
        message: String,
    },
    /// Wrong arguments on the command line.
    #[error("{0}")]
    Usage(String),
    /// A report could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Output { path: PathBuf, source: std::io::Error },
}

impl Error {
    pub fn input(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::Input {
            path: path.into(),
            line: None,
            message: message.into(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

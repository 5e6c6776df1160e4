//! `data/citecheck.yaml`: the document set and every option, with defaults.
//!
//! Parsed with serde-saphyr (serde_yaml is deprecated upstream). Unknown keys
//! are errors, so a typo never silently falls back to a default.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::document::{Format, Lang};
use crate::error::{Error, Result};
use crate::validate::FailOn;

/// The whole configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The documents of the set; paths are relative to the config file.
    pub documents: Vec<DocumentConfig>,
    pub output: OutputConfig,
    /// The lowest severity that makes the run fail (exit code 1).
    pub fail_on: FailOn,
    pub parse: ParseConfig,
    pub checks: ChecksConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            documents: Vec::new(),
            output: OutputConfig::default(),
            fail_on: FailOn::Error,
            parse: ParseConfig::default(),
            checks: ChecksConfig::default(),
        }
    }
}

/// One document of the set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentConfig {
    pub path: PathBuf,
    /// `ja` or `en`; guessed from the text when absent.
    #[serde(default)]
    pub lang: Option<Lang>,
    /// `text`, `markdown` or `html`; from the file extension when absent.
    #[serde(default)]
    pub format: Option<Format>,
}

/// Where and how reports are written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutputConfig {
    /// Report directory, relative to the working directory.
    pub dir: PathBuf,
    /// Report formats to write.
    pub formats: Vec<ReportFormat>,
}

impl Default for OutputConfig {
    fn default() -> Self {
        OutputConfig {
            dir: PathBuf::from("reports"),
            formats: vec![ReportFormat::Json, ReportFormat::Markdown],
        }
    }
}

/// A report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    Json,
    Markdown,
}

impl std::str::FromStr for ReportFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "json" => Ok(ReportFormat::Json),
            "markdown" | "md" => Ok(ReportFormat::Markdown),
            other => Err(format!("unknown report format {other:?} (expected json or markdown)")),
        }
    }
}

/// How documents are parsed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ParseConfig {
    /// Headings that open the reference list (matched on the whole line, case-insensitive, colon optional).
    pub reference_headings: Vec<String>,
}

impl Default for ParseConfig {
    fn default() -> Self {
        ParseConfig {
            reference_headings: [
                "参考情報",
                "参考文献",
                "脚注",
                "注",
                "出典",
                "References",
                "Notes",
                "Sources",
                "Footnotes",
                "Bibliography",
            ]
            .into_iter()
            .map(String::from)
            .collect(),
        }
    }
}

/// Which checks run.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChecksConfig {
    /// Finding kinds (as in the JSON report) to leave out.
    pub disable: Vec<String>,
}

/// A loaded configuration and where it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    /// The config file, if one was read.
    pub path: Option<PathBuf>,
}

impl Loaded {
    /// Resolves a document path from the config against the config's folder.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        match self.path.as_deref().and_then(Path::parent) {
            Some(dir) if p.is_relative() => dir.join(p),
            _ => p.to_path_buf(),
        }
    }
}

/// Reads a config file.
pub fn load(path: &Path) -> Result<Loaded> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Config {
        path: path.to_path_buf(),
        line: None,
        message: match e.kind() {
            std::io::ErrorKind::NotFound => "no such config file".to_string(),
            _ => format!("cannot read: {e}"),
        },
    })?;
    let config = parse(&text).map_err(|(line, message)| Error::Config {
        path: path.to_path_buf(),
        line,
        message,
    })?;
    for kind in &config.checks.disable {
        if crate::validate::Kind::from_name(kind).is_none() {
            return Err(Error::Config {
                path: path.to_path_buf(),
                line: text.lines().position(|l| l.contains(kind.as_str())).map(|i| i + 1),
                message: format!("checks.disable: unknown finding kind {kind:?}"),
            });
        }
    }
    Ok(Loaded {
        config,
        path: Some(path.to_path_buf()),
    })
}

/// Parses config text. Errors carry the line where known.
pub fn parse(text: &str) -> Result<Config, (Option<usize>, String)> {
    if text.trim().is_empty() {
        return Ok(Config::default());
    }
    serde_saphyr::from_str::<Config>(text).map_err(|e| {
        let line = e.location().map(|l| l.line() as usize).filter(|&l| l > 0);
        (line, e.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_errors() {
        let c = parse("documents:\n  - path: a.txt\n    lang: ja\n").unwrap();
        assert_eq!(c.documents[0].lang, Some(Lang::Ja));
        assert_eq!(c.output.dir, PathBuf::from("reports"));
        let (line, msg) = parse("documents:\n  - path: a.txt\n    langg: ja\n").unwrap_err();
        assert_eq!(line, Some(3), "{msg}");
        assert!(parse("fail_on: sometimes\n").is_err());
    }
}

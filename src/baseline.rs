//! Baselines: record today's findings so that a team with a legacy of dead
//! links can adopt citecheck and fail only on new defects. Findings match by
//! kind, file, footnote and URL (or message, with line numbers removed) —
//! never by line, so edits elsewhere in a document do not break the match.

use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{Finding, Kind};

/// The default baseline file.
pub const DEFAULT: &str = ".citecheck/baseline.json";

/// What identifies a finding across edits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub struct Key {
    pub kind: Kind,
    pub file: String,
    pub footnote: Option<u32>,
    /// The URL concerned, else the message without line numbers.
    pub anchor: String,
}

impl Key {
    /// A short stable hash (FNV-1a), for SARIF fingerprints.
    pub fn fingerprint(&self) -> String {
        let text = format!("{}|{}|{:?}|{}", self.kind.name(), self.file, self.footnote, self.anchor);
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in text.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{h:016x}")
    }
}

static LINE_REF: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\blines? [0-9]+").expect("valid regex"));

pub fn key(f: &Finding) -> Key {
    Key {
        kind: f.kind,
        file: f.file.clone(),
        footnote: f.footnote,
        anchor: f
            .url
            .clone()
            .unwrap_or_else(|| LINE_REF.replace_all(&f.message, "line _").into_owned()),
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct File {
    version: u32,
    tool_version: String,
    generated_at: String,
    findings: Vec<Key>,
}

/// The baseline file of a run's findings (the binary writes it).
pub fn render(findings: &[Finding], generated_at: &str) -> String {
    let mut keys: Vec<Key> = findings.iter().map(key).collect();
    keys.sort();
    let file = File {
        version: 1,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        generated_at: generated_at.to_string(),
        findings: keys,
    };
    serde_json::to_string_pretty(&file).unwrap_or_default() + "\n"
}

/// A loaded baseline: how many findings of each key it allows.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    allowed: HashMap<Key, usize>,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Usage(format!("cannot read the baseline {}: {e}", path.display())))?;
        let file: File = serde_json::from_str(&text).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            line: Some(e.line()),
            message: format!("not a citecheck baseline: {e}"),
        })?;
        let mut allowed = HashMap::new();
        for k in file.findings {
            *allowed.entry(k).or_default() += 1;
        }
        Ok(Baseline { allowed })
    }

    /// Marks the findings the baseline already knows; returns how many.
    pub fn apply(&self, findings: &mut [Finding]) -> usize {
        let mut left = self.allowed.clone();
        let mut n = 0;
        for f in findings.iter_mut() {
            if let Some(c) = left.get_mut(&key(f))
                && *c > 0
            {
                *c -= 1;
                f.baselined = true;
                n += 1;
            }
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_line_numbers_and_prefer_urls() {
        let a = Finding::new(
            Kind::DuplicateReference,
            "d.txt",
            10,
            "reference [3] is listed twice (first at line 7)",
        )
        .footnote(3);
        let b = Finding::new(
            Kind::DuplicateReference,
            "d.txt",
            12,
            "reference [3] is listed twice (first at line 9)",
        )
        .footnote(3);
        assert_eq!(key(&a), key(&b));
        let c = Finding::new(Kind::LinkDead, "d.txt", 5, "x is dead: HTTP 404").url("http://a.jp/x");
        let d = Finding::new(Kind::LinkDead, "d.txt", 50, "x is dead: HTTP 410").url("http://a.jp/x");
        assert_eq!(key(&c), key(&d), "the URL identifies a link finding");
        assert_ne!(key(&a).fingerprint(), key(&c).fingerprint());
    }
}

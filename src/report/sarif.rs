//! SARIF 2.1.0 (`citecheck.sarif`) for code-scanning tools: one rule per
//! finding kind, one result per finding, file paths relative to the
//! repository root (the folder holding `.git`, else the working directory).

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::model::{Kind, Severity};
use crate::run::Run;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The repository root: the nearest folder above the working directory that holds `.git`.
pub fn repo_root() -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    cwd.ancestors()
        .find(|p| p.join(".git").exists())
        .map(Path::to_path_buf)
        .unwrap_or(cwd)
}

/// A report path relative to the repository root, with `/` separators.
pub fn relative(file: &str, root: &Path) -> String {
    let p = Path::new(file);
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().map(|c| c.join(p)).unwrap_or(p.to_path_buf())
    };
    let abs = abs.canonicalize().unwrap_or(abs);
    let root = root.canonicalize().unwrap_or(root.to_path_buf());
    let rel = abs.strip_prefix(&root).map(Path::to_path_buf).unwrap_or(abs);
    rel.to_string_lossy().replace('\\', "/")
}

pub fn render(run: &Run) -> String {
    let root = repo_root();
    let rules: Vec<Value> = Kind::ALL
        .iter()
        .map(|k| {
            json!({
                "id": k.name(),
                "name": k.name(),
                "shortDescription": {"text": k.description()},
                "defaultConfiguration": {"level": level(k.severity())},
            })
        })
        .collect();
    let results: Vec<Value> = run
        .findings
        .iter()
        .map(|f| {
            let mut r = json!({
                "ruleId": f.kind.name(),
                "ruleIndex": Kind::ALL.iter().position(|k| *k == f.kind).unwrap_or(0),
                "level": level(f.severity),
                "message": {"text": match &f.suggestion { Some(s) => format!("{} ({s})", f.message), None => f.message.clone() }},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": relative(&f.file, &root), "uriBaseId": "SRCROOT"},
                    "region": {"startLine": f.line.max(1)},
                }}],
                "partialFingerprints": {"citecheck/v1": crate::baseline::key(f).fingerprint()},
            });
            if !f.related.is_empty() {
                r["relatedLocations"] = f
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, l)| json!({"id": i, "physicalLocation": {
                        "artifactLocation": {"uri": relative(&l.file, &root), "uriBaseId": "SRCROOT"},
                        "region": {"startLine": l.line.max(1)},
                    }}))
                    .collect();
            }
            r
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "citecheck",
                "version": run.tool_version,
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules,
            }},
            "originalUriBaseIds": {"SRCROOT": {"uri": format!("file://{}/", root.display())}},
            "invocations": [{"executionSuccessful": true, "endTimeUtc": run.generated_at}],
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::relative;

    #[test]
    fn paths_relative_to_the_root() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("data/doc.txt");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "x").unwrap();
        assert_eq!(relative(&file.display().to_string(), root.path()), "data/doc.txt");
        let outside = tempfile::NamedTempFile::new().unwrap();
        assert!(relative(&outside.path().display().to_string(), root.path()).starts_with('/'));
    }
}

//! GitHub Actions: a workflow annotation for each finding at or above
//! `--fail-on`, and the Markdown summary appended to `$GITHUB_STEP_SUMMARY`.
//! Annotation text is escaped by the workflow-command rules, so text taken
//! from documents or web pages cannot inject commands.

use std::io::Write;

use super::Run;
use crate::validate::Severity;

/// Escapes the message part of a workflow command.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value (`file=`, `title=`) of a workflow command.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The annotation commands for a run.
pub fn annotations(run: &Run) -> String {
    let root = super::sarif::repo_root();
    let mut out = String::new();
    for f in run
        .findings
        .iter()
        .filter(|f| !f.baselined && run.fail_on.fails(f.severity))
    {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        out.push_str(&format!(
            "::{level} file={},line={},title={}::{}\n",
            escape_property(&super::sarif::relative(&f.file, &root)),
            f.line,
            escape_property(&format!("citecheck {}", f.kind.name())),
            escape_data(&f.message)
        ));
    }
    out
}

/// Appends the Markdown report to the step summary file, if there is one.
pub fn step_summary(run: &Run) {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") else {
        return;
    };
    let md = super::markdown::render(run);
    match std::fs::OpenOptions::new().create(true).append(true).open(&path) {
        Ok(mut f) => {
            let _ = f.write_all(md.as_bytes());
        }
        Err(e) => eprintln!("citecheck: warning: cannot append to $GITHUB_STEP_SUMMARY: {e}"),
    }
}

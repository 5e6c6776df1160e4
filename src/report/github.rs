//! GitHub Actions: a workflow annotation for each finding at or above
//! `--fail-on` (the binary prints them, and appends the Markdown report to
//! `$GITHUB_STEP_SUMMARY`).
//! Annotation text is escaped by the workflow-command rules, so text taken
//! from documents or web pages cannot inject commands.

use crate::model::Severity;
use crate::run::Run;

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

//! JUnit XML (`citecheck.junit.xml`) for CI dashboards: a test suite per
//! document, a test case per reference, and one per document for findings
//! that belong to no reference. A case fails when it has findings at or above
//! `--fail-on`; lower findings are listed in its output.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::model::Finding;
use crate::run::Run;

/// Escapes text for XML content and attributes (and drops characters XML forbids).
pub fn escape(s: &str) -> String {
    super::escape_markup(s, "&apos;", |c| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
    })
}

pub fn render(run: &Run) -> String {
    let mut suites = String::new();
    let (mut total_tests, mut total_failures) = (0, 0);
    for d in &run.documents {
        let mine: Vec<&Finding> = run.findings.iter().filter(|f| f.file == d.path).collect();
        let mut cases: BTreeMap<Option<u32>, Vec<&Finding>> = BTreeMap::new();
        cases.insert(None, Vec::new());
        for r in &d.references {
            cases.entry(Some(r.number)).or_default();
        }
        for f in mine {
            cases.entry(f.footnote).or_default().push(f);
        }
        let mut body = String::new();
        let mut failures = 0;
        for (footnote, fs) in &cases {
            let name = match footnote {
                Some(n) => format!("reference [{n}]"),
                None => "document".to_string(),
            };
            let line = footnote
                .and_then(|n| d.references.iter().find(|r| r.number == n))
                .map_or(1, |r| r.line);
            let _ = writeln!(
                body,
                "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" line=\"{line}\">",
                escape(&d.path),
                escape(&name),
                escape(&d.path)
            );
            let (failing, other): (Vec<&&Finding>, Vec<&&Finding>) =
                fs.iter().partition(|f| run.fail_on.fails(f.severity));
            if let Some(first) = failing.first() {
                failures += 1;
                let text: Vec<String> = failing
                    .iter()
                    .map(|f| format!("{}:{}: {}[{}] {}", f.file, f.line, f.severity, f.kind, f.message))
                    .collect();
                let _ = writeln!(
                    body,
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                    first.kind.name(),
                    escape(&first.message),
                    escape(&text.join("\n"))
                );
            }
            if !other.is_empty() {
                let text: Vec<String> = other
                    .iter()
                    .map(|f| format!("{}:{}: {}[{}] {}", f.file, f.line, f.severity, f.kind, f.message))
                    .collect();
                let _ = writeln!(body, "      <system-out>{}</system-out>", escape(&text.join("\n")));
            }
            body.push_str("    </testcase>\n");
        }
        total_tests += cases.len();
        total_failures += failures;
        let _ = writeln!(
            suites,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" timestamp=\"{}\">\n{body}  </testsuite>",
            escape(&d.path),
            cases.len(),
            escape(&run.generated_at)
        );
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"citecheck\" tests=\"{total_tests}\" failures=\"{total_failures}\" errors=\"0\">\n{suites}</testsuites>\n"
    )
}

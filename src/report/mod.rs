//! A run → reports. Every format renders one [`Run`] into a string and
//! nothing else; the binary writes them.

pub mod csv;
pub mod github;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod terminal;

use crate::model::ReportFormat;
use crate::run::Run;

/// Escapes `&`, `<`, `>`, `"` and `'` (written as `apostrophe`) for markup
/// content and attribute values, and leaves out the characters `drop` names
/// (each format forbids its own). The HTML and JUnit writers share it.
pub(crate) fn escape_markup(s: &str, apostrophe: &str, drop: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str(apostrophe),
            c if drop(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// The file name of a report format (in the report folder).
pub fn file_name(format: ReportFormat) -> &'static str {
    match format {
        ReportFormat::Json => "citecheck.json",
        ReportFormat::Markdown => "citecheck.md",
        ReportFormat::Html => "citecheck.html",
        ReportFormat::Junit => "citecheck.junit.xml",
        ReportFormat::Sarif => "citecheck.sarif",
        ReportFormat::Csv => "citecheck-archive.csv",
    }
}

/// Renders one report in memory; the binary writes it.
pub fn render(run: &Run, format: ReportFormat) -> String {
    match format {
        ReportFormat::Json => json::render(run),
        ReportFormat::Markdown => markdown::render(run),
        ReportFormat::Html => html::render(run),
        ReportFormat::Junit => junit::render(run),
        ReportFormat::Sarif => sarif::render(run),
        ReportFormat::Csv => csv::render(run),
    }
}

#[cfg(test)]
mod escape_tests {
    #[test]
    fn html_and_junit_escape_markup_and_drop_what_each_forbids() {
        let s = "a&b<c>\"d'e\tf\ng\rh\u{1}i\u{85}j\u{FFFE}k";
        assert_eq!(
            super::html::escape(s),
            "a&amp;b&lt;c&gt;&quot;d&#39;e\tf\nghij\u{FFFE}k"
        );
        assert_eq!(
            super::junit::escape(s),
            "a&amp;b&lt;c&gt;&quot;d&apos;e\tf\ng\rhi\u{85}jk"
        );
    }
}

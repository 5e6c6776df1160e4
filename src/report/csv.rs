//! The archivists' table (`citecheck-archive.csv`): one row per cited URL and
//! citation — footnote, language, original URL, link class, snapshot URL,
//! capture date, days from the citation date, verified — ready for a
//! spreadsheet or a bot. Cells that a spreadsheet would run as a formula are
//! prefixed with `'`.

use crate::run::Run;

/// Quotes a CSV field when needed and defuses formula injection.
pub fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

pub const HEADER: &str = "footnote,language,file,line,original_url,link_class,http_status,snapshot_url,capture_date,days_from_citation,provider,verified";

pub fn render(run: &Run) -> String {
    let mut out = String::from(HEADER);
    out.push_str("\r\n");
    for (l, snap) in run.links_with_snapshots() {
        for c in &l.cited_by {
            let row = [
                c.footnote.map(|n| n.to_string()).unwrap_or_default(),
                c.lang.to_string(),
                c.file.to_string(),
                c.line.to_string(),
                l.url.clone(),
                l.class.to_string(),
                l.http_status.map(|s| s.to_string()).unwrap_or_default(),
                snap.map(|s| s.archived_url.clone()).unwrap_or_default(),
                snap.map(|s| s.captured.clone()).unwrap_or_default(),
                snap.and_then(|s| s.days_from_target)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                snap.map(|s| s.provider.clone()).unwrap_or_default(),
                snap.map(|s| s.verified.to_string()).unwrap_or_default(),
            ];
            let cells: Vec<String> = row.iter().map(|c| field(c)).collect();
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn quoting_and_formula_injection() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("-1"), "'-1");
        assert_eq!(field("line\nbreak"), "\"line\nbreak\"");
    }
}

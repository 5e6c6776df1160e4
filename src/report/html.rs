//! The editors' report (`citecheck.html`): one self-contained file (inline CSS
//! and a little JS, no external assets). A summary, the two languages side by
//! side entry by entry with footnote markers highlighted and mismatches marked
//! in place, the reference lists side by side by number with each URL's link
//! class, and every finding with a link to its place. Everything taken from
//! documents or fetched pages is escaped. The page's script checks itself and
//! writes the result into `#selfcheck-result` (read back by the browser test).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::sync::LazyLock;

use regex::Regex;

use crate::archive::Snapshot;
use crate::document::{Document, Entry, Reference};
use crate::links::LinkResult;
use crate::model::{Finding, Severity};
use crate::run::Run;
use crate::validate::{alignment, pairs};

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    super::escape_markup(s, "&#39;", |c| c.is_control() && c != '\n' && c != '\t')
}

static MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[（(](?:脚注|注)[:：]?\s*[0-9０-９]+[）)]|[\[［][0-9０-９][0-9０-９,，、\s\-–~]*[\]］]")
        .expect("valid regex")
});

/// Escaped text with its footnote markers highlighted.
fn with_markers(text: &str) -> String {
    let text = crate::redact::text(text);
    let mut out = String::new();
    let mut last = 0;
    for m in MARKER.find_iter(&text) {
        out.push_str(&escape(&text[last..m.start()]));
        let _ = write!(out, "<mark class=\"fn\">{}</mark>", escape(m.as_str()));
        last = m.end();
    }
    out.push_str(&escape(&text[last..]));
    out
}

const STYLE: &str = r#"
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI","Hiragino Sans","Noto Sans CJK JP",sans-serif;margin:0;color:#1d232a;background:#f7f8fa}
header,section{padding:12px 24px}header{background:#1d3557;color:#fff}h1{margin:0;font-size:20px}h2{font-size:17px;border-bottom:1px solid #ccd;padding-bottom:4px}
table{border-collapse:collapse;width:100%;background:#fff}td,th{border:1px solid #dde;padding:4px 8px;vertical-align:top;text-align:left}
th{background:#eef1f5}.num{text-align:right}.counts td{min-width:60px}
mark.fn{background:#ffe08a;border-radius:3px;padding:0 2px}
.finding{font-size:12px;margin-top:4px;padding:2px 6px;border-left:4px solid #999;background:#f3f4f6}
.sev-error{border-color:#c1121f}.sev-warning{border-color:#e09f3e}.sev-info{border-color:#5c7cfa}
.badge{display:inline-block;font-size:11px;padding:0 6px;border-radius:8px;background:#e9ecef;margin-left:4px}
.cls-alive{background:#d3f9d8}.cls-redirected{background:#d0ebff}.cls-dead,.cls-soft_404{background:#ffc9c9}.cls-blocked,.cls-server_error,.cls-timeout,.cls-tls_error,.cls-connection_refused{background:#ffe8cc}
.url{word-break:break-all;font-family:ui-monospace,monospace;font-size:12px}
tr.flagged td{background:#fff5f5}.hidden{display:none}#filters label{margin-right:12px}
.loc{font-family:ui-monospace,monospace;font-size:12px;white-space:nowrap}
"#;

const SCRIPT: &str = r#"
(function(){
  var errors = [];
  window.addEventListener('error', function(e){ errors.push(String(e.message)); });
  function apply(){
    var sev = {}, boxes = document.querySelectorAll('#filters input[type=checkbox]');
    for (var i = 0; i < boxes.length; i++) sev[boxes[i].value] = boxes[i].checked;
    var kind = document.getElementById('kind-filter').value;
    var items = document.querySelectorAll('[data-severity]');
    for (var j = 0; j < items.length; j++) {
      var el = items[j];
      var show = sev[el.getAttribute('data-severity')] && (kind === '' || el.getAttribute('data-kind') === kind);
      el.classList.toggle('hidden', !show);
    }
  }
  function selfcheck(){
    var out = document.getElementById('selfcheck-result');
    try {
      var rows = document.querySelectorAll('#entries tr.entry').length + document.querySelectorAll('#references tr.ref').length;
      var findings = document.querySelectorAll('#findings tr[data-severity]').length;
      var expected = parseInt(document.body.getAttribute('data-findings'), 10);
      apply();
      out.setAttribute('data-rows', String(rows));
      out.setAttribute('data-findings', String(findings));
      var ok = errors.length === 0 && findings === expected && rows > 0;
      out.setAttribute('data-status', ok ? 'ok' : 'failed');
      out.textContent = ok ? 'self-check ok: ' + rows + ' rows, ' + findings + ' findings' : 'self-check failed: ' + errors.join('; ');
    } catch (e) {
      out.setAttribute('data-status', 'failed');
      out.textContent = 'self-check failed: ' + e;
    }
  }
  document.addEventListener('change', apply);
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', selfcheck); else selfcheck();
})();
"#;

fn anchor(doc: usize, line: usize) -> String {
    format!("L{doc}-{line}")
}

/// Renders the HTML report.
pub fn render(run: &Run) -> String {
    let doc_index: HashMap<&str, usize> = run
        .documents
        .iter()
        .enumerate()
        .map(|(i, d)| (d.path.as_str(), i))
        .collect();
    let mut by_place: HashMap<(usize, usize), Vec<&Finding>> = HashMap::new();
    for f in &run.findings {
        if let Some(&i) = doc_index.get(f.file.as_str()) {
            by_place.entry((i, f.line)).or_default().push(f);
        }
    }
    let links: HashMap<&str, (&LinkResult, Option<&Snapshot>)> = run
        .links_with_snapshots()
        .map(|(l, s)| (l.url.as_str(), (l, s)))
        .collect();
    let s = run.summary();
    let mut out = String::with_capacity(64 * 1024);
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>citecheck report</title><style>{STYLE}</style></head>\n<body data-findings=\"{}\">",
        run.findings.len()
    );
    let _ = writeln!(
        out,
        "<header><h1>citecheck report</h1><div>Generated {} by citecheck {} — {}</div></header>",
        escape(&run.generated_at),
        escape(&run.tool_version),
        if s.failed {
            "the run <strong>fails</strong>"
        } else {
            "the run passes"
        }
    );

    // Summary.
    out.push_str("<section id=\"summary\"><h2>Summary</h2><table class=\"counts\"><tr><th>Document</th><th>Language</th><th>Encoding</th><th>Entries</th><th>References</th></tr>");
    for d in &run.documents {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&d.path),
            d.lang,
            escape(&d.encoding),
            d.entries.len(),
            d.references.len()
        );
    }
    out.push_str("</table><p></p><table class=\"counts\"><tr>");
    for sev in [Severity::Error, Severity::Warning, Severity::Info] {
        let _ = write!(out, "<th>{sev}</th>");
    }
    for class in s.links.keys() {
        let _ = write!(out, "<th>links: {class}</th>");
    }
    out.push_str("</tr><tr>");
    for sev in [Severity::Error, Severity::Warning, Severity::Info] {
        let _ = write!(
            out,
            "<td class=\"num\">{}</td>",
            s.by_severity.get(&sev).copied().unwrap_or(0)
        );
    }
    for n in s.links.values() {
        let _ = write!(out, "<td class=\"num\">{n}</td>");
    }
    let _ = writeln!(out, "</tr></table><p>Network: {:?}.</p></section>", run.network);

    // Filters.
    out.push_str("<section id=\"filters\"><h2>Filter</h2>");
    for sev in ["error", "warning", "info"] {
        let _ = write!(
            out,
            "<label><input type=\"checkbox\" value=\"{sev}\" checked> {sev}</label>"
        );
    }
    out.push_str("<label>kind <select id=\"kind-filter\"><option value=\"\">all</option>");
    for k in s.by_kind.keys() {
        let _ = write!(out, "<option value=\"{0}\">{0}</option>", k.name());
    }
    out.push_str("</select></label></section>\n");

    // Findings.
    out.push_str("<section id=\"findings\"><h2>Findings</h2><table><tr><th>Severity</th><th>Kind</th><th>Place</th><th>Message</th></tr>");
    for f in &run.findings {
        let place = match doc_index.get(f.file.as_str()) {
            Some(&i) => format!(
                "<a class=\"loc\" href=\"#{}\">{}:{}</a>",
                anchor(i, f.line),
                escape(&f.file),
                f.line
            ),
            None => format!("<span class=\"loc\">{}:{}</span>", escape(&f.file), f.line),
        };
        let sug = f
            .suggestion
            .as_deref()
            .map(|s| format!("<br><em>{}</em>", escape(s)))
            .unwrap_or_default();
        let _ = write!(
            out,
            "<tr data-severity=\"{}\" data-kind=\"{}\" class=\"sev-{}\"><td>{}</td><td>{}</td><td>{place}</td><td>{}{sug}</td></tr>",
            f.severity,
            f.kind.name(),
            f.severity,
            f.severity,
            f.kind.name(),
            escape(&f.message)
        );
    }
    out.push_str("</table></section>\n");

    // Entries side by side.
    out.push_str("<section id=\"entries\"><h2>Entries side by side</h2>");
    let pairs = pairs(&run.documents);
    let paired: Vec<usize> = pairs
        .iter()
        .flat_map(|(a, b)| [doc_index[a.path.as_str()], doc_index[b.path.as_str()]])
        .collect();
    for (a, b) in &pairs {
        let (ia, ib) = (doc_index[a.path.as_str()], doc_index[b.path.as_str()]);
        let _ = write!(
            out,
            "<table><tr><th>{}</th><th>{}</th></tr>",
            escape(&a.path),
            escape(&b.path)
        );
        for (ea, eb) in alignment::pair_entries(&a.entries, &b.entries) {
            let flagged = [(ia, ea.map(|i| &a.entries[i])), (ib, eb.map(|i| &b.entries[i]))]
                .iter()
                .any(|(d, e)| e.is_some_and(|e| by_place.contains_key(&(*d, e.line as usize))));
            let _ = write!(out, "<tr class=\"entry{}\">", if flagged { " flagged" } else { "" });
            entry_cell(&mut out, ia, ea.map(|i| &a.entries[i]), &by_place);
            entry_cell(&mut out, ib, eb.map(|i| &b.entries[i]), &by_place);
            out.push_str("</tr>");
        }
        out.push_str("</table>");
    }
    for (i, d) in run.documents.iter().enumerate().filter(|(i, _)| !paired.contains(i)) {
        let _ = write!(out, "<table><tr><th>{}</th></tr>", escape(&d.path));
        for e in &d.entries {
            out.push_str("<tr class=\"entry\">");
            entry_cell(&mut out, i, Some(e), &by_place);
            out.push_str("</tr>");
        }
        out.push_str("</table>");
    }
    out.push_str("</section>\n");

    // References side by side.
    out.push_str("<section id=\"references\"><h2>References side by side</h2>");
    for (a, b) in &pairs {
        let (ia, ib) = (doc_index[a.path.as_str()], doc_index[b.path.as_str()]);
        let (ma, mb) = (by_number(a), by_number(b));
        let numbers: std::collections::BTreeSet<u32> = ma.keys().chain(mb.keys()).copied().collect();
        let _ = write!(
            out,
            "<table><tr><th>#</th><th>{}</th><th>{}</th></tr>",
            escape(&a.path),
            escape(&b.path)
        );
        for n in numbers {
            let _ = write!(out, "<tr class=\"ref\"><td class=\"num\">{n}</td>");
            ref_cell(&mut out, ia, ma.get(&n).copied(), &by_place, &links);
            ref_cell(&mut out, ib, mb.get(&n).copied(), &by_place, &links);
            out.push_str("</tr>");
        }
        out.push_str("</table>");
    }
    for (i, d) in run.documents.iter().enumerate().filter(|(i, _)| !paired.contains(i)) {
        let _ = write!(out, "<table><tr><th>#</th><th>{}</th></tr>", escape(&d.path));
        for r in &d.references {
            let _ = write!(out, "<tr class=\"ref\"><td class=\"num\">{}</td>", r.number);
            ref_cell(&mut out, i, Some(r), &by_place, &links);
            out.push_str("</tr>");
        }
        out.push_str("</table>");
    }
    out.push_str("</section>\n");
    out.push_str(
        "<section><div id=\"selfcheck-result\" data-status=\"pending\">self-check did not run</div></section>\n",
    );
    let _ = writeln!(out, "<script>{SCRIPT}</script>\n</body></html>");
    out
}

fn by_number(d: &Document) -> BTreeMap<u32, &Reference> {
    let mut m = BTreeMap::new();
    for r in &d.references {
        m.entry(r.number).or_insert(r);
    }
    m
}

fn findings_html(out: &mut String, list: Option<&Vec<&Finding>>) {
    for f in list.into_iter().flatten() {
        let _ = write!(
            out,
            "<div class=\"finding sev-{}\" data-severity=\"{}\" data-kind=\"{}\">{}: {}</div>",
            f.severity,
            f.severity,
            f.kind.name(),
            f.kind.name(),
            escape(&f.message)
        );
    }
}

fn entry_cell(out: &mut String, doc: usize, e: Option<&Entry>, by_place: &HashMap<(usize, usize), Vec<&Finding>>) {
    let Some(e) = e else {
        out.push_str("<td><em>no counterpart</em></td>");
        return;
    };
    let _ = write!(out, "<td id=\"{}\">", anchor(doc, e.line as usize));
    if let Some(d) = &e.date_text {
        let _ = write!(out, "<strong>{}</strong> ", escape(d));
    }
    out.push_str(&with_markers(&e.text));
    for line in e.line as usize..=e.end_line as usize {
        findings_html(out, by_place.get(&(doc, line)));
    }
    out.push_str("</td>");
}

fn ref_cell(
    out: &mut String,
    doc: usize,
    r: Option<&Reference>,
    by_place: &HashMap<(usize, usize), Vec<&Finding>>,
    links: &HashMap<&str, (&LinkResult, Option<&Snapshot>)>,
) {
    let Some(r) = r else {
        out.push_str("<td><em>no counterpart</em></td>");
        return;
    };
    let _ = write!(out, "<td id=\"{}\">", anchor(doc, r.line));
    for s in &r.sources {
        out.push_str("<div>");
        if let Some(p) = &s.publisher {
            let _ = write!(out, "{} ", escape(p));
        }
        if let Some(t) = &s.title {
            let _ = write!(out, "“{}” ", escape(t));
        }
        if let Some(d) = &s.date {
            let _ = write!(out, "({d})");
        }
        for u in &s.urls {
            let shown = crate::redact::url(&u.url);
            let _ = write!(out, "<div class=\"url\">{}", escape(&shown));
            if let Some((l, snap)) = links.get(shown.as_str()) {
                let _ = write!(out, "<span class=\"badge cls-{0}\">{0}</span>", l.class);
                if let Some(status) = l.http_status {
                    let _ = write!(out, "<span class=\"badge\">HTTP {status}</span>");
                }
                if let Some(snap) = snap {
                    let label = format!(
                        "archived {}{}",
                        snap.captured,
                        if snap.verified { "" } else { " (unverified)" }
                    );
                    if snap.archived_url.starts_with("http://") || snap.archived_url.starts_with("https://") {
                        let _ = write!(
                            out,
                            "<a class=\"badge\" href=\"{}\">{}</a>",
                            escape(&snap.archived_url),
                            escape(&label)
                        );
                    } else {
                        let _ = write!(out, "<span class=\"badge\">{}</span>", escape(&label));
                    }
                }
            }
            out.push_str("</div>");
        }
        out.push_str("</div>");
    }
    for line in r.line..=r.end_line {
        findings_html(out, by_place.get(&(doc, line)));
    }
    out.push_str("</td>");
}

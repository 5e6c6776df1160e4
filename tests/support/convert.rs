//! Test-side conversions of a plain-text document into Markdown and HTML, the
//! forms editors also receive. They follow the text line by line so that the
//! converted document says exactly what the text says.

use std::sync::LazyLock;

use citecheck::document::structure::strip_bullet;
use regex::Regex;

static JA_MARKER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[（(](?:脚注|注)[:：]?(\d+)[）)]").unwrap());
static EN_MARKER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[(\d+)\]").unwrap());
static REF_START: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*(?:(\d+)\.|\[(\d+)\])\s*(.*)$").unwrap());
static URL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"https?://[^\s]+").unwrap());

fn split_at_heading(text: &str) -> (Vec<&str>, Vec<&str>) {
    let lines: Vec<&str> = text.lines().collect();
    let h = lines.iter().position(|l| l.trim() == "参考情報:").expect("heading");
    (lines[..=h].to_vec(), lines[h + 1..].to_vec())
}

/// Plain text → Markdown: `- ` bullets, `[^N]` markers, `## heading`,
/// numbered references as `N.` items with indented continuation lines.
pub fn to_markdown(text: &str) -> String {
    let (body, refs) = split_at_heading(text);
    let mut out = Vec::new();
    for (i, line) in body.iter().enumerate() {
        if i + 1 == body.len() {
            out.push(format!("## {}", line.trim()));
            continue;
        }
        let (rest, bullet) = strip_bullet(line);
        let rest = JA_MARKER.replace_all(rest, "[^$1]");
        let rest = EN_MARKER.replace_all(&rest, "[^$1]");
        out.push(if bullet { format!("- {rest}") } else { rest.into_owned() });
    }
    for line in refs {
        match REF_START.captures(line) {
            Some(c) => {
                let n = c.get(1).or(c.get(2)).unwrap().as_str();
                out.push(format!("{n}. {}", &c[3]));
            }
            None if line.trim().starts_with('※') || line.trim().is_empty() => out.push(line.trim().to_string()),
            None => out.push(format!("    {}", line.trim())),
        }
    }
    out.join("\n") + "\n"
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Plain text → a saved web page: `<li>` entries with `<sup><a href="#fnN">`
/// markers, `<h2>` heading, `<ol><li id="fnN">` references with `<br>` between
/// their lines and `<a href>` links. One source line per text line.
pub fn to_html(text: &str) -> String {
    let (body, refs) = split_at_heading(text);
    let mut out = vec![
        "<!DOCTYPE html>".to_string(),
        "<html><head><meta charset=\"utf-8\"><title>t</title></head><body>".to_string(),
    ];
    for (i, line) in body.iter().enumerate() {
        if i + 1 == body.len() {
            out.push(format!("<h2>{}</h2>", esc(line.trim())));
            continue;
        }
        let (rest, bullet) = strip_bullet(line);
        let rest = esc(rest);
        let rest = JA_MARKER.replace_all(&rest, "<sup><a href=\"#fn$1\">$1</a></sup>");
        let rest = EN_MARKER.replace_all(&rest, "<sup><a href=\"#fn$1\">[$1]</a></sup>");
        out.push(if bullet {
            format!("<ul><li>{rest}</li></ul>")
        } else if rest.trim().is_empty() {
            String::new()
        } else {
            format!("<p>{rest}</p>")
        });
    }
    out.push("<ol>".to_string());
    let mut open = false;
    for line in refs {
        let link = |s: &str| {
            URL.replace_all(&esc(s), |c: &regex::Captures| format!("<a href=\"{0}\">{0}</a>", &c[0]))
                .into_owned()
        };
        match REF_START.captures(line) {
            Some(c) => {
                if open {
                    out.last_mut().unwrap().push_str("</li>");
                }
                let n = c.get(1).or(c.get(2)).unwrap().as_str();
                out.push(format!("<li id=\"fn{n}\">{}", link(&c[3])));
                open = true;
            }
            None if line.trim().is_empty() => out.push(String::new()),
            None if line.trim().starts_with('※') => {
                if open {
                    out.push("</li></ol>".to_string());
                    open = false;
                }
                out.push(format!("<p>{}</p>", esc(line.trim())));
            }
            None => out.push(format!("<br>{}", link(line.trim()))),
        }
    }
    if open {
        out.push("</li></ol>".to_string());
    }
    out.push("</body></html>".to_string());
    out.join("\n") + "\n"
}

//! A fetched page: decoded by its charset (header, `<meta charset>`, BOM, then
//! the Japanese legacy encodings) and read for its titles with scraper.

use scraper::{Html, Selector};

use crate::document::load;

/// What a page says it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageInfo {
    pub title: Option<String>,
    pub h1: Option<String>,
    pub og_title: Option<String>,
    /// The decoded text (capped body), for soft-404 and bot-challenge phrases.
    pub text: String,
}

impl PageInfo {
    /// Every title-like text of the page.
    pub fn titles(&self) -> Vec<&str> {
        [&self.title, &self.og_title, &self.h1]
            .into_iter()
            .flatten()
            .map(|s| s.as_str())
            .collect()
    }
}

/// Decodes a body: the header's charset first, then what the bytes say.
pub fn decode(body: &[u8], content_type: Option<&str>) -> String {
    let header_charset = content_type.and_then(|ct| {
        ct.split(';').find_map(|p| {
            let (k, v) = p.split_once('=')?;
            (k.trim().eq_ignore_ascii_case("charset")).then(|| v.trim().trim_matches('"').to_string())
        })
    });
    if let Some(enc) = header_charset.and_then(|c| encoding_rs::Encoding::for_label(c.as_bytes())) {
        let (text, _, _) = enc.decode(body);
        return text.into_owned();
    }
    load::sniff(body)
}

/// Reads the titles of an HTML page.
pub fn parse(body: &[u8], content_type: Option<&str>) -> PageInfo {
    let text = decode(body, content_type);
    let doc = Html::parse_document(&text);
    let pick = |sel: &str| -> Option<String> {
        let s = Selector::parse(sel).ok()?;
        let el = doc.select(&s).next()?;
        let t: String = el.text().collect::<Vec<_>>().join(" ");
        let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
        (!t.is_empty()).then_some(t)
    };
    let og_title = Selector::parse(r#"meta[property="og:title"]"#)
        .ok()
        .and_then(|s| {
            doc.select(&s)
                .next()
                .and_then(|e| e.value().attr("content"))
                .map(|c| c.trim().to_string())
        })
        .filter(|s| !s.is_empty());
    let visible = Selector::parse("body")
        .ok()
        .and_then(|s| doc.select(&s).next().map(|b| b.text().collect::<Vec<_>>().join(" ")))
        .unwrap_or_default();
    PageInfo {
        title: pick("title"),
        h1: pick("h1"),
        og_title,
        text: visible,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_jis_title_by_meta() {
        let html = "<html><head><meta charset=\"Shift_JIS\"><title>ページが見つかりません</title></head><body><h1>404</h1></body></html>";
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(html);
        let p = parse(&bytes, Some("text/html"));
        assert_eq!(p.title.as_deref(), Some("ページが見つかりません"));
        assert_eq!(p.h1.as_deref(), Some("404"));
        let p = parse(&bytes, Some("text/html; charset=shift_jis"));
        assert_eq!(p.title.as_deref(), Some("ページが見つかりません"));
    }
}

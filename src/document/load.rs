//! Bytes on disk → text.
//!
//! Detection order: a byte-order mark (UTF-8, UTF-16LE/BE); valid UTF-8; for
//! HTML, the `<meta charset>` of the first kilobytes; then the Japanese legacy
//! encodings, ISO-2022-JP (7-bit with escape sequences), Shift_JIS (encoding_rs
//! decodes it as Windows-31J, the CP932 superset) and EUC-JP, keeping the one
//! that decodes without error and reads most like Japanese. Text that no
//! encoding decodes cleanly is an input error naming the file.

use std::borrow::Cow;
use std::path::Path;

use encoding_rs::{EUC_JP, Encoding, ISO_2022_JP, SHIFT_JIS, UTF_8, UTF_16BE, UTF_16LE};

use crate::error::{Error, Result};

/// A decoded document.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    /// The encoding found (`UTF-8`, `UTF-8 (BOM)`, `Shift_JIS`, …).
    pub encoding: String,
}

/// Reads and decodes a file. Every failure names the file.
pub fn read(path: &Path) -> Result<Decoded> {
    let mut bytes = Vec::new();
    let (text, encoding) = read_text(path, &mut bytes)?;
    Ok(Decoded {
        text: text.into_owned(),
        encoding,
    })
}

/// Reads a file into `bytes` (a buffer kept from an earlier document: the
/// pages of a large buffer are touched once, not once per document) and
/// decodes it. The common case, UTF-8 without BOM, is borrowed from `bytes`
/// instead of copied, and validated by `simdutf8` (about ten times faster
/// than the standard library on Japanese text). Returns the text and the
/// encoding found.
pub fn read_text<'b>(path: &Path, bytes: &'b mut Vec<u8>) -> Result<(Cow<'b, str>, String)> {
    use std::io::Read as _;
    let cannot = |e: std::io::Error| Error::input(path, format!("cannot read: {}", io_reason(&e)));
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if meta.is_dir() {
        return Err(Error::input(path, "is a directory, not a document"));
    }
    bytes.clear();
    bytes.reserve_exact(usize::try_from(meta.len()).unwrap_or(0));
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(bytes))
        .map_err(cannot)?;
    let bytes: &'b [u8] = bytes;
    if !bytes.starts_with(&[0xEF, 0xBB, 0xBF])
        && !looks_iso2022jp(bytes)
        && let Ok(text) = simdutf8::basic::from_utf8(bytes)
    {
        check_text(path, text)?;
        return Ok((Cow::Borrowed(text), "UTF-8".to_string()));
    }
    let d = decode(path, bytes)?;
    Ok((Cow::Owned(d.text), d.encoding))
}

/// ISO-2022-JP is 7-bit, so it is also valid UTF-8: it is told by its escape sequences.
fn looks_iso2022jp(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| b < 0x80) && (find(bytes, b"\x1b$B").is_some() || find(bytes, b"\x1b$@").is_some())
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// Decodes bytes to text.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<Decoded> {
    if bytes.is_empty() {
        return Err(Error::input(path, "the file is empty"));
    }
    let (text, encoding) = detect(path, bytes)?;
    finish(path, text, encoding)
}

fn finish(path: &Path, text: String, encoding: &str) -> Result<Decoded> {
    check_text(path, &text)?;
    Ok(Decoded {
        text,
        encoding: encoding.to_string(),
    })
}

/// Decoded text that is still not a document: empty, binary (NUL bytes), blank.
fn check_text(path: &Path, text: &str) -> Result<()> {
    if text.is_empty() {
        return Err(Error::input(path, "the file is empty"));
    }
    if let Some(pos) = text.find('\0') {
        let line = 1 + text[..pos].matches('\n').count();
        return Err(Error::Input {
            path: path.to_path_buf(),
            line: Some(line),
            message: "contains NUL bytes: a binary file, not a document".to_string(),
        });
    }
    if text.trim().is_empty() {
        return Err(Error::input(path, "the file holds only white space"));
    }
    Ok(())
}

fn strict(enc: &'static Encoding, bytes: &[u8]) -> Option<String> {
    enc.decode_without_bom_handling_and_without_replacement(bytes)
        .map(|c| c.into_owned())
}

fn detect(path: &Path, bytes: &[u8]) -> Result<(String, &'static str)> {
    let bom = |enc: &'static Encoding, skip: usize, name| {
        strict(enc, &bytes[skip..])
            .map(|t| (t, name))
            .ok_or_else(|| Error::input(path, format!("invalid {name} text after its byte-order mark")))
    };
    match bytes {
        [0xEF, 0xBB, 0xBF, ..] => return bom(UTF_8, 3, "UTF-8 (BOM)"),
        [0xFF, 0xFE, ..] => return bom(UTF_16LE, 2, "UTF-16LE"),
        [0xFE, 0xFF, ..] => return bom(UTF_16BE, 2, "UTF-16BE"),
        _ => {}
    }
    if looks_iso2022jp(bytes)
        && let Some(t) = strict(ISO_2022_JP, bytes)
    {
        return Ok((t, "ISO-2022-JP"));
    }
    let utf8_error = match std::str::from_utf8(bytes) {
        Ok(t) => return Ok((t.to_string(), "UTF-8")),
        Err(e) => e,
    };
    if let Some(enc) = meta_charset(bytes)
        && enc != UTF_8
        && let Some(t) = strict(enc, bytes)
    {
        return Ok((t, enc.name()));
    }
    let candidates: Vec<(String, &'static str)> = [(SHIFT_JIS, "Shift_JIS"), (EUC_JP, "EUC-JP")]
        .into_iter()
        .filter_map(|(enc, name)| strict(enc, bytes).map(|t| (t, name)))
        .collect();
    if let Some(best) = candidates.into_iter().max_by_key(|(t, _)| japanese_score(t)) {
        return Ok(best);
    }
    let line = 1 + bytes[..utf8_error.valid_up_to()]
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    Err(Error::Input {
        path: path.to_path_buf(),
        line: Some(line),
        message: "not text in UTF-8, UTF-16, Shift_JIS, EUC-JP or ISO-2022-JP (first undecodable byte on this line)"
            .to_string(),
    })
}

/// Decodes bytes of unknown encoding as well as possible, never failing: BOM,
/// UTF-8, `<meta charset>`, the Japanese legacy encodings, else UTF-8 with
/// replacement characters. For web pages, whose bytes are not ours to reject.
pub fn sniff(bytes: &[u8]) -> String {
    match detect(Path::new(""), bytes) {
        Ok((text, _)) => text,
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// How Japanese a decoding reads: common kana and kanji count for it; half-width
/// katakana and rare symbols, which wrong decodings produce, against it.
fn japanese_score(t: &str) -> i64 {
    t.chars()
        .map(|c| match c {
            '\u{3040}'..='\u{30FF}' => 3,
            '\u{4E00}'..='\u{9FFF}' => 2,
            '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF5E}' => 1,
            '\u{FF61}'..='\u{FF9F}' => -3,
            c if c.is_ascii() => 0,
            _ => -1,
        })
        .sum()
}

/// The charset an HTML document declares in its first 4 KiB.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    let mut from = 0;
    while let Some(p) = find(&lower[from..], b"charset") {
        let mut i = from + p + 7;
        while i < lower.len() && matches!(lower[i], b' ' | b'=' | b'"' | b'\'') {
            i += 1;
        }
        let start = i;
        while i < lower.len() && (lower[i].is_ascii_alphanumeric() || matches!(lower[i], b'-' | b'_')) {
            i += 1;
        }
        if let Some(enc) = Encoding::for_label(&lower[start..i]) {
            return Some(enc);
        }
        from = i.max(from + p + 1);
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(bytes: &[u8]) -> Decoded {
        decode(Path::new("t"), bytes).unwrap()
    }

    #[test]
    fn legacy_japanese_encodings() {
        let text = "参考情報：2014年2月3日付時事通信「サイバー対処で初協議」\n";
        for (enc, name) in [
            (SHIFT_JIS, "Shift_JIS"),
            (EUC_JP, "EUC-JP"),
            (ISO_2022_JP, "ISO-2022-JP"),
        ] {
            let (bytes, _, bad) = enc.encode(text);
            assert!(!bad);
            let d = dec(&bytes);
            assert_eq!(d.text, text, "{name}");
            assert_eq!(d.encoding, name);
        }
        let mut utf16: Vec<u8> = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert_eq!(dec(&utf16).encoding, "UTF-16LE");
        assert_eq!(dec(&utf16).text, text);
    }

    #[test]
    fn meta_charset_wins_for_html() {
        let html = "<html><head><meta charset=\"euc-jp\"></head><body>参考文献</body></html>";
        let (bytes, _, _) = EUC_JP.encode(html);
        let d = dec(&bytes);
        assert_eq!(d.encoding, "EUC-JP");
        assert!(d.text.contains("参考文献"));
    }

    #[test]
    fn undecodable_bytes_are_an_error() {
        assert!(decode(Path::new("t"), b"ok\n\xff\xfe\xfd\xfc\x80\x80").is_err());
        assert!(decode(Path::new("t"), b"").is_err());
        assert!(decode(Path::new("t"), b"  \n \n").is_err());
    }
}

//! Bytes on disk → text.
//!
//! UTF-8 (with or without BOM) today; the legacy Japanese encodings plug in here.

use std::path::Path;

use crate::error::{Error, Result};

/// A decoded document.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub encoding: String,
}

/// Reads and decodes a file. Every failure names the file.
pub fn read(path: &Path) -> Result<Decoded> {
    let meta = std::fs::metadata(path).map_err(|e| Error::input(path, format!("cannot read: {}", io_reason(&e))))?;
    if meta.is_dir() {
        return Err(Error::input(path, "is a directory, not a document"));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::input(path, format!("cannot read: {}", io_reason(&e))))?;
    decode(path, &bytes)
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
    let (body, encoding) = match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => (rest, "UTF-8 (BOM)"),
        _ => (bytes, "UTF-8"),
    };
    let text = match std::str::from_utf8(body) {
        Ok(t) => t,
        Err(e) => {
            let line = 1 + body[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count();
            return Err(Error::Input {
                path: path.to_path_buf(),
                line: Some(line),
                message: "not valid UTF-8 text".to_string(),
            });
        }
    };
    if let Some(pos) = text.find('\0') {
        let line = 1 + text[..pos].matches('\n').count();
        return Err(Error::Input {
            path: path.to_path_buf(),
            line: Some(line),
            message: "contains NUL bytes: a binary file, not a document".to_string(),
        });
    }
    Ok(Decoded {
        text: text.to_string(),
        encoding: encoding.to_string(),
    })
}

//! The plain-text reader: one logical line per physical line, whatever the
//! line endings (`\n`, `\r\n` or a lone `\r`).

use super::LineRef;

/// Splits text into numbered lines, lazily.
pub fn lines(text: &str) -> TextLines<'_> {
    TextLines {
        rest: text,
        number: 1,
        has_cr: memchr::memchr(b'\r', text.as_bytes()).is_some(),
    }
}

/// The lines of a text (see [`lines`]).
#[derive(Debug, Clone)]
pub struct TextLines<'a> {
    rest: &'a str,
    number: usize,
    /// Whether any line ends in `\r` (else only `\n` is searched for).
    has_cr: bool,
}

impl<'a> Iterator for TextLines<'a> {
    type Item = LineRef<'a>;

    fn next(&mut self) -> Option<LineRef<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        let bytes = self.rest.as_bytes();
        let end = if self.has_cr {
            memchr::memchr2(b'\n', b'\r', bytes)
        } else {
            memchr::memchr(b'\n', bytes)
        }
        .unwrap_or(bytes.len());
        let line = LineRef {
            number: self.number,
            text: &self.rest[..end],
        };
        self.number += 1;
        let skip = match &bytes[end..] {
            [b'\r', b'\n', ..] => 2,
            [] => 0,
            _ => 1,
        };
        self.rest = &self.rest[end + skip..];
        Some(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixed_line_endings_keep_numbers() {
        let got: Vec<(usize, &str)> = lines("a\r\nb\rc\nd").map(|l| (l.number, l.text)).collect();
        assert_eq!(got, vec![(1, "a"), (2, "b"), (3, "c"), (4, "d")]);
        let got: Vec<(usize, &str)> = lines("a\n\nb\n").map(|l| (l.number, l.text)).collect();
        assert_eq!(got, vec![(1, "a"), (2, ""), (3, "b")]);
    }
}

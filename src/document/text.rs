//! The plain-text reader: one logical line per physical line, whatever the
//! line endings (`\n`, `\r\n` or a lone `\r`).

use std::borrow::Cow;

use super::Line;

/// Splits text into numbered lines.
pub fn lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::with_capacity(text.len() / 40 + 1);
    let mut number = 1;
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        out.push(Line {
            number,
            text: Cow::Borrowed(&rest[..end]),
        });
        number += 1;
        rest = &rest[end..];
        if rest.starts_with("\r\n") {
            rest = &rest[2..];
        } else if !rest.is_empty() {
            rest = &rest[1..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixed_line_endings_keep_numbers() {
        let l = lines("a\r\nb\rc\nd");
        let got: Vec<(usize, &str)> = l.iter().map(|l| (l.number, l.text.as_ref())).collect();
        assert_eq!(got, vec![(1, "a"), (2, "b"), (3, "c"), (4, "d")]);
    }
}

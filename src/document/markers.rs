//! Footnote markers in body text: `（脚注：1）`, `(脚注:17)`, `（注3）`, `［4］`,
//! `[5]`, `[1, 2]`, `[3–5]`, in full or half width.

use std::sync::LazyLock;

use regex::Regex;

use super::normalize::fold_width;

/// The most footnotes one range marker may expand to; a wider range is read as
/// an invalid marker rather than allocating millions of numbers.
const MAX_RANGE: u64 = 500;

static MARKER: LazyLock<Regex> = LazyLock::new(|| {
    // After width folding: `(脚注:1)`, `(脚注1)`, `(注:1)`, `(注1)`, `(*1)`, `[1]`, `[注1]`, `[1, 2]`, `[1-3]`,
    // and superscript digits right after a word or punctuation (`met.¹²`).
    Regex::new(
        r"(?:\((?:脚注|注|\*)\s*:?\s*(?P<a>[0-9][0-9\s,、\-–—~]*)\)|\[(?:注|脚注)?\s*(?P<b>[0-9][0-9\s,、\-–—~]*)\]|(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]+(?:[,‚][⁰¹²³⁴⁵⁶⁷⁸⁹]+)*))",
    )
    .expect("valid regex")
});

/// `¹²` → `12`.
fn from_superscript(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '⁰' => '0',
            '¹' => '1',
            '²' => '2',
            '³' => '3',
            '⁴' => '4',
            '⁵' => '5',
            '⁶' => '6',
            '⁷' => '7',
            '⁸' => '8',
            '⁹' => '9',
            _ => ',',
        })
        .collect()
}

/// The result of reading the markers of one line.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct LineMarkers {
    pub numbers: Vec<u32>,
    /// Markers whose numbers cannot be used (overflow, absurd ranges), as written.
    pub invalid: Vec<String>,
}

/// Reads the footnote markers of a line.
pub fn scan(line: &str) -> LineMarkers {
    let mut out = LineMarkers::default();
    if !line.contains(['[', '(', '［', '（', '¹', '²', '³', '⁰', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹']) {
        return out;
    }
    let folded = fold_width(line);
    for c in MARKER.captures_iter(&folded) {
        let converted;
        let list = match c.name("sup") {
            Some(s) => {
                // A superscript that starts a line or follows a space is an exponent or a label, not a marker.
                let before = folded[..s.start()].chars().next_back();
                if before.is_none_or(char::is_whitespace) {
                    continue;
                }
                converted = from_superscript(s.as_str());
                converted.as_str()
            }
            None => c.name("a").or_else(|| c.name("b")).map_or("", |m| m.as_str()),
        };
        match parse_list(list) {
            Some(nums) => out.numbers.extend(nums),
            None => out.invalid.push(c[0].to_string()),
        }
    }
    out
}

/// `1, 2`, `3-5`, `1、4~6` → numbers. None when a number is unusable.
fn parse_list(list: &str) -> Option<Vec<u32>> {
    let mut out = Vec::new();
    for item in list.split([',', '、']) {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let parts: Vec<&str> = item.split(['-', '–', '—', '~']).map(str::trim).collect();
        match parts.as_slice() {
            [n] => out.push(parse_num(n)?),
            [a, b] => {
                let (a, b) = (parse_num(a)?, parse_num(b)?);
                if b < a || u64::from(b - a) > MAX_RANGE {
                    return None;
                }
                out.extend(a..=b);
            }
            _ => return None,
        }
    }
    if out.is_empty() { None } else { Some(out) }
}

fn parse_num(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<u32>().ok().filter(|&n| n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_and_english_forms() {
        assert_eq!(scan("合意。 (脚注:1)").numbers, vec![1]);
        assert_eq!(scan("合意。（脚注：１２）").numbers, vec![12]);
        assert_eq!(scan("（注3）と［4］").numbers, vec![3, 4]);
        assert_eq!(
            scan("met.[17] The [18] x [1, 2] y [3–5]").numbers,
            vec![17, 18, 1, 2, 3, 4, 5]
        );
        assert!(scan("[Japan and the U.S.]").numbers.is_empty());
    }

    #[test]
    fn other_marker_forms() {
        assert_eq!(scan("協議を開催。［注２］と(*3)").numbers, vec![2, 3]);
        assert_eq!(scan("The talks began.¹² Then ²³").numbers, vec![12]);
    }

    #[test]
    fn absurd_numbers_are_invalid_not_panics() {
        let m = scan("x [99999999999999999999] y [1-999999] z [0]");
        assert!(m.numbers.is_empty());
        assert_eq!(m.invalid.len(), 3);
        assert!(scan("[[[[ unbalanced (脚注:").numbers.is_empty());
    }
}

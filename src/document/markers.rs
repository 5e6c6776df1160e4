//! Footnote markers in body text: `（脚注：1）`, `(脚注:17)`, `（注3）`, `［4］`,
//! `[5]`, `[1, 2]`, `[3–5]`, in full or half width.

use std::borrow::Cow;

use smallvec::SmallVec;

use super::normalize::fold_width;

/// The most footnotes one range marker may expand to; a wider range is read as
/// an invalid marker rather than allocating millions of numbers.
const MAX_RANGE: u64 = 500;

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
    /// Inline up to four (an entry's markers are kept as they are read).
    pub numbers: SmallVec<[u32; 4]>,
    /// Markers whose numbers cannot be used (overflow, absurd ranges), as written.
    pub invalid: Vec<String>,
}

/// Reads the footnote markers of a line: after width folding, `(脚注:1)`,
/// `(脚注1)`, `(注:1)`, `(注1)`, `(*1)`, `[1]`, `[注1]`, `[1, 2]`, `[1-3]`, and
/// superscript digits right after a word or punctuation (`met.¹²`).
///
/// A hand-written scanner (it runs on every body line): markers are read
/// left to right without overlapping, as a regex search would.
pub fn scan(line: &str) -> LineMarkers {
    // Every marker starts with `(`, `[`, their full-width forms (lead byte EF),
    // `¹²³` (lead byte C2) or `⁰⁴`–`⁹` (lead byte E2): look for those bytes only.
    if !line.bytes().any(|b| matches!(b, b'(' | b'[' | 0xC2 | 0xE2 | 0xEF)) {
        return LineMarkers::default();
    }
    scan_folded(&fold_width(line))
}

/// [`scan`] of a line already width-folded ([`fold_width`]).
pub fn scan_folded(t: &str) -> LineMarkers {
    let mut out = LineMarkers::default();
    let bytes = t.as_bytes();
    let mut i = 0;
    while i < t.len() {
        // Jump to the next byte that can start a marker (always a character boundary).
        let next = memchr::memchr3(b'(', b'[', 0xE2, &bytes[i..]);
        let superscript = memchr::memchr(0xC2, &bytes[i..next.unwrap_or(bytes.len() - i) + i]);
        match superscript.or(next) {
            Some(p) => i += p,
            None => break,
        }
        let rest = &t[i..];
        let Some(c) = rest.chars().next() else { break };
        let found = match c {
            '(' => bracketed(rest, ')', true).map(|(list, len)| (Cow::Borrowed(list), len)),
            '[' => bracketed(rest, ']', false).map(|(list, len)| (Cow::Borrowed(list), len)),
            c if is_superscript(c) => {
                let len = superscript_len(rest);
                // A superscript that starts a line or follows a space is an exponent or a label, not a marker.
                if t[..i].chars().next_back().is_none_or(char::is_whitespace) {
                    i += len;
                    continue;
                }
                Some((Cow::Owned(from_superscript(&rest[..len])), len))
            }
            _ => None,
        };
        match found {
            Some((list, len)) => {
                if !parse_list(&list, &mut out.numbers) {
                    out.invalid.push(rest[..len].to_string());
                }
                i += len;
            }
            None => i += c.len_utf8(),
        }
    }
    out
}

/// `(脚注: 1, 2)` (a label required) or `[注1]` / `[1-3]` (label optional) at
/// the start of `t`: the number list and the marker's length.
fn bracketed(t: &str, close: char, label_required: bool) -> Option<(&str, usize)> {
    let mut rest = &t[1..];
    let labels: &[&str] = if label_required {
        &["脚注", "注", "*"]
    } else {
        &["注", "脚注"]
    };
    match labels.iter().find(|l| rest.starts_with(**l)) {
        Some(l) => rest = &rest[l.len()..],
        None if label_required => return None,
        None => {}
    }
    rest = rest.trim_start();
    if label_required && let Some(r) = rest.strip_prefix(':') {
        rest = r.trim_start();
    }
    if !rest.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c.is_whitespace() || matches!(c, ',' | '、' | '-' | '–' | '—' | '~')))
        .unwrap_or(rest.len());
    if !rest[end..].starts_with(close) {
        return None;
    }
    let list_start = t.len() - rest.len();
    Some((&rest[..end], list_start + end + close.len_utf8()))
}

fn is_superscript(c: char) -> bool {
    matches!(c, '⁰' | '¹' | '²' | '³' | '⁴' | '⁵' | '⁶' | '⁷' | '⁸' | '⁹')
}

/// Length of `¹²` or `¹,²` at the start of `t` (a separator only between superscripts).
fn superscript_len(t: &str) -> usize {
    let mut len = 0;
    let mut chars = t.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_superscript(c) {
            len = i + c.len_utf8();
        } else if matches!(c, ',' | '‚') && len > 0 && chars.peek().is_some_and(|&(_, n)| is_superscript(n)) {
            continue;
        } else {
            break;
        }
    }
    len
}

/// `1, 2`, `3-5`, `1、4~6` → numbers. None when a number is unusable.
/// Appends the numbers of a marker's list (`1, 2`, `3–5`) to `out`; on an
/// unusable list appends nothing and returns false.
fn parse_list(list: &str, out: &mut SmallVec<[u32; 4]>) -> bool {
    // The common marker holds one number: read it without splitting.
    if !list.is_empty() && list.bytes().all(|b| b.is_ascii_digit()) {
        return match parse_num(list) {
            Some(n) => {
                out.push(n);
                true
            }
            None => false,
        };
    }
    parse_split_list(list, out)
}

/// [`parse_list`] item by item: `1, 2`, `3-5`, `1、2`.
fn parse_split_list(list: &str, out: &mut SmallVec<[u32; 4]>) -> bool {
    let before = out.len();
    let ok = (|| {
        for item in list.split([',', '、']) {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            let mut parts = item.split(['-', '–', '—', '~']).map(str::trim);
            match (parts.next(), parts.next(), parts.next()) {
                (Some(n), None, _) => out.push(parse_num(n)?),
                (Some(a), Some(b), None) => {
                    let (a, b) = (parse_num(a)?, parse_num(b)?);
                    if b < a || u64::from(b - a) > MAX_RANGE {
                        return None;
                    }
                    out.extend(a..=b);
                }
                _ => return None,
            }
        }
        Some(())
    })()
    .is_some()
        && out.len() > before;
    if !ok {
        out.truncate(before);
    }
    ok
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

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        /// A list of digits alone reads as the item-by-item reader reads it.
        #[test]
        fn one_number_reads_as_a_list(digits in "[0-9]{0,12}") {
            let (mut fast, mut split) = (SmallVec::new(), SmallVec::new());
            let ok = parse_list(&digits, &mut fast);
            proptest::prop_assert_eq!(ok, parse_split_list(&digits, &mut split), "{:?}", digits);
            proptest::prop_assert_eq!(fast, split, "{:?}", digits);
        }
    }

    #[test]
    fn japanese_and_english_forms() {
        assert_eq!(scan("合意。 (脚注:1)").numbers[..], [1]);
        assert_eq!(scan("合意。（脚注：１２）").numbers[..], [12]);
        assert_eq!(scan("（注3）と［4］").numbers[..], [3, 4]);
        assert_eq!(
            scan("met.[17] The [18] x [1, 2] y [3–5]").numbers[..],
            [17, 18, 1, 2, 3, 4, 5]
        );
        assert!(scan("[Japan and the U.S.]").numbers.is_empty());
    }

    #[test]
    fn other_marker_forms() {
        assert_eq!(scan("協議を開催。［注２］と(*3)").numbers[..], [2, 3]);
        assert_eq!(scan("The talks began.¹² Then ²³").numbers[..], [12]);
    }

    /// The regex the scanner replaced: both must read the same markers.
    fn by_regex(line: &str) -> LineMarkers {
        let re = regex::Regex::new(
            r"(?:\((?:脚注|注|\*)\s*:?\s*(?P<a>[0-9][0-9\s,、\-–—~]*)\)|\[(?:注|脚注)?\s*(?P<b>[0-9][0-9\s,、\-–—~]*)\]|(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]+(?:[,‚][⁰¹²³⁴⁵⁶⁷⁸⁹]+)*))",
        )
        .unwrap();
        let folded = fold_width(line);
        let mut out = LineMarkers::default();
        for c in re.captures_iter(&folded) {
            let converted;
            let list = match c.name("sup") {
                Some(s) => {
                    if folded[..s.start()].chars().next_back().is_none_or(char::is_whitespace) {
                        continue;
                    }
                    converted = from_superscript(s.as_str());
                    converted.as_str()
                }
                None => c.name("a").or_else(|| c.name("b")).map_or("", |m| m.as_str()),
            };
            if !parse_list(list, &mut out.numbers) {
                out.invalid.push(c[0].to_string());
            }
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        #[test]
        fn scanner_reads_what_the_regex_read(
            line in proptest::collection::vec(proptest::sample::select(vec![
                "(", ")", "[", "]", "（", "）", "［", "］", "脚注", "注", "*", ":", "：", " ", "　", ",", "、",
                "-", "–", "~", "1", "2", "０", "9", "¹", "²", "‚", "a", "。", "99999999999",
            ]), 0..24)
        ) {
            let line: String = line.concat();
            proptest::prop_assert_eq!(scan(&line), by_regex(&line), "{:?}", line);
        }
    }

    #[test]
    fn absurd_numbers_are_invalid_not_panics() {
        let m = scan("x [99999999999999999999] y [1-999999] z [0]");
        assert!(m.numbers.is_empty());
        assert_eq!(m.invalid.len(), 3);
        assert!(scan("[[[[ unbalanced (脚注:").numbers.is_empty());
    }
}

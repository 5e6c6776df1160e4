//! Width folding and script tests shared by the parsers.

use std::borrow::Cow;

/// Folds full-width ASCII forms (`（脚注：１）`) to ASCII (`(脚注:1)`), the
/// ideographic space to a space and the wave dash to `~`. Other characters are
/// kept, so the result has the same number of characters as the input.
pub fn fold_width(s: &str) -> Cow<'_, str> {
    if !needs_fold(s) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(fold_char).collect())
}

/// Whether any character would fold: U+FF01–FF5E are `EF BC 81`–`EF BD 9E`
/// in UTF-8, U+3000 is `E3 80 80`, U+301C is `E3 80 9C`. Only the lead bytes
/// are searched for (memchr), so text without them costs one fast scan.
fn needs_fold(s: &str) -> bool {
    let b = s.as_bytes();
    memchr::memchr2_iter(0xEF, 0xE3, b).any(|i| match (b[i], b.get(i + 1), b.get(i + 2)) {
        (0xEF, Some(&0xBC), Some(&c)) => c >= 0x81,
        (0xEF, Some(&0xBD), Some(&c)) => c <= 0x9E,
        (0xE3, Some(&0x80), Some(&c)) => matches!(c, 0x80 | 0x9C),
        _ => false,
    })
}

/// Folds one character (see [`fold_width`]).
pub fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '\u{301C}' => '~',
        _ => c,
    }
}

/// Kana, kanji and the CJK punctuation block.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{30FF}'   // CJK punctuation, hiragana, katakana
        | '\u{3400}'..='\u{4DBF}' // CJK extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}' // compatibility ideographs
        | '\u{FF66}'..='\u{FF9F}' // half-width katakana
    )
}

/// True when the text is mostly written in Japanese script.
pub fn is_japanese(s: &str) -> bool {
    // Without a non-ASCII byte there is no kana or kanji.
    if s.is_ascii() {
        return false;
    }
    let (mut cjk, mut latin) = (0usize, 0usize);
    for c in s.chars() {
        if is_cjk(c) {
            cjk += 1;
        } else if c.is_alphabetic() {
            latin += 1;
        }
    }
    cjk > 0 && cjk * 2 >= latin / 2
}

/// Trims white space, including no-break spaces and ideographic spaces.
pub fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width_markers() {
        assert_eq!(fold_width("（脚注：１２）"), "(脚注:12)");
        assert_eq!(fold_width("［3］"), "[3]");
        assert_eq!(fold_width("3〜4日"), "3~4日");
        assert!(matches!(fold_width("plain"), Cow::Borrowed(_)));
        assert!(matches!(fold_width("日本語のテキスト。「」"), Cow::Borrowed(_)));
        assert_eq!(fold_width("ｚ～"), "z~");
        assert_eq!(fold_width("a\u{3000}b"), "a b");
        // The edges of the full-width block, and characters next to it.
        assert_eq!(fold_width("\u{FF01}\u{FF5E}"), "!~");
        assert!(matches!(
            fold_width("\u{FF00}\u{FF5F}\u{FF61}\u{3001}"),
            Cow::Borrowed(_)
        ));
    }
}

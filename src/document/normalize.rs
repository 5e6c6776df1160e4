//! Width folding and script tests shared by the parsers.

use std::borrow::Cow;

/// Folds full-width ASCII forms (`（脚注：１）`) to ASCII (`(脚注:1)`), the
/// ideographic space to a space and the wave dash to `~`. Other characters are
/// kept, so the result has the same number of characters as the input.
pub fn fold_width(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_fold) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(fold_char).collect())
}

fn needs_fold(c: char) -> bool {
    matches!(c, '\u{FF01}'..='\u{FF5E}' | '\u{3000}' | '\u{301C}')
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
    }
}

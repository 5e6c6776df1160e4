//! Is the page still the cited source? Titles compared after NFKC, width and
//! case folding, without site-name suffixes, fuzzily, and only between texts
//! in the same script: an English reference that cites a Japanese page by a
//! romanised title is compared through the Japanese reference's title instead.

use unicode_normalization::UnicodeNormalization;

use crate::document::normalize::is_japanese;

/// Below this similarity the page is taken to be another page.
pub const THRESHOLD: f64 = 0.35;

/// Folds a title for comparison: NFKC (which also folds width), lower case,
/// letters and digits only.
pub fn fold(s: &str) -> String {
    s.nfkc()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// A page title split at the separators sites put between a page's name and theirs.
fn segments(title: &str) -> Vec<&str> {
    let mut out = vec![title];
    out.extend(
        title
            .split([' ', '|', '｜', '-', '–', '—', ':', '：', '«', '»', '/', '・'])
            .filter(|s| s.chars().count() > 3),
    );
    for sep in [" | ", "｜", " - ", " – ", " — ", "：", " : ", " « ", " » ", " / "] {
        out.extend(title.split(sep).map(str::trim).filter(|s| !s.is_empty()));
    }
    out
}

/// Dice coefficient of character bigrams (works for Japanese and English alike).
pub fn similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (fold(a), fold(b));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a == b || (a.chars().count() >= 6 && b.contains(&a)) || (b.chars().count() >= 6 && a.contains(&b)) {
        return 1.0;
    }
    let grams = |s: &str| -> Vec<(char, char)> {
        let c: Vec<char> = s.chars().collect();
        let mut v: Vec<(char, char)> = c.windows(2).map(|w| (w[0], w[1])).collect();
        v.sort_unstable();
        v
    };
    let (ga, gb) = (grams(&a), grams(&b));
    if ga.is_empty() || gb.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < ga.len() && j < gb.len() {
        match ga[i].cmp(&gb[j]) {
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    2.0 * common as f64 / (ga.len() + gb.len()) as f64
}

/// Compares the page's titles with the cited ones. Returns None when no two
/// texts of the same script can be compared, else whether they match and the
/// best score.
pub fn compare(page_titles: &[&str], cited: &[String], paired: &[String]) -> Option<(bool, f64, String)> {
    let mut best: Option<(f64, String)> = None;
    for page in page_titles {
        let page_ja = is_japanese(page);
        // Cited titles in the page's script; else the other language's reference's.
        let same: Vec<&String> = cited.iter().filter(|c| is_japanese(c) == page_ja).collect();
        let candidates: Vec<&String> = if same.is_empty() {
            paired.iter().filter(|c| is_japanese(c) == page_ja).collect()
        } else {
            same
        };
        for c in candidates {
            for seg in segments(page) {
                let s = similarity(seg, c);
                if best.as_ref().is_none_or(|(b, _)| s > *b) {
                    best = Some((s, c.clone()));
                }
            }
        }
    }
    best.map(|(s, c)| (s >= THRESHOLD, s, c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_page_matches_despite_site_suffix_and_width() {
        let cited = vec!["日米サイバー対話 共同声明(仮訳)".to_string()];
        let (ok, _, _) = compare(&["日米サイバー対話 共同声明（仮訳） | 外務省"], &cited, &[]).unwrap();
        assert!(ok);
        let cited = vec!["The Second US-Japan Cyber Dialogue".to_string()];
        assert!(
            compare(
                &["The Second U.S.-Japan Cyber Dialogue - U.S. Department of State"],
                &cited,
                &[]
            )
            .unwrap()
            .0
        );
    }

    #[test]
    fn other_page_does_not_match() {
        let cited = vec!["Joint Statement of the Security Consultative Committee".to_string()];
        assert!(!compare(&["Weather forecast for Tokyo"], &cited, &[]).unwrap().0);
    }

    #[test]
    fn romanised_title_is_compared_through_the_japanese_reference() {
        let cited = vec!["Saiba taisho de hatsu kyogi [first talks on cyber]".to_string()];
        let paired = vec!["サイバー対処で初協議".to_string()];
        let (ok, _, with) = compare(&["サイバー対処で初協議 - 時事ドットコム"], &cited, &paired).unwrap();
        assert!(ok);
        assert_eq!(with, "サイバー対処で初協議");
        assert!(
            compare(&["サイバー対処で初協議"], &cited, &[]).is_none(),
            "no same-script title: no verdict"
        );
    }
}

//! Counted quantities in entry text: a number with a unit or counter
//! (`約30名`, `15万ドル`, `ASEAN10カ国`, `about 4,500 … personnel`,
//! `400,000 U.S. dollars`, `ten ASEAN countries`).
//!
//! Ordinals, years and names (`第3回`, `2015年度`, `Yama Sakura 67`, `G20`,
//! `7年ぶり`, `5th`) are not figures: only a number tied to a counter is.

use std::sync::LazyLock;

use compact_str::CompactString;
use regex::Regex;
use serde::Serialize;

use super::normalize::fold_width;

/// What a figure counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    People,
    Dollars,
    Yen,
    Countries,
    Cases,
    Percent,
    Companies,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::People => "people",
            Unit::Dollars => "dollars",
            Unit::Yen => "yen",
            Unit::Countries => "countries",
            Unit::Cases => "cases",
            Unit::Percent => "percent",
            Unit::Companies => "companies",
        }
    }
}

/// A counted quantity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    pub value: f64,
    pub unit: Unit,
    /// The number as written.
    pub text: CompactString,
}

/// The figures of a text: most entries state at most one, kept inline.
pub type Figures = smallvec::SmallVec<[Figure; 1]>;

/// Extracts the figures of a text in either language.
pub fn extract(text: &str) -> Figures {
    extract_folded(&fold_width(text))
}

/// [`extract`] from text already width-folded ([`fold_width`]).
pub fn extract_folded(folded: &str) -> Figures {
    let (ja, en) = scripts(folded.as_bytes());
    let mut out = if ja { japanese(folded) } else { Figures::new() };
    if en {
        out.extend(english(folded));
    }
    out
}

/// The characters every Japanese counter ends in (`名`, `人`, `ル`, `円`, `国`,
/// `件`, `ト`, `社`), in UTF-8.
const COUNTER_ENDS: [[u8; 3]; 8] = [
    *b"\xE5\x90\x8D",
    *b"\xE4\xBA\xBA",
    *b"\xE3\x83\xAB",
    *b"\xE5\x86\x86",
    *b"\xE5\x9B\xBD",
    *b"\xE4\xBB\xB6",
    *b"\xE3\x83\x88",
    *b"\xE7\xA4\xBE",
];

/// Which readers a text needs, in one pass over its bytes: the Japanese one
/// if a counter character stands in it, the English one if it has a Latin
/// letter (every unit is a word), `$` or `%`.
///
/// Kept by hand because the benchmark needs it: searching the counters
/// character by character (`scripts_by_chars`, its property test) made the
/// timeline run at 28 MB/s, under the 40 MB/s target.
fn scripts(b: &[u8]) -> (bool, bool) {
    let en = b.iter().any(|&c| c.is_ascii_alphabetic() || c == b'$' || c == b'%');
    // Counters are three-byte characters: told by their last byte, then checked.
    static LAST: [bool; 256] = {
        let mut t = [false; 256];
        let mut k = 0;
        while k < COUNTER_ENDS.len() {
            t[COUNTER_ENDS[k][2] as usize] = true;
            k += 1;
        }
        t
    };
    let ja = !b.is_ascii()
        && (2..b.len()).any(|i| LAST[b[i] as usize] && COUNTER_ENDS.iter().any(|c| c[..] == b[i - 2..=i]));
    (ja, en)
}

static JA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?P<num>[0-9][0-9,]*(?:\.[0-9]+)?|[〇一二三四五六七八九十百千]+)\s*(?P<mult>万|億|千)?\s*(?P<unit>名|人|米ドル|ドル|円|カ国|ヶ国|か国|ケ国|ヵ国|箇国|件|パーセント|社)",
    )
    .expect("valid regex")
});

fn japanese(t: &str) -> Figures {
    let mut out = Figures::new();
    for c in JA.captures_iter(t) {
        let Some(m) = c.get(0) else { continue };
        let before = t[..m.start()].chars().next_back();
        // `第3回` is an ordinal; `3.5.1` a section number.
        if before.is_some_and(|b| b == '第' || b.is_ascii_digit() || b == '.') {
            continue;
        }
        let Some(value) = parse_ja_number(&c["num"]) else {
            continue;
        };
        let mult = ja_multiplier(c.name("mult").map_or("", |m| m.as_str()));
        out.push(Figure {
            value: value * mult,
            unit: ja_unit(&c["unit"]),
            text: m.as_str().into(),
        });
    }
    out
}

/// The factor of a Japanese multiplier (`万`, `億`, `千`; anything else is 1).
fn ja_multiplier(mult: &str) -> f64 {
    match mult {
        "万" => 1e4,
        "億" => 1e8,
        "千" => 1e3,
        _ => 1.0,
    }
}

/// What a Japanese counter counts.
fn ja_unit(counter: &str) -> Unit {
    match counter {
        "名" | "人" => Unit::People,
        "米ドル" | "ドル" => Unit::Dollars,
        "円" => Unit::Yen,
        "件" => Unit::Cases,
        "パーセント" => Unit::Percent,
        "社" => Unit::Companies,
        _ => Unit::Countries,
    }
}

fn parse_ja_number(s: &str) -> Option<f64> {
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        return s.replace(',', "").parse().ok();
    }
    // Kanji numerals: 三, 十五, 二百, 千五百.
    let (mut total, mut current) = (0u64, 0u64);
    for c in s.chars() {
        let digit = match c {
            '〇' => Some(0),
            '一' => Some(1),
            '二' => Some(2),
            '三' => Some(3),
            '四' => Some(4),
            '五' => Some(5),
            '六' => Some(6),
            '七' => Some(7),
            '八' => Some(8),
            '九' => Some(9),
            _ => None,
        };
        if let Some(d) = digit {
            current = current * 10 + d;
            continue;
        }
        let scale = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            _ => return None,
        };
        total += current.max(1) * scale;
        current = 0;
    }
    Some((total + current) as f64)
}

/// What a word means to figure reading (classified once, without allocating).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Word {
    Unit(Unit),
    /// `and`, `or`, `to`, `-`: joins two numbers that share a unit.
    Coord,
    /// `thousand`, `million`, …: multiplies the number before it.
    Mult(f64, &'static str),
    Other,
}

/// What a word means, given in lower case.
fn classify_word(lower: &[u8]) -> Word {
    if let Some(u) = unit_word(lower) {
        return Word::Unit(u);
    }
    if matches!(lower, b"and" | b"or" | b"to" | b"-") {
        return Word::Coord;
    }
    match lower {
        b"thousand" => Word::Mult(1e3, "thousand"),
        b"million" => Word::Mult(1e6, "million"),
        b"billion" => Word::Mult(1e9, "billion"),
        b"trillion" => Word::Mult(1e12, "trillion"),
        _ => Word::Other,
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(Word),
    Num {
        value: f64,
        /// Byte range of the number as written.
        start: usize,
        end: usize,
        /// A multiplier word folded into it (`1.5 million`).
        mult: Option<&'static str>,
        year_like: bool,
        dollar: bool,
        percent: bool,
    },
    Punct,
}

fn word_number(w: &[u8]) -> Option<f64> {
    let v = match w {
        b"one" => 1,
        b"two" => 2,
        b"three" => 3,
        b"four" => 4,
        b"five" => 5,
        b"six" => 6,
        b"seven" => 7,
        b"eight" => 8,
        b"nine" => 9,
        b"ten" => 10,
        b"eleven" => 11,
        b"twelve" => 12,
        b"thirteen" => 13,
        b"fourteen" => 14,
        b"fifteen" => 15,
        b"sixteen" => 16,
        b"seventeen" => 17,
        b"eighteen" => 18,
        b"nineteen" => 19,
        b"twenty" => 20,
        b"thirty" => 30,
        b"forty" => 40,
        b"fifty" => 50,
        b"sixty" => 60,
        b"seventy" => 70,
        b"eighty" => 80,
        b"ninety" => 90,
        b"hundred" => 100,
        _ => return None,
    };
    Some(v as f64)
}

fn unit_word(w: &[u8]) -> Option<Unit> {
    let u = match w {
        b"people" | b"persons" | b"person" | b"personnel" | b"members" | b"member" | b"officers" | b"officials"
        | b"troops" | b"soldiers" | b"participants" | b"staff" | b"experts" | b"delegates" | b"attendees"
        | b"representatives" | b"investigators" | b"employees" | b"workers" | b"students" | b"researchers"
        | b"engineers" | b"specialists" | b"individuals" | b"servicemen" | b"personnels" => Unit::People,
        b"dollars" | b"dollar" | b"usd" => Unit::Dollars,
        b"yen" | b"jpy" => Unit::Yen,
        b"countries" | b"country" | b"nations" => Unit::Countries,
        b"cases" | b"incidents" => Unit::Cases,
        b"percent" | b"per-cent" => Unit::Percent,
        b"companies" | b"firms" | b"corporations" => Unit::Companies,
        _ => return None,
    };
    Some(u)
}

/// Splits text into numbers, words and punctuation (a hand-written scanner:
/// it runs on every entry and is several times faster than a regex with captures).
fn tokenize(t: &str, out: &mut Vec<Tok>) {
    let b = t.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let dollar_len = if b[i..].starts_with(b"US$") {
            3
        } else if c == b'$' {
            1
        } else {
            0
        };
        if c.is_ascii_digit() || (dollar_len > 0 && b.get(i + dollar_len).is_some_and(u8::is_ascii_digit)) {
            let start = i;
            i += dollar_len;
            let digits_start = i;
            while i < b.len() {
                if b[i].is_ascii_digit() {
                    i += 1;
                } else if b[i] == b','
                    && b.len() >= i + 4
                    && b[i + 1..i + 4].iter().all(u8::is_ascii_digit)
                    && b.get(i + 4).is_none_or(|d| !d.is_ascii_digit())
                {
                    i += 4;
                } else if b[i] == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                } else {
                    break;
                }
            }
            let percent = b.get(i) == Some(&b'%');
            if percent {
                i += 1;
            }
            let glued = b.get(i).is_some_and(u8::is_ascii_alphabetic);
            let before = start.checked_sub(1).map(|p| b[p]);
            if glued || before.is_some_and(|p| p.is_ascii_alphanumeric() || p == b'.') {
                // `5th`, `G20`, `3.5.1`: not a counted quantity.
                while i < b.len() && b[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                out.push(Tok::Word(Word::Other));
                continue;
            }
            let text = &t[start..i];
            let Some(value) = parse_digits(&b[digits_start..i]) else {
                continue;
            };
            let plain = !text.contains([',', '.', '$', '%']);
            out.push(Tok::Num {
                value,
                start,
                end: i,
                mult: None,
                year_like: plain && text.len() == 4 && (1900.0..2100.0).contains(&value),
                dollar: dollar_len > 0,
                percent,
            });
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while i < b.len() {
                if b[i].is_ascii_alphanumeric() || matches!(b[i], b'.' | b'\'' | b'-') {
                    i += 1;
                } else if b[i..].starts_with("’".as_bytes()) {
                    i += '’'.len_utf8();
                } else {
                    break;
                }
            }
            let mut w = &t[start..i];
            let mut sentence_end = false;
            if w.ends_with('.') && !w.trim_end_matches('.').contains('.') {
                w = w.trim_end_matches('.');
                sentence_end = true;
            }
            // Every word that means something is 2 to 16 ASCII letters long.
            let mut buf = [0u8; 16];
            let lower = if (2..=buf.len()).contains(&w.len()) && w.is_ascii() {
                for (d, s) in buf.iter_mut().zip(w.bytes()) {
                    *d = s.to_ascii_lowercase();
                }
                &buf[..w.len()]
            } else {
                &[]
            };
            match word_number(lower) {
                Some(v) => out.push(Tok::Num {
                    value: v,
                    start,
                    end: start + w.len(),
                    mult: None,
                    year_like: false,
                    dollar: false,
                    percent: false,
                }),
                None => out.push(Tok::Word(classify_word(lower))),
            }
            if sentence_end {
                out.push(Tok::Punct);
            }
        } else if matches!(c, b',' | b';' | b':' | b'(' | b')' | b'[' | b']' | b'!' | b'?') {
            out.push(Tok::Punct);
            i += 1;
        } else if c == b'.' {
            if b.get(i + 1).is_none_or(|n| n.is_ascii_whitespace()) {
                out.push(Tok::Punct);
            }
            i += 1;
        } else if c >= 0x80 {
            let ch = t[i..].chars().next().unwrap_or(' ');
            if matches!(ch, '。' | '、' | '（' | '）') {
                out.push(Tok::Punct);
            }
            i += ch.len_utf8();
        } else {
            i += 1;
        }
    }
}

/// The value of digits with thousands separators and a decimal point, read
/// without allocating (`4,500` → 4500, `1.5` → 1.5).
fn parse_digits(d: &[u8]) -> Option<f64> {
    let keep = |c: &u8| c.is_ascii_digit() || *c == b'.';
    let mut buf = [0u8; 64];
    if d.iter().filter(|c| keep(c)).count() > buf.len() {
        // An absurdly long number: read it through a String, as any other.
        let s: String = d.iter().filter(|c| keep(c)).map(|&c| char::from(c)).collect();
        return s.parse().ok();
    }
    let mut n = 0;
    for c in d.iter().filter(|c| keep(c)) {
        buf[n] = *c;
        n += 1;
    }
    std::str::from_utf8(&buf[..n]).ok()?.parse().ok()
}

const WINDOW: usize = 8;

/// For each token: its own unit, or the index of a coordinated number whose unit it shares.
enum Link {
    Unit(Unit),
    Shares(usize),
    Nothing,
}

fn english(t: &str) -> Figures {
    // The token and link vectors are kept between calls: one entry after
    // another, nothing to allocate.
    thread_local! {
        static SCRATCH: std::cell::RefCell<(Vec<Tok>, Vec<Link>)> = const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
    }
    SCRATCH.with_borrow_mut(|(toks, links)| {
        toks.clear();
        links.clear();
        tokenize(t, toks);
        read_english(t, toks, links)
    })
}

fn read_english(t: &str, toks: &mut Vec<Tok>, links: &mut Vec<Link>) -> Figures {
    // Fold multipliers into the number before them: `1.5 million`, `ten thousand`.
    let mut i = 0;
    while i + 1 < toks.len() {
        if let Tok::Word(Word::Mult(m, w)) = toks[i + 1]
            && let Tok::Num {
                value, mult, year_like, ..
            } = &mut toks[i]
        {
            *value *= m;
            *mult = Some(w);
            *year_like = false;
            toks.remove(i + 1);
        }
        i += 1;
    }
    for (i, tok) in toks.iter().enumerate() {
        let Tok::Num {
            percent,
            dollar,
            year_like,
            ..
        } = tok
        else {
            links.push(Link::Nothing);
            continue;
        };
        if *percent {
            links.push(Link::Unit(Unit::Percent));
            continue;
        }
        let mut link = if *dollar {
            Link::Unit(Unit::Dollars)
        } else {
            Link::Nothing
        };
        let mut coordinated = false;
        for (k, next) in toks.iter().enumerate().skip(i + 1).take(WINDOW) {
            match next {
                Tok::Punct => break,
                Tok::Word(Word::Unit(u)) => {
                    if !*year_like || k == i + 1 {
                        link = Link::Unit(*u);
                    }
                    break;
                }
                Tok::Word(Word::Coord) => coordinated = true,
                Tok::Word(_) => {}
                Tok::Num { .. } => {
                    if coordinated && !*year_like && matches!(link, Link::Nothing) {
                        link = Link::Shares(k);
                    }
                    break;
                }
            }
        }
        links.push(link);
    }
    let resolve = |mut i: usize| -> Option<Unit> {
        for _ in 0..WINDOW {
            match links[i] {
                Link::Unit(u) => return Some(u),
                Link::Shares(k) => i = k,
                Link::Nothing => return None,
            }
        }
        None
    };
    let mut out = Figures::new();
    for (i, tok) in toks.iter().enumerate() {
        if let Tok::Num {
            value,
            start,
            end,
            mult,
            ..
        } = *tok
            && let Some(unit) = resolve(i)
        {
            let text = match mult {
                Some(w) => compact_str::format_compact!("{} {w}", &t[start..end]),
                None => t[start..end].into(),
            };
            out.push(Figure { value, unit, text });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figs(s: &str) -> Vec<(f64, Unit)> {
        extract(s).into_iter().map(|f| (f.value, f.unit)).collect()
    }

    #[test]
    fn scripts_sees_counters_and_latin_letters() {
        for (t, want) in [
            ("約300名が出席", (true, false)),
            ("100人", (true, false)),
            ("10億ドル", (true, false)),
            ("5万円", (true, false)),
            ("30カ国", (true, false)),
            ("12件", (true, false)),
            ("50パーセント", (true, false)),
            ("3社", (true, false)),
            ("日米会合", (false, false)),
            ("300 officials", (false, true)),
            ("US$5", (false, true)),
            ("5%", (false, true)),
            ("300 名 and more", (true, true)),
        ] {
            assert_eq!(scripts(t.as_bytes()), want, "{t}");
            assert_eq!(scripts(t.as_bytes()), scripts_by_chars(t), "{t}");
        }
    }

    /// What [`scripts`] replaced: a search character by character.
    fn scripts_by_chars(t: &str) -> (bool, bool) {
        (
            t.contains(['名', '人', 'ル', '円', '国', '件', 'ト', '社']),
            t.bytes().any(|b| b.is_ascii_alphabetic() || b == b'$' || b == b'%'),
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        #[test]
        fn scripts_reads_what_the_char_search_read(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "名", "人", "ル", "円", "国", "件", "ト", "社", "」", "会", "ド", "a", "Z", "$", "%", "1", " ", "é", "\u{3000}",
            ]), 0..12)
        ) {
            let t: String = parts.concat();
            proptest::prop_assert_eq!(scripts(t.as_bytes()), scripts_by_chars(&t), "{:?}", t);
        }
    }

    #[test]
    fn very_long_numbers_still_count() {
        let text = format!("about 1{} people", "0".repeat(70));
        assert_eq!(figs(&text), vec![(1e70, Unit::People)]);
    }

    #[test]
    fn japanese_counters() {
        assert_eq!(
            figs("陸上自衛隊約4500名及び米陸軍約1500名が参加"),
            vec![(4500.0, Unit::People), (1500.0, Unit::People)]
        );
        assert_eq!(
            figs("日本が15万ドル、米国が25万ドルの計40万ドルを拠出"),
            vec![
                (150000.0, Unit::Dollars),
                (250000.0, Unit::Dollars),
                (400000.0, Unit::Dollars)
            ]
        );
        assert_eq!(
            figs("ASEAN10カ国を対象に、三カ国間の"),
            vec![(10.0, Unit::Countries), (3.0, Unit::Countries)]
        );
        assert!(figs("第3回会合、2015年度から、7年ぶりに、G20サミット、第67回").is_empty());
    }

    #[test]
    fn english_counters() {
        assert_eq!(
            figs("About 4,500 Japan Ground Self-Defense Force and 1,500 U.S. Army personnel conducted"),
            vec![(4500.0, Unit::People), (1500.0, Unit::People)]
        );
        assert_eq!(
            figs("Approximately 20 SDF and US forces officers also participated"),
            vec![(20.0, Unit::People)]
        );
        assert_eq!(
            figs("contribute 400,000 U.S. dollars in total (150,000 from Tokyo and 250,000 from Washington)"),
            vec![(400000.0, Unit::Dollars)]
        );
        assert_eq!(
            figs("to support ten ASEAN countries for its"),
            vec![(10.0, Unit::Countries)]
        );
        assert_eq!(
            figs("a $1.5 million grant and 12% growth"),
            vec![(1_500_000.0, Unit::Dollars), (12.0, Unit::Percent)]
        );
        assert!(
            figs("the 5th meeting, Yama Sakura 67, on Camp Asaka; G20 Leaders; after 2007; in Fiscal Year 2015.")
                .is_empty()
        );
        assert!(figs("December 5 to 12, 2013: the meeting").is_empty());
    }
}

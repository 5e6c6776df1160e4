//! Dates as citations write them, in Japanese and English conventions:
//! `2014年2月3~4日`, `12月8日~14日`, `2011年9月`, `February 3 to 4, 2014`,
//! `16 and 17 September 2014`, `September 2011`, `2015-02-18`, `2009`.
//!
//! A date may lack its day or month ([`PartialDate`]); a [`DateSpan`] is a
//! single date or a range. Parsing never fails: text that is not a date is
//! simply not a date.

use std::sync::LazyLock;

use regex::Regex;
use regex_automata::util::captures::Captures;
use regex_automata::{Anchored, Input, meta};
use serde::{Serialize, Serializer};

use super::normalize::fold_width;

/// A calendar date that may lack its day, or its month and day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl PartialDate {
    pub fn ymd(year: i32, month: u8, day: u8) -> Self {
        PartialDate {
            year,
            month: Some(month),
            day: Some(day),
        }
    }

    /// The first day this date can denote, as (year, month, day).
    pub fn first_day(&self) -> (i32, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The last day this date can denote.
    pub fn last_day(&self) -> (i32, u8, u8) {
        match (self.month, self.day) {
            (Some(m), Some(d)) => (self.year, m, d),
            (Some(m), None) => (self.year, m, days_in_month(self.year, m)),
            _ => (self.year, 12, 31),
        }
    }

    /// Whether the date exists in the calendar (no month 13, no February 30).
    pub fn is_valid(&self) -> bool {
        match (self.month, self.day) {
            (None, None) => true,
            (Some(m), None) => (1..=12).contains(&m),
            (Some(m), Some(d)) => (1..=12).contains(&m) && d >= 1 && d <= days_in_month(self.year, m),
            (None, Some(_)) => false,
        }
    }

    /// 0 = year, 1 = month, 2 = day.
    pub fn precision(&self) -> u8 {
        match (self.month, self.day) {
            (Some(_), Some(_)) => 2,
            (Some(_), None) => 1,
            _ => 0,
        }
    }
}

impl std::fmt::Display for PartialDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Days in a month (0 for a month that does not exist).
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// A single date or a range of dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DateSpan {
    pub start: PartialDate,
    pub end: PartialDate,
}

impl DateSpan {
    pub fn single(d: PartialDate) -> Self {
        DateSpan { start: d, end: d }
    }

    pub fn is_range(&self) -> bool {
        self.start != self.end
    }

    /// A range whose end comes before its start (`October 18 to 10`).
    pub fn is_reversed(&self) -> bool {
        self.end.last_day() < self.start.first_day()
    }

    pub fn is_valid(&self) -> bool {
        self.start.is_valid() && self.end.is_valid()
    }

    /// The days this span can denote, first and last.
    pub fn interval(&self) -> ((i32, u8, u8), (i32, u8, u8)) {
        (self.start.first_day(), self.end.last_day())
    }

    fn precision(&self) -> u8 {
        self.start.precision().min(self.end.precision())
    }

    /// Whether two spans denote the same time. Equal spans agree; so does a
    /// coarser date that contains a finer one (a month-only date agrees with
    /// any day in it). Two spans of the same precision must be equal.
    pub fn agrees_with(&self, other: &DateSpan) -> bool {
        let (a0, a1) = self.interval();
        let (b0, b1) = other.interval();
        if (a0, a1) == (b0, b1) {
            return true;
        }
        let (pa, pb) = (self.precision(), other.precision());
        (pa < pb && a0 <= b0 && b1 <= a1) || (pb < pa && b0 <= a0 && a1 <= b1)
    }

    /// The first day of the span as a plain date, when it is a real date.
    pub fn first_civil(&self) -> Option<jiff::civil::Date> {
        let (y, m, d) = self.start.first_day();
        jiff::civil::Date::new(i16::try_from(y).ok()?, m as i8, d as i8).ok()
    }
}

impl std::fmt::Display for DateSpan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_range() {
            write!(f, "{} to {}", self.start, self.end)
        } else {
            write!(f, "{}", self.start)
        }
    }
}

/// English month names, January first.
pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const MONTH: &str = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)";
const RANGE_EN: &str = r"(?:-|‐|‒|–|—|to|and|through|until|till|&)";

const JA: &str = r"(?x)
        (?: (?P<y>[0-9]{4}) | (?P<era>令和|平成|昭和|大正)\s*(?P<ey>[0-9]{1,2}|元) )\s*年\s*
        (?: (?P<m>[0-9]{1,2})\s*月\s*
            (?: (?P<d>[0-9]{1,2})\s*(?P<dj>日)? )?
        )?
        (?: \s*\([月火水木金土日](?:曜日?)?\) )?
        (?: \s*(?:~|-|‐|‒|–|—|―|から|・|、|及び|および)\s*
            (?: (?P<y2>[0-9]{4})\s*年\s* )?
            (?: (?P<m2>[0-9]{1,2})\s*月\s* )?
            (?P<d2>[0-9]{1,2})\s*日
            (?: \s*\([月火水木金土日](?:曜日?)?\) )?
        )?";

/// The date patterns, most specific first: Japanese, month-day-year,
/// day-month-year, ISO, month-year. One multi-pattern regex finds the earliest
/// date of any form in one pass (at equal starts the earlier pattern wins);
/// each pattern has its own capture names.
static DATES: LazyLock<meta::Regex> = LazyLock::new(|| {
    let en_mdy = format!(
        r"\b(?P<m>{MONTH})\.?\s+(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?(?:\s*{RANGE_EN}\s*(?:(?P<m2>{MONTH})\.?\s+)?(?P<d2>[0-9]{{1,2}})(?:st|nd|rd|th)?)?,?\s+(?P<y>[0-9]{{4}})\b"
    );
    let en_dmy = format!(
        r"\b(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?(?:\s*{RANGE_EN}\s*(?P<d2>[0-9]{{1,2}})(?:st|nd|rd|th)?)?\s+(?P<m>{MONTH})\.?,?\s+(?P<y>[0-9]{{4}})\b"
    );
    let iso = r"\b(?P<y>[0-9]{4})[-/.](?P<m>[0-9]{1,2})[-/.](?P<d>[0-9]{1,2})\b";
    let en_my = format!(r"\b(?P<m>{MONTH})\.?,?\s+(?P<y>[0-9]{{4}})\b");
    meta::Regex::new_many(&[JA, en_mdy.as_str(), en_dmy.as_str(), iso, en_my.as_str()]).expect("valid regex")
});

/// A bare year, used only when no fuller date is found.
static YEAR: LazyLock<meta::Regex> =
    LazyLock::new(|| meta::Regex::new(r"\b(?P<y>(?:19|20)[0-9]{2})\b").expect("valid regex"));

static RANGE_TAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:-|–|—|~|to|through|until)\s*").expect("valid regex"));

/// The capture names the date patterns use.
const NAMES: [&str; 9] = ["y", "era", "ey", "m", "d", "dj", "y2", "m2", "d2"];

/// For each pattern of a regex, the group index of each of [`NAMES`]
/// (resolved once: looking a name up per match hashes it).
fn group_table(re: &meta::Regex) -> Vec<[Option<usize>; 9]> {
    let info = re.group_info();
    (0..re.pattern_len())
        .map(|p| {
            let pid = regex_automata::PatternID::new(p).expect("pattern id");
            NAMES.map(|n| info.to_index(pid, n))
        })
        .collect()
}

static DATES_GROUPS: LazyLock<Vec<[Option<usize>; 9]>> = LazyLock::new(|| group_table(&DATES));
static YEAR_GROUPS: LazyLock<Vec<[Option<usize>; 9]>> = LazyLock::new(|| group_table(&YEAR));

/// The capture groups of one match, read by name.
struct C<'t> {
    caps: &'t Captures,
    groups: &'t [Option<usize>; 9],
    hay: &'t str,
}

impl<'t> C<'t> {
    fn name(&self, name: &str) -> Option<&'t str> {
        let k = NAMES.iter().position(|n| *n == name)?;
        let span = self.caps.get_group(self.groups[k]?)?;
        self.hay.get(span.start..span.end)
    }
}

fn num<T: std::str::FromStr>(c: &C, name: &str) -> Option<T> {
    c.name(name).and_then(|m| m.parse().ok())
}

fn month_num(name: &str) -> Option<u8> {
    let key: String = name.chars().take(3).collect::<String>().to_ascii_lowercase();
    let m = match key.as_str() {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(m)
}

/// A date found in text: the span and the byte range it occupies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub span: DateSpan,
    pub start: usize,
    pub end: usize,
}

/// The Western year of a Japanese era year (`平成26年` → 2014, `令和元年` → 2019).
fn era_year(era: &str, n: &str) -> Option<i32> {
    let n: i32 = if n == "元" { 1 } else { n.parse().ok()? };
    let base = match era {
        "令和" => 2018,
        "平成" => 1988,
        "昭和" => 1925,
        "大正" => 1911,
        _ => return None,
    };
    Some(base + n)
}

fn from_ja(c: &C) -> Option<DateSpan> {
    let year: i32 = match (num(c, "y"), c.name("era"), c.name("ey")) {
        (Some(y), _, _) => y,
        (None, Some(era), Some(n)) => era_year(era, n)?,
        _ => return None,
    };
    let month: Option<u8> = num(c, "m");
    let mut day: Option<u8> = num(c, "d");
    let has_end = c.name("d2").is_some();
    if day.is_some() && c.name("dj").is_none() && !has_end {
        // `2013年5月9` not followed by 日 nor a range is not a day.
        day = None;
    }
    let start = PartialDate {
        year,
        month,
        day: month.and(day),
    };
    let end = if has_end {
        let y2 = num(c, "y2").unwrap_or(year);
        let m2 = num(c, "m2").or(month);
        let d2 = num(c, "d2");
        if start.day.is_none() {
            // `2014年12月~14日` has no start day: not a range we can read.
            start
        } else {
            PartialDate {
                year: y2,
                month: m2,
                day: d2,
            }
        }
    } else {
        start
    };
    Some(DateSpan { start, end })
}

fn from_en(c: &C) -> Option<DateSpan> {
    let year: i32 = num(c, "y")?;
    let month = c.name("m").and_then(month_num);
    let day: Option<u8> = num(c, "d");
    let start = PartialDate {
        year,
        month,
        day: month.and(day),
    };
    let end = match num::<u8>(c, "d2") {
        Some(d2) => {
            let m2 = c.name("m2").and_then(month_num).or(month);
            PartialDate {
                year,
                month: m2,
                day: Some(d2),
            }
        }
        None => start,
    };
    Some(DateSpan { start, end })
}

fn from_iso(c: &C) -> Option<DateSpan> {
    Some(DateSpan::single(PartialDate {
        year: num(c, "y")?,
        month: num(c, "m"),
        day: num(c, "d"),
    }))
}

fn from_year(c: &C) -> Option<DateSpan> {
    Some(DateSpan::single(PartialDate {
        year: num(c, "y")?,
        month: None,
        day: None,
    }))
}

/// Which date grammar a search uses.
#[derive(Clone, Copy)]
enum Grammar {
    /// [`DATES`]: full and partial dates of every form.
    Dates,
    /// [`YEAR`]: a bare year.
    Year,
}

/// The date of `grammar` that starts at (anchored) or after `from`.
fn search(grammar: Grammar, t: &str, from: usize, anchored: bool) -> Option<Found> {
    thread_local! {
        static CAPS: std::cell::RefCell<(Captures, Captures)> =
            std::cell::RefCell::new((DATES.create_captures(), YEAR.create_captures()));
    }
    let input = Input::new(t)
        .range(from..)
        .anchored(if anchored { Anchored::Yes } else { Anchored::No });
    CAPS.with_borrow_mut(|(dates_caps, year_caps)| {
        let (re, caps, table) = match grammar {
            Grammar::Dates => (&*DATES, dates_caps, &*DATES_GROUPS),
            Grammar::Year => (&*YEAR, year_caps, &*YEAR_GROUPS),
        };
        re.search_captures(&input, caps);
        let m = caps.get_match()?;
        let pattern = m.pattern().as_usize();
        let c = C {
            caps,
            groups: &table[pattern],
            hay: t,
        };
        let span = match (grammar, pattern) {
            (Grammar::Year, _) => from_year(&c),
            (Grammar::Dates, 0) => from_ja(&c),
            (Grammar::Dates, 3) => from_iso(&c),
            (Grammar::Dates, _) => from_en(&c),
        }?;
        Some(Found {
            span,
            start: m.start(),
            end: m.end(),
        })
    })
}

/// Finds the first date in `text` (year-only dates only when nothing better is there).
/// Byte offsets refer to the width-folded text, which has the same characters.
pub fn find_first(text: &str) -> Option<Found> {
    let folded = fold_width(text);
    let t = folded.as_ref();
    // Every date written here carries a four-digit year or an era year: most text has none.
    let era = t.contains('年') && ["令和", "平成", "昭和", "大正"].iter().any(|e| t.contains(e));
    if !has_four_digits(t) && !era {
        return None;
    }
    let found = search(Grammar::Dates, t, 0, false).or_else(|| search(Grammar::Year, t, 0, false))?;
    Some(extend_range(t, found))
}

fn has_four_digits(t: &str) -> bool {
    let mut run = 0;
    for b in t.bytes() {
        if b.is_ascii_digit() {
            run += 1;
            if run == 4 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

/// `December 28, 2013 to January 3, 2014`: two full dates joined by a range word.
fn extend_range(t: &str, found: Found) -> Found {
    let Some(m) = RANGE_TAIL.find(&t[found.end..]) else {
        return found;
    };
    match search(Grammar::Dates, t, found.end + m.end(), true) {
        Some(next) => Found {
            span: DateSpan {
                start: found.span.start,
                end: next.span.end,
            },
            start: found.start,
            end: next.end,
        },
        None => found,
    }
}

/// Parses a date at the very start of `text` (after white space), as an entry
/// of a timeline begins: `2014年2月3~4日:`, `February 3 to 4, 2014:`, `2009:`.
pub fn leading(text: &str) -> Option<Found> {
    // A leading date is short: look at the start of the line only.
    let mut cut = text.len().min(160);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let folded = fold_width(&text[..cut]);
    let t = folded.as_ref();
    let lead = t.len() - t.trim_start().len();
    if !t[lead..].starts_with(|c: char| c.is_ascii_alphanumeric() || matches!(c, '令' | '平' | '昭' | '大')) {
        return None;
    }
    let found = search(Grammar::Dates, t, lead, true).or_else(|| search(Grammar::Year, t, lead, true))?;
    let found = extend_range(t, found);
    let after = t[found.end..].chars().next();
    let sep_ok = match after {
        None => true,
        // `2014年2月3日（月）:`, `2014年2月3日 ― …`, `February 3, 2014 (Mon.):`
        Some(c) => matches!(
            c,
            ':' | ',' | '、' | ' ' | '\u{a0}' | '-' | '–' | '—' | '―' | ';' | '.' | '：' | '，' | '(' | '\u{3000}'
        ),
    };
    // A bare year must be followed by a separator to count as a date (`2009: …`).
    let bare_year = found.span.start.month.is_none() && !t[found.start..found.end].contains('年');
    if !sep_ok || (bare_year && !matches!(after, Some(':' | '-' | '–' | '—' | ','))) {
        return None;
    }
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(s: &str) -> DateSpan {
        find_first(s).unwrap_or_else(|| panic!("no date in {s:?}")).span
    }

    #[test]
    fn japanese_forms() {
        assert_eq!(span("2014年2月3~4日:").to_string(), "2014-02-03 to 2014-02-04");
        assert_eq!(span("2014年12月8日~14日:").to_string(), "2014-12-08 to 2014-12-14");
        assert_eq!(span("2011年9月:").to_string(), "2011-09");
        assert_eq!(span("２０１１年６月９～１０日").to_string(), "2011-06-09 to 2011-06-10");
        assert_eq!(span("2012年6月外務省").to_string(), "2012-06");
        assert_eq!(
            span("2013年12月28日～2014年1月3日").to_string(),
            "2013-12-28 to 2014-01-03"
        );
    }

    #[test]
    fn english_forms() {
        assert_eq!(span("February 3 to 4, 2014:").to_string(), "2014-02-03 to 2014-02-04");
        assert_eq!(
            span("September 16 and 17, 2014").to_string(),
            "2014-09-16 to 2014-09-17"
        );
        assert_eq!(span("16 and 17 September 2014").to_string(), "2014-09-16 to 2014-09-17");
        assert_eq!(span("September 2011:").to_string(), "2011-09");
        assert_eq!(
            span("March 28 to April 2, 2014").to_string(),
            "2014-03-28 to 2014-04-02"
        );
        assert_eq!(
            span("x, December 28, 2013 to January 3, 2014").to_string(),
            "2013-12-28 to 2014-01-03"
        );
        assert_eq!(span("“Title,” 2009, http://x").to_string(), "2009");
    }

    #[test]
    fn reversed_and_agreement() {
        let r = span("October 18 to 10, 2012");
        assert!(r.is_reversed());
        assert!(!span("October 18 to 19, 2012").is_reversed());
        assert!(span("March 2014").agrees_with(&span("2014年3月12日")));
        assert!(!span("2014年2月3~4日").agrees_with(&span("February 2 to 3, 2014")));
        assert!(!span("February 3, 2014").agrees_with(&span("February 3 to 4, 2014")));
        assert!(span("2014年12月8日~14日").agrees_with(&span("December 8 to 14, 2014")));
    }

    #[test]
    fn japanese_era_years() {
        assert_eq!(span("平成26年2月3日:").to_string(), "2014-02-03");
        assert_eq!(span("令和元年5月").to_string(), "2019-05");
        assert_eq!(span("昭和64年1月7日").to_string(), "1989-01-07");
        assert!(leading("平成26年2月3日（月）：会合").is_some());
        assert_eq!(
            span("2014年2月3日（月）～4日（火）").to_string(),
            "2014-02-03 to 2014-02-04"
        );
    }

    #[test]
    fn leading_dates() {
        assert!(leading("2009: The American").is_some());
        assert!(leading("2009年:在日").is_some());
        assert!(leading("2014年4月10日、日米").is_some());
        assert!(leading("The 2009 paper").is_none());
        assert!(leading("2009 people came").is_none());
        // A bare leading year still dates the entry when a fuller date follows it.
        let f = leading("2009: talks began in March 2010").unwrap();
        assert_eq!(f.span.to_string(), "2009");
        assert_eq!(leading("  • x").map(|f| f.start), None);
    }

    #[test]
    fn invalid_dates() {
        assert!(!span("2014年2月30日").is_valid());
        assert!(!span("2014年13月1日").is_valid());
        assert!(span("February 29, 2012").is_valid());
    }
}

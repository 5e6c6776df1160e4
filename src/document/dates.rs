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
use regex_automata::{Anchored, Input, Match, meta};
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateSpan {
    pub start: PartialDate,
    pub end: PartialDate,
}

/// `{"start": …, "end": …}`, the end left out when it is the start (a single date).
impl Serialize for DateSpan {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let single = self.start == self.end;
        let mut st = s.serialize_struct("DateSpan", 2)?;
        st.serialize_field("start", &self.start)?;
        if single {
            st.skip_field("end")?;
        } else {
            st.serialize_field("end", &self.end)?;
        }
        st.end()
    }
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
/// day-month-year, ISO, month-year, with `b` for their word boundaries. One
/// multi-pattern regex finds the earliest date of any form in one pass (at
/// equal starts the earlier pattern wins); each pattern has its own capture
/// names. Every pattern but the Japanese one starts and ends with a boundary.
fn date_patterns(b: &str) -> Vec<String> {
    vec![
        JA.to_string(),
        format!(
            r"{b}(?P<m>{MONTH})\.?\s+(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?(?:\s*{RANGE_EN}\s*(?:(?P<m2>{MONTH})\.?\s+)?(?P<d2>[0-9]{{1,2}})(?:st|nd|rd|th)?)?,?\s+(?P<y>[0-9]{{4}}){b}"
        ),
        format!(
            r"{b}(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?(?:\s*{RANGE_EN}\s*(?P<d2>[0-9]{{1,2}})(?:st|nd|rd|th)?)?\s+(?P<m>{MONTH})\.?,?\s+(?P<y>[0-9]{{4}}){b}"
        ),
        format!(r"{b}(?P<y>[0-9]{{4}})[-/.](?P<m>[0-9]{{1,2}})[-/.](?P<d>[0-9]{{1,2}}){b}"),
        format!(r"{b}(?P<m>{MONTH})\.?,?\s+(?P<y>[0-9]{{4}}){b}"),
    ]
}

/// A bare year, used only when no fuller date is found: 19xx or 20xx, or
/// an older one in parentheses, as a citation writes it after its author
/// (`Brunner, Thomas (1851).`); a bare 1851 is as often a count.
fn year_pattern(b: &str) -> Vec<String> {
    vec![
        format!(r"{b}(?P<y>(?:19|20)[0-9]{{2}}){b}"),
        r"\((?P<y>1[5-8][0-9]{2})\)".to_string(),
    ]
}

/// The patterns as written, with Unicode word boundaries (`年` is a word
/// character: `2014年` holds no bare year).
static DATES: LazyLock<meta::Regex> =
    LazyLock::new(|| meta::Regex::new_many(&date_patterns(r"\b")).expect("valid regex"));
static YEAR: LazyLock<meta::Regex> =
    LazyLock::new(|| meta::Regex::new_many(&year_pattern(r"\b")).expect("valid regex"));

/// The same patterns with ASCII word boundaries: the lazy DFA gives up on a
/// Unicode word boundary as soon as it meets a non-ASCII byte (every line of
/// Japanese), and the search then falls back to a much slower engine. Every
/// boundary stands next to an ASCII letter or digit of the match, so where
/// the Unicode boundary holds the ASCII one does too: these find every match
/// of [`DATES`] and [`YEAR`], and a match whose edges are also Unicode
/// boundaries is theirs (see [`search`]).
static DATES_ASCII: LazyLock<meta::Regex> =
    LazyLock::new(|| meta::Regex::new_many(&date_patterns(r"(?-u:\b)")).expect("valid regex"));
static YEAR_ASCII: LazyLock<meta::Regex> =
    LazyLock::new(|| meta::Regex::new_many(&year_pattern(r"(?-u:\b)")).expect("valid regex"));

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

/// Index of each capture group in [`Groups`], as named in [`NAMES`].
mod g {
    pub const Y: usize = 0;
    pub const ERA: usize = 1;
    pub const EY: usize = 2;
    pub const M: usize = 3;
    pub const D: usize = 4;
    pub const DJ: usize = 5;
    pub const Y2: usize = 6;
    pub const M2: usize = 7;
    pub const D2: usize = 8;
}

/// The groups of one date match (indexed by [`g`]): read from the regex's
/// captures, or split by hand from the match ([`split`]).
#[derive(Debug, Default, PartialEq, Eq)]
struct Groups<'t>([Option<&'t str>; 9]);

impl<'t> Groups<'t> {
    fn get(&self, k: usize) -> Option<&'t str> {
        self.0[k]
    }

    fn from_captures(caps: &Captures, table: &[Option<usize>; 9], hay: &'t str) -> Self {
        Groups(table.map(|i| {
            let span = caps.get_group(i?)?;
            hay.get(span.start..span.end)
        }))
    }
}

fn num<T: std::str::FromStr>(c: &Groups, k: usize) -> Option<T> {
    c.get(k).and_then(|m| m.parse().ok())
}

fn month_num(name: &str) -> Option<u8> {
    let b = name.as_bytes();
    let key = [b.first()?, b.get(1)?, b.get(2)?].map(u8::to_ascii_lowercase);
    let m = match &key {
        b"jan" => 1,
        b"feb" => 2,
        b"mar" => 3,
        b"apr" => 4,
        b"may" => 5,
        b"jun" => 6,
        b"jul" => 7,
        b"aug" => 8,
        b"sep" => 9,
        b"oct" => 10,
        b"nov" => 11,
        b"dec" => 12,
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

fn from_ja(c: &Groups) -> Option<DateSpan> {
    let year: i32 = match (num(c, g::Y), c.get(g::ERA), c.get(g::EY)) {
        (Some(y), _, _) => y,
        (None, Some(era), Some(n)) => era_year(era, n)?,
        _ => return None,
    };
    let month: Option<u8> = num(c, g::M);
    let mut day: Option<u8> = num(c, g::D);
    let has_end = c.get(g::D2).is_some();
    if day.is_some() && c.get(g::DJ).is_none() && !has_end {
        // `2013年5月9` not followed by 日 nor a range is not a day.
        day = None;
    }
    let start = PartialDate {
        year,
        month,
        day: month.and(day),
    };
    let end = if has_end {
        let y2 = num(c, g::Y2).unwrap_or(year);
        let m2 = num(c, g::M2).or(month);
        let d2 = num(c, g::D2);
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

fn from_en(c: &Groups) -> Option<DateSpan> {
    let year: i32 = num(c, g::Y)?;
    let month = c.get(g::M).and_then(month_num);
    let day: Option<u8> = num(c, g::D);
    let start = PartialDate {
        year,
        month,
        day: month.and(day),
    };
    let end = match num::<u8>(c, g::D2) {
        Some(d2) => {
            let m2 = c.get(g::M2).and_then(month_num).or(month);
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

fn from_iso(c: &Groups) -> Option<DateSpan> {
    Some(DateSpan::single(PartialDate {
        year: num(c, g::Y)?,
        month: num(c, g::M),
        day: num(c, g::D),
    }))
}

fn from_year(c: &Groups) -> Option<DateSpan> {
    Some(DateSpan::single(PartialDate {
        year: num(c, g::Y)?,
        month: None,
        day: None,
    }))
}

/// Which date grammar a search uses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Grammar {
    /// [`DATES`]: full and partial dates of every form.
    Dates,
    /// [`YEAR`]: a bare year.
    Year,
}

/// The date of `grammar` that starts at (anchored) or after `from`.
///
/// The regex finds the match (a lazy DFA, no capture engine); the match is
/// then split into its groups by hand ([`split`]), and only a match the
/// splitter cannot read is run through the capture engine.
fn search(grammar: Grammar, t: &str, from: usize, anchored: bool) -> Option<Found> {
    let (fast, exact) = match grammar {
        Grammar::Dates => (&*DATES_ASCII, &*DATES),
        Grammar::Year => (&*YEAR_ASCII, &*YEAR),
    };
    let input = Input::new(t)
        .range(from..)
        .anchored(if anchored { Anchored::Yes } else { Anchored::No });
    let m = match grammar {
        // A Japanese date right at `from` is the leftmost match, and the
        // Japanese pattern is the first: no regex call needed.
        Grammar::Dates if let Some(len) = plain_ja_date(&t[from..]) => Match::must(0, from..from + len),
        _ => {
            let m = fast.search(&input)?;
            // The ASCII-boundary match is the Unicode one when its edges are Unicode
            // boundaries too (the Japanese pattern has none); else ask the exact regex.
            let word = |c: Option<char>| c.is_some_and(regex_syntax::is_word_character);
            let bounded = grammar == Grammar::Dates && m.pattern().as_usize() == 0
                || !(word(t[..m.start()].chars().next_back()) || word(t[m.end()..].chars().next()));
            if bounded { m } else { exact.search(&input)? }
        }
    };
    let pattern = m.pattern().as_usize();
    let read = |c: &Groups| match (grammar, pattern) {
        (Grammar::Year, _) => from_year(c),
        (Grammar::Dates, 0) => from_ja(c),
        (Grammar::Dates, 3) => from_iso(c),
        (Grammar::Dates, _) => from_en(c),
    };
    let span = match split(grammar, pattern, &t[m.range()]) {
        Some(c) => read(&c),
        None => {
            let input = input.range(m.range()).anchored(Anchored::Pattern(m.pattern()));
            with_captures(grammar, &input, t, |c| read(c))
        }
    }?;
    Some(Found {
        span,
        start: m.start(),
        end: m.end(),
    })
}

/// The length of the Japanese date `t` starts with, when it is written in the
/// plain form most are (`2014年2月3日`: four digits, one or two, one or two,
/// nothing between) and nothing after it could extend the match of the
/// Japanese pattern (white space, a weekday in parentheses, a range word):
/// then the pattern's leftmost-first match is exactly this. Otherwise None,
/// and the regex decides.
fn plain_ja_date(t: &str) -> Option<usize> {
    // Greedy digits then the unit right after them: `20145年` or `123月` fail
    // here as the pattern's own `[0-9]{4}年` and `[0-9]{1,2}月` do.
    let mut c = Cur { s: t, i: 0 };
    c.digits_exact(4)?;
    for unit in ["年", "月"] {
        if !c.lit(unit) {
            return None;
        }
        c.digits(2)?;
    }
    if !c.lit("日") {
        return None;
    }
    let extends = c.rest().chars().next().is_some_and(|c| {
        c.is_whitespace()
            || matches!(
                c,
                '(' | '（' | '~' | '-' | '‐' | '‒' | '–' | '—' | '―' | 'か' | '・' | '、' | '及' | 'お'
            )
    });
    (!extends).then_some(c.i)
}

/// Runs the capture engine of `grammar` and hands `f` the groups it found.
fn with_captures<'h, R>(
    grammar: Grammar,
    input: &Input<'_>,
    hay: &'h str,
    f: impl FnOnce(&Groups<'h>) -> Option<R>,
) -> Option<R> {
    thread_local! {
        static CAPS: std::cell::RefCell<(Captures, Captures)> =
            std::cell::RefCell::new((DATES.create_captures(), YEAR.create_captures()));
    }
    CAPS.with_borrow_mut(|(dates_caps, year_caps)| {
        let (re, caps, table) = match grammar {
            Grammar::Dates => (&*DATES, dates_caps, &*DATES_GROUPS),
            Grammar::Year => (&*YEAR, year_caps, &*YEAR_GROUPS),
        };
        re.search_captures(input, caps);
        let pattern = caps.pattern()?.as_usize();
        f(&Groups::from_captures(caps, &table[pattern], hay))
    })
}

/// A day, the month and the day that end its range (see [`Cur::days`]).
type Days<'t> = (Option<&'t str>, Option<&'t str>, Option<&'t str>);

/// A reading position in a date match, for [`split`].
struct Cur<'t> {
    s: &'t str,
    i: usize,
}

impl<'t> Cur<'t> {
    fn rest(&self) -> &'t str {
        &self.s[self.i..]
    }

    /// `\s*`
    fn ws(&mut self) {
        let rest = self.rest();
        self.i += rest.len() - rest.trim_start().len();
    }

    /// `\s+`
    fn ws1(&mut self) -> bool {
        let at = self.i;
        self.ws();
        self.i > at
    }

    fn lit(&mut self, l: &str) -> bool {
        let ok = self.rest().starts_with(l);
        if ok {
            self.i += l.len();
        }
        ok
    }

    /// The first of `alternatives` that stands here (taken).
    fn one_of(&mut self, alternatives: &[&'static str]) -> Option<&'static str> {
        alternatives.iter().copied().find(|a| self.lit(a))
    }

    /// `[0-9]{1,max}`, greedy.
    fn digits(&mut self, max: usize) -> Option<&'t str> {
        let n = self.rest().bytes().take(max).take_while(u8::is_ascii_digit).count();
        (n > 0).then(|| {
            self.i += n;
            &self.s[self.i - n..self.i]
        })
    }

    /// `[0-9]{n}`
    fn digits_exact(&mut self, n: usize) -> Option<&'t str> {
        let at = self.i;
        match self.digits(n) {
            Some(d) if d.len() == n => Some(d),
            _ => {
                self.i = at;
                None
            }
        }
    }

    /// `[0-9]{1,max}\s*unit` (exactly `max` digits when `exact`), taken
    /// whole or not at all: the digits.
    fn number_before(&mut self, max: usize, exact: bool, unit: &str) -> Option<&'t str> {
        let at = self.i;
        let digits = if exact {
            self.digits_exact(max)
        } else {
            self.digits(max)
        };
        match digits {
            Some(d)
                if {
                    self.ws();
                    self.lit(unit)
                } =>
            {
                Some(d)
            }
            _ => {
                self.i = at;
                None
            }
        }
    }

    /// `,?\s+(?P<y>[0-9]{4})`: the year that ends an English date.
    fn year_tail(&mut self) -> Option<&'t str> {
        self.lit(",");
        if !self.ws1() {
            return None;
        }
        self.digits_exact(4)
    }

    /// An English day or range of days: `(?P<d>[0-9]{1,2})(?:st|nd|rd|th)?`,
    /// then optionally `\s*RANGE_EN\s*`, a month followed by `\.?\s+` (only
    /// when `month_in_range`) and `(?P<d2>[0-9]{1,2})(?:st|nd|rd|th)?`.
    /// Returns the day, the range's month and its day.
    fn days(&mut self, month_in_range: bool) -> Option<Days<'t>> {
        let d = self.digits(2)?;
        self.ordinal();
        let at = self.i;
        self.ws();
        if !self.range_word() {
            self.i = at;
            return Some((Some(d), None, None));
        }
        self.ws();
        let at = self.i;
        let m2 = match month_in_range.then(|| self.month()).flatten() {
            Some(m)
                if {
                    self.lit(".");
                    self.ws1()
                } =>
            {
                Some(m)
            }
            _ => {
                self.i = at;
                None
            }
        };
        let d2 = self.digits(2)?;
        self.ordinal();
        Some((Some(d), m2, Some(d2)))
    }

    /// A run of ASCII letters (maybe empty).
    fn letters(&mut self) -> &'t str {
        let n = self.rest().bytes().take_while(u8::is_ascii_alphabetic).count();
        self.i += n;
        &self.s[self.i - n..self.i]
    }

    /// `(?:st|nd|rd|th)?`
    fn ordinal(&mut self) {
        if matches!(self.rest().as_bytes().first(), Some(b's' | b'n' | b'r' | b't')) {
            self.one_of(&["st", "nd", "rd", "th"]);
        }
    }

    /// `(?:\s*\([月火水木金土日](?:曜日?)?\))?`: a weekday in parentheses.
    fn weekday(&mut self) {
        let at = self.i;
        self.ws();
        if self.lit("(") && self.one_of(&["月", "火", "水", "木", "金", "土", "日"]).is_some() {
            if self.lit("曜") {
                self.lit("日");
            }
            if self.lit(")") {
                return;
            }
        }
        self.i = at;
    }

    /// `RANGE_EN`
    fn range_word(&mut self) -> bool {
        // Their first bytes: `-`, the dashes' lead byte E2, `t`, `a`, `u`, `&`.
        matches!(
            self.rest().as_bytes().first(),
            Some(b'-' | 0xE2 | b't' | b'a' | b'u' | b'&')
        ) && self
            .one_of(&["-", "‐", "‒", "–", "—", "to", "and", "through", "until", "till", "&"])
            .is_some()
    }

    /// `MONTH` as a whole word of letters (what follows it is never a letter).
    fn month(&mut self) -> Option<&'t str> {
        let at = self.i;
        let w = self.letters();
        if is_month_word(w) {
            Some(w)
        } else {
            self.i = at;
            None
        }
    }
}

fn is_month_word(w: &str) -> bool {
    matches!(
        w,
        "Jan"
            | "January"
            | "Feb"
            | "February"
            | "Mar"
            | "March"
            | "Apr"
            | "April"
            | "May"
            | "Jun"
            | "June"
            | "Jul"
            | "July"
            | "Aug"
            | "August"
            | "Sep"
            | "Sept"
            | "September"
            | "Oct"
            | "October"
            | "Nov"
            | "November"
            | "Dec"
            | "December"
    )
}

/// Splits a match of one of the date patterns into its groups by hand.
///
/// The reader takes every optional part and every repetition greedily, in
/// the order the pattern prefers them, which is how the regex picked its
/// match. Where that greedy reading fails inside a part (the regex would have
/// backtracked) or does not end where the match ends, it gives up and the
/// capture engine reads the match instead: the groups are then always the
/// regex's own (property test `split_reads_the_capture_groups`).
fn split(grammar: Grammar, pattern: usize, s: &str) -> Option<Groups<'_>> {
    let mut c = Cur { s, i: 0 };
    let mut out = Groups::default();
    let g = &mut out.0;
    match (grammar, pattern) {
        (Grammar::Year, _) => g[g::Y] = Some(s),
        // Japanese.
        (Grammar::Dates, 0) => {
            if let Some(y) = c.digits_exact(4) {
                g[g::Y] = Some(y);
            } else {
                g[g::ERA] = Some(c.one_of(&["令和", "平成", "昭和", "大正"])?);
                c.ws();
                g[g::EY] = Some(c.digits(2).or_else(|| c.one_of(&["元"]))?);
            }
            c.ws();
            if !c.lit("年") {
                return None;
            }
            c.ws();
            if let Some(m) = c.number_before(2, false, "月") {
                g[g::M] = Some(m);
                c.ws();
                if let Some(d) = c.digits(2) {
                    g[g::D] = Some(d);
                    c.ws();
                    g[g::DJ] = c.one_of(&["日"]);
                }
            }
            c.weekday();
            let at = c.i;
            c.ws();
            if c.one_of(&["~", "-", "‐", "‒", "–", "—", "―", "から", "・", "、", "及び", "および"])
                .is_some()
            {
                c.ws();
                if let Some(y) = c.number_before(4, true, "年") {
                    g[g::Y2] = Some(y);
                    c.ws();
                }
                if let Some(m) = c.number_before(2, false, "月") {
                    g[g::M2] = Some(m);
                    c.ws();
                }
                g[g::D2] = Some(c.digits(2)?);
                c.ws();
                if !c.lit("日") {
                    return None;
                }
                c.weekday();
            } else {
                c.i = at;
            }
        }
        // Month day(s), year.
        (Grammar::Dates, 1) => {
            g[g::M] = Some(c.month()?);
            c.lit(".");
            if !c.ws1() {
                return None;
            }
            (g[g::D], g[g::M2], g[g::D2]) = c.days(true)?;
            g[g::Y] = Some(c.year_tail()?);
        }
        // Day(s) month year.
        (Grammar::Dates, 2) => {
            (g[g::D], _, g[g::D2]) = c.days(false)?;
            if !c.ws1() {
                return None;
            }
            g[g::M] = Some(c.month()?);
            c.lit(".");
            g[g::Y] = Some(c.year_tail()?);
        }
        // ISO.
        (Grammar::Dates, 3) => {
            g[g::Y] = Some(c.digits_exact(4)?);
            c.one_of(&["-", "/", "."])?;
            g[g::M] = Some(c.digits(2)?);
            c.one_of(&["-", "/", "."])?;
            g[g::D] = Some(c.digits(2)?);
        }
        // Month year.
        (Grammar::Dates, 4) => {
            g[g::M] = Some(c.month()?);
            c.lit(".");
            g[g::Y] = Some(c.year_tail()?);
        }
        _ => return None,
    }
    (c.i == s.len()).then_some(out)
}

/// Finds the first date in `text` (year-only dates only when nothing better is there).
/// Byte offsets refer to the width-folded text, which has the same characters.
pub fn find_first(text: &str) -> Option<Found> {
    find_first_folded(&fold_width(text))
}

/// [`find_first`] in text already width-folded ([`fold_width`]).
pub fn find_first_folded(t: &str) -> Option<Found> {
    // Every date written here carries a four-digit year or an era year: most text has none.
    let era = || t.contains('年') && ["令和", "平成", "昭和", "大正"].iter().any(|e| t.contains(e));
    if !has_four_digits(t) && !era() {
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

/// Whether [`RANGE_TAIL`] may match `rest`: it opens with what the regex needs
/// first. Told without a regex call, which costs more than the test: most
/// dates have no range after them.
fn may_start_range(rest: &str) -> bool {
    rest.trim_start().starts_with(['-', '–', '—', '~', 't', 'u'])
}

/// `December 28, 2013 to January 3, 2014`: two full dates joined by a range word.
fn extend_range(t: &str, found: Found) -> Found {
    if !may_start_range(&t[found.end..]) {
        return found;
    }
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
    leading_folded(&fold_width(&text[..lead_window(text)]))
}

/// A leading date is short: only the start of a line is looked at.
fn lead_window(text: &str) -> usize {
    let mut cut = text.len().min(160);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    cut
}

/// [`leading`] in text already width-folded ([`fold_width`]).
pub fn leading_folded(text: &str) -> Option<Found> {
    let t = &text[..lead_window(text)];
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
    fn an_old_year_counts_in_parentheses_only() {
        assert_eq!(span("Brunner, Thomas (1851). The Great Journey").to_string(), "1851");
        assert!(find_first("It took 1851 people and 1620 boats.").is_none());
        assert_eq!(span("Baker (2010) [1966]").to_string(), "2010");
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

    /// The groups of every match of `grammar` in `t`, as the capture engine
    /// reads them and as [`split`] does (None where it leaves the match to the
    /// capture engine).
    fn both_readings(grammar: Grammar, t: &str) -> Vec<(Groups<'_>, Option<Groups<'_>>)> {
        let re = match grammar {
            Grammar::Dates => &*DATES,
            Grammar::Year => &*YEAR,
        };
        let mut out = Vec::new();
        let mut from = 0;
        while from <= t.len() {
            let Some(m) = re.search(&Input::new(t).range(from..)) else {
                break;
            };
            let input = Input::new(t).range(m.range()).anchored(Anchored::Pattern(m.pattern()));
            let by_regex = with_captures(grammar, &input, t, |c| Some(Groups(c.0))).expect("the match has groups");
            out.push((by_regex, split(grammar, m.pattern().as_usize(), &t[m.range()])));
            from = m.end().max(m.start() + 1);
            while !t.is_char_boundary(from.min(t.len())) {
                from += 1;
            }
        }
        out
    }

    #[test]
    fn common_forms_are_split_by_hand() {
        for t in [
            "2014年2月3日",
            "平成26年2月3日（月）",
            "2014年12月8日~14日",
            "2013年12月28日~2014年1月3日",
            "2011年9月",
            "February 3 to 4, 2014",
            "March 28 to April 2, 2014",
            "16 and 17 September 2014",
            "Sept. 2011",
            "2015-02-18",
        ] {
            let t = fold_width(t);
            let readings = both_readings(Grammar::Dates, &t);
            assert_eq!(readings.len(), 1, "{t}");
            assert_eq!(Some(&readings[0].0), readings[0].1.as_ref(), "{t}");
        }
    }

    /// Date-like text: each slot of a Japanese or an English date filled with
    /// one of its usual forms, nothing, or something near it.
    fn date_like(choices: &[usize]) -> String {
        const JA_SLOTS: &[&[&str]] = &[
            &["", "x", "1", " ", "é"],
            &["2014", "平成26", "令和 元", "平成123", "20145", "12"],
            &["年", " 年 ", "", "月"],
            &["1", "12", "123", "", " 3"],
            &["月", " 月", "", "日"],
            &["3", "28", "", "123", " 9 "],
            &["日", "", " 日"],
            &["", "(月)", "（火曜日）", "(水曜)", "(x)", " (金)"],
            &["", "~", " - ", "から", "・", "及び", "、", "x"],
            &["", "2015年", "2015", "1月", "12 月 "],
            &["4", "14", "", "123"],
            &["日", "", "日(土)"],
            &["", ":", "x", "3"],
        ];
        const EN_SLOTS: &[&[&str]] = &[
            &["", "x ", "16 ", "16th and 17 ", "3-", "1", "年", "é", "_", "²"],
            &["May", "Sept.", "September", "Mar", "Marchx", "may", ""],
            &[" ", "", ".  ", ","],
            &["3", "28", "123", "", "3rd", "5th"],
            &["", " to ", "-", " and ", "through", "rough", "&", " until "],
            &["", "April ", "Apr. ", "Aprilx "],
            &["4", "14", "", "4th"],
            &[", ", " ", ",", "", ",  "],
            &["2014", "201", "20145", "1999"],
            &["", ":", "x", "-03-04", "年", "é", "_", "²", "-3-4年"],
        ];
        let slots = if choices[0].is_multiple_of(2) {
            JA_SLOTS
        } else {
            EN_SLOTS
        };
        slots
            .iter()
            .zip(&choices[1..])
            .map(|(options, &k)| options[k % options.len()])
            .collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]
        /// The test before the regex call turns away nothing the regex would match.
        #[test]
        fn may_start_range_keeps_every_range(parts in proptest::collection::vec(0usize..16, 0..5)) {
            const PIECES: [&str; 16] =
                [" ", "\u{3000}", "\u{a0}", "\t", "-", "–", "—", "~", "to", "through", "until", "t", "u", "T", "x", "年"];
            let rest: String = parts.iter().map(|&i| PIECES[i]).collect();
            if RANGE_TAIL.is_match(&rest) {
                proptest::prop_assert!(may_start_range(&rest), "{:?}", rest);
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]
        #[test]
        fn split_reads_the_capture_groups(
            a in proptest::collection::vec(0usize..64, 14),
            b in proptest::collection::vec(0usize..64, 14),
        ) {
            let t = format!("{} {}", fold_width(&date_like(&a)), fold_width(&date_like(&b)));
            for grammar in [Grammar::Dates, Grammar::Year] {
                for (by_regex, by_hand) in both_readings(grammar, &t) {
                    if let Some(by_hand) = by_hand {
                        proptest::prop_assert_eq!(&by_hand, &by_regex, "{:?}", t);
                    }
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]
        /// [`search`] finds with ASCII word boundaries what the patterns with
        /// Unicode boundaries find.
        #[test]
        fn search_finds_what_the_unicode_patterns_find(
            a in proptest::collection::vec(0usize..64, 14),
            b in proptest::collection::vec(0usize..64, 14),
            anchored in proptest::bool::ANY,
        ) {
            let t = format!("{}{}", fold_width(&date_like(&a)), fold_width(&date_like(&b)));
            for grammar in [Grammar::Dates, Grammar::Year] {
                let exact = match grammar {
                    Grammar::Dates => &*DATES,
                    Grammar::Year => &*YEAR,
                };
                let mut from = 0;
                while from <= t.len() {
                    let input = Input::new(&t)
                        .range(from..)
                        .anchored(if anchored { Anchored::Yes } else { Anchored::No });
                    let want = exact.search(&input).map(|m| (m.start(), m.end()));
                    let got = search(grammar, &t, from, anchored).map(|f| (f.start, f.end));
                    proptest::prop_assert_eq!(got, want, "{:?} from {}", t, from);
                    from += t[from..].chars().next().map_or(1, char::len_utf8);
                }
            }
        }
    }

    /// The splitter reads most date-like matches itself (else it would be no faster).
    #[test]
    fn split_reads_most_matches() {
        let (mut total, mut by_hand) = (0, 0);
        for seed in 0..4000usize {
            let choices: Vec<usize> = (0..14).map(|k| (seed * 7919 + k * 104_729) / (k + 1) % 64).collect();
            let t = fold_width(&date_like(&choices)).into_owned();
            for (_, hand) in both_readings(Grammar::Dates, &t) {
                total += 1;
                by_hand += usize::from(hand.is_some());
            }
        }
        assert!(total > 1000 && by_hand * 10 > total * 9, "{by_hand} of {total}");
    }

    #[test]
    fn invalid_dates() {
        assert!(!span("2014年2月30日").is_valid());
        assert!(!span("2014年13月1日").is_valid());
        assert!(span("February 29, 2012").is_valid());
    }
}

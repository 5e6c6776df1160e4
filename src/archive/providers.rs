//! The archive services, each answering in its own real format:
//! - Wayback CDX (`/cdx/search/cdx?…&output=json`): a header row, then rows of strings; `[]` for none;
//! - Wayback Availability (`/wayback/available?url=…&timestamp=…`): `"archived_snapshots": {}` for none,
//!   `http://` snapshot URLs;
//! - Wayback replay redirect (`/web/<timestamp>/<url>`): the `Location` names the nearest capture;
//! - Memento TimeTravel (`/api/json/<timestamp>/<url>`): `uri` fields are arrays;
//! - an RFC 7089 Memento TimeGate (`Accept-Datetime` → `Location` of the memento).

use jiff::civil::{Date, DateTime};
use serde::Deserialize;

use crate::config::{ArchiveProvider, ProviderKind};

/// A capture a provider offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    /// 14-digit timestamp `YYYYMMDDhhmmss`.
    pub timestamp: String,
    pub archived_url: String,
    pub provider: String,
}

/// What asking one provider gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Captures, best first.
    Found(Vec<Capture>),
    /// The provider answered: it has no capture.
    None,
    /// The provider did not answer usefully (timeout, 5xx, malformed reply).
    Failed(String),
}

/// `YYYYMMDDhhmmss` → date and time.
pub fn parse_timestamp(ts: &str) -> Option<DateTime> {
    if ts.len() < 8 || !ts.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |a: usize, b: usize| ts.get(a..b).and_then(|s| s.parse::<i16>().ok());
    let date = Date::new(n(0, 4)?, n(4, 6)? as i8, n(6, 8)? as i8).ok()?;
    let (h, m, s) = (n(8, 10).unwrap_or(0), n(10, 12).unwrap_or(0), n(12, 14).unwrap_or(0));
    date.to_datetime(jiff::civil::Time::new(h as i8, m as i8, s as i8, 0).ok()?)
        .into()
}

fn seconds_between(a: DateTime, b: DateTime) -> i64 {
    a.duration_since(b).as_secs()
}

/// The capture closest to the target date. When the best capture before and
/// the best after are within a day of each other in distance, the one before
/// wins (it shows the page as it was when cited).
pub fn closest(captures: &[Capture], target: Date) -> Option<Capture> {
    let t = target.to_datetime(jiff::civil::Time::midnight());
    let mut before: Option<(i64, &Capture)> = None;
    let mut after: Option<(i64, &Capture)> = None;
    for c in captures {
        let Some(when) = parse_timestamp(&c.timestamp) else {
            continue;
        };
        let d = seconds_between(when, t);
        if d <= 0 {
            if before.is_none_or(|(b, _)| -d < b) {
                before = Some((-d, c));
            }
        } else if after.is_none_or(|(a, _)| d < a) {
            after = Some((d, c));
        }
    }
    match (before, after) {
        (Some((db, b)), Some((da, a))) => Some(if db <= da || db - da <= 86_400 {
            b.clone()
        } else {
            a.clone()
        }),
        (Some((_, b)), None) => Some(b.clone()),
        (None, Some((_, a))) => Some(a.clone()),
        (None, None) => None,
    }
}

/// Parses a CDX JSON answer (`fl=timestamp,original,statuscode,mimetype`).
pub fn parse_cdx(body: &str, base: &str, provider: &str) -> Result<Vec<Capture>, String> {
    let rows: Vec<Vec<String>> = serde_json::from_str(body).map_err(|e| format!("malformed CDX JSON: {e}"))?;
    let Some(header) = rows.first() else {
        return Ok(Vec::new());
    };
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(ts), Some(orig)) = (col("timestamp"), col("original")) else {
        return Err("CDX answer without timestamp/original columns".to_string());
    };
    let status = col("statuscode");
    Ok(rows[1..]
        .iter()
        .filter(|r| status.is_none_or(|s| r.get(s).is_some_and(|v| v == "200")))
        .filter_map(|r| {
            let (t, o) = (r.get(ts)?, r.get(orig)?);
            Some(Capture {
                timestamp: t.clone(),
                archived_url: format!("{base}/web/{t}/{o}"),
                provider: provider.to_string(),
            })
        })
        .collect())
}

#[derive(Deserialize)]
struct Availability {
    archived_snapshots: Option<AvailabilitySnapshots>,
}

#[derive(Deserialize)]
struct AvailabilitySnapshots {
    closest: Option<AvailabilityClosest>,
}

#[derive(Deserialize)]
struct AvailabilityClosest {
    #[serde(default)]
    available: bool,
    url: String,
    timestamp: String,
    #[serde(default)]
    status: Option<String>,
}

/// Parses an Availability API answer.
pub fn parse_availability(body: &str, provider: &str) -> Result<Vec<Capture>, String> {
    let a: Availability = serde_json::from_str(body).map_err(|e| format!("malformed availability JSON: {e}"))?;
    Ok(a.archived_snapshots
        .and_then(|s| s.closest)
        .filter(|c| c.available && c.status.as_deref().is_none_or(|s| s == "200"))
        .map(|c| {
            vec![Capture {
                timestamp: c.timestamp,
                archived_url: upgrade(&c.url),
                provider: provider.to_string(),
            }]
        })
        .unwrap_or_default())
}

/// The Wayback Machine serves over HTTPS but names its snapshots `http://`.
pub fn upgrade(u: &str) -> String {
    match u.strip_prefix("http://web.archive.org/") {
        Some(rest) => format!("https://web.archive.org/{rest}"),
        None => u.to_string(),
    }
}

#[derive(Deserialize)]
struct TimeTravel {
    mementos: Option<TimeTravelMementos>,
}

#[derive(Deserialize)]
struct TimeTravelMementos {
    closest: Option<TimeTravelMemento>,
    #[serde(default)]
    prev: Option<TimeTravelMemento>,
    #[serde(default)]
    next: Option<TimeTravelMemento>,
}

#[derive(Deserialize)]
struct TimeTravelMemento {
    datetime: String,
    uri: Vec<String>,
}

/// Parses a TimeTravel JSON answer (its `uri` fields are arrays).
pub fn parse_timetravel(body: &str, provider: &str) -> Result<Vec<Capture>, String> {
    let t: TimeTravel = serde_json::from_str(body).map_err(|e| format!("malformed TimeTravel JSON: {e}"))?;
    let Some(m) = t.mementos else { return Ok(Vec::new()) };
    Ok([m.closest, m.prev, m.next]
        .into_iter()
        .flatten()
        .filter_map(|x| {
            let ts = x
                .datetime
                .parse::<jiff::Timestamp>()
                .ok()?
                .strftime("%Y%m%d%H%M%S")
                .to_string();
            Some(Capture {
                timestamp: ts,
                archived_url: x.uri.first()?.clone(),
                provider: provider.to_string(),
            })
        })
        .collect())
}

/// Parses an RFC 7089 TimeMap in link format: every `rel="memento"` entry with its datetime.
pub fn parse_timemap(body: &str, provider: &str) -> Result<Vec<Capture>, String> {
    let mut out = Vec::new();
    let mut saw_link = false;
    for entry in split_links(body) {
        let Some((uri, params)) = entry.trim().strip_prefix('<').and_then(|e| e.split_once('>')) else {
            continue;
        };
        saw_link = true;
        let param = |name: &str| {
            params.split(';').find_map(|p| {
                let (k, v) = p.split_once('=')?;
                (k.trim().eq_ignore_ascii_case(name)).then(|| v.trim().trim_matches('"').to_string())
            })
        };
        let is_memento = param("rel").is_some_and(|r| r.split_whitespace().any(|x| x == "memento"));
        if let (true, Some(dt)) = (is_memento, param("datetime")) {
            let ts = jiff::fmt::rfc2822::parse(&dt).map_err(|e| format!("bad TimeMap datetime {dt:?}: {e}"))?;
            out.push(Capture {
                timestamp: ts.timestamp().strftime("%Y%m%d%H%M%S").to_string(),
                archived_url: uri.to_string(),
                provider: provider.to_string(),
            });
        }
    }
    if !saw_link && !body.trim().is_empty() {
        return Err("malformed TimeMap: no links".to_string());
    }
    Ok(out)
}

/// Splits link-format text at the commas between `<…>` entries (not those inside quoted datetimes).
fn split_links(body: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut quoted, mut in_uri) = (0, false, false);
    for (i, c) in body.char_indices() {
        match c {
            '"' if !in_uri => quoted = !quoted,
            '<' if !quoted => in_uri = true,
            '>' if !quoted => in_uri = false,
            ',' if !quoted && !in_uri => {
                out.push(&body[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&body[start..]);
    out
}

/// The capture a replay redirect (`Location: /web/20140203123456/http://…`) names.
pub fn parse_replay_location(location: &str, base: &str, provider: &str) -> Option<Capture> {
    let after = &location[location.find("/web/")? + 5..];
    let ts: String = after.chars().take_while(|c| c.is_ascii_digit()).collect();
    if ts.len() < 8 {
        return None;
    }
    let url = if location.starts_with("http") {
        location.to_string()
    } else {
        format!("{base}{location}")
    };
    Some(Capture {
        timestamp: ts,
        archived_url: upgrade(&url),
        provider: provider.to_string(),
    })
}

/// The request URL for a provider, a cited URL and a target date.
pub fn request_url(p: &ArchiveProvider, url: &str, target: Date) -> String {
    let base = p.base_url.trim_end_matches('/');
    let ymd = target.strftime("%Y%m%d").to_string();
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    match p.kind {
        ProviderKind::WaybackCdx => {
            let from = target
                .saturating_sub(jiff::Span::new().years(3))
                .strftime("%Y%m%d")
                .to_string();
            let to = target
                .saturating_add(jiff::Span::new().years(3))
                .strftime("%Y%m%d")
                .to_string();
            format!(
                "{base}/cdx/search/cdx?url={}&output=json&fl=timestamp,original,statuscode,mimetype&filter=statuscode:200&from={from}&to={to}",
                enc(url)
            )
        }
        ProviderKind::WaybackAvailability => format!("{base}/wayback/available?url={}&timestamp={ymd}", enc(url)),
        ProviderKind::WaybackReplay => format!("{base}/web/{ymd}/{url}"),
        ProviderKind::Timetravel => format!("{base}/api/json/{ymd}/{url}"),
        ProviderKind::Memento | ProviderKind::MementoTimemap => format!("{base}/{url}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cap(ts: &str) -> Capture {
        Capture {
            timestamp: ts.into(),
            archived_url: format!("x/{ts}"),
            provider: "p".into(),
        }
    }

    #[test]
    fn closest_capture_and_tie_rule() {
        let target = Date::new(2014, 2, 3).unwrap();
        // Before by 10 days, after by 2 days: the after one is closer.
        assert_eq!(
            closest(&[cap("20140124000000"), cap("20140205000000")], target)
                .unwrap()
                .timestamp,
            "20140205000000"
        );
        // Before by 1.5 days, after by 1 day: within a day of each other → the one before.
        assert_eq!(
            closest(&[cap("20140201120000"), cap("20140204000000")], target)
                .unwrap()
                .timestamp,
            "20140201120000"
        );
        assert!(closest(&[], target).is_none());
    }

    #[test]
    fn real_answer_shapes() {
        let cdx = r#"[["timestamp","original","statuscode","mimetype"],["20140203101010","http://a.jp/x","200","text/html"],["20140204101010","http://a.jp/x","404","text/html"]]"#;
        let c = parse_cdx(cdx, "https://web.archive.org", "wayback").unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!(
            c[0].archived_url,
            "https://web.archive.org/web/20140203101010/http://a.jp/x"
        );
        assert_eq!(parse_cdx("[]", "b", "p").unwrap(), vec![]);
        assert!(parse_cdx("{oops", "b", "p").is_err());
        let av = r#"{"url":"a.jp/x","archived_snapshots":{"closest":{"status":"200","available":true,"url":"http://web.archive.org/web/20140203101010/http://a.jp/x","timestamp":"20140203101010"}}}"#;
        assert_eq!(
            parse_availability(av, "p").unwrap()[0].archived_url,
            "https://web.archive.org/web/20140203101010/http://a.jp/x"
        );
        assert!(
            parse_availability(r#"{"url":"a.jp/x","archived_snapshots":{}}"#, "p")
                .unwrap()
                .is_empty()
        );
        let tt = r#"{"original_uri":"http://a.jp/x","mementos":{"closest":{"datetime":"2014-02-03T10:10:10Z","uri":["https://archive.today/20140203101010/http://a.jp/x"]}}}"#;
        let t = parse_timetravel(tt, "p").unwrap();
        assert_eq!(t[0].timestamp, "20140203101010");
        assert_eq!(t[0].archived_url, "https://archive.today/20140203101010/http://a.jp/x");
        let r = parse_replay_location("/web/20140203101010/http://a.jp/x", "https://web.archive.org", "p").unwrap();
        assert_eq!(r.timestamp, "20140203101010");
        let tm = "<http://a.jp/x>; rel=\"original\",\n<http://arch/timemap/link/http://a.jp/x>; rel=\"self\"; type=\"application/link-format\",\n<http://arch/20140201000000/http://a.jp/x>; rel=\"first memento\"; datetime=\"Sat, 01 Feb 2014 00:00:00 GMT\",\n<http://arch/20140210000000/http://a.jp/x>; rel=\"last memento\"; datetime=\"Mon, 10 Feb 2014 00:00:00 GMT\"\n";
        let c = parse_timemap(tm, "p").unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].timestamp, "20140201000000");
        assert_eq!(c[1].archived_url, "http://arch/20140210000000/http://a.jp/x");
        assert!(parse_timemap("garbage", "p").is_err());
    }
}

//! One retry policy for every request, decided from the typed outcome (an
//! error's kind, a status, `Retry-After`), never from the words of a message.

use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};

use super::error::{NetError, NetErrorKind};

/// How often and how long to retry.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub retries: u32,
    /// The first backoff; doubled each retry, plus up to as much jitter.
    pub base: Duration,
    /// The longest `Retry-After` honoured.
    pub retry_after_cap: Duration,
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The answer is final.
    Stop,
    /// Try again after a backoff.
    Backoff(Duration),
    /// The host asked for this much time (`Retry-After`): it is slowed
    /// down, and the request tried again when its turn comes.
    HostAsked(Duration),
}

impl RetryPolicy {
    /// Decides after attempt `attempt` (0 for the first) got `error` or `status`.
    pub fn decide(&self, error: Option<&NetError>, status: Option<u16>, headers: &HeaderMap, attempt: u32) -> Decision {
        if attempt >= self.retries {
            return Decision::Stop;
        }
        let backoff = || {
            let base_ms = self.base.as_millis() as u64;
            let wait = base_ms.saturating_mul(1u64 << attempt.min(16));
            Decision::Backoff(Duration::from_millis(wait + fastrand::u64(0..=base_ms.max(1))))
        };
        match (error.map(|e| e.kind), status) {
            // A slow or broken answer may come right the next time.
            (Some(NetErrorKind::Timeout | NetErrorKind::Reset), _) => backoff(),
            // A name that does not resolve, a refused or failed connection, a
            // TLS failure: the same again.
            (Some(_), _) => Decision::Stop,
            (None, Some(429 | 503)) => match retry_after(headers) {
                Some(d) => Decision::HostAsked(d.min(self.retry_after_cap)),
                None => backoff(),
            },
            (None, Some(408 | 500..=599)) => backoff(),
            _ => Decision::Stop,
        }
    }
}

/// `Retry-After` in seconds or as an HTTP date.
pub fn retry_after(h: &HeaderMap) -> Option<Duration> {
    let v = h.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = jiff::fmt::rfc2822::parse(v).ok()?.timestamp();
    let d = when.duration_since(jiff::Timestamp::now());
    Some(Duration::from_secs_f64(d.as_secs_f64().max(0.0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn retry_after_in_seconds_and_as_a_date() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        let future = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(120);
        let date = jiff::fmt::rfc2822::DateTimePrinter::new()
            .timestamp_to_rfc9110_string(&future)
            .unwrap();
        h.insert(RETRY_AFTER, HeaderValue::from_str(&date).unwrap());
        let d = retry_after(&h).unwrap();
        assert!(
            d > Duration::from_secs(100) && d <= Duration::from_secs(121),
            "{d:?} from {date}"
        );
        h.insert(RETRY_AFTER, HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"));
        assert_eq!(retry_after(&h), Some(Duration::ZERO), "a date in the past means now");
    }

    #[test]
    fn decisions_follow_the_kind_and_the_status() {
        let p = RetryPolicy {
            retries: 2,
            base: Duration::from_millis(10),
            retry_after_cap: Duration::from_secs(5),
        };
        let none = HeaderMap::new();
        let err = |k| NetError::new(k, "");
        let is_backoff = |d| matches!(d, Decision::Backoff(_));
        assert!(is_backoff(p.decide(Some(&err(NetErrorKind::Timeout)), None, &none, 0)));
        assert!(is_backoff(p.decide(Some(&err(NetErrorKind::Reset)), None, &none, 1)));
        assert_eq!(
            p.decide(Some(&err(NetErrorKind::Reset)), None, &none, 2),
            Decision::Stop
        );
        for k in [
            NetErrorKind::Dns,
            NetErrorKind::Refused,
            NetErrorKind::Tls,
            NetErrorKind::Connect,
        ] {
            assert_eq!(p.decide(Some(&err(k)), None, &none, 0), Decision::Stop, "{k:?}");
        }
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(is_backoff(p.decide(None, Some(s), &none, 0)), "{s}");
        }
        for s in [200, 301, 400, 404, 410, 418] {
            assert_eq!(p.decide(None, Some(s), &none, 0), Decision::Stop, "{s}");
        }
        let mut asked = HeaderMap::new();
        asked.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(
            p.decide(None, Some(429), &asked, 0),
            Decision::HostAsked(Duration::from_secs(3))
        );
        asked.insert(RETRY_AFTER, HeaderValue::from_static("3600"));
        assert_eq!(
            p.decide(None, Some(503), &asked, 0),
            Decision::HostAsked(Duration::from_secs(5)),
            "capped"
        );
    }
}

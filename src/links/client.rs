//! One URL over HTTP: redirects followed by hand (to record the chain and
//! catch loops), the body read up to a cap, retries with backoff, and
//! transport errors sorted into kinds. Error texts never carry the URL.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, LOCATION, RETRY_AFTER};
use reqwest::{Method, StatusCode};

use super::addr::{AddrClass, Exclusions, hop_allowed};
use super::gate::{Gate, host_key, normal};
use crate::config::LinksConfig;

/// Why a request got no HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetError {
    /// The host name does not resolve.
    Dns,
    /// The host refused the connection.
    Refused,
    /// The connection failed otherwise (unreachable network, reset during connect).
    Connect(String),
    Timeout,
    Tls(String),
    /// The connection broke after it was made.
    Reset(String),
    Other(String),
}

impl NetError {
    /// The error in words (never with a URL).
    pub fn describe(&self) -> String {
        match self {
            NetError::Dns => "the host name does not resolve".to_string(),
            NetError::Refused => "connection refused".to_string(),
            NetError::Timeout => "timed out".to_string(),
            NetError::Connect(e) | NetError::Tls(e) | NetError::Reset(e) | NetError::Other(e) => e.clone(),
        }
    }

    /// Failures that say nothing about the page, only about the way to it.
    pub fn is_network(&self) -> bool {
        matches!(self, NetError::Dns | NetError::Connect(_))
    }
}

/// What one check of a URL received.
#[derive(Debug, Clone, Default)]
pub struct Fetched {
    pub status: Option<u16>,
    /// Every URL requested after the first.
    pub chain: Vec<String>,
    pub final_url: String,
    /// Whether every redirect followed was permanent (301, 308).
    pub permanent: bool,
    pub redirect_loop: bool,
    pub too_many_redirects: bool,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub error: Option<NetError>,
    /// Requests this check sent.
    pub requests: usize,
    /// Not sent: the address is of a class the configuration excludes (why).
    pub excluded: Option<String>,
    /// A redirect hop refused: into the local network from outside it (why).
    pub refused: Option<String>,
}

impl Fetched {
    pub fn content_type(&self) -> Option<String> {
        self.headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.to_string())
    }
}

/// The HTTP client of a run.
pub struct Http {
    client: reqwest::Client,
    cfg: LinksConfig,
}

impl Http {
    pub fn new(cfg: &LinksConfig) -> Result<Http, String> {
        let mut headers = HeaderMap::new();
        for (k, v) in &cfg.headers {
            let name = HeaderName::from_bytes(k.as_bytes()).map_err(|e| format!("links.headers: {k:?}: {e}"))?;
            let value = HeaderValue::from_str(v).map_err(|e| format!("links.headers: {k:?}: {e}"))?;
            headers.insert(name, value);
        }
        let mut b = reqwest::Client::builder()
            .user_agent(cfg.user_agent())
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(cfg.connect_timeout)
            .timeout(cfg.timeout)
            .pool_max_idle_per_host(cfg.per_host_concurrency.max(1));
        for (host, addr) in &cfg.resolve {
            b = b.resolve(host, *addr);
        }
        let client = b.build().map_err(|e| e.without_url().to_string())?;
        Ok(Http {
            client,
            cfg: cfg.clone(),
        })
    }

    /// Checks one URL: retries, HEAD→GET fallback, redirects, body cap.
    /// `want_body` asks for GET (the content matters); otherwise HEAD first.
    pub async fn check(&self, url: &str, want_body: bool, gate: &Gate, host: &str) -> Fetched {
        let extra_headers = self.cfg.host_headers(host);
        let mut method = if want_body { Method::GET } else { Method::HEAD };
        let mut attempt = 0u32;
        let mut requests = 0;
        loop {
            let mut f = self.follow(url, method.clone(), gate, host, &extra_headers).await;
            requests += f.requests;
            // HEAD refused or unsupported: the same URL by GET.
            if method == Method::HEAD && matches!(f.status, Some(400 | 403 | 405 | 406 | 500 | 501)) {
                method = Method::GET;
                continue;
            }
            let retry_wait = self.retry_wait(&f, attempt, gate);
            match retry_wait {
                Some(wait) if attempt < self.cfg.retries => {
                    attempt += 1;
                    tokio::time::sleep(wait).await;
                }
                _ => {
                    f.requests = requests;
                    return f;
                }
            }
        }
    }

    /// The classes of the addresses a URL's host stands for: the address
    /// itself, the configuration's `resolve`, else the system's resolver
    /// (behind a proxy too: the guard applies to what the machine resolves).
    /// None when the name does not resolve: the request then fails as it would.
    async fn classes(&self, url: &str) -> Vec<AddrClass> {
        let Ok(u) = reqwest::Url::parse(url) else {
            return Vec::new();
        };
        let port = u.port_or_known_default().unwrap_or(80);
        match u.host() {
            Some(url::Host::Ipv4(ip)) => vec![AddrClass::of(ip.into())],
            Some(url::Host::Ipv6(ip)) => vec![AddrClass::of(ip.into())],
            Some(url::Host::Domain(name)) => match self.cfg.resolve.get(name) {
                Some(addr) => vec![AddrClass::of(addr.ip())],
                None => tokio::net::lookup_host((name, port))
                    .await
                    .map(|addrs| addrs.map(|a| AddrClass::of(a.ip())).collect())
                    .unwrap_or_default(),
            },
            None => Vec::new(),
        }
    }

    /// How long to wait before retrying, or None when the answer is final.
    fn retry_wait(&self, f: &Fetched, attempt: u32, gate: &Gate) -> Option<Duration> {
        let backoff = || {
            let base_ms = self.cfg.retry_base.as_millis() as u64;
            let base = base_ms.saturating_mul(1u64 << attempt.min(16));
            Duration::from_millis(base + fastrand::u64(0..=base_ms.max(1)))
        };
        match (&f.error, f.status) {
            (Some(NetError::Timeout | NetError::Reset(_)), _) => Some(backoff()),
            (Some(_), _) => None,
            (None, Some(429 | 503)) => {
                let cap = self.cfg.retry_after_cap;
                match retry_after(&f.headers) {
                    Some(d) => {
                        let d = d.min(cap);
                        // The host asked us to slow down: do so for the rest of the run.
                        gate.slow_down(d);
                        Some(d)
                    }
                    None => Some(backoff()),
                }
            }
            (None, Some(408 | 500..=599)) => Some(backoff()),
            _ => None,
        }
    }

    /// One request and its redirects.
    async fn follow(&self, start: &str, method: Method, gate: &Gate, host: &str, extra: &HeaderMap) -> Fetched {
        let mut f = Fetched {
            final_url: start.to_string(),
            permanent: true,
            ..Fetched::default()
        };
        let mut url = start.to_string();
        let mut method = method;
        let mut seen = vec![normal(start)];
        let exclusions = Exclusions::of(&self.cfg);
        // The class of the address the last answer came from.
        let mut from: Option<AddrClass> = None;
        loop {
            // The classes of the URL being requested, when they are looked up
            // before it is sent (its redirect then needs no second lookup).
            let mut here: Option<Vec<AddrClass>> = None;
            // Where this request would go: checked before it is sent.
            if exclusions.any() || from.is_some() {
                let classes = here.insert(self.classes(&url).await);
                if let Some((class, flag)) = classes.iter().find_map(|c| exclusions.excludes(*c).map(|f| (*c, f))) {
                    f.excluded = Some(format!("a {} address ({flag})", class.name()));
                    f.final_url = url;
                    return f;
                }
                if let Some(prev) = from
                    && let Some(to) = classes.iter().find(|c| !hop_allowed(prev, **c))
                {
                    f.refused = Some(format!(
                        "a redirect from a {} address to a {} one ({})",
                        prev.name(),
                        to.name(),
                        crate::redact::url(&url)
                    ));
                    return f;
                }
            }
            let same_host = host_key(&url) == host;
            let _permit = gate.turn(same_host).await;
            f.requests += 1;
            gate.shared.requests.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut request = self.client.request(method.clone(), &url);
            // A host's own headers (a token, an API key) go to that host
            // only, never on a hop to another.
            if same_host {
                request = request.headers(extra.clone());
            }
            let sent = request.send().await;
            let mut resp = match sent {
                Ok(r) => r,
                Err(e) => {
                    f.error = Some(net_error(&e));
                    f.final_url = url;
                    if f.chain.is_empty() {
                        f.permanent = false;
                    }
                    return f;
                }
            };
            gate.answered();
            let status = resp.status();
            f.status = Some(status.as_u16());
            f.headers = resp.headers().clone();
            f.final_url = url.clone();
            if status.is_redirection()
                && let Some(loc) = resp.headers().get(LOCATION).and_then(|l| l.to_str().ok())
            {
                let next = match reqwest::Url::parse(&url).and_then(|base| base.join(loc)) {
                    Ok(u) => u.to_string(),
                    Err(_) => return f,
                };
                f.permanent &= matches!(status, StatusCode::MOVED_PERMANENTLY | StatusCode::PERMANENT_REDIRECT);
                let key = normal(&next);
                if seen.contains(&key) {
                    f.redirect_loop = true;
                    f.chain.push(next);
                    return f;
                }
                if f.chain.len() >= self.cfg.max_redirects {
                    f.too_many_redirects = true;
                    return f;
                }
                // The class of the address that sent the redirect: its name's,
                // as the machine resolves it (behind a proxy the connection's
                // own address is the proxy's), else the connection's.
                let classes = match here.take() {
                    Some(c) => c,
                    None => self.classes(&url).await,
                };
                from = classes
                    .first()
                    .copied()
                    .or_else(|| resp.remote_addr().map(|a| AddrClass::of(a.ip())));
                seen.push(key);
                f.chain.push(next.clone());
                if status == StatusCode::SEE_OTHER {
                    method = Method::GET;
                }
                url = next;
                continue;
            }
            if f.chain.is_empty() {
                f.permanent = false;
            }
            if method == Method::GET {
                let cap = self.cfg.max_body_bytes;
                loop {
                    match resp.chunk().await {
                        Ok(Some(chunk)) => {
                            let room = cap.saturating_sub(f.body.len());
                            f.body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                            if f.body.len() >= cap {
                                break;
                            }
                        }
                        Ok(None) => break,
                        Err(e) => {
                            // Headers arrived; a body that stalls or breaks is noted, not fatal.
                            if f.body.is_empty() && e.is_timeout() {
                                f.error = Some(NetError::Timeout);
                            }
                            break;
                        }
                    }
                }
            }
            return f;
        }
    }
}

/// Words of TLS failures in rustls and hyper errors.
const TLS_WORDS: &[&str] = &[
    "certificate",
    "tls",
    "handshake",
    "ssl",
    "corrupt message",
    "invalidcontenttype",
    "alert",
    "unknownissuer",
    "invalid peer",
];

/// Sorts a transport error. The text never includes the URL.
pub fn net_error(e: &reqwest::Error) -> NetError {
    let chain = error_chain(e);
    let lower = chain.to_ascii_lowercase();
    if e.is_timeout() {
        NetError::Timeout
    } else if e.is_dns()
        || lower.contains("dns error")
        || lower.contains("failed to lookup")
        || lower.contains("name or service not known")
    {
        NetError::Dns
    } else if TLS_WORDS.iter().any(|w| lower.contains(w)) {
        NetError::Tls(chain)
    } else if lower.contains("connection refused") {
        NetError::Refused
    } else if e.is_connect() {
        NetError::Connect(chain)
    } else if lower.contains("reset")
        || lower.contains("broken pipe")
        || lower.contains("connection closed")
        || lower.contains("incomplete")
    {
        NetError::Reset(chain)
    } else {
        NetError::Other(chain)
    }
}

fn error_chain(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut parts = Vec::new();
    let mut cur: Option<&dyn std::error::Error> = e.source();
    while let Some(err) = cur {
        parts.push(err.to_string());
        cur = err.source();
    }
    if parts.is_empty() {
        // reqwest's own text names the URL; keep only its kind.
        parts.push(if e.is_timeout() {
            "timed out".to_string()
        } else {
            "request failed".to_string()
        });
    }
    crate::redact::text(&parts.join(": "))
}

/// `Retry-After` in seconds or as an HTTP date.
pub fn retry_after(h: &HeaderMap) -> Option<Duration> {
    let v = h.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate(v)?;
    let now = jiff::Timestamp::now();
    let d = when.duration_since(now);
    Some(Duration::from_secs_f64(d.as_secs_f64().max(0.0)))
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn httpdate(s: &str) -> Option<jiff::Timestamp> {
    jiff::fmt::rfc2822::parse(s).ok().map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

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
}

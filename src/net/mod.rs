//! The one network layer, used by the link engine and by the archive
//! client: one client builder, the host pool (each host's pace, concurrency
//! and backoff), one typed retry policy, typed errors, and redirects
//! followed by hand so that every hop takes its own host's turn, carries no
//! other host's headers, and is kept out of the local network.
//!
//! Inside: [`addr`] (address classes) · [`error`] (why a request failed) ·
//! [`retry`] (whether to try again) · [`pool`] (whose turn it is) ← this
//! module ([`Net::fetch`]).

pub mod addr;
pub mod error;
pub mod pool;
pub mod retry;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, LOCATION};
use reqwest::{Method, StatusCode};

pub use addr::{AddrClass, Exclusions, hop_allowed};
pub use error::{NetError, NetErrorKind};
pub use pool::{HostPool, Limits, Plan, Service};
pub use retry::{Decision, RetryPolicy};

use crate::config::{ArchiveConfig, LinksConfig};

/// `host:port` of a URL, the unit of politeness ("" when it does not parse).
pub fn host_key(u: &str) -> String {
    url::Url::parse(u).map(|p| pool::host_key_of(&p)).unwrap_or_default()
}

/// The form URLs are compared in (redirect loops, duplicate citations):
/// lower-case scheme and host, no fragment, no default port. Unparsable
/// URLs compare as written.
pub fn normal(u: &str) -> String {
    match url::Url::parse(u) {
        Ok(mut p) => {
            p.set_fragment(None);
            p.to_string()
        }
        Err(_) => u.to_string(),
    }
}

/// How the layer is built.
pub struct Options {
    pub user_agent: String,
    /// Headers sent with every request, to every host.
    pub headers: BTreeMap<String, String>,
    pub connect_timeout: Duration,
    pub timeout: Duration,
    /// Fixed addresses for host names, as curl's `--resolve`.
    pub resolve: BTreeMap<String, SocketAddr>,
    pub exclusions: Exclusions,
    pub max_redirects: usize,
    /// Most body bytes read (after decompression).
    pub max_body: usize,
    pub policy: RetryPolicy,
    pub plan: Plan,
}

/// One request to make.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub url: &'a str,
    pub method: Method,
    /// Headers for the URL's own host only (a token, an API key): never
    /// sent on a hop to another host.
    pub own_headers: HeaderMap,
    /// Follow redirects (by hand, each hop in its host's turn).
    pub follow: bool,
    /// A form body (for POST).
    pub form: Option<String>,
}

impl<'a> Request<'a> {
    pub fn get(url: &'a str) -> Request<'a> {
        Request {
            url,
            method: Method::GET,
            own_headers: HeaderMap::new(),
            follow: true,
            form: None,
        }
    }

    pub fn method(mut self, m: Method) -> Self {
        self.method = m;
        self
    }

    pub fn follow(mut self, follow: bool) -> Self {
        self.follow = follow;
        self
    }

    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        if let (Ok(n), Ok(v)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            self.own_headers.insert(n, v);
        }
        self
    }

    pub fn own_headers(mut self, h: HeaderMap) -> Self {
        self.own_headers = h;
        self
    }

    pub fn form(mut self, body: String) -> Self {
        self.method = Method::POST;
        self.form = Some(body);
        self
    }
}

/// What one request (and its redirects, and its retries) received.
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

/// The client, its pool and its policy.
pub struct Net {
    client: reqwest::Client,
    pub pool: HostPool,
    policy: RetryPolicy,
    resolve: BTreeMap<String, SocketAddr>,
    exclusions: Exclusions,
    max_redirects: usize,
    max_body: usize,
    requests: AtomicUsize,
    answered: AtomicUsize,
}

impl Net {
    /// Builds the layer (lychee's `ClientBuilder` is the model): one
    /// reqwest client that follows no redirect itself.
    pub fn new(o: Options) -> Result<Net, String> {
        let mut headers = HeaderMap::new();
        for (k, v) in &o.headers {
            let name = HeaderName::from_bytes(k.as_bytes()).map_err(|e| format!("headers: {k:?}: {e}"))?;
            let value = HeaderValue::from_str(v).map_err(|e| format!("headers: {k:?}: {e}"))?;
            headers.insert(name, value);
        }
        let mut b = reqwest::Client::builder()
            .user_agent(o.user_agent.as_str())
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(o.connect_timeout)
            .timeout(o.timeout);
        for (host, addr) in &o.resolve {
            b = b.resolve(host, *addr);
        }
        let client = b.build().map_err(|e| e.without_url().to_string())?;
        Ok(Net {
            client,
            pool: HostPool::new(o.plan),
            policy: o.policy,
            resolve: o.resolve,
            exclusions: o.exclusions,
            max_redirects: o.max_redirects,
            max_body: o.max_body,
            requests: AtomicUsize::new(0),
            answered: AtomicUsize::new(0),
        })
    }

    /// The layer as the link engine uses it.
    pub fn for_links(cfg: &LinksConfig) -> Result<Net, String> {
        let limits = cfg.clone();
        Net::new(Options {
            user_agent: cfg.user_agent(),
            headers: cfg.headers.clone(),
            connect_timeout: cfg.connect_timeout,
            timeout: cfg.timeout,
            resolve: cfg.resolve.clone(),
            exclusions: Exclusions::of(cfg),
            max_redirects: cfg.max_redirects,
            max_body: cfg.max_body_bytes,
            policy: RetryPolicy {
                retries: cfg.retries,
                base: cfg.retry_base,
                retry_after_cap: cfg.retry_after_cap,
            },
            plan: Plan {
                global: cfg.concurrency,
                limits: Box::new(move |host| {
                    let (concurrency, interval) = limits.host_limits(host);
                    Limits { concurrency, interval }
                }),
                services: Vec::new(),
            },
        })
    }

    /// The layer as the archive client uses it: each archive service is
    /// asked one request at a time, `archive.interval` apart.
    pub fn for_archive(cfg: &ArchiveConfig, links: &LinksConfig) -> Result<Net, String> {
        let interval = cfg.interval;
        Net::new(Options {
            user_agent: links.user_agent(),
            headers: BTreeMap::new(),
            connect_timeout: links.connect_timeout,
            timeout: cfg.timeout,
            resolve: links.resolve.clone(),
            exclusions: Exclusions::of(links),
            max_redirects: 10,
            // A CDX answer for a much-captured URL runs to megabytes.
            max_body: ARCHIVE_MAX_BODY,
            policy: RetryPolicy {
                retries: cfg.retries,
                base: cfg.retry_base,
                retry_after_cap: links.retry_after_cap,
            },
            plan: Plan {
                global: 4,
                limits: Box::new(move |_| Limits {
                    concurrency: 1,
                    interval,
                }),
                services: Vec::new(),
            },
        })
    }

    /// Requests sent so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// Answers received over HTTP so far (any status): the network works.
    pub fn answered(&self) -> usize {
        self.answered.load(Ordering::SeqCst)
    }

    /// A request with its redirects, retried as the policy says (a HEAD
    /// that the server refuses is sent again as a GET): after a
    /// backoff, or when the host asked for time (`Retry-After`), in the
    /// host's next turn after that time.
    pub async fn fetch(&self, req: &Request<'_>) -> Fetched {
        let mut attempt = 0u32;
        let mut req = req.clone();
        loop {
            let f = self.follow(&req).await;
            // HEAD refused or unsupported: the same URL by GET.
            if req.method == Method::HEAD && matches!(f.status, Some(400 | 403 | 405 | 406 | 500 | 501)) {
                req.method = Method::GET;
                continue;
            }
            match self.policy.decide(f.error.as_ref(), f.status, &f.headers, attempt) {
                Decision::Stop => return f,
                Decision::Backoff(wait) => tokio::time::sleep(wait).await,
                // The host is slowed down for the rest of the run; the
                // retry waits for its next turn.
                Decision::HostAsked(wait) => self.pool.back_off(&f.final_url, wait),
            }
            attempt += 1;
        }
    }

    /// One attempt, without retries (a request that must not be repeated,
    /// such as asking an archive to save a page).
    pub async fn fetch_once(&self, req: &Request<'_>) -> Fetched {
        self.follow(req).await
    }

    /// The classes of the addresses a URL's host stands for: the address
    /// itself, the `resolve` table, else the system's resolver (behind a
    /// proxy too: the guard applies to what the machine resolves). Empty
    /// when the name does not resolve: the request then fails as it would.
    async fn classes(&self, url: &str) -> Vec<AddrClass> {
        let Ok(u) = reqwest::Url::parse(url) else {
            return Vec::new();
        };
        let port = u.port_or_known_default().unwrap_or(80);
        match u.host() {
            Some(url::Host::Ipv4(ip)) => vec![AddrClass::of(ip.into())],
            Some(url::Host::Ipv6(ip)) => vec![AddrClass::of(ip.into())],
            Some(url::Host::Domain(name)) => match self.resolve.get(name) {
                Some(addr) => vec![AddrClass::of(addr.ip())],
                None => tokio::net::lookup_host((name, port))
                    .await
                    .map(|addrs| addrs.map(|a| AddrClass::of(a.ip())).collect())
                    .unwrap_or_default(),
            },
            None => Vec::new(),
        }
    }

    /// One request and its redirects, each hop in its own host's turn.
    async fn follow(&self, req: &Request<'_>) -> Fetched {
        let start = req.url;
        let mut f = Fetched {
            final_url: start.to_string(),
            permanent: true,
            ..Fetched::default()
        };
        let own_host = host_key(start);
        let mut url = start.to_string();
        let mut method = req.method.clone();
        let mut seen = vec![normal(start)];
        // The class of the address the last answer came from.
        let mut from: Option<AddrClass> = None;
        loop {
            // The classes of the URL being requested, when they are looked up
            // before it is sent (its redirect then needs no second lookup).
            let mut here: Option<Vec<AddrClass>> = None;
            // Where this request would go: checked before it is sent.
            if self.exclusions.any() || from.is_some() {
                let classes = here.insert(self.classes(&url).await);
                if let Some((class, flag)) = classes
                    .iter()
                    .find_map(|c| self.exclusions.excludes(*c).map(|f| (*c, f)))
                {
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
            // Every request, hops to other hosts included, in its host's turn.
            let _turn = self.pool.turn(&url).await;
            self.requests.fetch_add(1, Ordering::SeqCst);
            let mut request = self.client.request(method.clone(), &url);
            // A host's own headers (a token, an API key) go to that host
            // only, never on a hop to another.
            if host_key(&url) == own_host {
                request = request.headers(req.own_headers.clone());
            }
            if let Some(form) = &req.form
                && method == Method::POST
            {
                request = request
                    .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(form.clone());
            }
            let mut resp = match request.send().await {
                Ok(r) => r,
                Err(e) => {
                    f.error = Some(NetError::from_reqwest(e));
                    f.final_url = url;
                    if f.chain.is_empty() {
                        f.permanent = false;
                    }
                    return f;
                }
            };
            self.answered.fetch_add(1, Ordering::SeqCst);
            let status = resp.status();
            f.status = Some(status.as_u16());
            f.headers = resp.headers().clone();
            f.final_url = url.clone();
            if req.follow
                && status.is_redirection()
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
                if f.chain.len() >= self.max_redirects {
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
            if method != Method::HEAD {
                self.read_body(&mut resp, &mut f).await;
            }
            return f;
        }
    }

    /// Reads the body up to the cap; a body that stalls or breaks after the
    /// headers came is noted, not fatal.
    async fn read_body(&self, resp: &mut reqwest::Response, f: &mut Fetched) {
        let cap = self.max_body;
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
                    if f.body.is_empty() && e.is_timeout() {
                        f.error = Some(NetError::from_reqwest(e));
                    }
                    break;
                }
            }
        }
    }
}

/// The most bytes of an archive's answer read.
pub const ARCHIVE_MAX_BODY: usize = 16 * 1024 * 1024;

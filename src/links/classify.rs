//! A fetched URL → its class and evidence.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::Ordering;

use reqwest::header::HeaderMap;

use super::page::{self, PageInfo};
use super::{LinkClass, LinkResult, Shared, Target, client, title};
use crate::config::LinksConfig;
use crate::net::{Fetched, Net, NetError, NetErrorKind};
use crate::redact;

/// One host's work.
pub struct Lane {
    pub host: String,
    pub queue: Mutex<VecDeque<usize>>,
    /// The answer to a random path on this host, fetched at most once.
    pub probe: tokio::sync::OnceCell<Option<Probe>>,
    /// A failure that every URL of this host shares (its name does not resolve, it refuses connections).
    pub host_failure: Mutex<Option<NetError>>,
    /// The host's own headers (`links.hosts.<host>.headers`).
    pub headers: HeaderMap,
    /// Whether this host's first request has been counted (for telling an
    /// unreachable network from hosts that fail).
    pub first_done: Mutex<bool>,
}

impl Lane {
    /// Records the outcome of this host's first request; when every host's
    /// first request failed on the way (DNS, connect) and none answered, the
    /// network is unreachable and everything left stops.
    fn first_outcome(&self, shared: &Shared, net: &Net, network_failure: bool) {
        let mut done = self.first_done.lock().unwrap_or_else(|e| e.into_inner());
        if *done {
            return;
        }
        *done = true;
        if network_failure {
            shared.network_failures.fetch_add(1, Ordering::SeqCst);
        }
        let finished = shared.finished_first.fetch_add(1, Ordering::SeqCst) + 1;
        if finished >= shared.total_hosts
            && net.answered() == 0
            && shared.network_failures.load(Ordering::SeqCst) >= shared.total_hosts
        {
            shared.network_down.store(true, Ordering::SeqCst);
        }
    }
}

/// One checked target. A host name that did not resolve leaves the link
/// unchecked with `unresolved` set: the end of the run decides whether that
/// makes it dead (other hosts resolved) or the network was down.
#[derive(Debug, Clone)]
pub struct Checked {
    pub result: LinkResult,
    pub unresolved: bool,
}

/// A random path's answer on one host.
#[derive(Debug, Clone)]
pub struct Probe {
    pub status: u16,
    pub final_url: String,
    pub title: Option<String>,
    pub len: usize,
}

/// Titles and headings that say the page is gone.
const NOT_FOUND: &[&str] = &[
    "not found",
    "page not found",
    "404",
    "page cannot be found",
    "page can't be found",
    "page could not be found",
    "page doesn't exist",
    "page does not exist",
    "no longer available",
    "page is unavailable",
    "ページが見つかりません",
    "お探しのページは見つかりませんでした",
    "お探しのページが見つかりません",
    "ページが存在しません",
    "ページは存在しません",
    "指定されたページ",
    "見つかりませんでした",
    "存在しないページ",
    "削除されたか",
    "ファイルが見つかりません",
];

/// Texts of bot challenges and access walls.
const CHALLENGE: &[&str] = &[
    "just a moment",
    "attention required",
    "checking your browser",
    "verify you are human",
    "are you a robot",
    "captcha",
    "access denied",
    "challenge-platform",
    "request unsuccessful. incapsula",
];

fn says_not_found(p: &PageInfo) -> Option<String> {
    for t in p.titles() {
        let lower = t.to_lowercase();
        if let Some(phrase) = NOT_FOUND.iter().find(|ph| lower.contains(*ph)) {
            // `404` alone must stand as a word, not inside a number.
            if *phrase == "404" && !lower.split(|c: char| !c.is_ascii_digit()).any(|w| w == "404") {
                continue;
            }
            return Some(format!("the page says {t:?}"));
        }
    }
    None
}

fn is_challenge(f: &Fetched, p: Option<&PageInfo>) -> bool {
    if f.headers.contains_key("cf-mitigated") {
        return true;
    }
    let Some(p) = p else { return false };
    let hay = format!(
        "{} {}",
        p.title.as_deref().unwrap_or(""),
        &p.text[..p.text.len().min(4000)]
    )
    .to_lowercase();
    CHALLENGE.iter().any(|c| hay.contains(c))
}

fn is_html(ct: Option<&str>) -> bool {
    ct.is_none_or(|c| c.to_ascii_lowercase().contains("html"))
}

fn is_pdf(ct: Option<&str>, body: &[u8]) -> bool {
    ct.is_some_and(|c| c.to_ascii_lowercase().contains("application/pdf")) || body.starts_with(b"%PDF")
}

fn root_path(u: &str) -> bool {
    url::Url::parse(u).is_ok_and(|p| {
        let path = p.path().to_ascii_lowercase();
        matches!(
            path.as_str(),
            "" | "/" | "/index.html" | "/index.htm" | "/index.php" | "/default.aspx" | "/top.html"
        )
    })
}

/// Checks one target and classifies it.
pub async fn check_target(t: &Target, lane: &Lane, shared: &Shared, net: &Net, cfg: &LinksConfig) -> Checked {
    let mut unresolved = false;
    let result = classify(t, lane, shared, net, cfg, &mut unresolved).await;
    Checked { result, unresolved }
}

async fn classify(
    t: &Target,
    lane: &Lane,
    shared: &Shared,
    net: &Net,
    cfg: &LinksConfig,
    unresolved: &mut bool,
) -> LinkResult {
    let mut r = LinkResult::unchecked(t, "");
    if shared.network_down.load(Ordering::SeqCst) {
        r.evidence = "network unreachable: no host answered".to_string();
        return r;
    }
    // A host that does not resolve or refuses connections fails every URL alike.
    let known = lane.host_failure.lock().unwrap_or_else(|e| e.into_inner()).clone();
    // Judged now, from here on (the result starts as an unchecked one, with no time).
    r.checked_at = super::now();
    if let Some(err) = known {
        *unresolved = apply_error(&mut r, &err);
        r.evidence.push_str(" (as for another URL of this host)");
        return r;
    }
    // The content matters for the title and soft-404 checks: GET. A PDF's content does not: HEAD.
    let want_body = !t.expects_pdf || cfg.check_pdf_content;
    let f = client::check(net, &t.url, want_body, &lane.headers).await;
    if let Some(why) = &f.excluded {
        r.evidence = format!("excluded: {why}");
        r.checked_at.clear();
        return r;
    }
    if let Some(why) = &f.refused {
        // Nothing of the page behind the hop is kept: it was never asked for.
        r.class = LinkClass::RedirectRefused;
        r.http_status = f.status;
        r.redirect_chain = f.chain.iter().map(|u| redact::url(u)).collect();
        r.evidence = format!("refused {why}");
        return r;
    }
    lane.first_outcome(shared, net, f.error.as_ref().is_some_and(NetError::is_network));
    if let Some(err) = &f.error {
        if matches!(err.kind, NetErrorKind::Dns | NetErrorKind::Refused) {
            *lane.host_failure.lock().unwrap_or_else(|e| e.into_inner()) = Some(err.clone());
        }
        *unresolved = apply_error(&mut r, err);
        return r;
    }
    let status = f.status.unwrap_or(0);
    r.http_status = f.status;
    r.redirect_chain = f.chain.iter().map(|u| redact::url(u)).collect();
    if !f.chain.is_empty() {
        r.final_url = Some(redact::url(&f.final_url));
        r.permanent_redirect = f.permanent;
    }
    let ct = f.content_type();
    r.content_type = ct.clone();
    if f.redirect_loop {
        r.class = LinkClass::ServerError;
        r.evidence = format!("redirect loop after {} redirects", f.chain.len());
        return r;
    }
    if f.too_many_redirects {
        r.class = LinkClass::ServerError;
        r.evidence = format!("more than {} redirects", cfg.max_redirects);
        return r;
    }
    let page = (!f.body.is_empty() && is_html(ct.as_deref()) && !is_pdf(ct.as_deref(), &f.body))
        .then(|| page::parse(&f.body, ct.as_deref()));
    if let Some(p) = &page {
        r.title = p.title.clone().or_else(|| p.og_title.clone()).or_else(|| p.h1.clone());
    }
    let accepted = cfg.accept.contains(&status) || (200..300).contains(&status);
    if !accepted {
        (r.class, r.evidence) = match status {
            404 | 410 => (LinkClass::Dead, format!("HTTP {status}")),
            401 | 403 | 407 | 451 => (
                LinkClass::Blocked,
                format!("HTTP {status}: access refused, could not verify"),
            ),
            999 => (
                LinkClass::Blocked,
                "HTTP 999: the site refuses automated requests, could not verify".to_string(),
            ),
            429 => (
                LinkClass::Blocked,
                "HTTP 429: still rate-limited after retries, could not verify".to_string(),
            ),
            503 if is_challenge(&f, page.as_ref()) => (LinkClass::Blocked, "HTTP 503 bot challenge".to_string()),
            500..=599 => (
                LinkClass::ServerError,
                format!("HTTP {status} after {} attempts", cfg.retries + 1),
            ),
            300..=399 => (
                LinkClass::ServerError,
                format!("HTTP {status} without a usable Location"),
            ),
            // Not the page, but not proof it is gone either: a 400 or 422 may
            // be the server's view of the request, a 418 or 600 no HTTP at all.
            400..=499 => (LinkClass::HttpError, format!("HTTP {status}")),
            _ => (
                LinkClass::HttpError,
                format!("HTTP {status}, a status HTTP does not define"),
            ),
        };
        if status == 403 && is_challenge(&f, page.as_ref()) {
            r.evidence = "HTTP 403 bot challenge, could not verify".to_string();
        }
        return r;
    }
    if is_challenge(&f, page.as_ref()) {
        r.class = LinkClass::Blocked;
        r.evidence = format!("HTTP {status} with a bot challenge, could not verify");
        return r;
    }
    // Soft 404s: sent home, told "not found", or answered like a random path.
    if !f.chain.is_empty() && root_path(&f.final_url) && !root_path(&t.url) {
        r.class = LinkClass::Soft404;
        r.evidence = format!("redirected to the site's home page {}", redact::url(&f.final_url));
        return r;
    }
    if let Some(p) = &page {
        if let Some(why) = says_not_found(p) {
            r.class = LinkClass::Soft404;
            r.evidence = format!("HTTP {status} but {why}");
            return r;
        }
        if cfg.soft404_probe
            && let Some(probe) = lane.probe.get_or_init(|| probe(net, &lane.headers, &t.url)).await
            && probe.status == status
            && (probe.final_url == f.final_url && !f.chain.is_empty()
                || (probe.title == p.title && similar_len(probe.len, f.body.len())))
        {
            r.class = LinkClass::Soft404;
            r.evidence = format!("HTTP {status}, the same answer as a random path on this host");
            return r;
        }
    }
    r.class = if f.chain.is_empty() {
        LinkClass::Alive
    } else {
        LinkClass::Redirected
    };
    r.evidence = if f.chain.is_empty() {
        format!("HTTP {status}")
    } else {
        format!(
            "HTTP {status} after {} {} redirect(s) to {}",
            f.chain.len(),
            if f.permanent { "permanent" } else { "temporary" },
            redact::url(&f.final_url)
        )
    };
    // Is it still the cited source?
    let cited_html = url::Url::parse(&t.url).is_ok_and(|u| {
        let p = u.path().to_ascii_lowercase();
        p.ends_with(".html") || p.ends_with(".htm")
    });
    let got_pdf = is_pdf(ct.as_deref(), &f.body);
    if t.expects_pdf && !got_pdf && is_html(ct.as_deref()) && ct.is_some() {
        r.type_matches = Some(false);
        r.evidence.push_str("; cited as a PDF but the server sends HTML");
    } else if cited_html && got_pdf {
        r.type_matches = Some(false);
        r.evidence
            .push_str("; cited as an HTML page but the server sends a PDF");
    } else if t.expects_pdf || cited_html {
        r.type_matches = Some(true);
    }
    if cfg.title_check
        && let Some(p) = &page
        && let Some((ok, score, cited)) = title::compare(&p.titles(), &t.titles, &t.paired_titles)
    {
        r.title_matches = Some(ok);
        if !ok {
            r.evidence.push_str(&format!(
                "; the page's title {:?} does not match the cited {cited:?} (similarity {score:.2})",
                r.title.as_deref().unwrap_or("")
            ));
        }
    }
    r
}

fn similar_len(a: usize, b: usize) -> bool {
    let (lo, hi) = (a.min(b) as f64, a.max(b) as f64);
    hi == 0.0 || lo / hi > 0.9
}

/// Requests a random path on the host, once.
async fn probe(net: &Net, headers: &HeaderMap, sample: &str) -> Option<Probe> {
    let mut u = url::Url::parse(sample).ok()?;
    u.set_path(&format!("/citecheck-probe-{:016x}", fastrand::u64(..)));
    u.set_query(None);
    let f = client::check(net, u.as_str(), true, headers).await;
    if f.error.is_some() {
        return None;
    }
    let ct = f.content_type();
    let title = page::parse(&f.body, ct.as_deref()).title;
    Some(Probe {
        status: f.status?,
        final_url: f.final_url,
        title,
        len: f.body.len(),
    })
}

/// Classifies a request that got no HTTP answer; true when the host name did
/// not resolve (decided at the end of the run).
fn apply_error(r: &mut LinkResult, err: &NetError) -> bool {
    let e = err.describe();
    (r.class, r.evidence) = match err.kind {
        NetErrorKind::Dns => (LinkClass::Unchecked, e),
        NetErrorKind::Refused => (LinkClass::ConnectionRefused, e),
        NetErrorKind::Connect => (LinkClass::ConnectionRefused, format!("cannot connect: {e}")),
        NetErrorKind::Timeout => (LinkClass::Timeout, "no answer within the timeout".to_string()),
        NetErrorKind::Tls => (LinkClass::TlsError, format!("TLS error: {e}")),
        NetErrorKind::Reset => (LinkClass::ServerError, format!("connection broken: {e}")),
        NetErrorKind::Other => (LinkClass::ServerError, format!("request failed: {e}")),
    };
    err.kind == NetErrorKind::Dns
}

//! Documents → link results: every distinct URL checked once, concurrently
//! and politely, classified honestly, and compared with what the reference cites.
//!
//! The only async code besides archive lookup lives here. [`check`] is the
//! entry point; it builds a tokio runtime, schedules one task per host lane
//! (see [`hosts`]), and returns a [`LinkReport`] that the report stage renders.

pub mod cache;
pub mod classify;
pub mod client;
pub mod hosts;
pub mod page;
pub mod progress;
pub mod title;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::config::LinksConfig;
use crate::document::{Document, Lang};
use crate::redact;
use crate::validate::{Finding, Kind};

/// What became of a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkClass {
    /// Answers 2xx (or an accepted status) at the cited URL.
    Alive,
    /// Answers after one or more redirects.
    Redirected,
    /// 404, 410, or a host name that does not resolve while other hosts do.
    Dead,
    /// Answers 200 but the page is gone (home-page redirect, "not found" page, or
    /// the same answer as a random path on that host).
    Soft404,
    /// 401, 403, a 429 that never clears, a bot challenge: could not verify.
    Blocked,
    /// 5xx after retries, or a redirect loop.
    ServerError,
    Timeout,
    TlsError,
    ConnectionRefused,
    /// Not checked: excluded, offline, or the network was unreachable.
    Unchecked,
}

impl LinkClass {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkClass::Alive => "alive",
            LinkClass::Redirected => "redirected",
            LinkClass::Dead => "dead",
            LinkClass::Soft404 => "soft_404",
            LinkClass::Blocked => "blocked",
            LinkClass::ServerError => "server_error",
            LinkClass::Timeout => "timeout",
            LinkClass::TlsError => "tls_error",
            LinkClass::ConnectionRefused => "connection_refused",
            LinkClass::Unchecked => "unchecked",
        }
    }

    /// Whether an archivist should look for a replacement.
    pub fn is_doubtful(self) -> bool {
        matches!(self, LinkClass::Dead | LinkClass::Soft404 | LinkClass::Blocked)
    }
}

impl std::fmt::Display for LinkClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place where a URL is cited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    pub file: String,
    pub line: usize,
    pub footnote: u32,
    pub lang: Lang,
}

/// The result of checking one distinct URL.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LinkResult {
    /// The URL as cited (credentials redacted).
    pub url: String,
    pub class: LinkClass,
    pub http_status: Option<u16>,
    /// Every URL the request was sent to after the first, in order.
    pub redirect_chain: Vec<String>,
    pub final_url: Option<String>,
    /// Whether the (last) redirect was permanent (301, 308).
    #[serde(default)]
    pub permanent_redirect: bool,
    pub title: Option<String>,
    pub content_type: Option<String>,
    /// Why the class was given, in words.
    pub evidence: String,
    pub checked_at: String,
    #[serde(default)]
    pub cited_by: Vec<Citation>,
    /// Whether this result was taken from the cache instead of the network.
    #[serde(default)]
    pub from_cache: bool,
    /// Whether the page still carries the cited title (None: not compared).
    #[serde(default)]
    pub title_matches: Option<bool>,
    /// Whether the content type is the one cited (a PDF for a `.pdf` URL; None: not compared).
    #[serde(default)]
    pub type_matches: Option<bool>,
    /// The archived copy suggested for this link, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<crate::archive::Snapshot>,
    /// The archived copy the documents already give (an archive note after every citation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived_copy: Option<String>,
}

/// Network state of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum NetworkStatus {
    /// Links were checked.
    #[default]
    Ok,
    /// Link checking was switched off (`--offline` or `links.enabled: false`).
    Offline,
    /// No host answered: the network is unreachable; links are unchecked.
    Unreachable,
}

/// Everything the link stage produced.
#[derive(Debug, Clone, Default)]
pub struct LinkReport {
    pub results: Vec<LinkResult>,
    pub network: NetworkStatus,
    /// Requests sent (for the summary).
    pub requests: usize,
}

/// One distinct URL to check, with what its references say about it.
#[derive(Debug, Clone)]
pub struct Target {
    /// The URL to request.
    pub url: String,
    pub citations: Vec<Citation>,
    /// Titles the references give it, with their script.
    pub titles: Vec<String>,
    /// Titles of the paired reference in the other language (for romanised citations).
    pub paired_titles: Vec<String>,
    /// Whether a reference cites it as a PDF.
    pub expects_pdf: bool,
    /// The archived copy named by the archive notes, when every citation has one.
    pub archived: Option<String>,
    /// The date the first citation gives its source (archive rescue aims at it).
    pub cited_date: Option<crate::document::DateSpan>,
}

/// Collects the distinct URLs of a document set, in order of first citation.
pub fn targets(docs: &[Document]) -> Vec<Target> {
    let mut order: Vec<String> = Vec::new();
    let mut by_key: HashMap<String, Target> = HashMap::new();
    let pairs = crate::validate::pairs(docs);
    for doc in docs {
        let other = pairs.iter().find_map(|(a, b)| {
            if std::ptr::eq(*a, doc) {
                Some(*b)
            } else if std::ptr::eq(*b, doc) {
                Some(*a)
            } else {
                None
            }
        });
        for r in &doc.references {
            let paired: Vec<String> = other
                .and_then(|o| o.references.iter().find(|x| x.number == r.number))
                .map(|x| {
                    x.sources
                        .iter()
                        .filter_map(|s| s.title.as_deref().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            for s in &r.sources {
                for u in &s.urls {
                    if u.hygiene
                        .iter()
                        .any(|h| matches!(h, crate::document::Hygiene::Invalid { .. }))
                    {
                        continue;
                    }
                    let key = u.key().to_string();
                    let t = by_key.entry(key.clone()).or_insert_with(|| {
                        order.push(key.clone());
                        Target {
                            url: u.url.clone(),
                            citations: Vec::new(),
                            titles: Vec::new(),
                            paired_titles: Vec::new(),
                            expects_pdf: false,
                            archived: u.archived.as_deref().map(String::from),
                            cited_date: None,
                        }
                    });
                    t.cited_date = t.cited_date.or(s.date);
                    if u.archived.is_none() {
                        t.archived = None;
                    }
                    t.citations.push(Citation {
                        file: doc.path.clone(),
                        line: u.line,
                        footnote: r.number,
                        lang: doc.lang,
                    });
                    if let Some(title) = &s.title
                        && !t.titles.iter().any(|t| **t == **title)
                    {
                        t.titles.push(title.to_string());
                    }
                    for p in &paired {
                        if !t.paired_titles.contains(p) {
                            t.paired_titles.push(p.clone());
                        }
                    }
                    t.expects_pdf |= url_path_is_pdf(&u.url);
                }
            }
        }
    }
    order.into_iter().filter_map(|k| by_key.remove(&k)).collect()
}

fn url_path_is_pdf(u: &str) -> bool {
    url::Url::parse(u).is_ok_and(|p| p.path().to_ascii_lowercase().ends_with(".pdf"))
}

/// Options of one link-checking run that do not come from the config file.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Check nothing.
    pub offline: bool,
    /// Show a progress bar or progress lines.
    pub progress: bool,
    /// Ignore cached results older than this.
    pub max_cache_age: Option<Duration>,
}

/// Checks every URL of a document set.
pub fn check(docs: &[Document], cfg: &LinksConfig, opts: &RunOptions) -> LinkReport {
    let targets = targets(docs);
    if opts.offline || !cfg.enabled {
        return LinkReport {
            results: unchecked(&targets, "link checking is off (--offline)"),
            network: NetworkStatus::Offline,
            requests: 0,
        };
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            return LinkReport {
                results: unchecked(&targets, &format!("cannot start the network runtime: {e}")),
                network: NetworkStatus::Offline,
                requests: 0,
            };
        }
    };
    runtime.block_on(check_async(targets, cfg, opts))
}

/// Marks every target unchecked with one reason.
pub fn unchecked(targets: &[Target], why: &str) -> Vec<LinkResult> {
    targets.iter().map(|t| LinkResult::unchecked(t, why)).collect()
}

impl LinkResult {
    /// One finding about this link at each place that cites it.
    pub fn findings(&self, kind: Kind, message: &str) -> impl Iterator<Item = Finding> + '_ {
        let message = message.to_string();
        self.cited_by.iter().map(move |c| {
            Finding::new(kind, &c.file, c.line, message.clone())
                .footnote(c.footnote)
                .url(&self.url)
        })
    }

    /// A result for a target that was not (yet) checked.
    pub fn unchecked(t: &Target, why: &str) -> LinkResult {
        LinkResult {
            url: redact::url(&t.url),
            class: LinkClass::Unchecked,
            http_status: None,
            redirect_chain: Vec::new(),
            final_url: None,
            permanent_redirect: false,
            title: None,
            content_type: None,
            evidence: why.to_string(),
            checked_at: now(),
            cited_by: t.citations.clone(),
            from_cache: false,
            title_matches: None,
            type_matches: None,
            snapshot: None,
            archived_copy: t.archived.as_ref().map(|a| redact::url(a)),
        }
    }
}

pub(crate) fn now() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .unwrap_or_else(|_| jiff::Timestamp::now())
        .to_string()
}

/// State shared by every lane of a run.
pub struct Shared {
    pub answered: AtomicUsize,
    pub network_failures: AtomicUsize,
    pub network_down: AtomicBool,
    pub requests: AtomicUsize,
}

async fn check_async(targets: Vec<Target>, cfg: &LinksConfig, opts: &RunOptions) -> LinkReport {
    let cache_path = cfg.cache.path.clone();
    let max_age = opts.max_cache_age.unwrap_or(cfg.cache.max_age());
    let mut cache = if cfg.cache.enabled {
        cache::Cache::load(&cache_path)
    } else {
        cache::Cache::default()
    };
    let mut results: Vec<Option<LinkResult>> = vec![None; targets.len()];
    let mut todo = Vec::new();
    let excluded = cfg.exclude_set();
    for (i, t) in targets.iter().enumerate() {
        if excluded.is_match(&t.url) {
            results[i] = Some(LinkResult::unchecked(t, "excluded by links.exclude"));
        } else if let Some(hit) = cache.fresh(&t.url, max_age) {
            let mut hit = hit.clone();
            hit.cited_by = t.citations.clone();
            hit.from_cache = true;
            results[i] = Some(hit);
        } else {
            todo.push(i);
        }
    }
    let shared = Arc::new(Shared {
        answered: AtomicUsize::new(0),
        network_failures: AtomicUsize::new(0),
        network_down: AtomicBool::new(false),
        requests: AtomicUsize::new(0),
    });
    let http = match client::Http::new(cfg) {
        Ok(c) => Arc::new(c),
        Err(e) => {
            let why = format!("cannot build the HTTP client: {e}");
            for i in todo {
                results[i] = Some(LinkResult::unchecked(&targets[i], &why));
            }
            return LinkReport {
                results: results.into_iter().flatten().collect(),
                network: NetworkStatus::Ok,
                requests: 0,
            };
        }
    };
    let bar = progress::Progress::new(todo.len(), opts.progress);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(usize, LinkResult)>();
    let scheduler = hosts::Scheduler::new(cfg, shared.clone());
    let mut lanes: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for &i in &todo {
        lanes.entry(hosts::host_key(&targets[i].url)).or_default().push(i);
    }
    let targets = Arc::new(targets);
    let total_hosts = lanes.len();
    for (host, items) in lanes {
        scheduler.spawn_lane(host, items, targets.clone(), http.clone(), tx.clone(), total_hosts);
    }
    drop(tx);
    let mut since_save = 0usize;
    let mut last_save = std::time::Instant::now();
    while let Some((i, result)) = rx.recv().await {
        bar.record(result.class);
        if cache::Cache::cacheable(&result) {
            cache.put(&targets[i].url, &result);
            since_save += 1;
        }
        results[i] = Some(result);
        // Save as we go: a run killed mid-way keeps what it learnt.
        if cfg.cache.enabled && since_save > 0 && last_save.elapsed() > Duration::from_secs(2) {
            cache.save(&cache_path);
            since_save = 0;
            last_save = std::time::Instant::now();
        }
    }
    bar.finish();
    let down = shared.network_down.load(Ordering::SeqCst)
        || shared.answered.load(Ordering::SeqCst) == 0 && shared.network_failures.load(Ordering::SeqCst) > 0;
    let mut results: Vec<LinkResult> = results.into_iter().flatten().collect();
    if down {
        for r in &mut results {
            if !r.from_cache && r.class != LinkClass::Unchecked {
                r.class = LinkClass::Unchecked;
                r.evidence = "network unreachable: no host answered".to_string();
                r.http_status = None;
            }
        }
    } else {
        // A name that does not resolve is dead only because other hosts did resolve.
        for r in &mut results {
            if r.class == LinkClass::Unchecked && r.evidence.starts_with(classify::DNS_PENDING) {
                r.class = LinkClass::Dead;
                r.evidence = "the host name does not resolve (other hosts did)".to_string();
            }
        }
    }
    if cfg.cache.enabled && since_save > 0 {
        cache.save(&cache_path);
    }
    LinkReport {
        results,
        network: if down {
            NetworkStatus::Unreachable
        } else {
            NetworkStatus::Ok
        },
        requests: shared.requests.load(Ordering::SeqCst),
    }
}

/// Findings for links that are not alive, and for live pages that are no longer the cited source.
pub fn findings(report: &LinkReport) -> Vec<Finding> {
    let mut out = Vec::new();
    for r in &report.results {
        let (kind, what) = match r.class {
            LinkClass::Alive => (None, ""),
            LinkClass::Redirected if r.permanent_redirect => (Some(Kind::LinkRedirected), "moved permanently"),
            LinkClass::Redirected => (Some(Kind::LinkRedirectedTemporarily), "redirects temporarily"),
            LinkClass::Dead => (Some(Kind::LinkDead), "is dead"),
            LinkClass::Soft404 => (Some(Kind::LinkSoft404), "answers but the page is gone"),
            LinkClass::Blocked => (Some(Kind::LinkBlocked), "could not be verified (blocked)"),
            LinkClass::ServerError => (Some(Kind::LinkServerError), "fails with a server error"),
            LinkClass::Timeout => (Some(Kind::LinkTimeout), "timed out"),
            LinkClass::TlsError => (Some(Kind::LinkTlsError), "fails its TLS handshake"),
            LinkClass::ConnectionRefused => (Some(Kind::LinkConnectionRefused), "refuses connections"),
            LinkClass::Unchecked if report.network == NetworkStatus::Ok => {
                (Some(Kind::LinkUnchecked), "was not checked")
            }
            LinkClass::Unchecked => (None, ""),
        };
        let mut extra = Vec::new();
        let kind = match (kind, &r.archived_copy) {
            // The documents already point readers to an archived copy.
            (Some(k), Some(_)) if k != Kind::LinkRedirected && k != Kind::LinkRedirectedTemporarily => {
                extra.push((
                    Kind::LinkRescued,
                    format!("{} {what}; the documents cite its archived copy", r.url),
                ));
                None
            }
            (k, _) => k,
        };
        if let Some(kind) = kind {
            extra.push((kind, format!("{} {what}: {}", r.url, r.evidence)));
        }
        if matches!(r.class, LinkClass::Alive | LinkClass::Redirected) {
            if r.title_matches == Some(false) {
                extra.push((
                    Kind::ContentMismatch,
                    format!("{} lives but the content moved: {}", r.url, r.evidence),
                ));
            }
            if r.type_matches == Some(false) {
                extra.push((Kind::ContentTypeMismatch, format!("{}: {}", r.url, r.evidence)));
            }
        }
        for (kind, message) in extra {
            let suggestion = r.final_url.as_deref().filter(|_| kind == Kind::LinkRedirected);
            out.extend(r.findings(kind, &message).map(|f| match suggestion {
                Some(fin) => f.suggest(format!("cite {} instead", redact::url(fin))),
                None => f,
            }));
        }
    }
    out
}

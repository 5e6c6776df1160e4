//! Documents → link results: every distinct URL checked once, concurrently
//! and politely, classified honestly, and compared with what the reference cites.
//!
//! The only async code besides archive lookup lives here. [`check`] is the
//! entry point; it builds a tokio runtime, schedules one task per host lane
//! (see [`hosts`]), and returns a [`LinkReport`] that the run is built from.
//!
//! Inside: [`client`] (a URL by GET or HEAD, through [`crate::net`]) ←
//! [`classify`] (an answer → a class) ← [`hosts`] (the lanes).

pub mod classify;
pub mod client;
pub mod hosts;
pub mod page;
pub mod title;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};

use crate::config::{LinkScope, LinksConfig};
use crate::document::Document;
use crate::model::{Citation, Finding, Kind, LinkId};
use crate::redact;
use crate::store::{self, Key, LinkCheck, Store};

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
    /// Dead by its answer, but not yet by `links.dead_after` (k of N
    /// failing checks, or fewer than D days since the first).
    Failing,
    /// Answers 200 but the page is gone (home-page redirect, "not found" page, or
    /// the same answer as a random path on that host).
    Soft404,
    /// 401, 403, 407, 451, 999 (LinkedIn's answer to bots), a 429 that never
    /// clears, a bot challenge: could not verify.
    Blocked,
    /// Any other 4xx (400, 418, 422, …), or a status HTTP does not define
    /// (600 and up): the server answers, but not with the page.
    HttpError,
    /// 5xx after retries, or a redirect loop.
    ServerError,
    /// A redirect into the local network (loopback, private, link-local)
    /// from an address outside it, not followed.
    RedirectRefused,
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
            LinkClass::Failing => "failing",
            LinkClass::Soft404 => "soft_404",
            LinkClass::Blocked => "blocked",
            LinkClass::HttpError => "http_error",
            LinkClass::ServerError => "server_error",
            LinkClass::RedirectRefused => "redirect_refused",
            LinkClass::Timeout => "timeout",
            LinkClass::TlsError => "tls_error",
            LinkClass::ConnectionRefused => "connection_refused",
            LinkClass::Unchecked => "unchecked",
        }
    }

    /// Whether the link answered with its page (alive, or after redirects).
    pub fn is_ok(self) -> bool {
        matches!(self, LinkClass::Alive | LinkClass::Redirected)
    }

    /// Whether the check found the page gone (a 404, a 410, a name that
    /// does not resolve), whether or not `links.dead_after` calls it dead yet.
    pub fn is_gone(self) -> bool {
        matches!(self, LinkClass::Dead | LinkClass::Failing)
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

/// The result of checking one distinct URL.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LinkResult {
    /// The URL as cited (credentials redacted).
    pub url: String,
    pub class: LinkClass,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// Every URL the request was sent to after the first, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirect_chain: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_url: Option<String>,
    /// Whether the (last) redirect was permanent (301, 308).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub permanent_redirect: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Why the class was given, in words; empty (and left out of the JSON)
    /// in an offline run, which checked no link (`summary.network`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub evidence: String,
    /// When it was checked (RFC 3339); empty, and left out, when it was not.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub checked_at: String,
    /// Where the documents cite it; not stored (a stored result is the
    /// link's, and the current documents cite it where they do).
    #[serde(default, skip_deserializing)]
    pub cited_by: Vec<Citation>,
    /// Whether this result was taken from the cache instead of the network.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub from_cache: bool,
    /// Whether the page still carries the cited title (None: not compared).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_matches: Option<bool>,
    /// Whether the content type is the one cited (a PDF for a `.pdf` URL; None: not compared).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_matches: Option<bool>,
    /// The archived copy the documents already give (an archive note after every citation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived_copy: Option<String>,
    /// A link to a local file, checked on the file system (no archive has it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub local: bool,
    /// For a failing or dead link checked now, from the store's history
    /// (boxed: most links have none, and a record is kept per URL).
    #[serde(default, flatten)]
    pub failing: Option<Box<Failing>>,
}

/// Since when a link fails, from its history (the JSON record's
/// `first_failed`, `checks` and `last_ok`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Failing {
    /// When the failing checks since the last OK one began (RFC 3339).
    pub first_failed: String,
    /// How many checks found it gone since.
    pub checks: u32,
    /// When it last answered with its page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_ok: Option<String>,
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
    /// Problems that did not stop the stage (the store could not be written).
    pub warnings: Vec<String>,
}

/// Told how link checking goes, as it goes; the binary's draws a progress bar.
pub trait Progress: Sync {
    /// `total` links are about to be checked over the network.
    fn started(&self, _total: usize) {}
    /// One link was checked.
    fn checked(&self, _class: LinkClass) {}
    fn finished(&self) {}
}

/// Progress that nobody watches.
pub struct Silent;

impl Progress for Silent {}

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

/// A place the documents cite a URL: the document, the reference and
/// source when a reference cites it (none for a body link), the URL as
/// cited, and the citation.
struct Cited<'d> {
    doc: usize,
    source: Option<(&'d crate::document::Reference, &'d crate::document::Source)>,
    url: &'d crate::document::CitedUrl,
    citation: Citation,
}

/// Walks every citation of a checkable URL, in order: the reference lists'
/// URLs, then (with `scope: all`) the body's links. `new` makes the entry
/// of a URL at its first citation, `add` adds each citation to its entry
/// (the first included). Each URL is one entry, however often it is cited;
/// its key is borrowed from the documents, not copied.
fn walk<'d, T>(
    docs: &'d [Document],
    scope: LinkScope,
    mut new: impl FnMut(&'d crate::document::CitedUrl) -> T,
    mut add: impl FnMut(&mut T, Cited<'d>),
) -> Vec<T> {
    // Room for every URL at once: grown by doubling, a list of 100,000
    // results held its old and new room together, a third more than it
    // needs (and the link stage is where an offline run peaks).
    let most: usize = docs
        .iter()
        .map(|d| {
            let cited: usize = d.references.iter().map(|r| r.urls().count()).sum();
            cited + if scope == LinkScope::All { d.body_links.len() } else { 0 }
        })
        .sum();
    let mut by_key: HashMap<&'d str, usize> = HashMap::with_capacity(most);
    let mut out: Vec<T> = Vec::with_capacity(most);
    let mut entry = |u: &'d crate::document::CitedUrl, out: &mut Vec<T>| -> usize {
        *by_key.entry(u.key()).or_insert_with(|| {
            out.push(new(u));
            out.len() - 1
        })
    };
    for (d, doc) in docs.iter().enumerate() {
        // One copy of the path for all the document's citations.
        let file: Arc<str> = doc.path.as_str().into();
        for r in &doc.references {
            for s in &r.sources {
                for u in s.urls.iter().filter(|u| !is_invalid(u)) {
                    let i = entry(u, &mut out);
                    let citation = Citation {
                        file: file.clone(),
                        line: u.line,
                        footnote: Some(r.number),
                        lang: doc.lang,
                        block: None,
                    };
                    add(
                        &mut out[i],
                        Cited {
                            doc: d,
                            source: Some((r, s)),
                            url: u,
                            citation,
                        },
                    );
                }
            }
        }
    }
    if scope == LinkScope::All {
        for (d, doc) in docs.iter().enumerate() {
            let file: Arc<str> = doc.path.as_str().into();
            for u in doc.body_links.iter().filter(|u| !is_invalid(u)) {
                let i = entry(u, &mut out);
                let citation = Citation {
                    file: file.clone(),
                    line: u.line,
                    footnote: None,
                    lang: doc.lang,
                    block: doc.block_at(u.line).map(|b| (b.kind.name(), b.line as usize)),
                };
                add(
                    &mut out[i],
                    Cited {
                        doc: d,
                        source: None,
                        url: u,
                        citation,
                    },
                );
            }
        }
    }
    // A URL cited twice leaves room unused.
    out.shrink_to_fit();
    out
}

/// Adds a citation to a list, unless it is the same body link again on the
/// same line (one place that cites it).
fn push_citation(list: &mut Vec<Citation>, c: Citation) {
    let again = c.footnote.is_none()
        && list
            .last()
            .is_some_and(|p| p.footnote.is_none() && p.line == c.line && p.file == c.file);
    if !again {
        list.push(c);
    }
}

/// Collects the distinct URLs of a document set, in order of first citation:
/// the reference lists' URLs, then (with `scope: all`) the body's links that
/// no reference cites. Each URL is one target, however often it is cited.
pub fn targets(docs: &[Document], scope: LinkScope) -> Vec<Target> {
    let pairs = crate::validate::pairs(docs);
    // Each document's counterpart's references by number, looked up once
    // each (a search per reference made a pair of long lists quadratic).
    let others: Vec<HashMap<u32, &crate::document::Reference>> = docs
        .iter()
        .map(|doc| {
            let other = pairs.iter().find_map(|(a, b)| {
                if std::ptr::eq(*a, doc) {
                    Some(*b)
                } else if std::ptr::eq(*b, doc) {
                    Some(*a)
                } else {
                    None
                }
            });
            other
                .map(|o| o.references.iter().rev().map(|x| (x.number, x)).collect())
                .unwrap_or_default()
        })
        .collect();
    walk(
        docs,
        scope,
        |u| Target {
            url: u.url.clone(),
            // Most URLs are cited once, with one title: room for one each
            // (an empty Vec's first push makes room for four).
            citations: Vec::with_capacity(1),
            titles: Vec::with_capacity(1),
            paired_titles: Vec::new(),
            expects_pdf: url_path_is_pdf(&u.url),
            archived: u.archived.as_deref().map(String::from),
            cited_date: None,
        },
        |t, c| {
            // The documents' archived copy stands only while every citation names one.
            if c.url.archived.is_none() {
                t.archived = None;
            }
            if let Some((r, s)) = c.source {
                t.cited_date = t.cited_date.or(s.date);
                if let Some(title) = &s.title
                    && !t.titles.iter().any(|t| **t == **title)
                {
                    t.titles.push(title.to_string());
                }
                if let Some(x) = others[c.doc].get(&r.number) {
                    for p in x.sources.iter().filter_map(|s| s.title.as_deref()) {
                        if !t.paired_titles.iter().any(|q| q == p) {
                            t.paired_titles.push(p.to_string());
                        }
                    }
                }
            }
            push_citation(&mut t.citations, c.citation);
        },
    )
}

/// The link results of a run that checks no link (offline), made straight
/// from the documents: each URL once, unchecked, with no evidence of its
/// own (the run says it is offline). Building targets first would hold both
/// lists at the peak, for nothing.
pub fn offline(docs: &[Document], scope: LinkScope) -> Vec<LinkResult> {
    walk(
        docs,
        scope,
        |u| LinkResult {
            archived_copy: u.archived.as_deref().map(redact::url),
            ..LinkResult::new(redact::url(&u.url), LinkClass::Unchecked, "", Vec::with_capacity(1))
        },
        |r, c| {
            if c.url.archived.is_none() {
                r.archived_copy = None;
            }
            push_citation(&mut r.cited_by, c.citation);
        },
    )
}

fn is_invalid(u: &crate::document::CitedUrl) -> bool {
    u.hygiene
        .iter()
        .any(|h| matches!(h, crate::document::Hygiene::Invalid { .. }))
}

fn url_path_is_pdf(u: &str) -> bool {
    url::Url::parse(u).is_ok_and(|p| p.path().to_ascii_lowercase().ends_with(".pdf"))
}

/// Checks every URL of a document set. Results are read from and written to
/// the store as they come (when `links.cache.enabled`).
pub fn check(docs: &[Document], cfg: &LinksConfig, store: &mut dyn Store, progress: &dyn Progress) -> LinkReport {
    let mut report = check_web(docs, cfg, store, progress);
    // Local files are checked offline too: they need no network.
    if cfg.scope == LinkScope::All {
        report.results.extend(local_files(docs));
    }
    report
}

/// The Markdown source of a missing page a Markdown document links to:
/// site generators (mdBook, Jekyll, Hugo) build `x.html` from `x.md`, and
/// their sources link to the page they will build.
fn built_from(doc: &Document, path: &std::path::Path) -> Option<std::path::PathBuf> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    if doc.format != crate::model::Format::Markdown || !matches!(ext.as_str(), "html" | "htm") {
        return None;
    }
    let source = path.with_extension("md");
    source.is_file().then_some(source)
}

/// Every distinct local file the documents link to, checked on the file
/// system: present (alive) or missing (dead). A target is resolved against
/// its document's folder, without its `#fragment` or `?query`, and
/// percent-decoded (`a%20b.md` is `a b.md`).
pub fn local_files(docs: &[Document]) -> Vec<LinkResult> {
    let mut by_path: BTreeMap<std::path::PathBuf, usize> = BTreeMap::new();
    let mut out: Vec<LinkResult> = Vec::new();
    for doc in docs {
        let dir = std::path::Path::new(&doc.path)
            .parent()
            .unwrap_or(std::path::Path::new(""));
        let file: Arc<str> = doc.path.as_str().into();
        for (line, target) in &doc.local_links {
            let bare = target.split(['#', '?']).next().unwrap_or("");
            if bare.is_empty() {
                continue;
            }
            let decoded = percent_encoding::percent_decode_str(bare).decode_utf8_lossy();
            let path = dir.join(&*decoded);
            let citation = Citation {
                file: file.clone(),
                line: *line,
                footnote: None,
                lang: doc.lang,
                block: doc.block_at(*line).map(|b| (b.kind.name(), b.line as usize)),
            };
            if let Some(&i) = by_path.get(&path) {
                // The same file twice on one line is one place that links it.
                if out[i].cited_by.last() != Some(&citation) {
                    out[i].cited_by.push(citation);
                }
                continue;
            }
            let (class, evidence) = if path.exists() {
                (LinkClass::Alive, "the local file exists".to_string())
            } else if let Some(source) = built_from(doc, &path) {
                (LinkClass::Alive, format!("the page is built from {}", source.display()))
            } else {
                (LinkClass::Dead, format!("no such local file (linked as {target:?})"))
            };
            by_path.insert(path.clone(), out.len());
            out.push(LinkResult {
                local: true,
                ..LinkResult::new(path.display().to_string(), class, &evidence, vec![citation])
            });
        }
    }
    out
}

fn check_web(docs: &[Document], cfg: &LinksConfig, store: &mut dyn Store, progress: &dyn Progress) -> LinkReport {
    if !cfg.enabled {
        return LinkReport {
            results: offline(docs, cfg.scope),
            network: NetworkStatus::Offline,
            ..LinkReport::default()
        };
    }
    let targets = targets(docs, cfg.scope);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            return LinkReport {
                results: unchecked(&targets, &format!("cannot start the network runtime: {e}")),
                network: NetworkStatus::Offline,
                ..LinkReport::default()
            };
        }
    };
    runtime.block_on(check_async(targets, cfg, store, progress))
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
            // A body link belongs to no footnote: its block says where it stands.
            let message = match c.block {
                Some((what, line)) if c.footnote.is_none() && line == c.line => format!("{message} (in a {what})"),
                Some((what, line)) if c.footnote.is_none() => format!("{message} (in the {what} from line {line})"),
                _ => message.clone(),
            };
            Finding::new(kind, &c.file, c.line, message)
                .footnote(c.footnote)
                .url(&self.url)
        })
    }

    /// A result for a target that was not (yet) checked.
    pub fn unchecked(t: &Target, why: &str) -> LinkResult {
        LinkResult {
            archived_copy: t.archived.as_ref().map(|a| redact::url(a)),
            ..LinkResult::new(redact::url(&t.url), LinkClass::Unchecked, why, t.citations.clone())
        }
    }

    /// A result with its class and evidence, and nothing fetched.
    fn new(url: String, class: LinkClass, evidence: &str, cited_by: Vec<Citation>) -> LinkResult {
        LinkResult {
            url,
            class,
            http_status: None,
            redirect_chain: Vec::new(),
            final_url: None,
            permanent_redirect: false,
            title: None,
            content_type: None,
            evidence: evidence.to_string(),
            // Never checked: no time to give.
            checked_at: if class == LinkClass::Unchecked {
                String::new()
            } else {
                now()
            },
            cited_by,
            from_cache: false,
            title_matches: None,
            type_matches: None,
            archived_copy: None,
            local: false,
            failing: None,
        }
    }
}

/// Now, in RFC 3339 (the store's clock: `CITECHECK_NOW` sets it).
pub(crate) fn now() -> String {
    time(store::now())
}

fn time(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_string()
}

/// State shared by every lane of a run.
pub struct Shared {
    /// Hosts whose first request failed on the way (DNS, connect).
    pub network_failures: AtomicUsize,
    pub network_down: AtomicBool,
    /// Hosts whose first request has finished, of `total_hosts`.
    pub finished_first: AtomicUsize,
    pub total_hosts: usize,
}

/// A stored result that may answer for this run, if the store has one.
fn cached(store: &dyn Store, cfg: &LinksConfig, url: &str) -> Option<LinkResult> {
    if !cfg.cache.enabled {
        return None;
    }
    serde_json::from_value(store.reusable_check(&Key::of(url), cfg.cache.max_age)?).ok()
}

/// Whether a result may answer for later runs: successes and definite
/// answers (404, 410, soft 404); never timeouts, connection or server
/// errors, nor a 404 while `links.dead_after` wants it checked again.
pub fn cacheable(r: &LinkResult, cfg: &LinksConfig) -> bool {
    match r.class {
        LinkClass::Alive | LinkClass::Redirected | LinkClass::Soft404 => true,
        LinkClass::Dead => cfg.dead_after.at_once() && matches!(r.http_status, Some(404 | 410)),
        _ => false,
    }
}

/// Applies `links.dead_after` to a dead link checked now, from its history
/// in the store (this check included): dead after N failing checks in a
/// row spanning D days, failing before. The record says since when.
fn judge(r: &mut LinkResult, history: &[store::Past], cfg: &LinksConfig) {
    let now = store::now();
    // The checks that found it gone since it last answered with its page.
    // Other failures (a timeout, a network that was down) neither count
    // nor reset: they say nothing about the page.
    let failing: Vec<&store::Past> = history.iter().rev().take_while(|p| !p.ok).filter(|p| p.gone).collect();
    // A store that is off, or a check it could not keep: this check alone.
    let (k, first) = match failing.last() {
        Some(first) => (failing.len() as u32, first.at),
        None => (1, now),
    };
    r.failing = Some(Box::new(Failing {
        first_failed: time(first),
        checks: k,
        last_ok: history.iter().rev().find(|p| p.ok).map(|p| time(p.at)),
    }));
    let d = cfg.dead_after;
    let days = (now - first) / 86_400;
    if k < d.checks || days < i64::from(d.days) {
        r.class = LinkClass::Failing;
        r.evidence = format!(
            "{}; failing since {}, {k} of {} checks over {days} of {} days (links.dead_after)",
            r.evidence,
            time(first),
            d.checks.max(1),
            d.days
        );
    }
}

/// Records a check in the store (every check, for the link's history);
/// a store that cannot be written is a warning.
fn remember(store: &mut dyn Store, cfg: &LinksConfig, url: &str, r: &LinkResult, warnings: &mut Vec<String>) {
    let mut kept = r.clone();
    kept.cited_by.clear();
    kept.from_cache = false;
    let record = match serde_json::to_value(&kept) {
        Ok(v) => v,
        Err(e) => return store::warn_once(warnings, Err(format!("cannot encode the check of {}: {e}", r.url))),
    };
    let check = LinkCheck {
        class: r.class.as_str().to_string(),
        status: r.http_status,
        evidence: r.evidence.clone(),
        ok: r.class.is_ok(),
        gone: r.class.is_gone(),
        reusable: cacheable(r, cfg),
        record,
    };
    store::warn_once(warnings, store.record_check(&Key::of(url), &check));
}

async fn check_async(
    targets: Vec<Target>,
    cfg: &LinksConfig,
    store: &mut dyn Store,
    progress: &dyn Progress,
) -> LinkReport {
    let mut warnings = Vec::new();
    let mut results: Vec<Option<LinkResult>> = vec![None; targets.len()];
    let mut todo = Vec::new();
    for (i, t) in targets.iter().enumerate() {
        if cfg.exclude.is_match(&t.url) {
            results[i] = Some(LinkResult::unchecked(t, "excluded by links.exclude"));
        } else if let Some(mut hit) = cached(store, cfg, &t.url) {
            hit.cited_by = t.citations.clone();
            hit.from_cache = true;
            results[i] = Some(hit);
        } else {
            todo.push(i);
        }
    }
    let mut lanes: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for &i in &todo {
        lanes.entry(crate::net::host_key(&targets[i].url)).or_default().push(i);
    }
    let shared = Arc::new(Shared {
        network_failures: AtomicUsize::new(0),
        network_down: AtomicBool::new(false),
        finished_first: AtomicUsize::new(0),
        total_hosts: lanes.len(),
    });
    let net = match crate::net::Net::for_links(cfg) {
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
                warnings,
            };
        }
    };
    progress.started(todo.len());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(usize, classify::Checked)>();
    let targets = Arc::new(targets);
    let lane_cfg = Arc::new(cfg.clone());
    for (host, items) in lanes {
        hosts::spawn_lane(
            lane_cfg.clone(),
            host,
            items,
            targets.clone(),
            net.clone(),
            shared.clone(),
            tx.clone(),
        );
    }
    drop(tx);
    let mut unresolved = vec![false; targets.len()];
    while let Some((i, checked)) = rx.recv().await {
        progress.checked(checked.result.class);
        // Stored as it comes: a run killed mid-way keeps what it learnt.
        // An unchecked link (excluded, the network down) is no check.
        if cfg.cache.enabled && checked.result.class != LinkClass::Unchecked {
            remember(store, cfg, &targets[i].url, &checked.result, &mut warnings);
        }
        unresolved[i] = checked.unresolved;
        results[i] = Some(checked.result);
    }
    progress.finished();
    let down = shared.network_down.load(Ordering::SeqCst)
        || net.answered() == 0 && shared.network_failures.load(Ordering::SeqCst) > 0;
    let mut out = Vec::with_capacity(results.len());
    for (i, (r, unresolved)) in results.into_iter().zip(unresolved).enumerate() {
        let Some(mut r) = r else { continue };
        if down {
            if !r.from_cache && r.class != LinkClass::Unchecked {
                r.class = LinkClass::Unchecked;
                r.evidence = "network unreachable: no host answered".to_string();
                r.http_status = None;
            }
        } else if unresolved {
            // A name that does not resolve is dead only because other hosts did resolve.
            r.class = LinkClass::Dead;
            r.evidence = "the host name does not resolve (other hosts did)".to_string();
            if cfg.cache.enabled {
                remember(store, cfg, &targets[i].url, &r, &mut warnings);
            }
        }
        if r.class == LinkClass::Dead && !r.from_cache {
            let history = if cfg.cache.enabled {
                store.history(&Key::of(&targets[i].url))
            } else {
                Vec::new()
            };
            judge(&mut r, &history, cfg);
        }
        out.push(r);
    }
    store::warn_once(&mut warnings, store.flush());
    let results = out;
    LinkReport {
        results,
        network: if down {
            NetworkStatus::Unreachable
        } else {
            NetworkStatus::Ok
        },
        requests: net.requests(),
        warnings,
    }
}

/// Findings for links that are not alive, and for live pages that are no
/// longer the cited source. `instead` gives, for a link, what to cite instead
/// (an archived copy found by a later stage), which becomes the suggestion of
/// the findings that say the link is in doubt.
pub fn findings(report: &LinkReport, instead: &dyn Fn(LinkId) -> Option<String>) -> Vec<Finding> {
    let mut out = Vec::new();
    for (id, r) in report.results.iter().enumerate() {
        let instead = instead(LinkId(id));
        let (kind, what) = match r.class {
            LinkClass::Alive => (None, ""),
            LinkClass::Redirected if r.permanent_redirect => (Some(Kind::LinkRedirected), "moved permanently"),
            LinkClass::Redirected => (Some(Kind::LinkRedirectedTemporarily), "redirects temporarily"),
            LinkClass::Dead => (Some(Kind::LinkDead), "is dead"),
            LinkClass::Failing => (Some(Kind::LinkFailing), "is failing"),
            LinkClass::Soft404 => (Some(Kind::LinkSoft404), "answers but the page is gone"),
            LinkClass::Blocked => (Some(Kind::LinkBlocked), "could not be verified (blocked)"),
            LinkClass::HttpError => (Some(Kind::LinkHttpError), "answers with an HTTP error"),
            LinkClass::ServerError => (Some(Kind::LinkServerError), "fails with a server error"),
            LinkClass::RedirectRefused => (Some(Kind::LinkRedirectRefused), "redirects into the local network"),
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
        if r.class.is_ok() {
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
            let suggestion = match (&instead, kind) {
                (Some(s), k) if k.is_link_status() => Some(s.clone()),
                (_, Kind::LinkRedirected) => r
                    .final_url
                    .as_deref()
                    .map(|fin| format!("cite {} instead", redact::url(fin))),
                _ => None,
            };
            out.extend(r.findings(kind, &message).map(|f| match &suggestion {
                Some(s) => f.suggest(s.clone()),
                None => f,
            }));
        }
    }
    out
}

#[cfg(test)]
mod history_tests {
    use super::*;
    use crate::store::Past;

    fn dead() -> LinkResult {
        LinkResult::new("http://x.example/".into(), LinkClass::Dead, "HTTP 404", Vec::new())
    }

    fn past(day: i64, ok: bool, gone: bool) -> Past {
        Past {
            at: store::now() - (10 - day) * 86_400,
            ok,
            gone,
        }
    }

    #[test]
    fn only_checks_that_found_the_page_gone_count_and_an_ok_one_resets() {
        let cfg = LinksConfig {
            dead_after: crate::config::DeadAfter { checks: 3, days: 3 },
            ..LinksConfig::default()
        };
        // Gone on days 0, 4 and 10, a timeout on day 2: three in ten days.
        let mut r = dead();
        judge(
            &mut r,
            &[
                past(0, false, true),
                past(2, false, false),
                past(4, false, true),
                past(10, false, true),
            ],
            &cfg,
        );
        assert_eq!(
            (r.class, r.failing.as_ref().map(|f| f.checks)),
            (LinkClass::Dead, Some(3))
        );
        // The timeouts alone would not make it dead, nor is an OK check forgotten.
        let mut r = dead();
        judge(
            &mut r,
            &[
                past(0, false, true),
                past(4, true, false),
                past(6, false, false),
                past(10, false, true),
            ],
            &cfg,
        );
        assert_eq!(
            (r.class, r.failing.as_ref().map(|f| f.checks)),
            (LinkClass::Failing, Some(1))
        );
        assert!(r.failing.as_ref().unwrap().last_ok.is_some());
        assert!(r.evidence.contains("1 of 3 checks"), "{}", r.evidence);
    }
}

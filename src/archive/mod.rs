//! Archive rescue: for every doubtful link, the archived copy closest to the
//! date the source was cited, found by asking the configured providers in
//! order, verified by replaying it, and suggested in the reports (and written
//! into corrected documents by `citecheck fix`).
//!
//! The target date is the date the reference cites (a month-only date means
//! its first day), else the document's publication or update date, else today.

pub mod providers;

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::config::{ArchiveConfig, ArchiveMode, ArchiveProvider, LinksConfig, ProviderKind, SaveCredentials};
use crate::document::Document;
use crate::links::{LinkClass, LinkResult, Target, title};
use crate::model::{Finding, Kind, LinkId};
use crate::net::{Fetched, Net, Request};
use crate::redact;
use crate::store::{self, Key, Store};
use providers::{Answer, Capture};

/// A suggested archived copy of a cited URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The cited URL (redacted), as in the link results.
    pub url: String,
    pub archived_url: String,
    /// Capture date, ISO 8601 (`2014-02-03`).
    pub captured: String,
    /// The provider's capture timestamp (`20140203123456`).
    pub timestamp: String,
    pub provider: String,
    /// Whether the capture was replayed and found to be the cited source.
    pub verified: bool,
    /// Days between the capture and the target date (positive: after it).
    pub days_from_target: Option<i64>,
    /// The date the capture was chosen for.
    pub target_date: String,
}

impl Snapshot {
    /// What a finding about the link tells the reader to cite instead.
    pub fn suggestion(&self) -> String {
        let days = self
            .days_from_target
            .map(|d| format!(", {d:+} days from the citation date"))
            .unwrap_or_default();
        format!(
            "cite the archived copy {} (captured {} by {}{days}{})",
            self.archived_url,
            self.captured,
            self.provider,
            if self.verified { ", verified" } else { ", not verified" }
        )
    }
}

/// What the archive stage produced.
#[derive(Debug, Clone, Default)]
pub struct ArchiveReport {
    /// The archived copy suggested for each link that has one, keyed by the
    /// link it belongs to (in link order).
    pub snapshots: BTreeMap<LinkId, Snapshot>,
    pub findings: Vec<Finding>,
    /// Problems that did not stop the stage (the store could not be written).
    pub warnings: Vec<String>,
}

/// Whether a link gets an archive lookup.
pub fn wants_lookup(l: &LinkResult, mode: ArchiveMode) -> bool {
    if l.archived_copy.is_some() || l.local {
        return false; // rescued already, or a local file no archive has
    }
    match mode {
        ArchiveMode::None => false,
        ArchiveMode::All => l.class != LinkClass::Unchecked,
        ArchiveMode::Doubtful => l.class.is_doubtful() || l.title_matches == Some(false),
    }
}

/// The date a link's capture should be closest to: the date its reference
/// cites, else the citing document's publication date, else today.
pub fn target_date(docs: &[Document], t: &Target) -> Date {
    t.cited_date
        .and_then(|d| d.first_civil())
        .or_else(|| {
            let file = t.citations.first().map(|c| &*c.file);
            docs.iter()
                .find(|d| Some(d.path.as_str()) == file)
                .and_then(|d| d.published)
                .and_then(|p| p.first_civil())
        })
        .unwrap_or_else(|| jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::UTC).date())
}

/// The archive client: its requests go through the network layer, each
/// service paced by `archive.interval`.
struct Client {
    net: Net,
    cfg: ArchiveConfig,
}

/// An archive's answer: status, headers, body.
type Got = (u16, reqwest::header::HeaderMap, Vec<u8>);

impl Client {
    fn new(cfg: &ArchiveConfig, links: &LinksConfig) -> Result<Client, String> {
        Ok(Client {
            net: Net::for_archive(cfg, links)?,
            cfg: cfg.clone(),
        })
    }

    /// GET, retried as the network layer's policy says (429 and 5xx after
    /// backoff or `Retry-After`, timeouts). A 429 or 5xx that never clears,
    /// or no answer, is a failure, in words.
    async fn get(&self, url: &str, follow: bool, headers: &[(&'static str, String)]) -> Result<Got, String> {
        let mut req = Request::get(url).follow(follow);
        for (k, v) in headers {
            req = req.header(k, v);
        }
        answer(self.net.fetch(&req).await)
    }

    /// Asks one provider for captures of a URL around a date.
    async fn ask(&self, p: &ArchiveProvider, url: &str, target: Date) -> Answer {
        let name = p.name();
        let base = p.base_url.trim_end_matches('/');
        let req = providers::request_url(p, url, target);
        match p.kind {
            ProviderKind::WaybackCdx
            | ProviderKind::WaybackAvailability
            | ProviderKind::Timetravel
            | ProviderKind::MementoTimemap => match self.get(&req, false, &[]).await {
                Err(e) => Answer::Failed(e),
                Ok((404, _, _)) if matches!(p.kind, ProviderKind::Timetravel | ProviderKind::MementoTimemap) => {
                    Answer::None
                }
                Ok((200, _, body)) => {
                    let text = String::from_utf8_lossy(&body);
                    let parsed = match p.kind {
                        ProviderKind::WaybackCdx => providers::parse_cdx(&text, base, &name),
                        ProviderKind::WaybackAvailability => providers::parse_availability(&text, &name),
                        ProviderKind::MementoTimemap => providers::parse_timemap(&text, &name),
                        _ => providers::parse_timetravel(&text, &name),
                    };
                    match parsed {
                        Ok(c) if c.is_empty() => Answer::None,
                        Ok(c) => Answer::Found(c),
                        Err(e) => Answer::Failed(e),
                    }
                }
                Ok((status, _, _)) => Answer::Failed(format!("HTTP {status}")),
            },
            ProviderKind::WaybackReplay => match self.get(&req, false, &[]).await {
                Err(e) => Answer::Failed(e),
                Ok((300..=399, h, _)) => {
                    let loc = h
                        .get(reqwest::header::LOCATION)
                        .and_then(|l| l.to_str().ok())
                        .unwrap_or("");
                    match providers::parse_replay_location(loc, base, &name) {
                        Some(c) => Answer::Found(vec![c]),
                        None => Answer::None,
                    }
                }
                Ok((200, _, _)) => match providers::parse_replay_location(&req, "", &name) {
                    Some(c) => Answer::Found(vec![c]),
                    None => Answer::None,
                },
                Ok((404, _, _)) => Answer::None,
                Ok((status, _, _)) => Answer::Failed(format!("HTTP {status}")),
            },
            ProviderKind::Memento => {
                let when = target
                    .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                    .map(|z| z.timestamp())
                    .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
                let accept = jiff::fmt::rfc2822::DateTimePrinter::new()
                    .timestamp_to_rfc9110_string(&when)
                    .unwrap_or_default();
                match self.get(&req, false, &[("Accept-Datetime", accept)]).await {
                    Err(e) => Answer::Failed(e),
                    Ok((300..=399, h, _)) => {
                        let loc = h
                            .get(reqwest::header::LOCATION)
                            .and_then(|l| l.to_str().ok())
                            .unwrap_or("")
                            .to_string();
                        let ts: String = loc
                            .split('/')
                            .find(|seg| seg.len() >= 14 && seg.bytes().all(|b| b.is_ascii_digit()))
                            .unwrap_or("")
                            .to_string();
                        if loc.is_empty() || ts.is_empty() {
                            Answer::None
                        } else {
                            Answer::Found(vec![Capture {
                                timestamp: ts,
                                archived_url: loc,
                                provider: name,
                            }])
                        }
                    }
                    Ok((404, _, _)) => Answer::None,
                    Ok((status, _, _)) => Answer::Failed(format!("HTTP {status}")),
                }
            }
        }
    }

    /// Saves a URL with Save Page Now and polls the job. The credentials go to
    /// the save endpoint only, never to the status polls.
    async fn save(&self, url: &str, creds: &SaveCredentials) -> Result<Capture, String> {
        let endpoint = self.cfg.save_url.trim_end_matches('/').to_string();
        let body = format!(
            "url={}",
            url::form_urlencoded::byte_serialize(url.as_bytes()).collect::<String>()
        );
        let req = Request::get(&endpoint)
            .follow(false)
            .header("accept", "application/json")
            .header("authorization", &format!("LOW {}:{}", creds.access, creds.secret))
            .form(body);
        // Sent once: a save repeated is a second capture.
        let f = self.net.fetch_once(&req).await;
        if let Some(e) = &f.error {
            return Err(format!("save request failed: {}", e.describe()));
        }
        let status = f.status.unwrap_or(0);
        let text = String::from_utf8_lossy(&f.body).into_owned();
        if status != 200 {
            return Err(format!("Save Page Now answered HTTP {status}"));
        }
        let v: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("malformed Save Page Now answer: {e}"))?;
        let job = v["job_id"].as_str().ok_or("Save Page Now gave no job_id")?.to_string();
        let base = endpoint.trim_end_matches("/save").to_string();
        for _ in 0..self.cfg.save_max_polls.max(1) {
            tokio::time::sleep(self.cfg.save_poll).await;
            let (st, _, body) = self.get(&format!("{endpoint}/status/{job}"), false, &[]).await?;
            if st != 200 {
                continue;
            }
            let v: serde_json::Value =
                serde_json::from_slice(&body).map_err(|e| format!("malformed job status: {e}"))?;
            match v["status"].as_str() {
                Some("success") => {
                    let ts = v["timestamp"]
                        .as_str()
                        .ok_or("job done without a timestamp")?
                        .to_string();
                    let original = v["original_url"].as_str().unwrap_or(url);
                    return Ok(Capture {
                        archived_url: providers::upgrade(&format!("{base}/web/{ts}/{original}")),
                        timestamp: ts,
                        provider: "save-page-now".to_string(),
                    });
                }
                Some("error") => {
                    return Err(format!(
                        "Save Page Now job failed: {}",
                        v["message"].as_str().unwrap_or("no reason given")
                    ));
                }
                _ => {}
            }
        }
        Err("Save Page Now job still pending after the last poll".to_string())
    }

    /// Replays a capture: it must answer 200, a PDF as a PDF, and carry the
    /// cited title where one in the page's script exists.
    async fn verify(&self, c: &Capture, t: &Target) -> bool {
        let Ok((status, h, body)) = self.get(&c.archived_url, true, &[]).await else {
            return false;
        };
        if status != 200 {
            return false;
        }
        let ct = h.get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
        let is_pdf = ct.is_some_and(|c| c.contains("pdf")) || body.starts_with(b"%PDF");
        if t.expects_pdf {
            return is_pdf;
        }
        if is_pdf {
            return true;
        }
        let page = crate::links::page::parse(&body, ct);
        match title::compare(&page.titles(), &t.titles, &t.paired_titles) {
            Some((ok, _, _)) => ok,
            None => true,
        }
    }
}

/// A lookup kept in the store, keyed by the real URL and the target date:
/// a found snapshot, or the definite answer that no provider has one
/// (`None`). Failures are never kept.
fn stored_lookup(store: &dyn Store, key: &Key, target: &str, max_age: Duration) -> Option<Option<Snapshot>> {
    serde_json::from_value(store.lookup(key, target, max_age)?).ok()
}

/// Finds archived copies for the links that need one.
///
/// Lookups are read from and put into the store as they come (when
/// `links.cache.enabled`, whose `max_age` they share).
pub fn rescue(
    docs: &[Document],
    links: &[LinkResult],
    cfg: &ArchiveConfig,
    links_cfg: &LinksConfig,
    store: &mut dyn Store,
) -> ArchiveReport {
    let save = cfg.save.clone();
    // Saving missing copies needs to know which live links have none: look them up too.
    let mode = if save.is_some() && cfg.mode == ArchiveMode::Doubtful {
        ArchiveMode::All
    } else {
        cfg.mode
    };
    let use_cache = links_cfg.cache.enabled;
    let max_age = links_cfg.cache.max_age;
    let targets: HashMap<String, Target> = crate::links::targets(docs, links_cfg.scope)
        .into_iter()
        .map(|t| (redact::url(&t.url), t))
        .collect();
    let wanted: Vec<(LinkId, &LinkResult)> = links
        .iter()
        .enumerate()
        .filter(|(_, l)| wants_lookup(l, mode))
        .map(|(i, l)| (LinkId(i), l))
        .collect();
    if wanted.is_empty() || cfg.providers.is_empty() {
        return ArchiveReport::default();
    }
    let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
        return ArchiveReport::default();
    };
    rt.block_on(async {
        let client = match Client::new(cfg, links_cfg) {
            Ok(c) => c,
            Err(e) => {
                let mut r = ArchiveReport::default();
                if let Some(c) = wanted.first().and_then(|(_, l)| l.cited_by.first()) {
                    r.findings.push(Finding::new(
                        Kind::ArchiveProviderFailed,
                        &c.file,
                        c.line,
                        format!("cannot build the archive client: {e}"),
                    ));
                }
                return r;
            }
        };
        let mut report = ArchiveReport::default();
        let mut failures: BTreeMap<String, (String, usize, String, Option<u32>)> = BTreeMap::new();
        for (id, l) in wanted {
            let Some(t) = targets.get(&l.url) else { continue };
            let target = target_date(docs, t);
            // Kept under the real URL's hash (the redacted one is shown).
            let key = Key::of(&t.url);
            let day = target.to_string();
            let mut all_answered = true;
            let mut found = None;
            let cached = if use_cache {
                stored_lookup(store, &key, &day, max_age)
            } else {
                None
            };
            let providers: &[ArchiveProvider] = if let Some(known) = &cached {
                found = known.clone();
                &[]
            } else {
                &cfg.providers
            };
            for p in providers {
                // The services are asked about the real URL; what is
                // written (the store's key, the reports) is the redacted one.
                match client.ask(p, &t.url, target).await {
                    Answer::Failed(why) => {
                        all_answered = false;
                        if let Some(c) = l.cited_by.first() {
                            failures
                                .entry(p.name())
                                .or_insert((c.file.to_string(), c.line, why, c.footnote));
                        }
                    }
                    Answer::None => {}
                    Answer::Found(captures) => {
                        let Some(best) = providers::closest(&captures, target) else {
                            continue;
                        };
                        let verified = !cfg.verify || client.verify(&best, t).await;
                        if !verified && cfg.verify {
                            continue; // a capture that does not replay is not suggested
                        }
                        found = Some(snapshot(&l.url, &best, target, cfg.verify));
                        break;
                    }
                }
            }
            if found.is_none()
                && all_answered
                && l.class.is_ok()
                && let Some(creds) = &save
            {
                match client.save(&t.url, creds).await {
                    Ok(c) => {
                        let message = format!(
                            "{} had no archived copy; Save Page Now archived it as {}",
                            l.url, c.archived_url
                        );
                        report.findings.extend(l.findings(Kind::ArchiveSaved, &message));
                        found = Some(snapshot(&l.url, &c, target, false));
                    }
                    Err(why) => {
                        if let Some(c) = l.cited_by.first() {
                            failures.entry("save-page-now".to_string()).or_insert((
                                c.file.to_string(),
                                c.line,
                                why,
                                c.footnote,
                            ));
                        }
                    }
                }
            }
            if use_cache && cached.is_none() && (found.is_some() || all_answered) {
                let answer = serde_json::to_value(&found).unwrap_or(serde_json::Value::Null);
                // Committed as it comes: a run killed in this phase asks no
                // finished lookup again.
                store::warn_once(&mut report.warnings, store.record_lookup(&key, &day, &answer));
            }
            match found {
                Some(s) => {
                    report.snapshots.insert(id, s);
                }
                None if all_answered && l.class.is_doubtful() => {
                    let message = format!(
                        "{} is {} and no archive has a usable capture: needs a human",
                        l.url, l.class
                    );
                    report.findings.extend(l.findings(Kind::LinkUnrecoverable, &message));
                }
                None => {}
            }
        }
        store::warn_once(&mut report.warnings, store.flush());
        for (provider, (file, line, why, footnote)) in failures {
            report.findings.push(
                Finding::new(
                    Kind::ArchiveProviderFailed,
                    &file,
                    line,
                    format!("archive provider {provider} failed ({why}); the next provider was asked"),
                )
                .footnote(footnote),
            );
        }
        report
    })
}

/// An answer as the providers read it, or why there is none.
fn answer(f: Fetched) -> Result<Got, String> {
    if let Some(e) = &f.error {
        return Err(if e.is_network() || e.kind == crate::net::NetErrorKind::Refused {
            format!("cannot connect: {}", e.describe())
        } else if e.kind == crate::net::NetErrorKind::Timeout {
            "timed out".to_string()
        } else {
            format!("request failed: {}", e.describe())
        });
    }
    if let Some(why) = f.excluded.or(f.refused) {
        return Err(format!("not asked: {why}"));
    }
    match f.status.unwrap_or(0) {
        s @ (429 | 500..) => Err(format!("HTTP {s}")),
        s => Ok((s, f.headers, f.body)),
    }
}

fn snapshot(url: &str, c: &Capture, target: Date, verified: bool) -> Snapshot {
    let when = providers::parse_timestamp(&c.timestamp);
    let days = when.map(|w| w.date().duration_since(target).as_secs() / 86_400);
    Snapshot {
        url: url.to_string(),
        // An archive's address holds the URL it archived, the real one (the
        // services are asked about it): redacted, as everything written is.
        archived_url: redact::url(&c.archived_url),
        captured: when.map(|w| w.date().to_string()).unwrap_or_default(),
        timestamp: c.timestamp.clone(),
        provider: c.provider.clone(),
        verified,
        days_from_target: days,
        target_date: target.to_string(),
    }
}

//! `data/citecheck.yaml`: the document set and every option, with defaults.
//!
//! Parsed with serde-saphyr (serde_yaml is deprecated upstream). Unknown keys
//! are errors, so a typo never silently falls back to a default.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::document::{Format, Lang};
use crate::error::{Error, Result};
use crate::validate::FailOn;

/// The whole configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The documents of the set; paths are relative to the config file.
    pub documents: Vec<DocumentConfig>,
    pub output: OutputConfig,
    /// The lowest severity that makes the run fail (exit code 1).
    pub fail_on: FailOn,
    pub parse: ParseConfig,
    pub checks: ChecksConfig,
    pub links: LinksConfig,
    pub archive: ArchiveConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            documents: Vec::new(),
            output: OutputConfig::default(),
            fail_on: FailOn::Error,
            parse: ParseConfig::default(),
            checks: ChecksConfig::default(),
            links: LinksConfig::default(),
            archive: ArchiveConfig::default(),
        }
    }
}

/// Which links get an archived copy suggested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ArchiveMode {
    /// Dead, soft-404, blocked, and live pages that are no longer the cited source.
    Doubtful,
    /// Every checked link (pins a snapshot for live links too).
    All,
    /// No archive lookup.
    None,
}

/// The kind of an archive service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    WaybackCdx,
    WaybackAvailability,
    WaybackReplay,
    Timetravel,
    /// An RFC 7089 TimeGate (`Accept-Datetime` → `Location`).
    Memento,
    /// An RFC 7089 TimeMap in link format (every memento with its datetime).
    MementoTimemap,
}

/// One archive service.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchiveProvider {
    pub kind: ProviderKind,
    /// Shown in reports; defaults to the kind.
    #[serde(default)]
    pub name: Option<String>,
    pub base_url: String,
}

impl ArchiveProvider {
    pub fn name(&self) -> String {
        self.name.clone().unwrap_or_else(|| {
            match self.kind {
                ProviderKind::WaybackCdx => "wayback-cdx",
                ProviderKind::WaybackAvailability => "wayback-availability",
                ProviderKind::WaybackReplay => "wayback-replay",
                ProviderKind::Timetravel => "timetravel",
                ProviderKind::Memento => "memento",
                ProviderKind::MementoTimemap => "memento-timemap",
            }
            .to_string()
        })
    }
}

/// Archive rescue.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ArchiveConfig {
    pub mode: ArchiveMode,
    /// Asked in this order until one has a verified capture.
    pub providers: Vec<ArchiveProvider>,
    /// Minimum time between two requests to one service.
    pub interval_ms: u64,
    pub timeout_ms: u64,
    pub retries: u32,
    pub retry_base_ms: u64,
    /// Replay each capture before suggesting it.
    pub verify: bool,
    /// Save Page Now endpoint, for --save-missing.
    pub save_url: String,
    /// Time between two polls of a Save Page Now job, and how many polls at most.
    pub save_poll_ms: u64,
    pub save_max_polls: u32,
    /// Archive lookups are cached here like link results.
    pub cache_path: PathBuf,
}

impl Default for ArchiveConfig {
    fn default() -> Self {
        let p = |kind, base: &str| ArchiveProvider {
            kind,
            name: None,
            base_url: base.to_string(),
        };
        ArchiveConfig {
            mode: ArchiveMode::Doubtful,
            providers: vec![
                p(ProviderKind::WaybackCdx, "https://web.archive.org"),
                p(ProviderKind::WaybackAvailability, "https://archive.org"),
                p(ProviderKind::WaybackReplay, "https://web.archive.org"),
                p(ProviderKind::Timetravel, "http://timetravel.mementoweb.org"),
            ],
            interval_ms: 1000,
            timeout_ms: 30_000,
            retries: 2,
            retry_base_ms: 1000,
            verify: true,
            save_url: "https://web.archive.org/save".to_string(),
            save_poll_ms: 5000,
            save_max_polls: 24,
            cache_path: PathBuf::from(".citecheck/cache/archive.json"),
        }
    }
}

/// The link engine.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinksConfig {
    /// Check links at all (`--offline` turns it off for one run).
    pub enabled: bool,
    /// Requests in flight at once, over all hosts.
    pub concurrency: usize,
    /// Requests in flight at once to one host (host name plus port).
    pub per_host_concurrency: usize,
    /// Minimum time between two request starts to one host.
    pub per_host_interval_ms: u64,
    /// Whole-request timeout (headers and the capped body).
    pub timeout_ms: u64,
    pub connect_timeout_ms: u64,
    pub max_redirects: usize,
    /// Retries after a timeout, a broken connection, 408, 429 or 5xx.
    pub retries: u32,
    /// First backoff; doubled each retry, plus up to as much jitter.
    pub retry_base_ms: u64,
    /// Longest `Retry-After` honoured.
    pub retry_after_cap_ms: u64,
    /// Most body bytes read (after decompression).
    pub max_body_bytes: usize,
    /// User-Agent; default `citecheck/<version> (+repository URL)`.
    pub user_agent: Option<String>,
    /// Extra headers sent with every request.
    pub headers: BTreeMap<String, String>,
    /// Status codes counted as alive besides 2xx.
    pub accept: Vec<u16>,
    /// Regular expressions of URLs not to check.
    pub exclude: Vec<String>,
    /// Per-host overrides, keyed `host` or `host:port`.
    pub hosts: BTreeMap<String, HostConfig>,
    /// Fixed addresses for host names (`host: ip:port`), as curl's --resolve.
    pub resolve: BTreeMap<String, String>,
    /// Request one random path per host to recognise sites that answer 200 for anything.
    pub soft404_probe: bool,
    /// Compare live pages' titles with the cited titles.
    pub title_check: bool,
    /// Fetch PDFs by GET (default: HEAD, as their content is not compared).
    pub check_pdf_content: bool,
    pub cache: CacheConfig,
}

impl Default for LinksConfig {
    fn default() -> Self {
        LinksConfig {
            enabled: true,
            concurrency: 64,
            per_host_concurrency: 2,
            per_host_interval_ms: 250,
            timeout_ms: 20_000,
            connect_timeout_ms: 10_000,
            max_redirects: 10,
            retries: 2,
            retry_base_ms: 500,
            retry_after_cap_ms: 60_000,
            max_body_bytes: 1024 * 1024,
            user_agent: None,
            headers: BTreeMap::new(),
            accept: Vec::new(),
            exclude: Vec::new(),
            hosts: BTreeMap::new(),
            resolve: BTreeMap::new(),
            soft404_probe: true,
            title_check: true,
            check_pdf_content: false,
            cache: CacheConfig::default(),
        }
    }
}

/// Overrides for one host.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HostConfig {
    pub concurrency: Option<usize>,
    pub interval_ms: Option<u64>,
    pub headers: BTreeMap<String, String>,
}

/// The persistent link cache.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CacheConfig {
    pub enabled: bool,
    /// Cache file, relative to the working directory.
    pub path: PathBuf,
    /// Results older than this are checked again: `30s`, `15m`, `12h`, `1d`.
    pub max_age: String,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            enabled: true,
            path: PathBuf::from(".citecheck/cache/links.json"),
            max_age: "1d".to_string(),
        }
    }
}

impl CacheConfig {
    pub fn max_age(&self) -> std::time::Duration {
        parse_duration(&self.max_age).unwrap_or(std::time::Duration::from_secs(86_400))
    }
}

/// `30s`, `15m`, `12h`, `1d`, `2w`, or plain seconds.
pub fn parse_duration(s: &str) -> Option<std::time::Duration> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = num.parse().ok()?;
    let secs = match unit.trim() {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        "w" => n * 604_800,
        _ => return None,
    };
    Some(std::time::Duration::from_secs(secs))
}

impl LinksConfig {
    pub fn user_agent(&self) -> String {
        self.user_agent.clone().unwrap_or_else(|| {
            format!(
                "citecheck/{} (+{})",
                env!("CARGO_PKG_VERSION"),
                env!("CARGO_PKG_REPOSITORY")
            )
        })
    }

    fn host_config(&self, host_port: &str) -> Option<&HostConfig> {
        let host = host_port.rsplit_once(':').map_or(host_port, |(h, _)| h);
        self.hosts.get(host_port).or_else(|| self.hosts.get(host))
    }

    /// Concurrency and interval for a `host:port`.
    pub fn host_limits(&self, host_port: &str) -> (usize, std::time::Duration) {
        let h = self.host_config(host_port);
        (
            h.and_then(|h| h.concurrency)
                .unwrap_or(self.per_host_concurrency)
                .max(1),
            std::time::Duration::from_millis(h.and_then(|h| h.interval_ms).unwrap_or(self.per_host_interval_ms)),
        )
    }

    /// Extra headers for a `host:port`.
    pub fn host_headers(&self, host_port: &str) -> reqwest::header::HeaderMap {
        let mut map = reqwest::header::HeaderMap::new();
        if let Some(h) = self.host_config(host_port) {
            for (k, v) in &h.headers {
                if let (Ok(name), Ok(value)) = (
                    reqwest::header::HeaderName::from_bytes(k.as_bytes()),
                    reqwest::header::HeaderValue::from_str(v),
                ) {
                    map.insert(name, value);
                }
            }
        }
        map
    }

    /// The exclusion patterns, compiled.
    pub fn exclude_set(&self) -> regex::RegexSet {
        regex::RegexSet::new(&self.exclude).unwrap_or_else(|_| regex::RegexSet::empty())
    }
}

/// One document of the set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentConfig {
    pub path: PathBuf,
    /// `ja` or `en`; guessed from the text when absent.
    #[serde(default)]
    pub lang: Option<Lang>,
    /// `text`, `markdown` or `html`; from the file extension when absent.
    #[serde(default)]
    pub format: Option<Format>,
}

/// Where and how reports are written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutputConfig {
    /// Report directory, relative to the working directory.
    pub dir: PathBuf,
    /// Report formats to write.
    pub formats: Vec<ReportFormat>,
}

impl Default for OutputConfig {
    fn default() -> Self {
        OutputConfig {
            dir: PathBuf::from("reports"),
            formats: ReportFormat::ALL.to_vec(),
        }
    }
}

/// A report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    Json,
    Markdown,
    Html,
    Junit,
    Sarif,
    Csv,
}

impl ReportFormat {
    pub const ALL: [ReportFormat; 6] = [
        ReportFormat::Json,
        ReportFormat::Markdown,
        ReportFormat::Html,
        ReportFormat::Junit,
        ReportFormat::Sarif,
        ReportFormat::Csv,
    ];
}

impl std::str::FromStr for ReportFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "json" => Ok(ReportFormat::Json),
            "markdown" | "md" => Ok(ReportFormat::Markdown),
            "html" => Ok(ReportFormat::Html),
            "junit" => Ok(ReportFormat::Junit),
            "sarif" => Ok(ReportFormat::Sarif),
            "csv" => Ok(ReportFormat::Csv),
            other => Err(format!(
                "unknown report format {other:?} (expected json, markdown, html, junit, sarif or csv)"
            )),
        }
    }
}

/// How documents are parsed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ParseConfig {
    /// Headings that open the reference list (matched on the whole line, case-insensitive, colon optional).
    pub reference_headings: Vec<String>,
}

impl Default for ParseConfig {
    fn default() -> Self {
        ParseConfig {
            reference_headings: [
                "参考情報",
                "参考文献",
                "参考資料",
                "引用文献",
                "脚注",
                "注",
                "注釈",
                "出典",
                "出典一覧",
                "References",
                "Notes",
                "Sources",
                "Footnotes",
                "Endnotes",
                "Bibliography",
                "Works Cited",
                "Citations",
            ]
            .into_iter()
            .map(String::from)
            .collect(),
        }
    }
}

/// Which checks run.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChecksConfig {
    /// Finding kinds (as in the JSON report) to leave out.
    pub disable: Vec<String>,
}

/// A loaded configuration and where it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    /// The config file, if one was read.
    pub path: Option<PathBuf>,
}

impl Loaded {
    /// Resolves a document path from the config against the config's folder.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        match self.path.as_deref().and_then(Path::parent) {
            Some(dir) if p.is_relative() => dir.join(p),
            _ => p.to_path_buf(),
        }
    }
}

/// Reads a config file.
pub fn load(path: &Path) -> Result<Loaded> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Config {
        path: path.to_path_buf(),
        line: None,
        message: match e.kind() {
            std::io::ErrorKind::NotFound => "no such config file".to_string(),
            _ => format!("cannot read: {e}"),
        },
    })?;
    let config = parse(&text).map_err(|(line, message)| Error::Config {
        path: path.to_path_buf(),
        line,
        message,
    })?;
    let at = |needle: &str| text.lines().position(|l| l.contains(needle)).map(|i| i + 1);
    for pattern in &config.links.exclude {
        if let Err(e) = regex::Regex::new(pattern) {
            return Err(Error::Config {
                path: path.to_path_buf(),
                line: at(pattern),
                message: format!("links.exclude: {e}"),
            });
        }
    }
    for (host, addr) in &config.links.resolve {
        if addr.parse::<std::net::SocketAddr>().is_err() {
            return Err(Error::Config {
                path: path.to_path_buf(),
                line: at(host),
                message: format!("links.resolve: {host}: {addr:?} is not an ip:port address"),
            });
        }
    }
    if parse_duration(&config.links.cache.max_age).is_none() {
        return Err(Error::Config {
            path: path.to_path_buf(),
            line: at("max_age"),
            message: format!(
                "links.cache.max_age: {:?} is not a duration such as 30s, 15m, 12h or 1d",
                config.links.cache.max_age
            ),
        });
    }
    for kind in &config.checks.disable {
        if crate::validate::Kind::from_name(kind).is_none() {
            return Err(Error::Config {
                path: path.to_path_buf(),
                line: text.lines().position(|l| l.contains(kind.as_str())).map(|i| i + 1),
                message: format!("checks.disable: unknown finding kind {kind:?}"),
            });
        }
    }
    Ok(Loaded {
        config,
        path: Some(path.to_path_buf()),
    })
}

/// Parses config text. Errors carry the line where known.
pub fn parse(text: &str) -> Result<Config, (Option<usize>, String)> {
    if text.trim().is_empty() {
        return Ok(Config::default());
    }
    serde_saphyr::from_str::<Config>(text).map_err(|e| {
        let line = e.location().map(|l| l.line() as usize).filter(|&l| l > 0);
        (line, e.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_errors() {
        let c = parse("documents:\n  - path: a.txt\n    lang: ja\n").unwrap();
        assert_eq!(c.documents[0].lang, Some(Lang::Ja));
        assert_eq!(c.output.dir, PathBuf::from("reports"));
        let (line, msg) = parse("documents:\n  - path: a.txt\n    langg: ja\n").unwrap_err();
        assert_eq!(line, Some(3), "{msg}");
        assert!(parse("fail_on: sometimes\n").is_err());
    }
}

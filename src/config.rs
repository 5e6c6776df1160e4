//! `data/citecheck.yaml`: the document set and every option, with defaults.
//!
//! Parsed with serde-saphyr (serde_yaml is deprecated upstream). Unknown keys
//! are errors, so a typo never silently falls back to a default.
//!
//! Values are typed as they are read: durations are [`Duration`]s, regular
//! expressions are compiled, addresses parsed and finding kinds checked, so a
//! bad value is an error with its line, and no stage parses a string again.
//! The command line is an [`Overlay`] applied once with [`Config::update`]
//! (as the typos CLI does); after that, one `Config` goes down the pipeline
//! and no stage looks at command-line options.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::model::{FailOn, Format, Kind, Lang, ReportFormat};

/// The default configuration file, relative to the working directory.
pub const DEFAULT_CONFIG: &str = "data/citecheck.yaml";

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
    /// Findings recorded in this baseline file do not fail the run (`--baseline`).
    #[serde(skip)]
    pub baseline: Option<PathBuf>,
    /// The file this configuration was read from, if any.
    #[serde(skip)]
    pub source: Option<PathBuf>,
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
            baseline: None,
            source: None,
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
    #[serde(rename = "interval_ms", with = "millis")]
    pub interval: Duration,
    #[serde(rename = "timeout_ms", with = "millis")]
    pub timeout: Duration,
    pub retries: u32,
    #[serde(rename = "retry_base_ms", with = "millis")]
    pub retry_base: Duration,
    /// Replay each capture before suggesting it.
    pub verify: bool,
    /// Save Page Now endpoint, for --save-missing.
    pub save_url: String,
    /// Time between two polls of a Save Page Now job, and how many polls at most.
    #[serde(rename = "save_poll_ms", with = "millis")]
    pub save_poll: Duration,
    pub save_max_polls: u32,
    /// Save Page Now credentials (`--save-missing`): live links that no
    /// archive has are saved. Never read from the file.
    #[serde(skip)]
    pub save: Option<SaveCredentials>,
}

/// Save Page Now credentials (`IA_ACCESS_KEY`, `IA_SECRET_KEY`). Never printed:
/// `Debug` shows nothing of them.
#[derive(Clone)]
pub struct SaveCredentials {
    pub access: String,
    pub secret: String,
}

impl std::fmt::Debug for SaveCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SaveCredentials(REDACTED)")
    }
}

impl SaveCredentials {
    /// Reads the credentials from the environment (the binary calls this).
    pub fn from_env() -> Option<SaveCredentials> {
        let access = std::env::var("IA_ACCESS_KEY").ok().filter(|s| !s.is_empty())?;
        let secret = std::env::var("IA_SECRET_KEY").ok().filter(|s| !s.is_empty())?;
        Some(SaveCredentials { access, secret })
    }
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
            interval: Duration::from_millis(1000),
            timeout: Duration::from_millis(30_000),
            retries: 2,
            retry_base: Duration::from_millis(1000),
            verify: true,
            save_url: "https://web.archive.org/save".to_string(),
            save_poll: Duration::from_millis(5000),
            save_max_polls: 24,
            save: None,
        }
    }
}

/// The link engine.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinksConfig {
    /// Check links at all (`--offline` turns it off for one run).
    pub enabled: bool,
    /// Which links are checked: every link (`all`) or the reference lists' only (`citations`).
    pub scope: LinkScope,
    /// Requests in flight at once, over all hosts.
    pub concurrency: usize,
    /// Requests in flight at once to one host (host name plus port).
    pub per_host_concurrency: usize,
    /// Minimum time between two request starts to one host.
    #[serde(rename = "per_host_interval_ms", with = "millis")]
    pub per_host_interval: Duration,
    /// Whole-request timeout (headers and the capped body).
    #[serde(rename = "timeout_ms", with = "millis")]
    pub timeout: Duration,
    #[serde(rename = "connect_timeout_ms", with = "millis")]
    pub connect_timeout: Duration,
    pub max_redirects: usize,
    /// Retries after a timeout, a broken connection, 408, 429 or 5xx.
    pub retries: u32,
    /// First backoff; doubled each retry, plus up to as much jitter.
    #[serde(rename = "retry_base_ms", with = "millis")]
    pub retry_base: Duration,
    /// Longest `Retry-After` honoured.
    #[serde(rename = "retry_after_cap_ms", with = "millis")]
    pub retry_after_cap: Duration,
    /// Most body bytes read (after decompression).
    pub max_body_bytes: usize,
    /// User-Agent; default `citecheck/<version> (+repository URL)`.
    pub user_agent: Option<String>,
    /// Extra headers sent with every request.
    pub headers: BTreeMap<String, String>,
    /// Status codes counted as alive besides 2xx.
    pub accept: Vec<u16>,
    /// Regular expressions of URLs not to check, compiled as they are read.
    pub exclude: Patterns,
    /// Per-host overrides, keyed `host` or `host:port`.
    pub hosts: BTreeMap<String, HostConfig>,
    /// Fixed addresses for host names (`host: ip:port`), as curl's --resolve.
    pub resolve: BTreeMap<String, SocketAddr>,
    /// Send no request to a private address (`10/8`, `172.16/12`,
    /// `192.168/16`, `100.64/10`, `fc00::/7`), a loopback one, or a
    /// link-local one, checked on the resolved address of every request and
    /// redirect hop (lychee's `--exclude-private` and the like).
    pub exclude_private: bool,
    pub exclude_loopback: bool,
    pub exclude_link_local: bool,
    /// Request one random path per host to recognise sites that answer 200 for anything.
    pub soft404_probe: bool,
    /// Compare live pages' titles with the cited titles.
    pub title_check: bool,
    /// Fetch PDFs by GET (default: HEAD, as their content is not compared).
    pub check_pdf_content: bool,
    pub cache: CacheConfig,
    /// InternetArchiveBot's rule: a link is dead only after this many
    /// failing checks spanning this many days; before, it is failing.
    pub dead_after: DeadAfter,
}

/// When repeated failures make a link dead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DeadAfter {
    /// Failing checks in a row (1: the first failure is dead).
    pub checks: u32,
    /// Days from the first of them to the latest.
    pub days: u32,
}

impl Default for DeadAfter {
    fn default() -> Self {
        DeadAfter { checks: 1, days: 0 }
    }
}

impl DeadAfter {
    /// Whether one failing check is enough (today's rule, the default).
    pub fn at_once(&self) -> bool {
        self.checks <= 1 && self.days == 0
    }
}

impl Default for LinksConfig {
    fn default() -> Self {
        LinksConfig {
            enabled: true,
            scope: LinkScope::All,
            concurrency: 64,
            per_host_concurrency: 2,
            per_host_interval: Duration::from_millis(250),
            timeout: Duration::from_millis(20_000),
            connect_timeout: Duration::from_millis(10_000),
            max_redirects: 10,
            retries: 2,
            retry_base: Duration::from_millis(500),
            retry_after_cap: Duration::from_millis(60_000),
            max_body_bytes: 1024 * 1024,
            user_agent: None,
            headers: BTreeMap::new(),
            accept: Vec::new(),
            exclude: Patterns::default(),
            hosts: BTreeMap::new(),
            resolve: BTreeMap::new(),
            exclude_private: false,
            exclude_loopback: false,
            exclude_link_local: false,
            soft404_probe: true,
            title_check: true,
            check_pdf_content: false,
            cache: CacheConfig::default(),
            dead_after: DeadAfter::default(),
        }
    }
}

/// Which links of a document are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkScope {
    /// Citations and the links in the body text.
    All,
    /// Only the URLs of the reference lists.
    Citations,
}

/// Overrides for one host.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HostConfig {
    pub concurrency: Option<usize>,
    #[serde(rename = "interval_ms", default, with = "opt_millis")]
    pub interval: Option<Duration>,
    pub headers: BTreeMap<String, String>,
}

/// The link store: every link check and archive lookup, with history.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CacheConfig {
    pub enabled: bool,
    /// The SQLite database, relative to the working directory.
    pub path: PathBuf,
    /// Results older than this are checked again: `30s`, `15m`, `12h`, `1d`.
    #[serde(with = "age")]
    pub max_age: Duration,
    /// Checks kept per URL (the newest).
    pub keep: usize,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            enabled: true,
            path: PathBuf::from(".citecheck/citecheck.db"),
            max_age: Duration::from_secs(86_400),
            keep: 20,
        }
    }
}

/// `30s`, `15m`, `12h`, `1d`, `2w`, or plain seconds.
pub fn parse_duration(s: &str) -> Option<Duration> {
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
    Some(Duration::from_secs(secs))
}

/// A duration written in milliseconds (`timeout_ms: 20000`).
mod millis {
    use serde::{Deserialize, Deserializer};
    use std::time::Duration;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}

mod opt_millis {
    use serde::{Deserialize, Deserializer};
    use std::time::Duration;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        Option::<u64>::deserialize(d).map(|o| o.map(Duration::from_millis))
    }
}

/// A duration written with a unit (`max_age: 1d`).
mod age {
    use serde::{Deserialize, Deserializer, de::Error};
    use std::time::Duration;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let s = String::deserialize(d)?;
        super::parse_duration(&s)
            .ok_or_else(|| D::Error::custom(format!("{s:?} is not a duration such as 30s, 15m, 12h or 1d")))
    }
}

/// Regular expressions compiled once, when the configuration is read.
#[derive(Debug, Clone, Default)]
pub struct Patterns {
    sources: Vec<String>,
    set: Option<regex::RegexSet>,
}

impl Patterns {
    /// Compiles patterns; the error names the one that does not compile.
    pub fn new(sources: Vec<String>) -> Result<Patterns, String> {
        for p in &sources {
            regex::Regex::new(p).map_err(|e| format!("{p:?}: {e}"))?;
        }
        let set = regex::RegexSet::new(&sources).map_err(|e| e.to_string())?;
        Ok(Patterns {
            set: Some(set).filter(|s| !s.is_empty()),
            sources,
        })
    }

    pub fn is_match(&self, s: &str) -> bool {
        self.set.as_ref().is_some_and(|set| set.is_match(s))
    }

    pub fn sources(&self) -> &[String] {
        &self.sources
    }
}

impl<'de> Deserialize<'de> for Patterns {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Patterns::new(Vec::<String>::deserialize(d)?).map_err(serde::de::Error::custom)
    }
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
    pub fn host_limits(&self, host_port: &str) -> (usize, Duration) {
        let h = self.host_config(host_port);
        (
            h.and_then(|h| h.concurrency)
                .unwrap_or(self.per_host_concurrency)
                .max(1),
            h.and_then(|h| h.interval).unwrap_or(self.per_host_interval),
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
    pub disable: Vec<Kind>,
}

/// What the command line changes in the configuration. The binary builds
/// one from its arguments; [`Config::update`] applies it once.
#[derive(Debug, Clone, Default)]
pub struct Overlay {
    /// Documents to check instead of the config's (empty: keep them).
    pub documents: Vec<PathBuf>,
    pub out_dir: Option<PathBuf>,
    pub formats: Option<Vec<ReportFormat>>,
    pub fail_on: Option<FailOn>,
    /// Check no link (`--offline`).
    pub offline: bool,
    /// Re-check cached link and archive results older than this.
    pub max_cache_age: Option<Duration>,
    pub baseline: Option<PathBuf>,
    pub archive_mode: Option<ArchiveMode>,
    /// Save Page Now credentials, for `--save-missing`.
    pub save: Option<SaveCredentials>,
    /// Address classes to send no request to (`--exclude-private`, …),
    /// added to the config's.
    pub exclude_private: bool,
    pub exclude_loopback: bool,
    pub exclude_link_local: bool,
}

impl Config {
    /// Applies the command line's overlay.
    pub fn update(&mut self, o: Overlay) {
        if !o.documents.is_empty() {
            let listed = std::mem::take(&mut self.documents);
            self.documents = o
                .documents
                .into_iter()
                .map(|path| {
                    // A document the config also lists keeps its language and format.
                    let known = listed.iter().find(|d| same_file(&d.path, &path));
                    DocumentConfig {
                        lang: known.and_then(|d| d.lang),
                        format: known.and_then(|d| d.format),
                        path,
                    }
                })
                .collect();
        }
        if let Some(dir) = o.out_dir {
            self.output.dir = dir;
        }
        if let Some(f) = o.formats {
            self.output.formats = f;
        }
        if let Some(f) = o.fail_on {
            self.fail_on = f;
        }
        if o.offline {
            self.links.enabled = false;
        }
        self.links.exclude_private |= o.exclude_private;
        self.links.exclude_loopback |= o.exclude_loopback;
        self.links.exclude_link_local |= o.exclude_link_local;
        if let Some(age) = o.max_cache_age {
            self.links.cache.max_age = age;
        }
        if o.baseline.is_some() {
            self.baseline = o.baseline;
        }
        if let Some(m) = o.archive_mode {
            self.archive.mode = m;
        }
        if o.save.is_some() {
            self.archive.save = o.save;
        }
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// Reads the named config file, else `data/citecheck.yaml` if it exists, else the defaults.
pub fn load_or_default(path: Option<&Path>) -> Result<Config> {
    match path {
        Some(p) => load(p),
        None if Path::new(DEFAULT_CONFIG).is_file() => load(Path::new(DEFAULT_CONFIG)),
        None => Ok(Config::default()),
    }
}

/// Reads a config file. Document paths are resolved against its folder.
pub fn load(path: &Path) -> Result<Config> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Config {
        path: path.to_path_buf(),
        line: None,
        message: match e.kind() {
            std::io::ErrorKind::NotFound => "no such config file".to_string(),
            _ => format!("cannot read: {e}"),
        },
    })?;
    let mut config = parse(&text).map_err(|(line, message)| Error::Config {
        path: path.to_path_buf(),
        line,
        message,
    })?;
    if let Some(dir) = path.parent() {
        for d in &mut config.documents {
            if d.path.is_relative() {
                d.path = dir.join(&d.path);
            }
        }
    }
    config.source = Some(path.to_path_buf());
    Ok(config)
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

    #[test]
    fn values_are_typed_as_they_are_read_and_bad_ones_name_their_line() {
        let c = parse(
            "links:\n  timeout_ms: 1500\n  exclude: ['^https://skip\\.example/']\n  resolve:\n    a.example: 127.0.0.1:8080\n  hosts:\n    a.example: {interval_ms: 700}\n  cache:\n    max_age: 12h\nchecks:\n  disable: [link_soft_404]\narchive:\n  save_poll_ms: 20\n",
        )
        .unwrap();
        assert_eq!(c.links.timeout, Duration::from_millis(1500));
        assert!(c.links.exclude.is_match("https://skip.example/x") && !c.links.exclude.is_match("https://b.example/"));
        assert_eq!(
            c.links.resolve["a.example"],
            "127.0.0.1:8080".parse::<SocketAddr>().unwrap()
        );
        assert_eq!(c.links.host_limits("a.example:443").1, Duration::from_millis(700));
        assert_eq!(c.links.host_limits("b.example:443").1, Duration::from_millis(250));
        assert_eq!(c.links.cache.max_age, Duration::from_secs(12 * 3600));
        assert_eq!(c.checks.disable, vec![Kind::LinkSoft404]);
        assert_eq!(c.archive.save_poll, Duration::from_millis(20));
        for (text, line, says) in [
            ("links:\n  cache:\n    max_age: soon\n", 3, "not a duration"),
            ("links:\n  exclude:\n    - 'a('\n", 3, "unclosed group"),
            ("checks:\n  disable: [nope]\n", 2, "unknown finding kind \"nope\""),
            ("links:\n  resolve:\n    a.example: nowhere\n", 3, "socket address"),
        ] {
            let (l, msg) = parse(text).unwrap_err();
            assert_eq!(l, Some(line), "{text}: {msg}");
            assert!(msg.contains(says), "{text}: {msg}");
        }
    }

    #[test]
    fn the_overlay_changes_only_what_it_sets() {
        let mut c =
            parse("documents:\n  - path: a.txt\n    lang: en\n    format: markdown\nfail_on: warning\n").unwrap();
        let untouched = c.clone();
        c.update(Overlay::default());
        assert_eq!(format!("{c:?}"), format!("{untouched:?}"));
        c.update(Overlay {
            documents: vec![PathBuf::from("a.txt"), PathBuf::from("b.txt")],
            offline: true,
            max_cache_age: Some(Duration::ZERO),
            archive_mode: Some(ArchiveMode::None),
            ..Overlay::default()
        });
        assert_eq!(
            c.documents[0].lang,
            Some(Lang::En),
            "a listed document keeps its language"
        );
        assert_eq!(c.documents[0].format, Some(Format::Markdown));
        assert_eq!(c.documents[1].lang, None);
        assert!(!c.links.enabled);
        assert_eq!(c.links.cache.max_age, Duration::ZERO);
        assert_eq!(c.archive.mode, ArchiveMode::None);
        assert_eq!(c.fail_on, FailOn::Warning, "not set, so kept");
    }
}

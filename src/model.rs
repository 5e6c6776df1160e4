//! The shared vocabulary of every stage: findings and their kinds and
//! severities, languages and formats, where a URL is cited, report formats
//! and the ids that tie a stage's output to an earlier one.
//!
//! This module is the bottom of the layers: it imports nothing from the
//! stages (only [`crate::redact`], a leaf, so that no finding ever carries a
//! credential), and every stage may import it.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// The language a document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Ja,
    En,
}

impl Lang {
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The syntax a document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Text,
    Markdown,
    Html,
}

impl Format {
    /// The format implied by a file name's extension (plain text by default).
    pub fn from_path(path: &Path) -> Format {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .as_deref()
        {
            Some("md" | "markdown") => Format::Markdown,
            Some("html" | "htm" | "xhtml") => Format::Html,
            _ => Format::Text,
        }
    }
}

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The lowest severity that fails a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    /// Whether a finding of this severity fails the run.
    pub fn fails(self, s: Severity) -> bool {
        match self {
            FailOn::Error => s >= Severity::Error,
            FailOn::Warning => s >= Severity::Warning,
            FailOn::Info => true,
            FailOn::Never => false,
        }
    }
}

macro_rules! kinds {
    ($($variant:ident = $name:literal, $sev:ident, $doc:literal;)*) => {
        /// What a finding is about. The names are the stable strings of every
        /// report and of `checks.disable`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        pub enum Kind {
            $(#[doc = $doc] #[serde(rename = $name)] $variant,)*
        }

        impl Kind {
            /// Every kind, in report order.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant,)*];

            /// The stable snake_case name.
            pub fn name(self) -> &'static str {
                match self { $(Kind::$variant => $name,)* }
            }

            /// The severity findings of this kind carry.
            pub fn severity(self) -> Severity {
                match self { $(Kind::$variant => Severity::$sev,)* }
            }

            /// One line saying what the kind means.
            pub fn description(self) -> &'static str {
                match self { $(Kind::$variant => $doc,)* }
            }

            pub fn from_name(name: &str) -> Option<Kind> {
                match name { $($name => Some(Kind::$variant),)* _ => None }
            }
        }
    };
}

kinds! {
    // Numbering within a document.
    DuplicateReference = "duplicate_reference", Error, "Two reference-list items carry the same number.";
    MissingReference = "missing_reference", Error, "A footnote marker cites a number the reference list does not have.";
    InvalidNumber = "invalid_number", Error, "A footnote marker or reference number that is not a usable number.";
    UncitedReference = "uncited_reference", Warning, "A reference that no footnote marker cites.";
    NumberingGap = "numbering_gap", Warning, "The reference list skips numbers.";
    CitationOrder = "citation_order", Warning, "A footnote is first cited after a higher-numbered one.";
    NoReferenceSection = "no_reference_section", Warning, "The document has no reference-list heading.";
    // Alignment between the languages.
    EntryFootnoteMismatch = "entry_footnote_mismatch", Error, "Paired entries (in prose, paired blocks that cite footnotes) cite different footnotes.";
    EntryUnpaired = "entry_unpaired", Warning, "An entry (in prose, a block that cites footnotes) has no counterpart in the other language.";
    ReferenceMissingInPair = "reference_missing_in_pair", Warning, "A reference number exists in one language only.";
    FootnoteSequenceMismatch = "footnote_sequence_mismatch", Warning, "The two languages cite footnotes in a different sequence (one drops, adds or reorders a footnote).";
    SourceHostMismatch = "source_host_mismatch", Warning, "The two languages cite a source on different hosts.";
    SourceMissingInPair = "source_missing_in_pair", Warning, "A reference cites a source that its counterpart does not.";
    ReferenceDateMismatch = "reference_date_mismatch", Warning, "The two languages give a source different dates.";
    SourceLanguageVariant = "source_language_variant", Info, "The two languages cite different pages of the same host (usually the page in each language).";
    // Dates and figures.
    DateMismatch = "date_mismatch", Error, "Paired entries give different dates.";
    ReversedDateRange = "reversed_date_range", Error, "A date range ends before it starts.";
    InvalidDate = "invalid_date", Error, "A date that does not exist (month 13, February 30).";
    FigureMismatch = "figure_mismatch", Error, "Paired entries or blocks give different values for the same counted quantity.";
    // Citation completeness.
    ReferenceWithoutUrl = "reference_without_url", Warning, "A cited source has no URL.";
    ReferenceWithoutDate = "reference_without_date", Warning, "A cited source has no date.";
    ReferenceWithoutTitle = "reference_without_title", Warning, "A cited source has no quoted title.";
    // URL hygiene.
    InvalidUrl = "invalid_url", Error, "A URL that cannot be parsed or has no host.";
    UrlRunIntoText = "url_run_into_text", Warning, "A URL runs into the next word with no separator.";
    DuplicateUrl = "duplicate_url", Warning, "The same URL is cited under two reference numbers.";
    UrlTrailingPunctuation = "url_trailing_punctuation", Info, "Punctuation glued to the end of a URL (stripped before use).";
    // Links (checked over HTTP).
    LinkDead = "link_dead", Error, "The cited URL answers 404 or 410, or its host name does not resolve while others do.";
    LinkFailing = "link_failing", Warning, "The cited URL fails (404, 410, a name that does not resolve), but not yet as often or as long as `links.dead_after` asks before it is dead: failing since a date, k of N checks.";
    LinkSoft404 = "link_soft_404", Warning, "The cited URL answers, but the page is gone (sent home, a not-found page, or the answer any random path gets).";
    LinkBlocked = "link_blocked", Warning, "The server refused to answer (401, 403, lasting 429, bot challenge): the link could not be verified.";
    LinkHttpError = "link_http_error", Warning, "The server answers with another 4xx status (400, 418, 422, …) or one HTTP does not define (600 and up): not the page, but no proof that it is gone.";
    LinkRedirectRefused = "link_redirect_refused", Warning, "The cited URL redirects into the local network (loopback, private, link-local) from outside it: the hop was refused, nothing behind it fetched.";
    LinkServerError = "link_server_error", Warning, "The server fails (5xx after retries, broken connection, redirect loop).";
    LinkTimeout = "link_timeout", Warning, "No answer within the timeout.";
    LinkTlsError = "link_tls_error", Warning, "The TLS handshake fails (certificate or protocol).";
    LinkConnectionRefused = "link_connection_refused", Warning, "The host refuses connections.";
    ContentMismatch = "content_mismatch", Warning, "The link lives but its page no longer carries the cited title.";
    ContentTypeMismatch = "content_type_mismatch", Warning, "A reference cites a PDF and gets HTML, or the reverse.";
    LinkRedirected = "link_redirected", Info, "The cited URL has moved permanently (301, 308): cite the final URL.";
    LinkRedirectedTemporarily = "link_redirected_temporarily", Info, "The cited URL redirects temporarily (302, 303, 307).";
    LinkUnchecked = "link_unchecked", Info, "The link was not checked (excluded by the configuration).";
    // Archive rescue.
    LinkUnrecoverable = "link_unrecoverable", Error, "A doubtful link that no archive has a usable capture of: needs a human.";
    ArchiveProviderFailed = "archive_provider_failed", Warning, "An archive service failed (timeout, 5xx, malformed answer); the next one was asked.";
    LinkRescued = "link_rescued", Info, "The document already carries an archive note for this URL.";
    ArchiveSaved = "archive_saved", Info, "A live link that no archive had was saved with Save Page Now (--save-missing).";
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Kind, D::Error> {
        let s = String::deserialize(d)?;
        // Baselines written before the stable names became the serde names
        // spell this one kind `link_soft404`, as serde's snake_case does.
        let s = if s == "link_soft404" {
            "link_soft_404"
        } else {
            s.as_str()
        };
        Kind::from_name(s).ok_or_else(|| serde::de::Error::custom(format!("unknown finding kind {s:?}")))
    }
}

impl Kind {
    /// Whether the kind says what became of a cited link when it was checked
    /// (the findings an archived copy is suggested for).
    pub fn is_link_status(self) -> bool {
        matches!(
            self,
            Kind::LinkDead
                | Kind::LinkFailing
                | Kind::LinkSoft404
                | Kind::LinkBlocked
                | Kind::LinkHttpError
                | Kind::LinkRedirectRefused
                | Kind::LinkServerError
                | Kind::LinkTimeout
                | Kind::LinkTlsError
                | Kind::LinkConnectionRefused
                | Kind::LinkRedirected
                | Kind::LinkRedirectedTemporarily
                | Kind::LinkUnchecked
                | Kind::LinkRescued
        )
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A place in a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
}

/// One problem found in the documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: Kind,
    pub severity: Severity,
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// The footnote / reference number concerned, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footnote: Option<u32>,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
    /// The other language's place, for findings about a pair.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Location>,
    /// The URL concerned, if any (credentials redacted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Known from the baseline: reported, but it does not fail the run.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub baselined: bool,
}

impl Finding {
    pub fn new(kind: Kind, file: &str, line: usize, message: impl Into<String>) -> Self {
        Finding {
            kind,
            severity: kind.severity(),
            file: file.to_string(),
            line,
            footnote: None,
            // Messages quote URLs: never with their credentials.
            message: crate::redact::text(&message.into()),
            suggestion: None,
            related: Vec::new(),
            url: None,
            baselined: false,
        }
    }

    /// The footnote concerned (none for a link in the body text).
    pub fn footnote(mut self, n: impl Into<Option<u32>>) -> Self {
        self.footnote = n.into();
        self
    }

    pub fn suggest(mut self, s: impl Into<String>) -> Self {
        self.suggestion = Some(crate::redact::text(&s.into()));
        self
    }

    pub fn related(mut self, file: &str, line: usize) -> Self {
        self.related.push(Location {
            file: file.to_string(),
            line,
        });
        self
    }

    pub fn url(mut self, u: &str) -> Self {
        self.url = Some(crate::redact::url(u));
        self
    }
}

/// A place where a URL is cited. Never read back: a stored link result
/// keeps no citations (they are the current documents').
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Citation {
    /// The document's path, shared by all its citations.
    pub file: std::sync::Arc<str>,
    pub line: usize,
    /// The footnote whose reference cites it; none for a link in the body text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub footnote: Option<u32>,
    /// The document's language (in the JSON, the document's entry gives it).
    #[serde(skip)]
    pub lang: Lang,
    /// For a link in the body text, the block it stands in: its kind in
    /// words (`paragraph`, `list item`) and its first line. Findings name it;
    /// the reports' line is the link's own.
    #[serde(skip)]
    pub block: Option<(&'static str, usize)>,
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

/// Which link of a run's link results (its index in `Run::links`): later
/// stages key their outputs by it instead of matching URL strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LinkId(pub usize);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_serialize_and_parse_as_their_stable_names() {
        for &k in Kind::ALL {
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.name()));
            assert_eq!(serde_json::from_str::<Kind>(&json).unwrap(), k);
        }
        assert_eq!(
            serde_json::from_str::<Kind>("\"link_soft404\"").unwrap(),
            Kind::LinkSoft404
        );
        let e = serde_json::from_str::<Kind>("\"nope\"").unwrap_err().to_string();
        assert!(e.contains("unknown finding kind \"nope\""), "{e}");
    }
}

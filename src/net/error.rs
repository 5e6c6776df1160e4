//! Why a request got no HTTP answer, decided from the error's types (as
//! lychee's `retry.rs` does, by downcasting to hyper, io and rustls errors),
//! never from the words of its message.

use std::error::Error as _;
use std::io;
use std::sync::Arc;

/// What kind of failure a request met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetErrorKind {
    /// The host name does not resolve.
    Dns,
    /// The host refused the connection.
    Refused,
    /// The connection failed otherwise (unreachable network, reset during connect).
    Connect,
    Timeout,
    Tls,
    /// The connection broke after it was made.
    Reset,
    Other,
}

/// A failed request: its kind, the causes in words (redacted, never with
/// the URL), and the error itself as the source.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", self.describe())]
pub struct NetError {
    pub kind: NetErrorKind,
    detail: String,
    #[source]
    source: Option<Arc<reqwest::Error>>,
}

impl PartialEq for NetError {
    fn eq(&self, other: &NetError) -> bool {
        self.kind == other.kind && self.detail == other.detail
    }
}

impl NetError {
    /// An error of a kind with no underlying error (for tests and callers
    /// that decide a failure themselves).
    pub fn new(kind: NetErrorKind, detail: &str) -> NetError {
        NetError {
            kind,
            detail: detail.to_string(),
            source: None,
        }
    }

    /// Sorts a transport error by the types in its source chain.
    pub fn from_reqwest(e: reqwest::Error) -> NetError {
        let kind = kind_of(&e);
        NetError {
            kind,
            detail: causes(&e),
            source: Some(Arc::new(e)),
        }
    }

    /// The error in words (never with a URL).
    pub fn describe(&self) -> String {
        match self.kind {
            NetErrorKind::Dns => "the host name does not resolve".to_string(),
            NetErrorKind::Refused => "connection refused".to_string(),
            NetErrorKind::Timeout => "timed out".to_string(),
            _ => self.detail.clone(),
        }
    }

    /// Failures that say nothing about the page, only about the way to it.
    pub fn is_network(&self) -> bool {
        matches!(self.kind, NetErrorKind::Dns | NetErrorKind::Connect)
    }
}

fn kind_of(e: &reqwest::Error) -> NetErrorKind {
    if e.is_timeout() {
        return NetErrorKind::Timeout;
    }
    if e.is_dns() {
        return NetErrorKind::Dns;
    }
    let mut found = None;
    let mut cur: Option<&(dyn std::error::Error + 'static)> = e.source();
    while let Some(err) = cur {
        if err.is::<rustls::Error>() {
            return NetErrorKind::Tls;
        }
        // An io::Error's source() skips the error it wraps (often another
        // io::Error around rustls's): step into it instead.
        let mut next = err.source();
        if let Some(io) = err.downcast_ref::<io::Error>() {
            found = found.or(match io.kind() {
                io::ErrorKind::ConnectionRefused => Some(NetErrorKind::Refused),
                io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::BrokenPipe
                | io::ErrorKind::UnexpectedEof => Some(NetErrorKind::Reset),
                io::ErrorKind::TimedOut => Some(NetErrorKind::Timeout),
                _ => None,
            });
            if let Some(inner) = io.get_ref() {
                next = Some(inner as &(dyn std::error::Error + 'static));
            }
        }
        if let Some(h) = err.downcast_ref::<hyper::Error>()
            && (h.is_incomplete_message() || h.is_closed() || h.is_canceled() || h.is_body_write_aborted())
        {
            found = found.or(Some(NetErrorKind::Reset));
        }
        cur = next;
    }
    match found {
        // A reset while connecting is a failure to connect.
        Some(NetErrorKind::Reset) if e.is_connect() => NetErrorKind::Connect,
        Some(k) => k,
        None if e.is_connect() => NetErrorKind::Connect,
        None => NetErrorKind::Other,
    }
}

/// The causes of an error, in words. reqwest's own text names the URL, so
/// only its sources are kept.
fn causes(e: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    let mut cur: Option<&dyn std::error::Error> = e.source();
    while let Some(err) = cur {
        parts.push(err.to_string());
        cur = err.source();
    }
    if parts.is_empty() {
        parts.push(if e.is_timeout() { "timed out" } else { "request failed" }.to_string());
    }
    crate::redact::text(&parts.join(": "))
}

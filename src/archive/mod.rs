//! Archive rescue: for every doubtful link, the archived copy closest to the
//! date the source was cited. (The lookup itself is being built; this module
//! holds the types every report already renders.)

use serde::{Deserialize, Serialize};

/// A suggested archived copy of a cited URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The cited URL (redacted), as in the link results.
    pub url: String,
    pub archived_url: String,
    /// Capture date, ISO 8601 (`2014-02-03`).
    pub captured: String,
    /// The provider's capture timestamp (`20140203123456` for the Wayback Machine).
    pub timestamp: String,
    pub provider: String,
    /// Whether the capture was replayed and found to be the cited source.
    pub verified: bool,
    /// Days between the capture and the target date (the citation's date).
    pub days_from_target: Option<i64>,
}

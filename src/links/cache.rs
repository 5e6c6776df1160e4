//! The persistent link cache (default `.citecheck/cache/links.json`), keyed by
//! the redacted URL. Successes and definite answers (404, 410, soft 404) are
//! kept; timeouts, connection errors and server errors never are. Written
//! atomically, so a run killed at any moment leaves the previous file readable.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{LinkClass, LinkResult};
use crate::redact;

const VERSION: u32 = 1;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Cache {
    version: u32,
    entries: BTreeMap<String, Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    /// Seconds since the Unix epoch.
    checked: i64,
    result: LinkResult,
}

impl Cache {
    /// Reads the cache; a missing, unreadable or foreign file is an empty cache.
    pub fn load(path: &Path) -> Cache {
        std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice::<Cache>(&b).ok())
            .filter(|c| c.version == VERSION)
            .unwrap_or(Cache {
                version: VERSION,
                entries: BTreeMap::new(),
            })
    }

    /// Whether a result may be reused by later runs.
    pub fn cacheable(r: &LinkResult) -> bool {
        match r.class {
            LinkClass::Alive | LinkClass::Redirected | LinkClass::Soft404 => true,
            LinkClass::Dead => matches!(r.http_status, Some(404 | 410)),
            _ => false,
        }
    }

    /// A cached result younger than `max_age`.
    pub fn fresh(&self, url: &str, max_age: Duration) -> Option<&LinkResult> {
        let e = self.entries.get(&redact::url(url))?;
        let age = jiff::Timestamp::now().as_second() - e.checked;
        (age >= 0 && (age as u64) < max_age.as_secs()).then_some(&e.result)
    }

    pub fn put(&mut self, url: &str, r: &LinkResult) {
        let mut result = r.clone();
        result.cited_by.clear();
        result.from_cache = false;
        self.version = VERSION;
        self.entries.insert(
            redact::url(url),
            Entry {
                checked: jiff::Timestamp::now().as_second(),
                result,
            },
        );
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Writes the cache atomically. A failure to write is reported, not fatal.
    pub fn save(&self, path: &Path) {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            eprintln!("citecheck: warning: cannot create {}: {e}", dir.display());
            return;
        }
        let body = match serde_json::to_vec(self) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("citecheck: warning: cannot encode the link cache: {e}");
                return;
            }
        };
        if let Err(e) = crate::report::write_atomic(path, &body) {
            eprintln!("citecheck: warning: {e}");
        }
    }
}

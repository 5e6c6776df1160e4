//! Where link results and archive lookups are kept between runs.
//!
//! The pipeline writes nothing itself: the caller hands it a [`Store`], and
//! the link and archive stages put each result into it as the result comes
//! (the one write path inside a run). [`Files`] keeps them in JSON files
//! (`links.cache.path`, `archive.cache_path`); [`Memory`] keeps them for one
//! run only, for tests and embedders.
//!
//! Values are JSON, so this layer sits below the stages whose records it
//! keeps and names none of their types.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::config::Config;

/// What a stored value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    /// One link check per URL (credentials redacted).
    Links,
    /// One archive lookup per URL and target date.
    Archive,
}

/// A place for results between runs.
pub trait Store {
    /// The value stored under `key`, if it was stored less than `max_age` ago.
    fn get(&self, table: Table, key: &str, max_age: Duration) -> Option<serde_json::Value>;
    /// Stores a value. An error says why it could not be kept (the run goes on).
    fn put(&mut self, table: Table, key: &str, value: serde_json::Value) -> Result<(), String>;
    /// Commits what `put` has not committed yet.
    fn flush(&mut self) -> Result<(), String>;
}

/// A typed value from the store, if a fresh one is there and still reads as `T`
/// (a record written by another version reads as nothing).
pub fn get_typed<T: serde::de::DeserializeOwned>(
    store: &dyn Store,
    table: Table,
    key: &str,
    max_age: Duration,
) -> Option<T> {
    serde_json::from_value(store.get(table, key, max_age)?).ok()
}

/// Stores a typed value.
pub fn put_typed<T: Serialize>(store: &mut dyn Store, table: Table, key: &str, value: &T) -> Result<(), String> {
    let v = serde_json::to_value(value).map_err(|e| format!("cannot encode a record for {key}: {e}"))?;
    store.put(table, key, v)
}

/// Keeps the message of a failed store operation among a stage's warnings,
/// once: a store that cannot be written fails the same way for every result.
pub fn warn_once(warnings: &mut Vec<String>, outcome: Result<(), String>) {
    if let Err(e) = outcome
        && !warnings.contains(&e)
    {
        warnings.push(e);
    }
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

fn fresh(checked: i64, max_age: Duration) -> bool {
    let age = now() - checked;
    age >= 0 && (age as u64) < max_age.as_secs()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    /// Seconds since the Unix epoch.
    checked: i64,
    value: serde_json::Value,
}

/// A store that forgets everything when it is dropped.
#[derive(Debug, Default)]
pub struct Memory {
    entries: HashMap<(TableKey, String), Entry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct TableKey(u8);

impl From<Table> for TableKey {
    fn from(t: Table) -> Self {
        TableKey(t as u8)
    }
}

impl Store for Memory {
    fn get(&self, table: Table, key: &str, max_age: Duration) -> Option<serde_json::Value> {
        let e = self.entries.get(&(table.into(), key.to_string()))?;
        fresh(e.checked, max_age).then(|| e.value.clone())
    }

    fn put(&mut self, table: Table, key: &str, value: serde_json::Value) -> Result<(), String> {
        self.entries
            .insert((table.into(), key.to_string()), Entry { checked: now(), value });
        Ok(())
    }

    fn flush(&mut self) -> Result<(), String> {
        Ok(())
    }
}

const VERSION: u32 = 2;

#[derive(Debug, Default, Serialize, Deserialize)]
struct FileBody {
    version: u32,
    entries: BTreeMap<String, Entry>,
}

/// One JSON file of entries, rewritten whole and atomically.
#[derive(Debug)]
struct JsonFile {
    path: PathBuf,
    body: FileBody,
    dirty: bool,
    saved: Instant,
}

/// How often a file is rewritten while results keep coming: each rewrite
/// costs the whole file, so not on every result.
const SAVE_EVERY: Duration = Duration::from_secs(2);

impl JsonFile {
    /// Reads the file; a missing, unreadable or foreign file is an empty one.
    fn open(path: &Path) -> JsonFile {
        let body = std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice::<FileBody>(&b).ok())
            .filter(|b| b.version == VERSION)
            .unwrap_or(FileBody {
                version: VERSION,
                entries: BTreeMap::new(),
            });
        JsonFile {
            path: path.to_path_buf(),
            body,
            dirty: false,
            saved: Instant::now(),
        }
    }

    fn save(&mut self) -> Result<(), String> {
        if !self.dirty {
            return Ok(());
        }
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::atomic::create_dir(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let bytes =
            serde_json::to_vec(&self.body).map_err(|e| format!("cannot encode {}: {e}", self.path.display()))?;
        crate::atomic::write(&self.path, &bytes).map_err(|e| format!("cannot write {}: {e}", self.path.display()))?;
        self.dirty = false;
        self.saved = Instant::now();
        Ok(())
    }
}

/// The caches in JSON files named by the configuration.
#[derive(Debug)]
pub struct Files {
    links: Option<JsonFile>,
    archive: Option<JsonFile>,
    /// Whether the files are written (not for a run that must write nothing).
    writable: bool,
}

impl Files {
    /// Opens the files `links.cache` names (none when the cache is off).
    pub fn open(config: &Config) -> Files {
        let on = config.links.cache.enabled;
        Files {
            links: on.then(|| JsonFile::open(&config.links.cache.path)),
            archive: on.then(|| JsonFile::open(&config.archive.cache_path)),
            writable: true,
        }
    }

    /// Opens the files to read only: what is put is kept for this run and
    /// never written (`fix --dry-run` writes nothing).
    pub fn open_read_only(config: &Config) -> Files {
        Files {
            writable: false,
            ..Files::open(config)
        }
    }

    fn file(&self, t: Table) -> Option<&JsonFile> {
        match t {
            Table::Links => self.links.as_ref(),
            Table::Archive => self.archive.as_ref(),
        }
    }

    fn file_mut(&mut self, t: Table) -> Option<&mut JsonFile> {
        match t {
            Table::Links => self.links.as_mut(),
            Table::Archive => self.archive.as_mut(),
        }
    }
}

impl Store for Files {
    fn get(&self, table: Table, key: &str, max_age: Duration) -> Option<serde_json::Value> {
        let e = self.file(table)?.body.entries.get(key)?;
        fresh(e.checked, max_age).then(|| e.value.clone())
    }

    fn put(&mut self, table: Table, key: &str, value: serde_json::Value) -> Result<(), String> {
        let writable = self.writable;
        let Some(f) = self.file_mut(table) else {
            return Ok(());
        };
        f.body.entries.insert(key.to_string(), Entry { checked: now(), value });
        f.dirty = writable;
        if f.dirty && f.saved.elapsed() >= SAVE_EVERY {
            f.save()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), String> {
        let a = self.links.as_mut().map_or(Ok(()), JsonFile::save);
        let b = self.archive.as_mut().map_or(Ok(()), JsonFile::save);
        a.and(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_keeps_fresh_values_per_table() {
        let mut m = Memory::default();
        m.put(Table::Links, "k", serde_json::json!(1)).unwrap();
        assert_eq!(
            m.get(Table::Links, "k", Duration::from_secs(60)),
            Some(serde_json::json!(1))
        );
        assert_eq!(m.get(Table::Archive, "k", Duration::from_secs(60)), None);
        assert_eq!(
            m.get(Table::Links, "k", Duration::ZERO),
            None,
            "max age 0 ignores the store"
        );
    }

    #[test]
    fn files_survive_a_reopen_and_write_only_when_enabled() {
        let d = tempfile::tempdir().unwrap();
        let mut c = Config::default();
        c.links.cache.path = d.path().join("c/links.json");
        c.archive.cache_path = d.path().join("c/archive.json");
        let mut f = Files::open(&c);
        f.put(Table::Archive, "u|2014-01-01", serde_json::json!({"a": 1}))
            .unwrap();
        f.flush().unwrap();
        assert!(!c.links.cache.path.exists(), "nothing put, nothing written");
        let again = Files::open(&c);
        assert_eq!(
            again.get(Table::Archive, "u|2014-01-01", Duration::from_secs(60)),
            Some(serde_json::json!({"a": 1}))
        );
        c.links.cache.enabled = false;
        let mut off = Files::open(&c);
        off.put(Table::Links, "x", serde_json::json!(2)).unwrap();
        off.flush().unwrap();
        assert!(!c.links.cache.path.exists());
        assert_eq!(off.get(Table::Archive, "u|2014-01-01", Duration::from_secs(60)), None);
        c.links.cache.enabled = true;
        let mut read_only = Files::open_read_only(&c);
        read_only.put(Table::Links, "y", serde_json::json!(3)).unwrap();
        assert_eq!(
            read_only.get(Table::Links, "y", Duration::from_secs(60)),
            Some(serde_json::json!(3)),
            "kept for the run"
        );
        read_only.flush().unwrap();
        assert!(!c.links.cache.path.exists(), "but never written");
    }
}

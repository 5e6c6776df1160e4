//! Where link checks and archive lookups are kept between runs.
//!
//! The pipeline writes nothing itself: the caller hands it a [`Store`], and
//! the link and archive stages put each result into it as the result comes
//! (the one write path inside a run). [`Sqlite`] keeps them in an SQLite
//! database (`links.cache.path`, `.citecheck/citecheck.db` by default), with
//! every check's history; [`Memory`] keeps them for one run only, for tests
//! and embedders.
//!
//! A URL is kept under a [`Key`]: the SHA-256 of the real URL, and the
//! redacted URL to show. So no secret reaches the disk, and two URLs that
//! differ only in a secret are two keys. Records are JSON, so this layer
//! sits below the stages whose records it keeps and names none of their
//! types; the stage says what a record is (its class, whether it may answer
//! for a later run).

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::config::Config;

/// What a URL is kept under.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    /// SHA-256 of the real URL, in hex.
    pub hash: String,
    /// The URL as shown: credentials redacted.
    pub shown: String,
}

impl Key {
    pub fn of(real_url: &str) -> Key {
        let digest = Sha256::digest(real_url.as_bytes());
        Key {
            hash: digest.iter().map(|b| format!("{b:02x}")).collect(),
            shown: crate::redact::url(real_url),
        }
    }
}

/// One check of a link, as the link stage records it.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkCheck {
    /// The class, in its JSON name (`alive`, `dead`, …).
    pub class: String,
    pub status: Option<u16>,
    pub evidence: String,
    /// Whether the link answered with its page (alive or redirected).
    pub ok: bool,
    /// Whether the check found the page gone (404, 410, a name that does
    /// not resolve): what link history counts.
    pub gone: bool,
    /// Whether the check may answer for a later run: successes and definite
    /// answers, never timeouts or server errors.
    pub reusable: bool,
    /// The whole link record.
    pub record: serde_json::Value,
}

/// A past check, for the link's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Past {
    /// Seconds since the Unix epoch.
    pub at: i64,
    pub ok: bool,
    /// Whether the check found the page gone.
    pub gone: bool,
}

/// A place for results between runs.
pub trait Store {
    /// The latest check of a URL, when it may answer for this run: it is
    /// reusable and younger than `max_age`. A failure checked after a
    /// success hides the success.
    fn reusable_check(&self, key: &Key, max_age: Duration) -> Option<serde_json::Value>;
    /// Records a check (its time is now).
    fn record_check(&mut self, key: &Key, check: &LinkCheck) -> Result<(), String>;
    /// The URL's checks, oldest first (as many as are kept).
    fn history(&self, key: &Key) -> Vec<Past>;
    /// The archive lookup of a URL for a target date, if younger than `max_age`.
    fn lookup(&self, key: &Key, target: &str, max_age: Duration) -> Option<serde_json::Value>;
    fn record_lookup(&mut self, key: &Key, target: &str, answer: &serde_json::Value) -> Result<(), String>;
    /// Commits what is not committed yet.
    fn flush(&mut self) -> Result<(), String>;
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

/// The clock of the store and of link history: now, unless
/// `CITECHECK_NOW` (RFC 3339) sets it, for tests and replays.
pub fn now() -> i64 {
    std::env::var("CITECHECK_NOW")
        .ok()
        .and_then(|v| v.parse::<jiff::Timestamp>().ok())
        .unwrap_or_else(jiff::Timestamp::now)
        .as_second()
}

fn fresh(at: i64, max_age: Duration) -> bool {
    let age = now() - at;
    age >= 0 && (age as u64) < max_age.as_secs()
}

/// A store that forgets everything when it is dropped.
#[derive(Debug, Default)]
pub struct Memory {
    checks: HashMap<String, Vec<(i64, LinkCheck)>>,
    lookups: HashMap<(String, String), (i64, serde_json::Value)>,
}

impl Store for Memory {
    fn reusable_check(&self, key: &Key, max_age: Duration) -> Option<serde_json::Value> {
        let (at, c) = self.checks.get(&key.hash)?.last()?;
        (c.reusable && fresh(*at, max_age)).then(|| c.record.clone())
    }

    fn record_check(&mut self, key: &Key, check: &LinkCheck) -> Result<(), String> {
        self.checks
            .entry(key.hash.clone())
            .or_default()
            .push((now(), check.clone()));
        Ok(())
    }

    fn history(&self, key: &Key) -> Vec<Past> {
        self.checks
            .get(&key.hash)
            .map(|v| {
                v.iter()
                    .map(|(at, c)| Past {
                        at: *at,
                        ok: c.ok,
                        gone: c.gone,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn lookup(&self, key: &Key, target: &str, max_age: Duration) -> Option<serde_json::Value> {
        let (at, v) = self.lookups.get(&(key.hash.clone(), target.to_string()))?;
        fresh(*at, max_age).then(|| v.clone())
    }

    fn record_lookup(&mut self, key: &Key, target: &str, answer: &serde_json::Value) -> Result<(), String> {
        self.lookups
            .insert((key.hash.clone(), target.to_string()), (now(), answer.clone()));
        Ok(())
    }

    fn flush(&mut self) -> Result<(), String> {
        Ok(())
    }
}

/// The schema; the README's "Link store" section documents it.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS link_checks (
    id          INTEGER PRIMARY KEY,
    url_hash    TEXT    NOT NULL,
    url         TEXT    NOT NULL,
    checked_at  INTEGER NOT NULL,
    class       TEXT    NOT NULL,
    status      INTEGER,
    evidence    TEXT    NOT NULL,
    ok          INTEGER NOT NULL,
    gone        INTEGER NOT NULL,
    reusable    INTEGER NOT NULL,
    record      TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS link_checks_by_url ON link_checks (url_hash, checked_at);
CREATE TABLE IF NOT EXISTS archive_lookups (
    url_hash     TEXT    NOT NULL,
    url          TEXT    NOT NULL,
    target_date  TEXT    NOT NULL,
    looked_up_at INTEGER NOT NULL,
    answer       TEXT    NOT NULL,
    PRIMARY KEY (url_hash, target_date)
);
PRAGMA user_version = 1;
";

/// The store in an SQLite database: WAL mode and a busy timeout, so that
/// two runs can share it; each record committed as it comes (in WAL mode a
/// commit costs no sync), so a run that is killed loses nothing it
/// recorded; the last `keep` checks of each URL kept.
pub struct Sqlite {
    conn: Option<Connection>,
    /// Why the database could not be opened: every write says so (once, as
    /// a warning), and the run goes on without it.
    broken: Option<String>,
    /// Writes kept for this run only, when the run must write nothing.
    overlay: Option<Memory>,
    /// Where the database is made at the first write, when it does not
    /// exist yet (a run that records nothing creates nothing).
    pending: Option<std::path::PathBuf>,
    keep: usize,
}

impl Sqlite {
    /// Opens (or creates) the database `links.cache.path` names; none
    /// when the cache is off.
    pub fn open(config: &Config) -> Sqlite {
        let cache = &config.links.cache;
        let mut s = Sqlite {
            conn: None,
            broken: None,
            overlay: None,
            pending: None,
            keep: cache.keep.max(1),
        };
        if !cache.enabled {
            s.overlay = Some(Memory::default());
        } else if !cache.path.exists() {
            s.pending = Some(cache.path.clone());
        } else {
            match open_db(&cache.path) {
                Ok(conn) => s.conn = Some(conn),
                Err(e) => s.broken = Some(format!("cannot open the link store {}: {e}", cache.path.display())),
            }
        }
        s
    }

    /// Opens the database to read only: what is recorded is kept for this
    /// run and never written (`fix --dry-run` writes nothing).
    pub fn open_read_only(config: &Config) -> Sqlite {
        let cache = &config.links.cache;
        let conn = (cache.enabled && cache.path.is_file())
            .then(|| {
                Connection::open_with_flags(&cache.path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                    .ok()
                    .inspect(|c| {
                        let _ = c.busy_timeout(Duration::from_secs(5));
                    })
            })
            .flatten();
        Sqlite {
            conn,
            broken: None,
            overlay: Some(Memory::default()),
            pending: None,
            keep: cache.keep.max(1),
        }
    }

    fn write(&mut self) -> Result<Option<&Connection>, String> {
        if let Some(path) = self.pending.take() {
            match open_db(&path) {
                Ok(conn) => self.conn = Some(conn),
                Err(e) => self.broken = Some(format!("cannot open the link store {}: {e}", path.display())),
            }
        }
        if let Some(e) = &self.broken {
            return Err(e.clone());
        }
        // A store with an overlay never gets here: its records stay in it.
        Ok(self.conn.as_ref())
    }
}

fn open_db(path: &Path) -> Result<Connection, String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::atomic::create_dir(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let conn = Connection::open(path).map_err(|e| e.to_string())?;
    conn.busy_timeout(Duration::from_secs(5)).map_err(|e| e.to_string())?;
    // WAL: readers and one writer at once, and a commit needs no sync with
    // `synchronous = NORMAL` (a power cut may lose the last commits, never
    // corrupt the database).
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(|e| e.to_string())?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(|e| e.to_string())?;
    conn.execute_batch(SCHEMA).map_err(|e| e.to_string())?;
    Ok(conn)
}

fn db_error(what: &str) -> impl Fn(rusqlite::Error) -> String + '_ {
    move |e| format!("cannot {what} the link store: {e}")
}

impl Store for Sqlite {
    fn reusable_check(&self, key: &Key, max_age: Duration) -> Option<serde_json::Value> {
        if let Some(v) = self.overlay.as_ref().and_then(|o| o.reusable_check(key, max_age)) {
            return Some(v);
        }
        let conn = self.conn.as_ref()?;
        let (at, reusable, record): (i64, bool, String) = conn
            .query_row(
                "SELECT checked_at, reusable, record FROM link_checks
                 WHERE url_hash = ?1 ORDER BY checked_at DESC, id DESC LIMIT 1",
                params![key.hash],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .ok()??;
        (reusable && fresh(at, max_age))
            .then(|| serde_json::from_str(&record).ok())
            .flatten()
    }

    fn record_check(&mut self, key: &Key, c: &LinkCheck) -> Result<(), String> {
        let keep = self.keep;
        if let Some(o) = self.overlay.as_mut() {
            return o.record_check(key, c);
        }
        let Some(conn) = self.write()? else { return Ok(()) };
        let tx = conn.unchecked_transaction().map_err(db_error("write"))?;
        tx.execute(
            "INSERT INTO link_checks (url_hash, url, checked_at, class, status, evidence, ok, gone, reusable, record)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                key.hash,
                key.shown,
                now(),
                c.class,
                c.status,
                c.evidence,
                c.ok,
                c.gone,
                c.reusable,
                c.record.to_string()
            ],
        )
        .map_err(db_error("write"))?;
        // Retention: the last `keep` checks of this URL.
        tx.execute(
            "DELETE FROM link_checks WHERE url_hash = ?1 AND id NOT IN
             (SELECT id FROM link_checks WHERE url_hash = ?1 ORDER BY checked_at DESC, id DESC LIMIT ?2)",
            params![key.hash, keep as i64],
        )
        .map_err(db_error("write"))?;
        tx.commit().map_err(db_error("write"))
    }

    fn history(&self, key: &Key) -> Vec<Past> {
        let mut out = Vec::new();
        if let Some(conn) = self.conn.as_ref()
            && let Ok(mut st) = conn.prepare_cached(
                "SELECT checked_at, ok, gone FROM link_checks WHERE url_hash = ?1 ORDER BY checked_at, id",
            )
            && let Ok(rows) = st.query_map(params![key.hash], |r| {
                Ok(Past {
                    at: r.get(0)?,
                    ok: r.get(1)?,
                    gone: r.get(2)?,
                })
            })
        {
            out.extend(rows.flatten());
        }
        if let Some(o) = &self.overlay {
            out.extend(o.history(key));
        }
        out
    }

    fn lookup(&self, key: &Key, target: &str, max_age: Duration) -> Option<serde_json::Value> {
        if let Some(v) = self.overlay.as_ref().and_then(|o| o.lookup(key, target, max_age)) {
            return Some(v);
        }
        let conn = self.conn.as_ref()?;
        let (at, answer): (i64, String) = conn
            .query_row(
                "SELECT looked_up_at, answer FROM archive_lookups WHERE url_hash = ?1 AND target_date = ?2",
                params![key.hash, target],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .ok()??;
        fresh(at, max_age).then(|| serde_json::from_str(&answer).ok()).flatten()
    }

    fn record_lookup(&mut self, key: &Key, target: &str, answer: &serde_json::Value) -> Result<(), String> {
        if let Some(o) = self.overlay.as_mut() {
            return o.record_lookup(key, target, answer);
        }
        let Some(conn) = self.write()? else { return Ok(()) };
        conn.execute(
            "INSERT OR REPLACE INTO archive_lookups (url_hash, url, target_date, looked_up_at, answer)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![key.hash, key.shown, target, now(), answer.to_string()],
        )
        .map(|_| ())
        .map_err(db_error("write"))
    }

    fn flush(&mut self) -> Result<(), String> {
        // Every record is committed as it comes; a broken store says so.
        match &self.broken {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(class: &str, ok: bool, reusable: bool) -> LinkCheck {
        LinkCheck {
            class: class.to_string(),
            status: Some(200),
            evidence: "HTTP 200".to_string(),
            ok,
            gone: class == "dead",
            reusable,
            record: serde_json::json!({ "class": class }),
        }
    }

    fn config(dir: &Path) -> Config {
        let mut c = Config::default();
        c.links.cache.path = dir.join("s/citecheck.db");
        c.links.cache.keep = 3;
        c
    }

    #[test]
    fn keys_hash_the_real_url_and_show_it_redacted() {
        let a = Key::of("https://x.example/p?token=one");
        let b = Key::of("https://x.example/p?token=two");
        assert_ne!(a.hash, b.hash, "URLs that differ only in a secret do not collide");
        assert_eq!(a.shown, b.shown);
        assert!(!a.shown.contains("one"), "{}", a.shown);
        assert_eq!(a.hash.len(), 64);
    }

    #[test]
    fn the_latest_check_answers_only_when_reusable_and_fresh() {
        let d = tempfile::tempdir().unwrap();
        let k = Key::of("https://x.example/");
        let day = Duration::from_secs(86_400);
        let mut s = Sqlite::open(&config(d.path()));
        s.record_check(&k, &check("alive", true, true)).unwrap();
        assert_eq!(s.reusable_check(&k, day), Some(serde_json::json!({"class": "alive"})));
        assert_eq!(s.reusable_check(&k, Duration::ZERO), None, "max age 0 asks again");
        s.record_check(&k, &check("timeout", false, false)).unwrap();
        assert_eq!(s.reusable_check(&k, day), None, "a later failure hides the success");
        let mut m = Memory::default();
        m.record_check(&k, &check("alive", true, true)).unwrap();
        m.record_check(&k, &check("timeout", false, false)).unwrap();
        assert_eq!(m.reusable_check(&k, day), None);
    }

    #[test]
    fn records_survive_a_reopen_and_only_the_last_checks_are_kept() {
        let d = tempfile::tempdir().unwrap();
        let c = config(d.path());
        let k = Key::of("https://x.example/a?api_key=SECRET1");
        {
            let mut s = Sqlite::open(&c);
            for i in 0..5 {
                s.record_check(&k, &check(if i % 2 == 0 { "alive" } else { "dead" }, i % 2 == 0, true))
                    .unwrap();
            }
            s.record_lookup(&k, "2014-01-01", &serde_json::json!({"a": 1})).unwrap();
        }
        let s = Sqlite::open(&c);
        let h = s.history(&k);
        assert_eq!(h.len(), 3, "keep: 3");
        assert_eq!(h.iter().map(|p| p.ok).collect::<Vec<_>>(), vec![true, false, true]);
        assert_eq!(h.iter().map(|p| p.gone).collect::<Vec<_>>(), vec![false, true, false]);
        assert_eq!(
            s.lookup(&k, "2014-01-01", Duration::from_secs(60)),
            Some(serde_json::json!({"a": 1}))
        );
        assert_eq!(s.lookup(&k, "2015-01-01", Duration::from_secs(60)), None);
        // No secret on the disk.
        let mut bytes = Vec::new();
        for f in std::fs::read_dir(d.path().join("s")).unwrap().flatten() {
            bytes.extend(std::fs::read(f.path()).unwrap());
        }
        assert!(!bytes.is_empty());
        assert!(!String::from_utf8_lossy(&bytes).contains("SECRET1"));
    }

    #[test]
    fn a_read_only_store_keeps_records_for_the_run_and_writes_nothing() {
        let d = tempfile::tempdir().unwrap();
        let c = config(d.path());
        let k = Key::of("https://x.example/");
        let mut r = Sqlite::open_read_only(&c);
        r.record_check(&k, &check("alive", true, true)).unwrap();
        assert!(
            r.reusable_check(&k, Duration::from_secs(60)).is_some(),
            "kept for the run"
        );
        r.flush().unwrap();
        assert!(!c.links.cache.path.exists(), "never written");
        let mut off = c.clone();
        off.links.cache.enabled = false;
        let mut s = Sqlite::open(&off);
        s.record_check(&k, &check("alive", true, true)).unwrap();
        assert!(!c.links.cache.path.exists());
    }

    #[test]
    fn a_store_that_cannot_be_opened_is_an_error_on_write() {
        let d = tempfile::tempdir().unwrap();
        let mut c = config(d.path());
        // A directory where the database should be.
        std::fs::create_dir_all(d.path().join("db")).unwrap();
        c.links.cache.path = d.path().join("db");
        let mut s = Sqlite::open(&c);
        let e = s.record_check(&Key::of("https://x.example/"), &check("alive", true, true));
        assert!(e.unwrap_err().contains("cannot open the link store"));
        assert!(s.flush().is_err());
    }
}

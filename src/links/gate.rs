//! Politeness at one host: a gate that spaces request starts by a minimum
//! interval and hands out global slots, and the host key it is kept under.
//!
//! A request takes its global slot only after its host's turn has come, so a
//! request waiting for a slow host never holds up requests to other hosts.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use super::Shared;

/// `host:port` of a URL, the unit of politeness.
pub fn host_key(u: &str) -> String {
    match url::Url::parse(u) {
        Ok(p) => format!(
            "{}:{}",
            p.host_str().unwrap_or("").to_ascii_lowercase(),
            p.port_or_known_default().unwrap_or(0)
        ),
        Err(_) => String::new(),
    }
}

/// The comparison form of a URL (for redirect-loop detection).
pub fn normal(u: &str) -> String {
    match url::Url::parse(u) {
        Ok(mut p) => {
            p.set_fragment(None);
            p.to_string()
        }
        Err(_) => u.to_string(),
    }
}

/// Spaces the request starts of one host and hands out global slots.
pub struct Gate {
    next_start: Mutex<Instant>,
    interval: Mutex<Duration>,
    global: Arc<Semaphore>,
    pub(crate) shared: Arc<Shared>,
    first_done: Mutex<bool>,
    total_hosts: usize,
    finished_first: Arc<AtomicUsize>,
}

impl Gate {
    pub fn new(
        interval: Duration,
        global: Arc<Semaphore>,
        shared: Arc<Shared>,
        total_hosts: usize,
        finished_first: Arc<AtomicUsize>,
    ) -> Gate {
        Gate {
            next_start: Mutex::new(Instant::now()),
            interval: Mutex::new(interval),
            global,
            shared,
            first_done: Mutex::new(false),
            total_hosts,
            finished_first,
        }
    }

    /// Waits for this host's turn (same host only), then for a global slot.
    pub async fn turn(&self, same_host: bool) -> Option<OwnedSemaphorePermit> {
        if same_host {
            let start = {
                let mut next = self.next_start.lock().unwrap_or_else(|e| e.into_inner());
                let interval = *self.interval.lock().unwrap_or_else(|e| e.into_inner());
                let start = (*next).max(Instant::now());
                *next = start + interval;
                start
            };
            tokio::time::sleep_until(start).await;
        }
        self.global.clone().acquire_owned().await.ok()
    }

    /// The host asked for time (429/503 with Retry-After): space its requests
    /// at least that far apart for the rest of the run.
    pub fn slow_down(&self, d: Duration) {
        let mut i = self.interval.lock().unwrap_or_else(|e| e.into_inner());
        *i = (*i).max(d);
        let mut next = self.next_start.lock().unwrap_or_else(|e| e.into_inner());
        *next = (*next).max(Instant::now() + d);
    }

    /// Some host answered over HTTP: the network works.
    pub fn answered(&self) {
        self.shared.answered.fetch_add(1, Ordering::SeqCst);
    }

    /// Records the outcome of this host's first request; when every host's
    /// first request failed on the way (DNS, connect) and none answered, the
    /// network is unreachable and everything left stops.
    pub fn first_outcome(&self, network_failure: bool) {
        let mut done = self.first_done.lock().unwrap_or_else(|e| e.into_inner());
        if *done {
            return;
        }
        *done = true;
        if network_failure {
            self.shared.network_failures.fetch_add(1, Ordering::SeqCst);
        }
        let finished = self.finished_first.fetch_add(1, Ordering::SeqCst) + 1;
        if finished >= self.total_hosts
            && self.shared.answered.load(Ordering::SeqCst) == 0
            && self.shared.network_failures.load(Ordering::SeqCst) >= self.total_hosts
        {
            self.shared.network_down.store(true, Ordering::SeqCst);
        }
    }
}

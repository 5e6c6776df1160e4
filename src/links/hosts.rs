//! Politeness: a lane per host (host name plus port) with its own workers,
//! so that a host never has more requests in flight than its limit, and a
//! gate that spaces request starts to the host by a minimum interval.
//!
//! A request takes its global slot only after its host's turn has come, so a
//! request waiting for a slow host never holds up requests to other hosts.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio::time::Instant;

use super::client::Http;
use super::{LinkResult, Shared, Target, classify};
use crate::config::LinksConfig;

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

/// Hands out lanes.
pub struct Scheduler {
    cfg: Arc<LinksConfig>,
    global: Arc<Semaphore>,
    shared: Arc<Shared>,
    finished_first: Arc<AtomicUsize>,
}

impl Scheduler {
    pub fn new(cfg: &LinksConfig, shared: Arc<Shared>) -> Scheduler {
        Scheduler {
            cfg: Arc::new(cfg.clone()),
            global: Arc::new(Semaphore::new(cfg.concurrency.max(1))),
            shared,
            finished_first: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Starts the workers of one host's lane.
    pub fn spawn_lane(
        &self,
        host: String,
        items: Vec<usize>,
        targets: Arc<Vec<Target>>,
        http: Arc<Http>,
        tx: mpsc::UnboundedSender<(usize, LinkResult)>,
        total_hosts: usize,
    ) {
        let (concurrency, interval) = self.cfg.host_limits(&host);
        let gate = Arc::new(Gate {
            next_start: Mutex::new(Instant::now()),
            interval: Mutex::new(interval),
            global: self.global.clone(),
            shared: self.shared.clone(),
            first_done: Mutex::new(false),
            total_hosts,
            finished_first: self.finished_first.clone(),
        });
        let lane = Arc::new(Lane {
            host,
            queue: Mutex::new(items.into_iter().collect()),
            probe: tokio::sync::OnceCell::new(),
            host_failure: Mutex::new(None),
        });
        for _ in 0..concurrency.max(1) {
            let (lane, gate, targets, http, tx, cfg) = (
                lane.clone(),
                gate.clone(),
                targets.clone(),
                http.clone(),
                tx.clone(),
                self.cfg.clone(),
            );
            tokio::spawn(async move {
                loop {
                    let next = lane.queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front();
                    let Some(i) = next else { break };
                    let result = classify::check_target(&targets[i], &lane, &gate, &http, &cfg).await;
                    if tx.send((i, result)).is_err() {
                        break;
                    }
                }
            });
        }
    }
}

/// One host's work.
pub struct Lane {
    pub host: String,
    pub queue: Mutex<VecDeque<usize>>,
    /// The answer to a random path on this host, fetched at most once.
    pub probe: tokio::sync::OnceCell<Option<classify::Probe>>,
    /// A failure that every URL of this host shares (its name does not resolve, it refuses connections).
    pub host_failure: Mutex<Option<super::client::NetError>>,
}

//! The scheduler: a lane per host (host name plus port) with its own
//! workers, so that a host never has more requests in flight than its limit;
//! each lane's [`Gate`] spaces its request starts.

use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};

use tokio::sync::{Semaphore, mpsc};

use super::classify::{self, Checked, Lane};
use super::client::Http;
use super::gate::Gate;
use super::{Shared, Target};
use crate::config::LinksConfig;

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
        tx: mpsc::UnboundedSender<(usize, Checked)>,
        total_hosts: usize,
    ) {
        let (concurrency, interval) = self.cfg.host_limits(&host);
        let gate = Arc::new(Gate::new(
            interval,
            self.global.clone(),
            self.shared.clone(),
            total_hosts,
            self.finished_first.clone(),
        ));
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

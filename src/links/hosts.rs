//! The lanes: one per host (host name plus port), each with as many workers
//! as the host may have requests in flight. The pace itself is the network
//! layer's ([`crate::net::HostPool`]): a lane only feeds its host's URLs.

use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;

use super::classify::{self, Checked, Lane};
use super::{Shared, Target};
use crate::config::LinksConfig;
use crate::net::Net;

/// Starts the workers of one host's lane.
pub fn spawn_lane(
    cfg: Arc<LinksConfig>,
    host: String,
    items: Vec<usize>,
    targets: Arc<Vec<Target>>,
    net: Arc<Net>,
    shared: Arc<Shared>,
    tx: mpsc::UnboundedSender<(usize, Checked)>,
) {
    let (concurrency, _) = cfg.host_limits(&host);
    let lane = Arc::new(Lane {
        headers: cfg.host_headers(&host),
        host,
        queue: Mutex::new(items.into_iter().collect()),
        probe: tokio::sync::OnceCell::new(),
        host_failure: Mutex::new(None),
        first_done: Mutex::new(false),
    });
    for _ in 0..concurrency.max(1) {
        let (lane, targets, net, shared, tx, cfg) = (
            lane.clone(),
            targets.clone(),
            net.clone(),
            shared.clone(),
            tx.clone(),
            cfg.clone(),
        );
        tokio::spawn(async move {
            loop {
                let next = lane.queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front();
                let Some(i) = next else { break };
                let result = classify::check_target(&targets[i], &lane, &shared, &net, &cfg).await;
                if tx.send((i, result)).is_err() {
                    break;
                }
            }
        });
    }
}

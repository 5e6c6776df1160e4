//! Politeness measured at the servers: every request a host receives,
//! redirect hops from other hosts and the soft-404 probe included, comes at
//! least the per-host interval after the one before it.
//!
//! In its own test binary, so that no other test loads the machine while
//! the gaps are measured; the tolerance (240 ms for a 250 ms interval)
//! covers a loaded machine's scheduling.

#[path = "support/server.rs"]
mod server;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use citecheck::links::LinkClass;
use server::{Mode, Server};

const HOSTS: usize = 20;
const PER_HOST: usize = 20;

#[test]
fn no_host_sees_two_requests_closer_than_its_interval() {
    let servers: Vec<Server> = (0..HOSTS).map(|_| Server::start(Mode::Routes)).collect();
    let dir = tempfile::tempdir().unwrap();
    let mut body = String::from("Sample Institute\n\n");
    let mut refs = String::from("References:\n\n");
    let mut n = 0;
    for j in 0..PER_HOST {
        for (h, s) in servers.iter().enumerate() {
            n += 1;
            // Every fourth URL redirects to the next host: that hop must
            // take the next host's turn, not only a global slot.
            let url = if j % 4 == 3 {
                let next = servers[(h + 1) % HOSTS].addr.port();
                s.url(&format!("/to-port/{next}/ok?from={h}&j={j}"))
            } else {
                s.url(&format!("/ok?j={j}"))
            };
            let day = 1 + n % 28;
            body.push_str(&format!("l\u{a0} May {day}, 2014: Event number {n} happened.[{n}]\n\n"));
            refs.push_str(&format!(
                "[{n}] Publisher, “Cited Page Title,” May {day}, 2014, {url}\n\n"
            ));
        }
    }
    std::fs::write(dir.path().join("doc.txt"), format!("{body}\n{refs}")).unwrap();
    // The global limit is below hosts × per-host, so requests wait for
    // global slots: the case where planned starts drifted apart from sends.
    std::fs::write(
        dir.path().join("c.yaml"),
        "documents:\n  - path: doc.txt\n    lang: en\nlinks:\n  concurrency: 16\n  per_host_concurrency: 2\n  per_host_interval_ms: 250\n  cache:\n    enabled: false\n",
    )
    .unwrap();
    let config = citecheck::config::load(&dir.path().join("c.yaml")).unwrap();
    let run = citecheck::run(
        &config,
        &mut citecheck::store::Memory::default(),
        &citecheck::links::Silent,
    )
    .unwrap();
    assert_eq!(run.links.len(), HOSTS * PER_HOST);
    assert!(
        run.links
            .iter()
            .all(|l| matches!(l.class, LinkClass::Alive | LinkClass::Redirected)),
        "{:?}",
        run.links
            .iter()
            .find(|l| !matches!(l.class, LinkClass::Alive | LinkClass::Redirected))
    );

    let mut by_host: BTreeMap<String, Vec<Instant>> = BTreeMap::new();
    for s in &servers {
        for seen in s.stats.seen.lock().unwrap().iter() {
            by_host.entry(seen.host.clone()).or_default().push(seen.at);
        }
    }
    assert_eq!(by_host.len(), HOSTS);
    let mut smallest = Duration::MAX;
    let mut gaps = 0;
    for (host, times) in &mut by_host {
        times.sort();
        // Its own URLs, the hops into it, and the soft-404 probe.
        assert!(times.len() > PER_HOST, "{host}: {} requests", times.len());
        for w in times.windows(2) {
            smallest = smallest.min(w[1] - w[0]);
            gaps += 1;
        }
    }
    assert!(
        smallest >= Duration::from_millis(240),
        "the smallest of {gaps} gaps at the servers is {smallest:?}"
    );
}

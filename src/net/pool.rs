//! The host pool: each host (name plus port), or each service within a host
//! (a host plus a path prefix), owns its pace, its concurrency and its
//! backoff. lychee's `ratelimit/host` is the model.
//!
//! The pace is kept between the requests a host actually receives: a
//! request's send time is taken after it holds its global slot, right before
//! it goes out, and the next request to that host may go only one interval
//! later. Planning start times ahead (and then waiting for a global slot)
//! let a host see requests closer together than its interval under load.
//!
//! Waiting for a host's turn never holds a global slot: a request takes one
//! only once its host's time has come, and gives it back if another request
//! to that host went first.
//!
//! Why not `governor`: it spaces the *permits* it grants, and a permit
//! granted before the global slot is acquired is the planned-start spacing
//! this replaces; the rule needed here is "one interval after the last
//! send", a few lines over a mutex.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// A host's (or service's) limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Requests in flight at once.
    pub concurrency: usize,
    /// The least time between two sends.
    pub interval: Duration,
}

/// A pace for the part of a host under a path prefix: the Wayback CDX
/// server, its replay and Save Page Now live on one host with different limits.
#[derive(Debug, Clone)]
pub struct Service {
    /// `host:port`.
    pub host: String,
    /// The path the service's URLs start with (`/cdx/search`).
    pub prefix: String,
    pub limits: Limits,
}

/// The limits of every host a run may reach.
pub struct Plan {
    /// Requests in flight at once, over all hosts.
    pub global: usize,
    /// A host's limits by its `host:port`.
    pub limits: Box<dyn Fn(&str) -> Limits + Send + Sync>,
    pub services: Vec<Service>,
}

struct Pace {
    /// When the last request was sent.
    last: Option<Instant>,
    interval: Duration,
}

/// One host's (or service's) state.
struct Host {
    slots: Arc<Semaphore>,
    pace: Mutex<Pace>,
}

/// Permission to send one request: a global slot and a host slot, given
/// back when it is dropped.
pub struct Turn {
    _global: OwnedSemaphorePermit,
    _host: OwnedSemaphorePermit,
    /// When the request may be said to have been sent.
    pub at: Instant,
}

/// Every host's state, made as each is first reached.
pub struct HostPool {
    global: Arc<Semaphore>,
    plan: Plan,
    hosts: Mutex<HashMap<String, Arc<Host>>>,
}

impl HostPool {
    pub fn new(plan: Plan) -> HostPool {
        HostPool {
            global: Arc::new(Semaphore::new(plan.global.max(1))),
            plan,
            hosts: Mutex::new(HashMap::new()),
        }
    }

    /// The key a URL's requests are paced under, and its limits: its
    /// service's, when a service's prefix holds its path, else its
    /// `host:port`'s.
    pub fn place(&self, url: &str) -> (String, Limits) {
        let Ok(u) = url::Url::parse(url) else {
            return (String::new(), (self.plan.limits)(""));
        };
        let host = host_key_of(&u);
        match self
            .plan
            .services
            .iter()
            .find(|s| s.host == host && u.path().starts_with(&s.prefix))
        {
            Some(s) => (format!("{host}{}", s.prefix), s.limits),
            None => {
                let limits = (self.plan.limits)(&host);
                (host, limits)
            }
        }
    }

    /// The state of the host (or service) a URL's requests go to.
    fn host(&self, url: &str) -> Arc<Host> {
        let (key, limits) = self.place(url);
        let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        hosts
            .entry(key)
            .or_insert_with(|| {
                Arc::new(Host {
                    slots: Arc::new(Semaphore::new(limits.concurrency.max(1))),
                    pace: Mutex::new(Pace {
                        last: None,
                        interval: limits.interval,
                    }),
                })
            })
            .clone()
    }

    /// Waits until a request to `url` may be sent: a slot of its host, its
    /// host's interval since the last send, then a global slot. The send
    /// time is taken last, so the interval holds between real sends.
    pub async fn turn(&self, url: &str) -> Option<Turn> {
        let host = self.host(url);
        let slot = host.slots.clone().acquire_owned().await.ok()?;
        loop {
            let due = {
                let p = host.pace.lock().unwrap_or_else(|e| e.into_inner());
                p.last.map(|l| l + p.interval)
            };
            if let Some(due) = due {
                tokio::time::sleep_until(due).await;
            }
            let global = self.global.clone().acquire_owned().await.ok()?;
            let mut p = host.pace.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            // Another request to this host may have gone while this one
            // waited for its global slot: then wait again, without the slot.
            if p.last.is_none_or(|l| now >= l + p.interval) {
                p.last = Some(now);
                return Some(Turn {
                    _global: global,
                    _host: slot,
                    at: now,
                });
            }
        }
    }

    /// The host asked for time (429 or 503 with `Retry-After`): its next
    /// request waits that long, and its requests stay at least that far
    /// apart for the rest of the run.
    pub fn back_off(&self, url: &str, wait: Duration) {
        let host = self.host(url);
        let mut p = host.pace.lock().unwrap_or_else(|e| e.into_inner());
        p.interval = p.interval.max(wait);
        let now = Instant::now();
        // `last` is set so that the next send is due `wait` from now.
        let from = (now + wait).checked_sub(p.interval).unwrap_or(now);
        p.last = Some(p.last.map_or(from, |l| l.max(from)));
    }
}

/// `host:port` of a parsed URL, the unit of politeness.
pub fn host_key_of(u: &url::Url) -> String {
    format!(
        "{}:{}",
        u.host_str().unwrap_or("").to_ascii_lowercase(),
        u.port_or_known_default().unwrap_or(0)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(global: usize, interval_ms: u64, services: Vec<Service>) -> HostPool {
        HostPool::new(Plan {
            global,
            limits: Box::new(move |_| Limits {
                concurrency: 2,
                interval: Duration::from_millis(interval_ms),
            }),
            services,
        })
    }

    #[test]
    fn a_service_is_paced_apart_from_its_host() {
        let p = pool(
            4,
            100,
            vec![Service {
                host: "a.example:443".into(),
                prefix: "/cdx".into(),
                limits: Limits {
                    concurrency: 1,
                    interval: Duration::from_secs(1),
                },
            }],
        );
        let cdx = p.place("https://A.example/cdx/search?url=x");
        let web = p.place("https://a.example/web/2014/x");
        assert_eq!(cdx.0, "a.example:443/cdx");
        assert_eq!(web.0, "a.example:443");
        assert_eq!(p.place("http://a.example/cdx").0, "a.example:80");
        assert_eq!(cdx.1.interval, Duration::from_secs(1));
        assert_eq!(web.1.interval, Duration::from_millis(100));
    }

    #[tokio::test(start_paused = true)]
    async fn sends_to_one_host_are_an_interval_apart_and_others_do_not_wait() {
        let p = Arc::new(pool(1, 250, Vec::new()));
        let t0 = Instant::now();
        let mut at = Vec::new();
        for _ in 0..3 {
            let t = p.turn("http://a.example/x").await.unwrap();
            at.push(t.at - t0);
        }
        assert_eq!(
            at,
            vec![Duration::ZERO, Duration::from_millis(250), Duration::from_millis(500)]
        );
        // Another host's turn comes at once.
        let t = p.turn("http://b.example/x").await.unwrap();
        assert_eq!(t.at - t0, Duration::from_millis(500));
    }

    #[tokio::test(start_paused = true)]
    async fn waiting_for_a_host_holds_no_global_slot() {
        let p = Arc::new(pool(1, 1000, Vec::new()));
        let first = p.turn("http://a.example/1").await.unwrap();
        drop(first);
        let t0 = Instant::now();
        // a.example's next turn is a second away; b.example's is now, and
        // the one global slot is free for it meanwhile.
        let waiting = tokio::spawn({
            let p = p.clone();
            async move { p.turn("http://a.example/2").await.map(|t| t.at) }
        });
        tokio::task::yield_now().await;
        let b = p.turn("http://b.example/1").await.unwrap();
        assert_eq!(b.at, t0);
        drop(b);
        assert_eq!(waiting.await.unwrap().unwrap() - t0, Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn the_interval_is_kept_from_the_real_send_after_a_wait_for_the_global_slot() {
        let p = Arc::new(pool(1, 250, Vec::new()));
        let t0 = Instant::now();
        drop(p.turn("http://a.example/1").await.unwrap());
        // b.example holds the only global slot for 400 ms, past a.example's due time.
        let b = p.turn("http://b.example/1").await.unwrap();
        let a = tokio::spawn({
            let p = p.clone();
            async move {
                let first = p.turn("http://a.example/2").await.unwrap().at;
                let second = p.turn("http://a.example/3").await.unwrap().at;
                (first, second)
            }
        });
        tokio::time::sleep(Duration::from_millis(400)).await;
        drop(b);
        let (first, second) = a.await.unwrap();
        assert_eq!(first - t0, Duration::from_millis(400), "sent when the slot came");
        assert_eq!(
            second - first,
            Duration::from_millis(250),
            "then an interval later, not at 500"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_spaces_the_host_from_now_on() {
        let p = pool(4, 100, Vec::new());
        let t0 = Instant::now();
        drop(p.turn("http://a.example/1").await.unwrap());
        p.back_off("http://a.example/1", Duration::from_secs(3));
        let t = p.turn("http://a.example/2").await.unwrap();
        assert_eq!(t.at - t0, Duration::from_secs(3));
        drop(t);
        let t = p.turn("http://a.example/3").await.unwrap();
        assert_eq!(t.at - t0, Duration::from_secs(6));
    }
}

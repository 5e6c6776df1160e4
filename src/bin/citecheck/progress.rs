//! Progress: an indicatif bar on a terminal (done/total, counts per class,
//! rate, ETA); elsewhere (CI logs) a line every few seconds at most.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use citecheck::links::{LinkClass, Progress};

/// The binary's observer of link checking.
pub struct Bar {
    enabled: bool,
    inner: Mutex<Option<Inner>>,
}

struct Inner {
    bar: Option<ProgressBar>,
    lines: bool,
    total: usize,
    state: State,
}

struct State {
    done: usize,
    counts: BTreeMap<LinkClass, usize>,
    last_line: Instant,
    started: Instant,
}

impl Bar {
    /// A bar that shows itself only when `enabled` (not with `--quiet`).
    pub fn new(enabled: bool) -> Bar {
        Bar {
            enabled,
            inner: Mutex::new(None),
        }
    }
}

fn summary(counts: &BTreeMap<LinkClass, usize>) -> String {
    counts
        .iter()
        .map(|(c, n)| format!("{c} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Progress for Bar {
    fn started(&self, total: usize) {
        let tty = std::io::stderr().is_terminal();
        let enabled = self.enabled && total > 0;
        let bar = (enabled && tty).then(|| {
            let b = ProgressBar::new(total as u64);
            if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} links {per_sec} eta {eta} {msg}") {
                b.set_style(style);
            }
            b
        });
        *self.inner.lock().unwrap_or_else(|e| e.into_inner()) = Some(Inner {
            bar,
            lines: enabled && !tty,
            total,
            state: State {
                done: 0,
                counts: BTreeMap::new(),
                last_line: Instant::now(),
                started: Instant::now(),
            },
        });
    }

    fn checked(&self, class: LinkClass) {
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let Some(inner) = guard.as_mut() else { return };
        let st = &mut inner.state;
        st.done += 1;
        *st.counts.entry(class).or_default() += 1;
        if let Some(b) = &inner.bar {
            b.inc(1);
            b.set_message(summary(&st.counts));
        } else if inner.lines && st.last_line.elapsed() >= Duration::from_secs(5) {
            st.last_line = Instant::now();
            let rate = st.done as f64 / st.started.elapsed().as_secs_f64().max(0.001);
            eprintln!(
                "citecheck: {}/{} links checked ({rate:.1}/s): {}",
                st.done,
                inner.total,
                summary(&st.counts)
            );
        }
    }

    fn finished(&self) {
        if let Some(Inner { bar: Some(b), .. }) = self.inner.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            b.finish_and_clear();
        }
    }
}

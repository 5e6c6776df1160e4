//! Progress: an indicatif bar on a terminal (done/total, counts per class,
//! rate, ETA); elsewhere (CI logs) a line every few seconds at most.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use super::LinkClass;

pub struct Progress {
    bar: Option<ProgressBar>,
    lines: bool,
    total: usize,
    state: Mutex<State>,
}

struct State {
    done: usize,
    counts: BTreeMap<LinkClass, usize>,
    last_line: Instant,
    started: Instant,
}

impl Progress {
    pub fn new(total: usize, enabled: bool) -> Progress {
        let tty = std::io::stderr().is_terminal();
        let bar = (enabled && tty && total > 0).then(|| {
            let b = ProgressBar::new(total as u64);
            if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} links {per_sec} eta {eta} {msg}") {
                b.set_style(style);
            }
            b
        });
        Progress {
            bar,
            lines: enabled && !tty && total > 0,
            total,
            state: Mutex::new(State {
                done: 0,
                counts: BTreeMap::new(),
                last_line: Instant::now(),
                started: Instant::now(),
            }),
        }
    }

    fn summary(counts: &BTreeMap<LinkClass, usize>) -> String {
        counts
            .iter()
            .map(|(c, n)| format!("{c} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn record(&self, class: LinkClass) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.done += 1;
        *st.counts.entry(class).or_default() += 1;
        if let Some(b) = &self.bar {
            b.inc(1);
            b.set_message(Self::summary(&st.counts));
        } else if self.lines && st.last_line.elapsed() >= Duration::from_secs(5) {
            st.last_line = Instant::now();
            let rate = st.done as f64 / st.started.elapsed().as_secs_f64().max(0.001);
            eprintln!(
                "citecheck: {}/{} links checked ({rate:.1}/s): {}",
                st.done,
                self.total,
                Self::summary(&st.counts)
            );
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

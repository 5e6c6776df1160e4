//! Link-engine benchmark: 10,000 URLs over 100 hosts (100 loopback ports,
//! served by a child process so that only the checker's CPU is measured),
//! every answer delayed 20 ms, citecheck's default politeness settings.
//!
//! Prints wall time, URLs/s, CPU per URL, peak memory, the ratio of the
//! wall time to the politeness bound (the larger of per-host requests × 20 ms
//! ÷ per-host concurrency and (per-host requests − 1) × the per-host
//! interval), and the politeness the hosts saw: the server process records
//! each request's arrival per port and reports the smallest gap between two
//! requests to one host, and the smallest mean of 10 consecutive gaps.
//!
//! Run with `cargo bench --bench links` (`-- HOSTS URLS_PER_HOST` for another size).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DELAY_MS: u64 = 20;

/// The child: listens on `hosts` ports, answers every request after 20 ms.
fn serve(hosts: usize) {
    let mut ports = Vec::new();
    // Each port's request arrivals (when the request head was read).
    let arrivals: Vec<Arc<Mutex<Vec<Instant>>>> = (0..hosts).map(|_| Arc::default()).collect();
    for seen in &arrivals {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        ports.push(l.local_addr().expect("addr").port());
        let seen = seen.clone();
        std::thread::spawn(move || {
            for stream in l.incoming().flatten() {
                let seen = seen.clone();
                std::thread::spawn(move || {
                    // HTTP/1.1 keeps the connection open, as real servers
                    // do: requests after the first come on it.
                    let mut s = stream;
                    let mut buf = [0u8; 4096];
                    let mut head: Vec<u8> = Vec::new();
                    loop {
                        let end = loop {
                            if let Some(i) = head.windows(4).position(|w| w == b"\r\n\r\n") {
                                break i + 4;
                            }
                            match s.read(&mut buf) {
                                Ok(0) | Err(_) => return,
                                Ok(n) => head.extend_from_slice(&buf[..n]),
                            }
                        };
                        seen.lock().expect("arrivals").push(Instant::now());
                        let request: Vec<u8> = head.drain(..end).collect();
                        std::thread::sleep(Duration::from_millis(DELAY_MS));
                        let body = b"<html><head><title>Cited Page Title</title></head><body>ok</body></html>";
                        // A well-behaved site: unknown paths (the soft-404 probe) get 404.
                        let status = if String::from_utf8_lossy(&request).contains("/page/") {
                            "200 OK"
                        } else {
                            "404 Not Found"
                        };
                        let head_only = request.starts_with(b"HEAD ");
                        let _ = write!(
                            s,
                            "HTTP/1.1 {status}\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n",
                            body.len()
                        );
                        if !head_only && s.write_all(body).is_err() {
                            return;
                        }
                    }
                });
            }
        });
    }
    let list: Vec<String> = ports.iter().map(|p| p.to_string()).collect();
    println!("{}", list.join(","));
    let _ = std::io::stdout().flush();
    // Serve until the parent closes our stdin, then report the gaps.
    let _ = std::io::stdin().read(&mut [0u8; 1]);
    let (mut smallest, mut smallest_mean10, mut gaps, mut most) = (f64::MAX, f64::MAX, 0usize, 0usize);
    for seen in &arrivals {
        let mut t = seen.lock().expect("arrivals").clone();
        t.sort();
        most = most.max(t.len());
        let g: Vec<f64> = t.windows(2).map(|w| (w[1] - w[0]).as_secs_f64() * 1000.0).collect();
        gaps += g.len();
        smallest = g.iter().copied().fold(smallest, f64::min);
        for w in g.windows(10) {
            smallest_mean10 = smallest_mean10.min(w.iter().sum::<f64>() / 10.0);
        }
    }
    println!("{smallest:.1} {smallest_mean10:.1} {gaps} {most}");
    let _ = std::io::stdout().flush();
}

fn proc_status(key: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// User + system CPU seconds of this process.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // Fields 14 and 15 of /proc/self/stat (utime, stime) are at 11 and 12 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--serve") {
        serve(args[2].parse().expect("hosts"));
        return;
    }
    let nums: Vec<usize> = args.iter().skip(1).filter_map(|a| a.parse().ok()).collect();
    let hosts = nums.first().copied().unwrap_or(100);
    let per_host = nums.get(1).copied().unwrap_or(100);

    let mut child = Command::new(&args[0])
        .args(["--serve", &hosts.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the server process");
    let mut line = String::new();
    let mut from_child = BufReader::new(child.stdout.take().expect("stdout"));
    from_child.read_line(&mut line).expect("ports");
    let ports: Vec<u16> = line.trim().split(',').map(|p| p.parse().expect("port")).collect();

    let dir = tempfile::tempdir().expect("tempdir");
    let mut doc = String::from("Benchmark\n\n");
    let mut refs = String::from("References:\n\n");
    let mut n = 0;
    for i in 0..per_host {
        for port in &ports {
            n += 1;
            doc.push_str(&format!("l\u{a0} May {}, 2014: Event {n}.[{n}]\n", 1 + n % 28));
            refs.push_str(&format!(
                "[{n}] Publisher, “Cited Page Title,” May 1, 2014, http://127.0.0.1:{port}/page/{i}.html\n"
            ));
        }
    }
    std::fs::write(dir.path().join("doc.txt"), format!("{doc}\n{refs}")).expect("write");
    std::fs::write(
        dir.path().join("c.yaml"),
        "documents:\n  - path: doc.txt\n    lang: en\nlinks:\n  cache:\n    enabled: false\n",
    )
    .expect("write");

    let cfg = citecheck::config::Config::default().links;
    let cpu0 = cpu_seconds();
    let t0 = Instant::now();
    let config = citecheck::config::load(&dir.path().join("c.yaml")).expect("config");
    let run = citecheck::run(
        &config,
        &mut citecheck::store::Memory::default(),
        &citecheck::links::Silent,
    )
    .expect("run");
    let wall = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    drop(child.stdin.take());
    let mut gaps_line = String::new();
    from_child.read_line(&mut gaps_line).expect("gaps");
    let _ = child.wait();
    let g: Vec<f64> = gaps_line.split_whitespace().filter_map(|v| v.parse().ok()).collect();
    let (min_gap, min_mean10, gaps, most) = (g[0], g[1], g[2] as usize, g[3] as usize);

    let urls = run.links.len();
    let alive = run
        .links
        .iter()
        .filter(|l| l.class == citecheck::links::LinkClass::Alive)
        .count();
    let requests = run.requests;
    // The busiest host's requests: its URLs and its soft-404 probe.
    let by_latency = most as f64 * DELAY_MS as f64 / 1000.0 / cfg.per_host_concurrency as f64;
    let by_interval = (most as f64 - 1.0) * cfg.per_host_interval.as_secs_f64();
    let bound = by_latency.max(by_interval);
    let peak_kb = proc_status("VmHWM:").unwrap_or(0);
    println!(
        "{urls} URLs over {hosts} hosts ({per_host} per host), answers delayed {DELAY_MS} ms; {alive} alive; {requests} requests (incl. one soft-404 probe per host)"
    );
    println!(
        "defaults: concurrency {}, per host {} in flight, {} ms between starts",
        cfg.concurrency,
        cfg.per_host_concurrency,
        cfg.per_host_interval.as_millis()
    );
    println!("wall time: {wall:.2} s, {:.0} URLs/s", urls as f64 / wall);
    println!(
        "politeness bound: {bound:.2} s (latency {by_latency:.2} s, interval {by_interval:.2} s) -> ratio {:.3} (target <= 1.05)",
        wall / bound
    );
    println!(
        "gaps at the servers: {gaps} gaps; smallest {min_gap:.1} ms, smallest mean of 10 consecutive {min_mean10:.1} ms (target >= 249 ms)"
    );
    println!(
        "CPU: {cpu:.2} s = {:.3} ms per URL (target <= 0.25 ms)",
        cpu * 1000.0 / urls as f64
    );
    println!(
        "peak RSS: {:.1} MB = {:.1} KB per URL (target <= 5 KB)",
        peak_kb as f64 / 1024.0,
        peak_kb as f64 / urls as f64
    );
}

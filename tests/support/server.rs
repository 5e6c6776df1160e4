//! A small HTTP/1.1 server on 127.0.0.1 for the link tests: real HTTP over
//! loopback, one connection per request, routes chosen by path, and counters
//! of everything it saw (requests per path, in-flight per host, start times,
//! bytes sent).

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The length of `/huge`'s body: 256 MB.
pub const HUGE_BODY: usize = 256 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub host: String,
    pub at: Instant,
    pub headers: Vec<(String, String)>,
}

#[derive(Default)]
pub struct Stats {
    pub seen: Mutex<Vec<Seen>>,
    in_flight: Mutex<HashMap<String, usize>>,
    pub max_in_flight: Mutex<HashMap<String, usize>>,
    pub huge_bytes: AtomicUsize,
    counters: Mutex<HashMap<String, usize>>,
}

impl Stats {
    pub fn count(&self, path: &str) -> usize {
        self.seen.lock().unwrap().iter().filter(|s| s.path == path).count()
    }
    pub fn total(&self) -> usize {
        self.seen.lock().unwrap().len()
    }
    fn bump(&self, key: &str) -> usize {
        let mut c = self.counters.lock().unwrap();
        let n = c.entry(key.to_string()).or_default();
        *n += 1;
        *n
    }
}

/// A running server.
pub struct Server {
    pub addr: SocketAddr,
    pub stats: Arc<Stats>,
    _runtime: tokio::runtime::Runtime,
}

/// How the server answers.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The routes below.
    Routes,
    /// Every path gets the same 200 page (a site that never says 404).
    AnswersEverything,
    /// Every path answers after a delay (benchmarks, politeness tests).
    Delayed(u64),
}

impl Server {
    pub fn start(mode: Mode) -> Server {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let stats = Arc::new(Stats::default());
        let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let addr = listener.local_addr().unwrap();
        let st = stats.clone();
        runtime.spawn(async move {
            loop {
                let Ok((sock, _)) = listener.accept().await else { break };
                let st = st.clone();
                tokio::spawn(async move {
                    let _ = handle(sock, st, mode, addr).await;
                });
            }
        });
        Server {
            addr,
            stats,
            _runtime: runtime,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
}

/// A port on which nothing listens.
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

async fn read_head(sock: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() > 65536 {
            return None;
        }
        if buf.is_empty() && chunk[0] == 0x16 {
            // A TLS ClientHello on this plain-HTTP port: answer in plain text, as such servers do.
            let _ = sock
                .write_all(b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n")
                .await;
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(String::from_utf8_lossy(&buf).into_owned())
}

fn page(title: &str, body: &str) -> Vec<u8> {
    format!("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body><h1>{title}</h1><p>{body}</p></body></html>").into_bytes()
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn reply(status: u16, ct: &str, body: Vec<u8>) -> Reply {
    Reply {
        status,
        headers: vec![("Content-Type".into(), ct.into())],
        body,
    }
}

fn redirect(status: u16, to: &str) -> Reply {
    Reply {
        status,
        headers: vec![("Location".into(), to.into())],
        body: Vec::new(),
    }
}

async fn handle(mut sock: TcpStream, st: Arc<Stats>, mode: Mode, addr: SocketAddr) -> std::io::Result<()> {
    let Some(head) = read_head(&mut sock).await else {
        return Ok(());
    };
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or("/").to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        })
        .collect();
    let host = headers
        .iter()
        .find(|(k, _)| k == "host")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    // A proxy receives the absolute form (`GET http://host/path HTTP/1.1`).
    let target = match target.split_once("://") {
        Some((_, rest)) if !target.starts_with('/') => {
            rest.find('/').map_or("/".to_string(), |i| rest[i..].to_string())
        }
        _ => target,
    };
    let path = target.split('?').next().unwrap_or("/").to_string();
    st.seen.lock().unwrap().push(Seen {
        method: method.clone(),
        path: path.clone(),
        host: host.clone(),
        at: Instant::now(),
        headers: headers.clone(),
    });
    {
        let mut f = st.in_flight.lock().unwrap();
        let n = f.entry(host.clone()).or_default();
        *n += 1;
        let mut m = st.max_in_flight.lock().unwrap();
        let mx = m.entry(host.clone()).or_default();
        *mx = (*mx).max(*n);
    }
    let result = respond(&mut sock, &st, mode, &method, &path, addr).await;
    *st.in_flight.lock().unwrap().entry(host).or_default() -= 1;
    result
}

async fn respond(
    sock: &mut TcpStream,
    st: &Stats,
    mode: Mode,
    method: &str,
    path: &str,
    addr: SocketAddr,
) -> std::io::Result<()> {
    let r = match mode {
        Mode::AnswersEverything => reply(
            200,
            "text/html; charset=utf-8",
            page("Welcome to Example News", "Top stories of the day."),
        ),
        Mode::Delayed(ms) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            reply(200, "text/html", page(&format!("Page {path}"), "content"))
        }
        Mode::Routes => match path {
            "/" => reply(200, "text/html", page("Example Home", "Welcome")),
            "/ok" | "/ok2" | "/ok3" => reply(
                200,
                "text/html; charset=utf-8",
                page("Cited Page Title", "The statement."),
            ),
            "/moved" => redirect(301, "/moved2"),
            "/moved2" => redirect(301, &format!("http://{addr}/ok")),
            "/temp" => redirect(302, "/ok"),
            "/gone-home" => redirect(302, "/"),
            "/missing" => reply(404, "text/html", page("Not Found", "")),
            "/removed" => reply(410, "text/html", page("Gone", "")),
            "/sjis-notfound" => {
                let html = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\"><title>お探しのページは見つかりませんでした</title></head><body>申し訳ありません</body></html>";
                let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(html);
                reply(200, "text/html", bytes.into_owned())
            }
            "/head405.pdf" => {
                if method == "HEAD" {
                    reply(405, "text/plain", Vec::new())
                } else {
                    reply(200, "application/pdf", b"%PDF-1.4\n%fake\n".to_vec())
                }
            }
            "/forbidden" => reply(403, "text/html", page("Forbidden", "")),
            // A redirect to another host: `/to-port/PORT/path` → `http://127.0.0.1:PORT/path`.
            p if p.starts_with("/to-port/") => {
                let rest = &p["/to-port/".len()..];
                let (port, tail) = rest.split_once('/').unwrap_or((rest, ""));
                redirect(302, &format!("http://127.0.0.1:{port}/{tail}"))
            }
            // Any status, even one HTTP does not define (`/status/600`).
            p if p.starts_with("/status/") => reply(p[8..].parse().unwrap_or(500), "text/html", page("Status", "")),
            "/ratelimited" => {
                if st.bump("ratelimited") == 1 {
                    Reply {
                        status: 429,
                        headers: vec![("Retry-After".into(), "1".into())],
                        body: Vec::new(),
                    }
                } else {
                    reply(200, "text/html", page("Cited Page Title", "after the wait"))
                }
            }
            "/flaky" => {
                if st.bump("flaky") <= 2 {
                    reply(500, "text/plain", b"oops".to_vec())
                } else {
                    reply(200, "text/html", page("Cited Page Title", "third time lucky"))
                }
            }
            "/always500" => reply(500, "text/plain", b"down".to_vec()),
            "/hang" => {
                tokio::time::sleep(Duration::from_secs(30)).await;
                reply(200, "text/html", page("Too late", ""))
            }
            "/slow" => {
                tokio::time::sleep(Duration::from_millis(150)).await;
                reply(200, "text/html", page("Cited Page Title", "slow"))
            }
            "/loop-a" => redirect(302, "/loop-b"),
            "/loop-b" => redirect(302, "/loop-a"),
            "/huge" => {
                // More than the kernel can buffer on loopback (receive buffers
                // autotune up to net.ipv4.tcp_rmem's maximum, 32 MB here).
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {HUGE_BODY}\r\nConnection: close\r\n\r\n"
                );
                sock.write_all(head.as_bytes()).await?;
                let chunk = vec![b'a'; 64 * 1024];
                let mut sent = 0;
                while sent < HUGE_BODY {
                    if sock.write_all(&chunk).await.is_err() {
                        break;
                    }
                    sent += chunk.len();
                    st.huge_bytes.fetch_add(chunk.len(), Ordering::SeqCst);
                }
                return Ok(());
            }
            "/gzip" => {
                use std::io::Write;
                let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                e.write_all(&page("Cited Page Title", "compressed")).unwrap();
                let mut r = reply(200, "text/html", e.finish().unwrap());
                r.headers.push(("Content-Encoding".into(), "gzip".into()));
                r
            }
            "/other-title" => reply(200, "text/html", page("Weather forecast for the weekend", "Sunny.")),
            "/report.pdf" => reply(
                200,
                "text/html",
                page("Cited Page Title", "an HTML page where a PDF was cited"),
            ),
            "/real.pdf" => reply(200, "application/pdf", b"%PDF-1.4\n".to_vec()),
            "/secret" => reply(200, "text/html", page("Cited Page Title", "secret page")),
            _ => reply(404, "text/html", page("Not Found", "")),
        },
    };
    let reason = match r.status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        404 => "Not Found",
        _ => "Status",
    };
    let mut out = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Length: {}\r\nConnection: close\r\n",
        r.status,
        r.body.len()
    );
    for (k, v) in &r.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    sock.write_all(out.as_bytes()).await?;
    if method != "HEAD" {
        sock.write_all(&r.body).await?;
    }
    sock.shutdown().await
}

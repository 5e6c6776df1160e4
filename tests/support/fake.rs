//! A programmable HTTP server on 127.0.0.1: each test gives a function from
//! request to response, so fake services answer in the real services' formats.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path and query as sent (absolute-form targets reduced to path and query).
    pub target: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn param(&self, k: &str) -> Option<&str> {
        self.query.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
    }
    pub fn header(&self, k: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
    }
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }
    pub fn json(body: &str) -> Response {
        Response::new(200, "application/json", body.as_bytes().to_vec())
    }
    pub fn html(title: &str) -> Response {
        Response::new(
            200,
            "text/html; charset=utf-8",
            format!("<html><head><title>{title}</title></head><body>{title}</body></html>"),
        )
    }
    pub fn redirect(status: u16, to: &str) -> Response {
        Response {
            status,
            headers: vec![("Location".into(), to.into())],
            body: Vec::new(),
        }
    }
    /// A Wayback CDX answer (`output=json`, `fl=timestamp,original,statuscode,mimetype`):
    /// the header row, then one row of strings per `(timestamp, status)` capture of `url`.
    pub fn cdx(url: &str, captures: &[(&str, &str)]) -> Response {
        let mut body = String::from(r#"[["timestamp","original","statuscode","mimetype"]"#);
        for (ts, status) in captures {
            body.push_str(&format!(r#",["{ts}","{url}","{status}","text/html"]"#));
        }
        body.push(']');
        Response::json(&body)
    }

    pub fn header(mut self, k: &str, v: &str) -> Response {
        self.headers.push((k.into(), v.into()));
        self
    }
}

type Handler = dyn Fn(&Request) -> Response + Send + Sync;

pub struct Fake {
    pub addr: SocketAddr,
    pub seen: Arc<Mutex<Vec<Request>>>,
    _rt: tokio::runtime::Runtime,
}

impl Fake {
    pub fn start(handler: impl Fn(&Request) -> Response + Send + Sync + 'static) -> Fake {
        let handler: Arc<Handler> = Arc::new(handler);
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s2 = seen.clone();
        rt.spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else {
                    break;
                };
                let (h, seen) = (handler.clone(), s2.clone());
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 8192];
                    let head_end = loop {
                        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            break p + 4;
                        }
                        match sock.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    };
                    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
                    let mut lines = head.split("\r\n");
                    let mut rl = lines.next().unwrap_or_default().split(' ');
                    let method = rl.next().unwrap_or_default().to_string();
                    let mut target = rl.next().unwrap_or("/").to_string();
                    if !target.starts_with('/')
                        && let Some((_, rest)) = target.split_once("://")
                    {
                        target = rest.find('/').map_or("/".to_string(), |i| rest[i..].to_string());
                    }
                    let headers: Vec<(String, String)> = lines
                        .filter_map(|l| {
                            l.split_once(':')
                                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                        })
                        .collect();
                    let len: usize = headers
                        .iter()
                        .find(|(k, _)| k == "content-length")
                        .and_then(|(_, v)| v.parse().ok())
                        .unwrap_or(0);
                    let mut body = buf[head_end..].to_vec();
                    while body.len() < len {
                        match sock.read(&mut chunk).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => body.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let (path, q) = target.split_once('?').unwrap_or((&target, ""));
                    let query = url::form_urlencoded::parse(q.as_bytes())
                        .map(|(k, v)| (k.into_owned(), v.into_owned()))
                        .collect();
                    let req = Request {
                        method: method.clone(),
                        target: target.clone(),
                        path: path.to_string(),
                        query,
                        headers,
                        body,
                    };
                    let resp = h(&req);
                    seen.lock().unwrap().push(req);
                    let mut out = format!(
                        "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                        resp.status,
                        resp.body.len()
                    );
                    for (k, v) in &resp.headers {
                        out.push_str(&format!("{k}: {v}\r\n"));
                    }
                    out.push_str("\r\n");
                    let _ = sock.write_all(out.as_bytes()).await;
                    if method != "HEAD" {
                        let _ = sock.write_all(&resp.body).await;
                    }
                    let _ = sock.shutdown().await;
                });
            }
        });
        Fake { addr, seen, _rt: rt }
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn count(&self, path_prefix: &str) -> usize {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.path.starts_with(path_prefix))
            .count()
    }
}

//! One URL as the link engine asks for it: by GET when its content
//! matters, else by HEAD, through the network layer ([`crate::net`]).

use reqwest::Method;
use reqwest::header::HeaderMap;

use crate::net::{Fetched, Net, Request};

/// Checks one URL: `want_body` asks for GET (the content matters);
/// otherwise HEAD, falling back to GET where a server refuses HEAD. The
/// host's own headers go to it only.
pub async fn check(net: &Net, url: &str, want_body: bool, own_headers: &HeaderMap) -> Fetched {
    let method = if want_body { Method::GET } else { Method::HEAD };
    let req = Request::get(url).method(method).own_headers(own_headers.clone());
    net.fetch(&req).await
}

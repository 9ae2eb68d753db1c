//! Load generator for a running landed-server (a second process on loopback).
//!
//! ```text
//! landed-server create-tenant bench            # prints KEY
//! landed-server &                              # 127.0.0.1:8787
//! cargo run --release -p landed-server --example load -- KEY quotes 16 5
//! cargo run --release -p landed-server --example load -- KEY settle 16 5
//! ```
//! Arguments: API key, mode (`quotes`: signed quotes; `settle`: accept + clearance of pre-made
//! quotes), concurrent connections (keep-alive), seconds. Prints requests/s, p50 and p99 latency.

use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const BASKET: &str = r#"{"destination":"DE","currency":"EUR","incoterm":"DDP","channel":"courier","seller":{"registrations":["EU_IOSS"]},"buyer":{"kind":"consumer"},"items":[{"id":"t","description":"Cotton T-shirt","hs_code":"610910","origin":"CN","quantity":1,"unit_price":"60.00"},{"id":"w","description":"Watch","hs_code":"910211","origin":"CN","quantity":1,"unit_price":"40.00"}],"shipping":"5.00"}"#;

struct Conn {
    r: BufReader<TcpStream>,
    addr: String,
}

impl Conn {
    async fn new(addr: &str) -> Conn {
        Conn {
            r: BufReader::new(TcpStream::connect(addr).await.expect("connect")),
            addr: addr.into(),
        }
    }

    async fn send(
        &mut self,
        method: &str,
        path: &str,
        key: &str,
        idem: &str,
        body: &str,
    ) -> (u16, String) {
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {key}\r\nIdempotency-Key: {idem}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        );
        self.r
            .get_mut()
            .write_all(req.as_bytes())
            .await
            .expect("write");
        let mut line = String::new();
        self.r.read_line(&mut line).await.expect("status");
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("status code");
        let mut len = 0usize;
        loop {
            line.clear();
            self.r.read_line(&mut line).await.expect("header");
            if line == "\r\n" {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().expect("length");
                }
            }
        }
        let mut buf = vec![0; len];
        self.r.read_exact(&mut buf).await.expect("body");
        (status, String::from_utf8_lossy(&buf).into_owned())
    }
}

fn id_of(body: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).expect("json");
    v["id"].as_str().expect("id").to_string()
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let key = args
        .first()
        .expect("usage: load KEY quotes|settle [CONNS] [SECS] [ADDR]")
        .clone();
    let mode = args.get(1).cloned().unwrap_or_else(|| "quotes".into());
    let conns: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(16);
    let secs: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(5);
    let addr = args
        .get(4)
        .cloned()
        .unwrap_or_else(|| "127.0.0.1:8787".into());
    let run = format!("{}", std::process::id());
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for c in 0..conns {
        let (key, mode, addr, run) = (key.clone(), mode.clone(), addr.clone(), run.clone());
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::new(&addr).await;
            let mut lat = Vec::new();
            let mut n = 0u64;
            while Instant::now() < deadline {
                n += 1;
                if mode == "settle" {
                    // Untimed setup: a quote, accepted (the hold). Timed: the clearance.
                    let (st, b) = conn.send("POST", "/v1/quotes", &key, &format!("{run}-{c}-{n}-q"), BASKET).await;
                    assert_eq!(st, 201, "{b}");
                    let id = id_of(&b);
                    let (st, b) = conn.send("POST", &format!("/v1/quotes/{id}/accept"), &key, &format!("{run}-{c}-{n}-a"), "").await;
                    assert_eq!(st, 200, "{b}");
                    let body = format!(r#"{{"quote_id":"{id}","parcel_id":"P-{c}-{n}","currency":"EUR","status":"cleared","assessed":{{"duty":"6.00","tax":"19.95","fees":"0.00"}}}}"#);
                    let t = Instant::now();
                    let (st, b) = conn.send("POST", "/v1/clearances", &key, &format!("{run}-{c}-{n}-c"), &body).await;
                    lat.push(t.elapsed());
                    assert_eq!(st, 201, "{b}");
                } else {
                    let t = Instant::now();
                    let (st, b) = conn.send("POST", "/v1/quotes", &key, &format!("{run}-{c}-{n}"), BASKET).await;
                    lat.push(t.elapsed());
                    assert_eq!(st, 201, "{b}");
                }
            }
            lat
        }));
    }
    let start = Instant::now();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("task"));
    }
    let wall = start.elapsed().as_millis().max(1);
    all.sort();
    let pct = |p: usize| all.get(all.len() * p / 100).copied().unwrap_or_default();
    let rate = all.len() as u128 * 1000 / wall;
    println!(
        "{mode}: {} requests in {wall} ms with {conns} connections: {rate}/s timed ops, p50 {:?}, p99 {:?}, max {:?}",
        all.len(),
        pct(50),
        pct(99),
        all.last().copied().unwrap_or_default()
    );
}

//! Real `landed-server` processes for tests: start, SIGKILL, wait until up, and a raw HTTP/1.1
//! request over loopback (no client library between the test and the wire).

#![allow(dead_code)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const BIN: &str = env!("CARGO_BIN_EXE_landed-server");

pub async fn request(
    port: u16,
    method: &str,
    path: &str,
    key: &str,
    idem: Option<&str>,
    body: &str,
) -> std::io::Result<(u16, String)> {
    let mut s = tokio::time::timeout(
        Duration::from_secs(2),
        tokio::net::TcpStream::connect(("127.0.0.1", port)),
    )
    .await
    .map_err(|_| std::io::Error::other("connect timeout"))??;
    let idem = idem
        .map(|k| format!("Idempotency-Key: {k}\r\n"))
        .unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer {key}\r\n{idem}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await?;
    let mut buf = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf))
        .await
        .map_err(|_| std::io::Error::other("read timeout"))??;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("truncated response"))?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status"))?;
    Ok((status, body.to_string()))
}

pub struct Proc {
    pub child: Option<Child>,
    pub db: String,
    pub port: u16,
}

impl Proc {
    pub fn start(&mut self) {
        let child = Command::new(BIN)
            .args([
                "--database-url",
                &self.db,
                "--listen",
                &format!("127.0.0.1:{}", self.port),
            ])
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start landed-server");
        self.child = Some(child);
    }
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            c.kill().expect("SIGKILL");
            c.wait().expect("reap");
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill();
    }
}

pub async fn wait_up(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok((200, _)) = request(port, "GET", "/healthz", "", None, "").await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("server did not come up");
}

/// A free loopback port.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Creates a tenant through the binary's CLI and returns its API key.
pub fn create_tenant(db: &str, name: &str) -> String {
    let out = Command::new(BIN)
        .args(["--database-url", db, "create-tenant", name])
        .output()
        .expect("run create-tenant");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_string()
}

/// The T-shirt basket both process tests quote: DE, IOSS, EUR 60 + 5.
pub fn tshirt_basket() -> String {
    serde_json::json!({"destination": "DE", "currency": "EUR", "incoterm": "DDP", "channel": "courier",
        "seller": {"registrations": ["EU_IOSS"]}, "buyer": {"kind": "consumer"},
        "items": [{"id": "t", "description": "Cotton T-shirt", "hs_code": "610910", "origin": "CN",
                   "quantity": 1, "unit_price": "60.00"}],
        "shipping": "5.00"})
    .to_string()
}

/// `POST path` with an idempotency key; the status and the JSON body, or a panic naming both.
pub async fn post(
    port: u16,
    path: &str,
    key: &str,
    idem: &str,
    body: &str,
) -> (u16, serde_json::Value) {
    let (st, text) = request(port, "POST", path, key, Some(idem), body)
        .await
        .unwrap_or_else(|e| panic!("POST {path} on {port}: {e}"));
    let v = serde_json::from_str(&text).unwrap_or_else(|e| panic!("POST {path}: {st} {e}: {text}"));
    (st, v)
}

/// Quotes `basket` on `port` with key `q{i}` (201 expected) and returns the quote's id.
pub async fn quote(port: u16, key: &str, i: usize, basket: &str) -> String {
    let (st, v) = post(port, "/v1/quotes", key, &format!("q{i}"), basket).await;
    assert_eq!(st, 201, "{v}");
    v["id"].as_str().expect("a quote id").to_string()
}

/// Accepts quote `id` on `port` with key `a{i}` (200 expected).
pub async fn accept(port: u16, key: &str, i: usize, id: &str) {
    let (st, v) = post(
        port,
        &format!("/v1/quotes/{id}/accept"),
        key,
        &format!("a{i}"),
        "",
    )
    .await;
    assert_eq!(st, 200, "{v}");
}

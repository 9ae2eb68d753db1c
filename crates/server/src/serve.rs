//! The HTTP/1.1 listener: accepts connections on a TCP listener and serves the router on each,
//! with the limits a public server needs below the router:
//!
//! - a **header read timeout**: a client that opens a connection and sends its request head slowly
//!   (or not at all, or stays idle between keep-alive requests) is disconnected after
//!   [`ServeOptions::header_read_timeout`], so half-sent requests cannot hold connections open
//!   (slow-loris);
//! - a **largest request head** ([`ServeOptions::max_head_bytes`]): a longer one gets 431;
//! - **JSON error bodies for the answers hyper gives itself** (400 for a request that is not HTTP,
//!   414, 431): hyper writes those with an empty body before any handler runs; [`JsonErrorIo`]
//!   gives them the body every other error has, `{"error": {"code", "message", "path"}}`;
//! - graceful shutdown: connections finish their requests when the shutdown future resolves.

use axum::extract::ConnectInfo;
use axum::Router;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;

/// Limits of the listener.
#[derive(Clone, Copy, Debug)]
pub struct ServeOptions {
    /// Time a client has to send a whole request head, from the moment the connection is ready
    /// for one (also the idle limit between keep-alive requests).
    pub header_read_timeout: Duration,
    /// Largest request head (request line and headers), in bytes; hyper's minimum is 8,192.
    pub max_head_bytes: usize,
    /// Time in-flight requests get to finish after shutdown is asked.
    pub drain: Duration,
}

impl Default for ServeOptions {
    fn default() -> ServeOptions {
        ServeOptions {
            header_read_timeout: Duration::from_secs(10),
            max_head_bytes: 64 * 1024,
            drain: Duration::from_secs(30),
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets in-flight requests finish
/// (at most [`ServeOptions::drain`]). Handlers see the peer address as
/// `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    opts: ServeOptions,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, addr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = tower::ServiceExt::map_request(
            router.clone(),
            move |mut req: axum::http::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(ConnectInfo::<SocketAddr>(addr));
                req
            },
        );
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(opts.header_read_timeout)
            .max_header_size(opts.max_head_bytes)
            .max_buf_size(opts.max_head_bytes.max(8192))
            .serve_connection(
                hyper_util::rt::TokioIo::new(JsonErrorIo::new(stream)),
                hyper_util::service::TowerToHyperService::new(service),
            );
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(peer = %addr, error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(opts.drain) => {
            tracing::warn!("shutdown: connections still open after the drain time were dropped");
        }
    }
    Ok(())
}

/// A connection's byte stream, passing everything through except hyper's own error answers: a
/// response head for 400, 414 or 431 with `content-length: 0` (hyper writes it when the request
/// cannot be parsed, before any handler runs; every response the router makes for an error has a
/// JSON body) is replaced by the same head with a JSON error body.
#[derive(Debug)]
pub struct JsonErrorIo<T> {
    inner: T,
    /// A replacement still being written: the bytes and how many are written.
    pending: Option<(Vec<u8>, usize)>,
}

impl<T> JsonErrorIo<T> {
    /// Wraps `inner`.
    pub fn new(inner: T) -> JsonErrorIo<T> {
        JsonErrorIo {
            inner,
            pending: None,
        }
    }
}

impl<T: AsyncWrite + Unpin> JsonErrorIo<T> {
    /// Writes what is left of a replacement.
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, done)) = &mut self.pending {
            if *done == bytes.len() {
                self.pending = None;
                break;
            }
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &bytes[*done..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *done += n;
        }
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for JsonErrorIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for JsonErrorIo<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        ready!(self.drain(cx))?;
        if let Some(replacement) = with_json_body(buf) {
            self.pending = Some((replacement, 0));
            // Written now or on the next write, flush or shutdown: the caller's bytes are taken.
            if let Poll::Ready(Err(e)) = self.drain(cx) {
                return Poll::Ready(Err(e));
            }
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    // One buffer per write, so a response head always arrives whole in `poll_write`.
    fn is_write_vectored(&self) -> bool {
        false
    }
}

/// The replacement for hyper's bodiless error answer in `head`, if `head` is one.
fn with_json_body(head: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(head).ok()?;
    let rest = text
        .strip_prefix("HTTP/1.1 ")
        .or_else(|| text.strip_prefix("HTTP/1.0 "))?;
    let (code, message) = match rest.get(..3)? {
        "400" => (
            "bad_request",
            "the request is not valid HTTP/1.1: its request line or a header could not be parsed",
        ),
        "414" => ("uri_too_long", "the request target is too long"),
        "431" => (
            "request_header_fields_too_large",
            "the request's headers are too large",
        ),
        _ => return None,
    };
    // The whole head and nothing after it, with an empty body.
    let head_end = text.find("\r\n\r\n")?;
    if head_end + 4 != text.len() {
        return None;
    }
    let mut lines: Vec<&str> = text[..head_end].split("\r\n").collect();
    let empty = lines
        .iter()
        .position(|l| l.eq_ignore_ascii_case("content-length: 0"))?;
    lines.remove(empty);
    let body =
        serde_json::json!({"error": {"code": code, "message": message, "path": ""}}).to_string();
    let mut out = lines.join("\r\n");
    out.push_str(&format!(
        "\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    ));
    Some(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyper_error_heads_get_a_json_body() {
        let head = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: Mon, 07 Dec 2026 10:00:00 GMT\r\n\r\n";
        let out = String::from_utf8(with_json_body(head).unwrap()).unwrap();
        let (h, body) = out.split_once("\r\n\r\n").unwrap();
        assert!(h.starts_with("HTTP/1.1 431 "));
        assert!(h.contains("\r\ndate: Mon, 07 Dec 2026 10:00:00 GMT"));
        assert!(h.contains(&format!("content-length: {}", body.len())));
        assert!(!h.contains("content-length: 0"));
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["error"]["code"], "request_header_fields_too_large");
        let bad = with_json_body(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n").unwrap();
        assert!(String::from_utf8(bad).unwrap().contains("\"bad_request\""));
    }

    #[test]
    fn every_other_write_passes_through() {
        for head in [
            // A handler's error: it has a body.
            &b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 12\r\n\r\n"[..],
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\nextra",
            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n",
            b"{\"error\": 1}",
            b"",
        ] {
            assert!(with_json_body(head).is_none(), "{:?}", String::from_utf8_lossy(head));
        }
    }
}

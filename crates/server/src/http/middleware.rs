//! The middleware around every route: errors of the tower layers as JSON, NUL characters
//! refused, rate limits, and the metrics of each request.

use crate::error::AppError;
use crate::http::state::{AppState, BODY_LIMIT};
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Errors produced by the tower layers (body limit, timeout) or axum's extractors come as plain
/// text or an empty body; they get the same `{"error": {...}}` shape as every other error.
pub(super) fn json_errors(res: Response, timeout: Duration) -> Response {
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json || !(res.status().is_client_error() || res.status().is_server_error()) {
        return res;
    }
    match res.status() {
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge { limit: BODY_LIMIT },
        StatusCode::REQUEST_TIMEOUT => AppError::Timeout {
            secs: timeout.as_secs(),
        },
        StatusCode::METHOD_NOT_ALLOWED => AppError::MethodNotAllowed,
        status if status.is_server_error() => {
            AppError::Internal(format!("{status} from a middleware layer"))
        }
        status => AppError::invalid(
            "bad_request",
            "",
            format!(
                "the request was rejected ({})",
                status.canonical_reason().unwrap_or("client error")
            ),
        ),
    }
    .into_response()
}

/// Refuses a request whose URI or JSON body carries U+0000 (`%00`, `\u0000`): no identifier,
/// description or note may hold it, and PostgreSQL text cannot (the mutation fuzzer found
/// `GET /v1/catalogue?after=%00` answered 500 on PostgreSQL). 422 `invalid_value`, before any
/// handler runs, so both databases answer alike.
pub(super) async fn refuse_nul(req: Request, next: Next) -> Result<Response, AppError> {
    let nul = |path: &str| {
        AppError::invalid(
            "invalid_value",
            path,
            "the request holds a NUL character (U+0000), which no field accepts",
        )
    };
    let uri = req.uri();
    if uri.path().contains("%00") || uri.query().is_some_and(|q| q.contains("%00")) {
        return Err(nul(""));
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .map_err(|_| AppError::PayloadTooLarge { limit: BODY_LIMIT })?;
    if has_escaped_nul(&bytes) {
        return Err(nul(""));
    }
    Ok(next
        .run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await)
}

/// Whether JSON text holds the escape `\u0000` (a backslash that is not itself escaped).
fn has_escaped_nul(text: &[u8]) -> bool {
    text.windows(6).enumerate().any(|(i, w)| {
        w == b"\\u0000" && text[..i].iter().rev().take_while(|&&c| c == b'\\').count() % 2 == 0
    })
}

/// Takes a token from the API key's bucket and the client address's bucket.
pub(super) async fn rate_limit(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let now = Instant::now();
    let key = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|k| crate::hash_api_key(k.trim()));
    let addr = req
        .extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let over = [
        key.map(|k| state.key_limiter.check(&k, now)),
        addr.map(|a| state.addr_limiter.check(&a, now)),
    ]
    .into_iter()
    .flatten()
    .filter_map(Result::err)
    .max();
    match over {
        Some(wait) => {
            state.metrics.rate_limited.fetch_add(1, Ordering::Relaxed);
            AppError::RateLimited {
                retry_after_secs: u64::try_from(wait.as_millis().div_ceil(1000).max(1))
                    .unwrap_or(u64::MAX),
            }
            .into_response()
        }
        None => next.run(req).await,
    }
}

pub(super) async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let res = next.run(req).await;
    let us = u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX);
    state
        .metrics
        .observe(&method, &route, res.status().as_u16(), us);
    res
}

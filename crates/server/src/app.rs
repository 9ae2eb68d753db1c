//! The router and its middleware, and the public probes (`/healthz`, `/metrics`, JWKS).
//! `app(state)` builds everything, so tests drive it with `oneshot`.

use crate::error::AppError;
use crate::sign::{self};
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crate::quotes::{accept_quote, create_quote, get_quote, verify};
use crate::state::{AppState, BODY_LIMIT};

/// The router: public `/healthz`, `/metrics`, `/openapi.json`, `/.well-known/jwks.json`;
/// `/v1/*` behind `Authorization: Bearer <key>`.
pub fn app(state: AppState) -> Router {
    let timeout = state.timeout;
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route(
            "/openapi.json",
            get(|| async { Json(crate::openapi::document()) }),
        )
        .route("/.well-known/jwks.json", get(jwks))
        .route("/v1/quotes", post(create_quote))
        .route("/v1/quotes/verify", post(verify))
        .route("/v1/quotes/{id}", get(get_quote))
        .route("/v1/quotes/{id}/accept", post(accept_quote))
        .route("/v1/clearances", post(crate::settle::create_clearance))
        .route(
            "/v1/reconciliation",
            get(crate::reconciliation::reconciliation),
        )
        .merge(crate::clearance_api::routes())
        .merge(crate::catalogue_api::routes())
        .merge(crate::learning_report::routes())
        .fallback(|| async { AppError::NotFound("route") })
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
        .layer(middleware::from_fn(refuse_nul))
        .layer(middleware::from_fn_with_state(state.clone(), rate_limit))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(middleware::map_response(move |res: Response| async move {
            json_errors(res, timeout)
        }))
        .with_state(state)
}

/// Errors produced by the tower layers (body limit, timeout) or axum's extractors come as plain
/// text or an empty body; they get the same `{"error": {...}}` shape as every other error.
fn json_errors(res: Response, timeout: Duration) -> Response {
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
async fn refuse_nul(req: Request, next: Next) -> Result<Response, AppError> {
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
async fn rate_limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
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

async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
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

async fn healthz(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    state.store.keys().await?;
    Ok(Json(
        json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")}),
    ))
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}

async fn jwks(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    state.store.active_key(state.now()).await?;
    let keys: Vec<Value> = state
        .store
        .keys()
        .await?
        .iter()
        .map(|k| sign::jwk(&k.kid, &k.public_key))
        .collect();
    Ok(Json(json!({"keys": keys})))
}

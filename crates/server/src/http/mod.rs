//! The HTTP layer: the router, its middleware (`middleware.rs`) and the public probes
//! (`/healthz`, `/metrics`, JWKS); the shared state, the extractors, the response views, the
//! OpenAPI document, and one handler file per resource. `app(state)` builds everything, so tests
//! drive it with `oneshot`. Below this layer: the store, the signer, the webhook sender.

mod catalogue;
mod clearances;
mod extract;
mod middleware;
pub mod openapi;
mod parcels;
mod quotes;
mod reconciliation;
mod reports;
mod risk;
mod sellers;
mod settings;
pub mod state;
mod views;
mod webhooks;

use crate::error::AppError;
use crate::sign::{self};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::http::quotes::{accept_quote, create_quote, get_quote, verify};
use crate::http::state::{AppState, BODY_LIMIT};

/// The router: public `/healthz`, `/metrics`, `/openapi.json`, `/.well-known/jwks.json`;
/// `/v1/*` behind `Authorization: Bearer <key>`.
pub fn app(state: AppState) -> Router {
    let timeout = state.timeout;
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route(
            "/openapi.json",
            get(|| async { Json(crate::http::openapi::document()) }),
        )
        .route("/.well-known/jwks.json", get(jwks))
        .route("/v1/quotes", post(create_quote))
        .route("/v1/quotes/verify", post(verify))
        .route("/v1/quotes/{id}", get(get_quote))
        .route("/v1/quotes/{id}/accept", post(accept_quote))
        .route(
            "/v1/clearances",
            post(crate::http::clearances::create_clearance),
        )
        .route(
            "/v1/reconciliation",
            get(crate::http::reconciliation::reconciliation),
        )
        .merge(parcels::routes())
        .merge(webhooks::routes())
        .merge(sellers::routes())
        .merge(settings::routes())
        .merge(crate::http::catalogue::routes())
        .merge(crate::http::reports::routes())
        .fallback(|| async { AppError::NotFound("route") })
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
        .layer(axum::middleware::from_fn(self::middleware::refuse_nul))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            self::middleware::rate_limit,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            self::middleware::observe,
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(axum::middleware::map_response(
            move |res: Response| async move { self::middleware::json_errors(res, timeout) },
        ))
        .with_state(state)
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

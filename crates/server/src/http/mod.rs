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
use axum::handler::Handler;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::{Json, Router};
use schemars::JsonSchema;
use serde::Serialize;
use views::Reply;

use crate::http::state::{AppState, BODY_LIMIT};

/// A method of a route.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Verb {
    Get,
    Post,
    Put,
}

impl Verb {
    /// The method's name in the OpenAPI document.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Verb::Get => "get",
            Verb::Post => "post",
            Verb::Put => "put",
        }
    }
}

/// A route: one method of one path and its handler.
pub(crate) struct Route {
    pub verb: Verb,
    pub path: &'static str,
    handler: MethodRouter<AppState>,
}

fn route<H, T>(verb: Verb, path: &'static str, handler: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    let filter = match verb {
        Verb::Get => MethodFilter::GET,
        Verb::Post => MethodFilter::POST,
        Verb::Put => MethodFilter::PUT,
    };
    Route {
        verb,
        path,
        handler: on(filter, handler),
    }
}

/// Every route. The router is built from this table and `/openapi.json` documents exactly its
/// (method, path) pairs ([`openapi::document`]), so a route cannot be added without its
/// documentation: one without is documented as `undocumented`, which `tests/http.rs` refuses.
pub(crate) fn routes() -> Vec<Route> {
    use Verb::{Get, Post, Put};
    vec![
        route(Get, "/healthz", healthz),
        route(Get, "/metrics", metrics),
        route(Get, "/openapi.json", || async { Json(openapi::document()) }),
        route(Get, "/.well-known/jwks.json", jwks),
        route(Post, "/v1/quotes", quotes::create_quote),
        route(Post, "/v1/quotes/verify", quotes::verify),
        route(Get, "/v1/quotes/{id}", quotes::get_quote),
        route(Post, "/v1/quotes/{id}/accept", quotes::accept_quote),
        route(Post, "/v1/clearances", clearances::create_clearance),
        route(Get, "/v1/reconciliation", reconciliation::reconciliation),
        route(Get, "/v1/parcels/{id}", parcels::get_parcel),
        route(Post, "/v1/parcels/{id}/events", parcels::post_event),
        route(Post, "/v1/webhooks", webhooks::create_webhook),
        route(Get, "/v1/webhooks", webhooks::list_webhooks),
        route(Get, "/v1/webhooks/deliveries", webhooks::list_deliveries),
        route(
            Post,
            "/v1/webhooks/deliveries/{id}/redeliver",
            webhooks::redeliver,
        ),
        route(Get, "/v1/alerts", sellers::list_alerts),
        route(Get, "/v1/sellers/{id}/profile", sellers::seller_profile),
        route(Post, "/v1/sellers/{id}/complaints", sellers::add_complaint),
        route(Get, "/v1/catalogue", catalogue::list),
        route(Get, "/v1/catalogue/export", catalogue::export),
        // The export's path would hide a SKU named `export`: PUT still reaches it here.
        route(Put, "/v1/catalogue/export", catalogue::put_sku_named_export),
        route(Get, "/v1/catalogue/{sku}", catalogue::get_sku),
        route(Put, "/v1/catalogue/{sku}", catalogue::put_entry),
        route(
            Post,
            "/v1/catalogue/{sku}/corrections",
            catalogue::broker_correction,
        ),
        route(Get, "/v1/settings", settings::get_settings),
        route(Put, "/v1/settings", settings::put_settings),
        route(
            Get,
            "/v1/reports/classification",
            reports::classification_report,
        ),
        route(Get, "/v1/corrections/export", reports::export_corrections),
    ]
}

/// The router: public `/healthz`, `/metrics`, `/openapi.json`, `/.well-known/jwks.json`;
/// `/v1/*` behind `Authorization: Bearer <key>`.
pub fn app(state: AppState) -> Router {
    let timeout = state.timeout;
    routes()
        .into_iter()
        .fold(Router::new(), |router, r| router.route(r.path, r.handler))
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

/// The liveness probe's answer.
#[derive(Serialize, JsonSchema)]
pub(crate) struct Health {
    #[schemars(extend("const" = "ok"))]
    status: &'static str,
    /// The server's version.
    version: &'static str,
}

async fn healthz(State(state): State<AppState>) -> Result<Reply<Health>, AppError> {
    state.store.keys().await?;
    Ok(Reply(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    }))
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}

/// The public signing keys, retired ones included.
#[derive(Serialize, JsonSchema)]
pub(crate) struct Jwks {
    keys: Vec<sign::Jwk>,
}

async fn jwks(State(state): State<AppState>) -> Result<Reply<Jwks>, AppError> {
    state.store.active_key(state.now()).await?;
    let keys = state
        .store
        .keys()
        .await?
        .iter()
        .map(|k| sign::jwk(&k.kid, &k.public_key))
        .collect();
    Ok(Reply(Jwks { keys }))
}

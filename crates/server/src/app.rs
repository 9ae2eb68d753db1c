//! The router and its handlers. `app(state)` builds everything, so tests drive it with `oneshot`.

use crate::error::AppError;
use crate::limit::{Limiter, Rate};
use crate::metrics::Metrics;
use crate::money::{from_minor, to_minor};
use crate::sign::{self, Claims, Invalid, Key, TokenTotals};
use crate::store::{AcceptOutcome, Idem, NewQuote, QuoteRow, QuotedItem, Store, Stored};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, Path, RawQuery, Request, State};
use axum::http::{header, request::Parts, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a quote (and its token) stays valid for acceptance.
pub const QUOTE_TTL_SECS: i64 = 24 * 3600;
/// How long idempotency records are kept.
pub const IDEMPOTENCY_TTL_SECS: i64 = 48 * 3600;
/// Largest request body.
pub const BODY_LIMIT: usize = 1 << 20;
/// Default rate limit per API key (`--rate-limit`).
pub const DEFAULT_KEY_RATE: Rate = Rate {
    per_second: 1000,
    burst: 2000,
};
/// Default rate limit per client address (`--addr-rate-limit`).
pub const DEFAULT_ADDR_RATE: Rate = Rate {
    per_second: 2000,
    burst: 4000,
};

/// Jobs run at once by [`AppState::compute`]: one per core.
fn cpu_slots() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// Shared state.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The tariff pack.
    pub pack: Arc<landed::Pack>,
    /// Honour `X-Landed-Today` (tests, `--test-clock`).
    pub test_clock: bool,
    /// Added to the wall clock (tests move time forward).
    pub clock_offset_micros: Arc<AtomicI64>,
    /// Idempotency keys whose first request is running in this process.
    in_flight: Arc<Mutex<HashSet<(String, String)>>>,
    /// Counters for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// Request timeout.
    pub timeout: Duration,
    /// Rate limit per API key.
    pub key_limiter: Arc<Limiter>,
    /// Rate limit per client address.
    pub addr_limiter: Arc<Limiter>,
    /// Let webhooks go to loopback addresses, over plain http too (tests only).
    pub allow_loopback_webhooks: bool,
    /// The webhook HTTP client.
    pub webhooks: Arc<crate::delivery::Sender>,
    /// The HS classifier, loaded on the first quote with an item that has no HS code.
    classifier: Arc<std::sync::OnceLock<Result<landed::classify::OnnxClassifier, String>>>,
    /// Slots for CPU-bound work (see [`AppState::compute`]).
    cpu: Arc<tokio::sync::Semaphore>,
}

/// The server's classifier as the core asks for it: loaded on a quote's first uncoded item, once
/// per process (a failure to load is an internal error).
pub(crate) struct ServerClassifier<'a>(pub(crate) &'a AppState);

impl landed::ClassifierSource for ServerClassifier<'_> {
    fn classifier(&self) -> landed::Result<&dyn landed::classify::Classify> {
        self.0
            .classifier()
            .map(|c| c as &dyn landed::classify::Classify)
            .map_err(|e| landed::Error::Classifier {
                message: e.to_string(),
            })
    }
}

impl AppState {
    /// State over a store, with the default pack.
    pub fn new(store: Store, test_clock: bool) -> Result<AppState, AppError> {
        let pack =
            landed::default_pack().map_err(|e| AppError::Internal(format!("default pack: {e}")))?;
        Ok(AppState {
            store,
            pack: Arc::new(pack),
            test_clock,
            clock_offset_micros: Arc::new(AtomicI64::new(0)),
            in_flight: Arc::default(),
            metrics: Arc::default(),
            timeout: Duration::from_secs(30),
            key_limiter: Arc::new(Limiter::new(DEFAULT_KEY_RATE)),
            addr_limiter: Arc::new(Limiter::new(DEFAULT_ADDR_RATE)),
            allow_loopback_webhooks: false,
            webhooks: Arc::default(),
            classifier: Arc::default(),
            cpu: Arc::new(tokio::sync::Semaphore::new(cpu_slots())),
        })
    }

    /// The built-in HS classifier (loaded once, on first use; the load is CPU-bound: call it
    /// inside [`compute`](Self::compute)).
    pub fn classifier(&self) -> Result<&landed::classify::OnnxClassifier, AppError> {
        self.classifier
            .get_or_init(|| landed::classify::default_classifier().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| AppError::Internal(format!("HS classifier: {e}")))
    }

    /// Runs CPU-bound work (quoting: the classifier and the figures) on tokio's blocking pool,
    /// at most one job per core at a time, so the async workers stay free: `/healthz` and other
    /// requests are answered while a large basket is quoted, and the request timeout can fire. A
    /// request that times out abandons its job, which finishes (a basket is bounded by
    /// `landed::basket::MAX_ITEMS`) and is dropped, still holding its slot until then, so abandoned
    /// work never piles up beyond the slots.
    pub async fn compute<T, F>(&self, job: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&AppState) -> Result<T, AppError> + Send + 'static,
    {
        let slot = self
            .cpu
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| AppError::Internal("the compute pool is closed".into()))?;
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            job(&state)
        })
        .await
        .map_err(|e| AppError::Internal(format!("a quote computation failed: {e}")))?
    }

    /// Allows webhook targets on loopback addresses, over plain http too (tests only).
    pub fn with_loopback_webhooks(mut self, allow: bool) -> AppState {
        self.allow_loopback_webhooks = allow;
        self
    }

    /// Replaces the rate limits (per API key, per client address).
    pub fn with_rate_limits(mut self, per_key: Rate, per_addr: Rate) -> AppState {
        self.key_limiter = Arc::new(Limiter::new(per_key));
        self.addr_limiter = Arc::new(Limiter::new(per_addr));
        self
    }

    /// Now, unix microseconds.
    pub fn now(&self) -> i64 {
        crate::now_micros() + self.clock_offset_micros.load(Ordering::Relaxed)
    }

    /// Moves this server's clock forward (tests).
    pub fn advance_clock(&self, secs: i64) {
        self.clock_offset_micros
            .fetch_add(secs * 1_000_000, Ordering::Relaxed);
    }

    /// Sets this server's clock to `micros` (unix microseconds; simulations).
    pub fn set_now(&self, micros: i64) {
        self.clock_offset_micros
            .store(micros - crate::now_micros(), Ordering::Relaxed);
    }

    /// Marks an idempotency key as in flight until the guard drops; `None` when it already is.
    pub fn claim_key(&self, tenant: &str, key: &str) -> Option<InFlight> {
        let k = (tenant.to_string(), key.to_string());
        let mut set = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        set.insert(k.clone()).then(|| InFlight {
            set: self.in_flight.clone(),
            key: k,
        })
    }
}

/// An idempotency key held in flight.
pub struct InFlight {
    set: Arc<Mutex<HashSet<(String, String)>>>,
    key: (String, String),
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.set
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.key);
    }
}

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

/// The caller's tenant, from `Authorization: Bearer <key>`.
#[derive(Clone, Debug)]
pub struct Tenant(pub String);

impl FromRequestParts<AppState> for Tenant {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Tenant, AppError> {
        let key = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(AppError::Unauthorized)?;
        let id = state
            .store
            .tenant_by_key_hash(&crate::hash_api_key(key.trim()))
            .await?
            .ok_or(AppError::Unauthorized)?;
        Ok(Tenant(id))
    }
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

/// The request's idempotency key, claimed in flight.
pub(crate) fn idempotency(
    state: &AppState,
    tenant: &Tenant,
    headers: &HeaderMap,
    method: &Method,
    path: &str,
    body: &[u8],
) -> Result<(Idem, InFlight), AppError> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 255)
        .ok_or(AppError::IdempotencyKeyRequired)?;
    let mut h = Sha256::new();
    h.update(method.as_str().as_bytes());
    h.update(b" ");
    h.update(path.as_bytes());
    h.update(b"\n");
    h.update(body);
    let idem = Idem {
        key: key.to_string(),
        hash: hex::encode(h.finalize()),
    };
    let guard = state
        .claim_key(&tenant.0, key)
        .ok_or(AppError::IdempotencyInFlight)?;
    Ok((idem, guard))
}

pub(crate) fn stored(state: &AppState, s: Stored) -> Response {
    if s.replayed {
        state
            .metrics
            .idempotent_replays
            .fetch_add(1, Ordering::Relaxed);
    }
    let mut res = (
        StatusCode::from_u16(s.status).unwrap_or(StatusCode::OK),
        [(header::CONTENT_TYPE, "application/json")],
        s.body,
    )
        .into_response();
    if s.replayed {
        res.headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    res
}

fn today(state: &AppState, headers: &HeaderMap) -> Result<landed::Date, AppError> {
    if state.test_clock {
        if let Some(v) = headers.get("x-landed-today") {
            let s = v.to_str().unwrap_or("");
            return s.parse().map_err(|_| {
                AppError::invalid(
                    "invalid_date",
                    "X-Landed-Today",
                    format!("`{s}` is not a date: expected YYYY-MM-DD"),
                )
            });
        }
    }
    let days = state.now().div_euclid(86_400_000_000);
    landed::Date::from_days_since_epoch(days)
        .ok_or_else(|| AppError::Internal("clock out of range".into()))
}

pub(crate) fn dec(minor: i64, currency: &str) -> String {
    from_minor(minor, currency).to_string()
}

async fn create_quote(
    State(state): State<AppState>,
    tenant: Tenant,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, AppError> {
    // The basket is the core's strict contract: the seller comes in a header or the query.
    let seller = crate::clearance_api::seller_of(&headers, query.as_deref())?;
    let allow_estimates = crate::estimates::allowed(&headers, query.as_deref())?;
    let idem_path = match (&seller, allow_estimates) {
        (None, false) => "/v1/quotes".to_string(),
        (Some(s), false) => format!("/v1/quotes?seller_id={s}"),
        (None, true) => "/v1/quotes?allow_estimates=true".to_string(),
        (Some(s), true) => format!("/v1/quotes?seller_id={s}&allow_estimates=true"),
    };
    let (idem, _guard) = idempotency(&state, &tenant, &headers, &Method::POST, &idem_path, &body)?;
    let text = std::str::from_utf8(&body)
        .map_err(|_| AppError::invalid("invalid_json", "", "the body is not UTF-8"))?;
    let today = today(&state, &headers)?;
    let basket = landed::Basket::from_json(text)?;
    // A SKU with a confirmed code in the platform's catalogue is quoted with it; items still
    // without a code are classified by the same model the browser runs (loaded only then), so
    // the server's recomputation matches the quote the shopper saw.
    let catalogue = crate::catalogue_api::catalogue_for(&state, &tenant.0, &basket, today).await?;
    let (basket, quote, quote_text) = state
        .compute(move |state| {
            let quote = landed::Quoter::new(&state.pack)
                .catalogue(catalogue.as_ref())
                .classifier(Some(&ServerClassifier(state)))
                .quote(&basket, today)?;
            let text = serde_json::to_string(&quote)?;
            Ok((basket, quote, text))
        })
        .await?;
    // A quote that leaves duty out is signed only as an estimate the request asked for.
    let estimate = crate::estimates::check(&quote, allow_estimates)?;
    let now = state.now();
    let risk =
        crate::clearance_api::quote_risk(&state, &tenant.0, text, &quote, seller.as_deref(), now)
            .await?;
    let t = &quote.totals;
    let cur = quote.currency.as_str();
    let m = |d: Decimal, p: &str| to_minor(d, cur, p);
    let prepaid = (t.due_at_checkout - t.goods - t.shipping - t.insurance).max(Decimal::ZERO);
    let key_row = state.store.active_key(now).await?;
    let key = Key::from_seed_b64(&key_row.private_key)
        .ok_or_else(|| AppError::Internal("stored key unreadable".into()))?;
    let id = uuid::Uuid::now_v7().to_string();
    let exp = now + QUOTE_TTL_SECS * 1_000_000;
    let claims = Claims {
        iss: "landed".into(),
        sub: tenant.0.clone(),
        jti: id.clone(),
        iat: now.div_euclid(1_000_000),
        exp: exp.div_euclid(1_000_000),
        destination: quote.destination.clone(),
        currency: quote.currency.clone(),
        totals: TokenTotals {
            duty: t.duty.to_string(),
            tax: t.tax.to_string(),
            fees: t.fees.to_string(),
            landed_cost: t.landed_cost.to_string(),
            due_at_checkout: t.due_at_checkout.to_string(),
            due_at_delivery: t.due_at_delivery.to_string(),
        },
        pack_id: quote.pack.id.clone(),
        pack_version: quote.pack.version.clone(),
        quote_sha256: hex::encode(Sha256::digest(quote_text.as_bytes())),
        estimate,
    };
    let token = key.sign(&claims);
    let row = QuoteRow {
        id: id.clone(),
        tenant_id: tenant.0.clone(),
        quote: quote_text,
        token,
        kid: key.kid.clone(),
        destination: quote.destination.clone(),
        currency: quote.currency.clone(),
        duty_minor: m(t.duty, "totals.duty")?,
        tax_minor: m(t.tax, "totals.tax")?,
        fees_minor: m(t.fees, "totals.fees")?,
        landed_cost_minor: m(t.landed_cost, "totals.landed_cost")?,
        due_at_checkout_minor: m(t.due_at_checkout, "totals.due_at_checkout")?,
        due_at_delivery_minor: m(t.due_at_delivery, "totals.due_at_delivery")?,
        prepaid_minor: m(prepaid, "totals.due_at_checkout")?,
        pack_id: quote.pack.id.clone(),
        pack_version: quote.pack.version.clone(),
        created_at: now,
        expires_at: exp,
        accepted_at: None,
        settled_at: None,
        seller_id: seller,
        risk: Some(risk.to_string()),
    };
    // Fresh or replayed, the response renders from the stored quote text: the same bytes.
    let render = |r: &QuoteRow| -> Result<Value, AppError> {
        let q: Value = serde_json::from_str(&r.quote)?;
        let mut v = json!({"id": r.id, "quote": q, "token": r.token, "expires_at": crate::rfc3339(r.expires_at)});
        merge_risk(&mut v, r)?;
        Ok(v)
    };
    let items = basket
        .items
        .iter()
        .zip(&quote.lines)
        .map(|(it, l)| QuotedItem {
            sku: it.id.clone(),
            description: it.description.clone(),
            hs_code: l.hs_code.clone(),
            hs_source: crate::catalogue_api::source_name(l.hs_source).into(),
        })
        .collect();
    let s = state
        .store
        .create_quote(
            &tenant.0,
            &idem,
            &NewQuote {
                row,
                basket: text.to_string(),
                items,
            },
            &render,
            now,
        )
        .await?;
    if !s.replayed {
        state.metrics.quotes_created.fetch_add(1, Ordering::Relaxed);
    }
    Ok(stored(&state, s))
}

/// Adds the stored risk block (`risk`, `seller_lane`) of a quote to its JSON.
fn merge_risk(v: &mut Value, r: &QuoteRow) -> Result<(), AppError> {
    if let Some(text) = &r.risk {
        if let (Value::Object(out), Value::Object(risk)) = (v, serde_json::from_str(text)?) {
            out.extend(risk);
        }
    }
    Ok(())
}

fn quote_status(q: &QuoteRow) -> &'static str {
    if q.settled_at.is_some() {
        "settled"
    } else if q.accepted_at.is_some() {
        "accepted"
    } else {
        "open"
    }
}

pub(crate) fn entries_json(entries: &[crate::store::EntryRow]) -> Value {
    Value::Array(
        entries
            .iter()
            .map(|e| {
                json!({"transfer_id": e.transfer_id, "kind": e.kind, "account": e.account,
                       "currency": e.currency, "amount": dec(e.amount_minor, &e.currency)})
            })
            .collect(),
    )
}

pub(crate) fn clearance_json(c: &crate::store::ClearanceRow) -> Value {
    let cur = c.currency.as_str();
    json!({
        "id": c.id, "quote_id": c.quote_id, "seq": c.seq, "parcel_id": c.parcel_id, "status": c.status,
        "currency": c.currency,
        "assessed": {"duty": dec(c.duty_minor, cur), "tax": dec(c.tax_minor, cur), "fees": dec(c.fees_minor, cur),
                     "total": dec(c.assessed_minor, cur)},
        "prepaid": dec(c.prepaid_minor, cur),
        "variance": dec(c.assessed_minor - c.prepaid_minor, cur),
        "transfer_id": c.transfer_id,
        "created_at": crate::rfc3339(c.created_at),
    })
}

fn quote_summary(q: &QuoteRow) -> Value {
    json!({
        "id": q.id, "status": quote_status(q), "currency": q.currency, "destination": q.destination,
        "prepaid": dec(q.prepaid_minor, &q.currency),
        "created_at": crate::rfc3339(q.created_at), "expires_at": crate::rfc3339(q.expires_at),
        "accepted_at": q.accepted_at.map(crate::rfc3339), "settled_at": q.settled_at.map(crate::rfc3339),
    })
}

async fn get_quote(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let q = state
        .store
        .quote(&tenant.0, &id)
        .await?
        .ok_or(AppError::NotFound("quote"))?;
    let clearances = state.store.clearances(&tenant.0, &id).await?;
    let mut v = quote_summary(&q);
    v["quote"] = serde_json::from_str(&q.quote)?;
    v["token"] = json!(q.token);
    let mut list = Vec::with_capacity(clearances.len());
    for c in &clearances {
        let mut cj = clearance_json(c);
        let lines = state.store.clearance_assessments(&tenant.0, &c.id).await?;
        cj["lines"] = lines.iter().map(crate::settle::assessment_json).collect();
        list.push(cj);
    }
    v["clearances"] = Value::Array(list);
    merge_risk(&mut v, &q)?;
    Ok(Json(v))
}

async fn accept_quote(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let path = format!("/v1/quotes/{id}/accept");
    let (idem, _guard) = idempotency(&state, &tenant, &headers, &Method::POST, &path, &body)?;
    let render = |o: &AcceptOutcome| json!({"quote": quote_summary(&o.quote), "entries": entries_json(&o.entries)});
    let s = state
        .store
        .accept(&tenant.0, &idem, &id, &render, state.now())
        .await?;
    Ok(stored(&state, s))
}

/// Verifies a token for a tenant. `allow_expired` lets an accepted quote settle after its validity.
pub async fn verify_token(
    state: &AppState,
    tenant: &Tenant,
    token: &str,
    allow_expired: bool,
) -> Result<Claims, (Invalid, String)> {
    let parsed = sign::parse(token).map_err(|r| (r, format!("token rejected: {}", r.code())))?;
    let keys = state
        .store
        .keys()
        .await
        .map_err(|e| (Invalid::UnknownKid, e.to_string()))?;
    let key = keys.iter().find(|k| k.kid == parsed.kid).ok_or_else(|| {
        (
            Invalid::UnknownKid,
            format!("no signing key `{}`", parsed.kid),
        )
    })?;
    let claims: Claims = parsed.verify(&key.public_key).map_err(|r| {
        (
            r,
            format!("the signature does not verify with key `{}`", key.kid),
        )
    })?;
    let now = state.now();
    if !allow_expired && claims.exp <= now.div_euclid(1_000_000) {
        return Err((
            Invalid::Expired,
            format!(
                "the token expired at {}",
                crate::rfc3339(claims.exp * 1_000_000)
            ),
        ));
    }
    let q = state
        .store
        .quote(&tenant.0, &claims.jti)
        .await
        .map_err(|e| (Invalid::UnknownQuote, e.to_string()))?
        .ok_or_else(|| {
            (
                Invalid::UnknownQuote,
                format!("no quote `{}` for this platform", claims.jti),
            )
        })?;
    if key.retired_at.is_some() && q.expires_at <= now && q.settled_at.is_some() {
        return Err((
            Invalid::KeyRetired,
            format!(
                "key `{}` is retired and its quote is expired and settled",
                key.kid
            ),
        ));
    }
    Ok(claims)
}

pub(crate) fn parse_body<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, AppError> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let message = e.into_inner().to_string();
        // A missing field is named in the path, not only in the message.
        match message
            .strip_prefix("missing field `")
            .and_then(|r| r.split_once('`'))
        {
            Some((field, _)) if path.is_empty() => {
                AppError::invalid("missing_field", field, format!("`{field}` is required"))
            }
            Some((field, _)) => AppError::invalid(
                "missing_field",
                format!("{path}.{field}"),
                format!("`{field}` is required"),
            ),
            None => AppError::invalid("invalid_request", path, message),
        }
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VerifyBody {
    token: String,
}

async fn verify(
    State(state): State<AppState>,
    tenant: Tenant,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let b: VerifyBody = parse_body(&body)?;
    Ok(Json(
        match verify_token(&state, &tenant, &b.token, false).await {
            Ok(claims) => json!({"valid": true, "claims": claims}),
            Err((r, message)) => {
                json!({"valid": false, "reason": {"code": r.code(), "message": message}})
            }
        },
    ))
}

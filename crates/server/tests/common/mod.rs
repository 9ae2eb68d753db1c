//! Test helpers: a fresh store (a temp SQLite file, or `DATABASE_URL` when it names PostgreSQL),
//! an app over it, and a JSON request helper driving the router with `oneshot`.

#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use landed_server::{app, AppState, Store};
use serde_json::{json, Value};
use tower::ServiceExt;

/// A test server: its state, router, a tenant key, and the temp dir holding the database.
pub struct Server {
    pub state: AppState,
    pub app: Router,
    pub key: String,
    pub tenant: String,
    pub _dir: Option<tempfile::TempDir>,
}

pub fn pg_url() -> Option<String> {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
}

pub async fn store() -> (Store, Option<tempfile::TempDir>) {
    if let Some(url) = pg_url() {
        return (Store::connect(&url).await.expect("connect postgres"), None);
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("landed.db").display());
    (Store::connect(&url).await.expect("open sqlite"), Some(dir))
}

pub async fn server() -> Server {
    server_with(|s| s).await
}

/// A test server whose state `configure` adjusts (rate limits, timeout) before the router is built.
pub async fn server_with(configure: impl FnOnce(AppState) -> AppState) -> Server {
    let (store, dir) = store().await;
    let (tenant, key) = landed_server::create_tenant(&store, "test-platform")
        .await
        .expect("tenant");
    let state = configure(AppState::new(store, true).expect("state"));
    Server {
        app: app(state.clone()),
        state,
        key,
        tenant,
        _dir: dir,
    }
}

impl Server {
    /// Another platform on the same server.
    pub async fn other_tenant(&self) -> String {
        landed_server::create_tenant(&self.state.store, "other-platform")
            .await
            .expect("tenant")
            .1
    }

    pub async fn call(
        &self,
        method: &str,
        uri: &str,
        key: Option<&str>,
        idem: Option<&str>,
        body: Option<&str>,
    ) -> (StatusCode, Value) {
        self.call_with(method, uri, key, idem, body, &[]).await
    }

    pub async fn call_with(
        &self,
        method: &str,
        uri: &str,
        key: Option<&str>,
        idem: Option<&str>,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let (s, text) = self.raw(method, uri, key, idem, body, headers).await;
        let v = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (s, v)
    }

    pub async fn raw(
        &self,
        method: &str,
        uri: &str,
        key: Option<&str>,
        idem: Option<&str>,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, String) {
        let mut b = Request::builder()
            .method(method)
            .uri(uri)
            .header("content-type", "application/json");
        if let Some(k) = key {
            b = b.header("authorization", format!("Bearer {k}"));
        }
        if let Some(i) = idem {
            b = b.header("idempotency-key", i);
        }
        for (h, v) in headers {
            b = b.header(*h, *v);
        }
        let req = b
            .body(Body::from(body.unwrap_or("").to_string()))
            .expect("request");
        let res = self.app.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Creates a quote for `basket` with the tenant's key; returns the response body.
    pub async fn quote(&self, basket: &Value, idem: &str) -> Value {
        let (s, v) = self
            .call(
                "POST",
                "/v1/quotes",
                Some(&self.key),
                Some(idem),
                Some(&basket.to_string()),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v
    }

    pub async fn accept(&self, id: &str) -> Value {
        let (s, v) = self
            .call(
                "POST",
                &format!("/v1/quotes/{id}/accept"),
                Some(&self.key),
                Some(&format!("accept-{id}")),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v
    }

    /// Asserts that the whole ledger (every tenant: a PostgreSQL run shares the database between
    /// test binaries) sums to zero in every currency, and that `currency` has entries.
    pub async fn assert_balanced(&self, currency: &str) {
        let sums = self.ledger_sums().await;
        assert!(
            sums.contains(&(currency.to_string(), 0)) && sums.iter().all(|(_, v)| *v == 0),
            "{sums:?}"
        );
    }

    /// Sum of every ledger entry of every tenant, per currency.
    pub async fn ledger_sums(&self) -> Vec<(String, i64)> {
        let mut per: std::collections::BTreeMap<String, i64> = Default::default();
        for (_, c, v) in self.state.store.balances(None).await.expect("balances") {
            *per.entry(c).or_default() += v;
        }
        per.into_iter().collect()
    }
}

/// A German DDP basket: EUR 60 T-shirt + EUR 5 shipping; duty 3.00, VAT 12.35 prepaid (15.35).
pub fn de_basket() -> Value {
    json!({"destination": "DE", "currency": "EUR", "incoterm": "DDP", "channel": "courier",
           "seller": {"registrations": ["EU_IOSS"]}, "buyer": {"kind": "consumer"},
           "items": [{"id": "t", "description": "Cotton T-shirt", "hs_code": "610910", "origin": "CN", "quantity": 1, "unit_price": "60.00"}],
           "shipping": "5.00"})
}

pub fn clearance(
    quote_id: &str,
    parcel: &str,
    duty: &str,
    tax: &str,
    fees: &str,
    status: &str,
) -> String {
    json!({"quote_id": quote_id, "parcel_id": parcel, "currency": "EUR", "status": status,
           "assessed": {"duty": duty, "tax": tax, "fees": fees}})
    .to_string()
}

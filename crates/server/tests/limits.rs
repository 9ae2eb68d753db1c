//! Rate limits (429 with `Retry-After`), timeouts (408) and the stored form of idempotent quote
//! responses, each through the real router.

mod common;

use axum::http::StatusCode;
use common::{de_basket, server_with};
use landed_server::limit::Rate;
use serde_json::Value;

#[tokio::test]
async fn an_api_key_over_its_rate_gets_429_and_others_do_not() {
    let off: Rate = "off".parse().unwrap();
    let s = server_with(|st| st.with_rate_limits("1/s,burst=2".parse().unwrap(), off)).await;
    let other = s.other_tenant().await;
    for _ in 0..2 {
        let (st, v) = s
            .call("GET", "/v1/reconciliation", Some(&s.key), None, None)
            .await;
        assert_eq!(st, StatusCode::OK, "{v}");
    }
    let (st, text) = s
        .raw("GET", "/v1/reconciliation", Some(&s.key), None, None, &[])
        .await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS, "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["error"]["code"], "rate_limited");
    // The other platform's key has its own bucket.
    let (st, _) = s
        .call("GET", "/v1/reconciliation", Some(&other), None, None)
        .await;
    assert_eq!(st, StatusCode::OK);
    // Unknown keys are limited too (before any database lookup), and stay 401 until then.
    for _ in 0..2 {
        let (st, _) = s
            .call("GET", "/v1/reconciliation", Some("lk_guess"), None, None)
            .await;
        assert_eq!(st, StatusCode::UNAUTHORIZED);
    }
    let (st, _) = s
        .call("GET", "/v1/reconciliation", Some("lk_guess"), None, None)
        .await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS);
    // Metrics count the refusals.
    let (_, m) = s.raw("GET", "/metrics", None, None, None, &[]).await;
    assert!(m.contains("landed_rate_limited_total 2"), "{m}");
}

#[tokio::test]
async fn retry_after_header_is_set() {
    let s = server_with(|st| {
        st.with_rate_limits("1/s,burst=1".parse().unwrap(), "off".parse().unwrap())
    })
    .await;
    let _ = s
        .call("GET", "/v1/reconciliation", Some(&s.key), None, None)
        .await;
    let req = axum::http::Request::builder()
        .uri("/v1/reconciliation")
        .header("authorization", format!("Bearer {}", s.key))
        .body(axum::body::Body::empty())
        .unwrap();
    let res = tower::ServiceExt::oneshot(s.app.clone(), req)
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(res.headers()["retry-after"], "1");
}

#[tokio::test]
async fn a_request_over_the_timeout_gets_a_json_408() {
    let s = server_with(|mut st| {
        st.timeout = std::time::Duration::from_nanos(1);
        st
    })
    .await;
    let (st, v) = s
        .call(
            "POST",
            "/v1/quotes",
            Some(&s.key),
            Some("slow"),
            Some(&de_basket().to_string()),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::REQUEST_TIMEOUT, Some("request_timeout")),
        "{v}"
    );
}

#[tokio::test]
async fn a_replayed_quote_is_byte_identical_and_not_stored_twice() {
    let s = common::server().await;
    let body = de_basket().to_string();
    let mut responses = Vec::new();
    for _ in 0..2 {
        responses.push(
            s.raw(
                "POST",
                "/v1/quotes",
                Some(&s.key),
                Some("k1"),
                Some(&body),
                &[],
            )
            .await,
        );
    }
    let (first, again) = (&responses[0], &responses[1]);
    assert_eq!(first.0, StatusCode::CREATED);
    assert_eq!(first, again);
    let v: Value = serde_json::from_str(&first.1).unwrap();
    assert!(v["quote"]["totals"]["landed_cost"].is_string(), "{v}");
    // The idempotency record refers to the quote row instead of copying the quote.
    let stored = s
        .state
        .store
        .idempotency_response(&s.tenant, "k1")
        .await
        .unwrap()
        .expect("record");
    assert_eq!(stored, format!("quote:{}", v["id"].as_str().unwrap()));
}

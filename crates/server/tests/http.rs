//! The HTTP contract through `app().oneshot`: quotes, tokens, tenancy, idempotency, settlement,
//! reconciliation, errors, and a bank-style concurrency test of the ledger.

mod common;

use axum::http::StatusCode;
use common::{clearance, de_basket, server};
use landed_server::sign::{self, Key};
use serde_json::{json, Value};

#[tokio::test]
async fn quote_sign_accept_clear_reconcile() {
    let s = server().await;
    let q = s.quote(&de_basket(), "q1").await;
    let id = q["id"].as_str().unwrap();
    // The server recomputed the quote with the core.
    assert_eq!(q["quote"]["totals"]["duty"], "3.00");
    assert_eq!(q["quote"]["totals"]["tax"], "12.35");
    assert_eq!(q["quote"]["totals"]["landed_cost"], "80.35");
    // The token is a compact EdDSA JWS whose kid is in the JWKS and whose claims carry the totals.
    let token = q["token"].as_str().unwrap();
    let header: Value =
        serde_json::from_slice(&base64_decode(token.split('.').next().unwrap())).unwrap();
    assert_eq!(header["alg"], "EdDSA");
    let (st, jwks) = s
        .call("GET", "/.well-known/jwks.json", None, None, None)
        .await;
    assert_eq!(st, StatusCode::OK);
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == header["kid"])
        .expect("kid in the JWKS");
    assert_eq!(jwk["kty"], "OKP");
    assert_eq!(jwk["crv"], "Ed25519");
    assert_eq!(jwk["alg"], "EdDSA");
    let (st, v) = s
        .call(
            "POST",
            "/v1/quotes/verify",
            Some(&s.key),
            None,
            Some(&json!({"token": token}).to_string()),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v["valid"], true, "{v}");
    assert_eq!(v["claims"]["jti"], id);
    assert_eq!(v["claims"]["totals"]["duty"], "3.00");
    assert_eq!(v["claims"]["currency"], "EUR");
    assert!(
        v["claims"]["exp"].as_i64().unwrap() - v["claims"]["iat"].as_i64().unwrap() == 24 * 3600
    );

    // Clearance before acceptance is refused.
    let (st, v) = s
        .call(
            "POST",
            "/v1/clearances",
            Some(&s.key),
            Some("c0"),
            Some(&clearance(id, "P1", "3.00", "12.35", "0", "cleared")),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("quote_not_accepted"))
    );

    let a = s.accept(id).await;
    assert_eq!(a["quote"]["status"], "accepted");
    assert_eq!(a["entries"].as_array().unwrap().len(), 2);

    // Customs assessed 2.00 more than prepaid: the platform guarantee covers it.
    let (st, v) = s
        .call(
            "POST",
            "/v1/clearances",
            Some(&s.key),
            Some("c1"),
            Some(&clearance(id, "P1", "5.00", "12.35", "0.00", "cleared")),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["clearance"]["variance"], "2.00");
    let acc = |v: &Value, a: &str| -> Vec<String> {
        v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["account"] == a)
            .map(|e| e["amount"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(acc(&v, "customs_payable"), ["15.35", "2.00"]);
    assert_eq!(acc(&v, "platform_guarantee"), ["-2.00"]);

    // A correction (customs assessed less) reverses the first posting and posts anew: entries are only appended.
    let (st, v) = s
        .call(
            "POST",
            "/v1/clearances",
            Some(&s.key),
            Some("c2"),
            Some(&clearance(id, "P1", "3.00", "10.00", "0.00", "cleared")),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["clearance"]["seq"], 2);
    assert_eq!(v["clearance"]["variance"], "-2.35");
    assert_eq!(acc(&v, "shopper_refund"), ["2.35"]);
    assert!(v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "reversal"));
    // The same clearance again posts nothing.
    let (st, v) = s
        .call(
            "POST",
            "/v1/clearances",
            Some(&s.key),
            Some("c3"),
            Some(&clearance(id, "P1", "3.00", "10.00", "0.00", "cleared")),
        )
        .await;
    assert_eq!((st, &v["posted"]), (StatusCode::OK, &json!(false)));

    let (st, q2) = s
        .call("GET", &format!("/v1/quotes/{id}"), Some(&s.key), None, None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(q2["status"], "settled");
    assert_eq!(q2["clearances"].as_array().unwrap().len(), 2);
    assert_eq!(q2["token"], token);

    let (st, r) = s
        .call(
            "GET",
            "/v1/reconciliation?from=2000-01-01&to=2100-01-01",
            Some(&s.key),
            None,
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(r["by_parcel"][0]["parcel_id"], "P1");
    assert_eq!(r["by_parcel"][0]["prepaid"], "15.35");
    assert_eq!(r["by_parcel"][0]["assessed"], "13.00");
    assert_eq!(r["by_parcel"][0]["variance"], "-2.35");
    assert_eq!(r["by_parcel"][0]["corrections"], 1);
    assert_eq!(r["by_destination"][0]["destination"], "DE");
    assert_eq!(r["ledger"]["balanced"], true);
    assert_eq!(r["ledger"]["sum_minor"], 0);
    let bal = |a: &str| {
        r["ledger"]["balances"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["account"] == a)
            .map(|b| b["balance"].clone())
    };
    assert_eq!(bal("held"), Some(json!("0.00")));
    assert_eq!(bal("customs_payable"), Some(json!("13.00")));
    assert_eq!(bal("shopper_refund"), Some(json!("2.35")));
    // Outside the window: nothing.
    let (_, r) = s
        .call(
            "GET",
            "/v1/reconciliation?from=2000-01-01&to=2000-01-02",
            Some(&s.key),
            None,
            None,
        )
        .await;
    assert_eq!(r["by_parcel"], json!([]));
    let (st, csv) = s
        .raw(
            "GET",
            "/v1/reconciliation?format=csv",
            Some(&s.key),
            None,
            None,
            &[],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "parcel_id,quote_id,destination,currency,status,prepaid,assessed,variance,corrections,cleared_at,assessed_lines,misclassified_lines,classification_variance");
    assert!(
        lines[1].starts_with(&format!("P1,{id},DE,EUR,cleared,15.35,13.00,-2.35,1,")),
        "{csv}"
    );
    s.assert_balanced("EUR").await;
}

#[tokio::test]
async fn cancellation_voids_the_hold() {
    let s = server().await;
    let id = s.quote(&de_basket(), "q").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    s.accept(&id).await;
    let body = json!({"quote_id": id, "parcel_id": "P9", "currency": "EUR", "status": "cancelled"})
        .to_string();
    let (st, v) = s
        .call(
            "POST",
            "/v1/clearances",
            Some(&s.key),
            Some("x"),
            Some(&body),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["entries"][0]["kind"], "void");
    let bal = s.state.store.balances(Some(&s.tenant)).await.unwrap();
    assert!(bal.iter().all(|(_, _, v)| *v == 0), "{bal:?}");
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .unwrap()
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

async fn verify(s: &common::Server, token: &str) -> Value {
    let (st, v) = s
        .call(
            "POST",
            "/v1/quotes/verify",
            Some(&s.key),
            None,
            Some(&json!({"token": token}).to_string()),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    v
}

#[tokio::test]
async fn forged_tampered_expired_and_rotated_tokens() {
    let s = server().await;
    let q = s.quote(&de_basket(), "q").await;
    let token = q["token"].as_str().unwrap().to_string();
    let parts: Vec<&str> = token.split('.').collect();

    // Tampered: lower the duty in the claims, keep the signature.
    let mut claims: Value = serde_json::from_slice(&base64_decode(parts[1])).unwrap();
    claims["totals"]["duty"] = json!("0.00");
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        b64(claims.to_string().as_bytes()),
        parts[2]
    );
    assert_eq!(
        verify(&s, &tampered).await["reason"]["code"],
        "bad_signature"
    );

    // Wrong key: signed by another key under the server's kid.
    let header: Value = serde_json::from_slice(&base64_decode(parts[0])).unwrap();
    let rogue = Key::generate();
    let claims: Value = serde_json::from_slice(&base64_decode(parts[1])).unwrap();
    let wrong = sign::sign_with_header(&rogue.signing, &header, &claims);
    assert_eq!(verify(&s, &wrong).await["reason"]["code"], "bad_signature");
    // Unknown kid: the rogue key under its own kid.
    assert_eq!(
        verify(&s, &rogue.sign(&claims)).await["reason"]["code"],
        "unknown_kid"
    );
    // alg none / HS256 are refused before any key lookup.
    let none = format!("{}.{}.", b64(br#"{"alg":"none"}"#), parts[1]);
    assert_eq!(verify(&s, &none).await["reason"]["code"], "unsupported_alg");
    assert_eq!(
        verify(&s, "not-a-token").await["reason"]["code"],
        "malformed"
    );

    // Settling by a bad token is a typed 422.
    let body = json!({"token": wrong, "parcel_id": "P", "currency": "EUR", "status": "cancelled"})
        .to_string();
    let (st, v) = s
        .call(
            "POST",
            "/v1/clearances",
            Some(&s.key),
            Some("k"),
            Some(&body),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("token_bad_signature")
        )
    );

    // Rotation: new quotes use the new key; the old token still verifies while its quote is open.
    let (new_kid, retired) = s.state.store.rotate_key(s.state.now()).await.unwrap();
    assert!(
        retired.contains(&header["kid"].as_str().unwrap().to_string()),
        "{retired:?}"
    );
    let q2 = s.quote(&de_basket(), "q2").await;
    let h2: Value = serde_json::from_slice(&base64_decode(
        q2["token"].as_str().unwrap().split('.').next().unwrap(),
    ))
    .unwrap();
    assert_eq!(h2["kid"], new_kid.as_str());
    assert_eq!(verify(&s, &token).await["valid"], true);
    let (_, jwks) = s
        .call("GET", "/.well-known/jwks.json", None, None, None)
        .await;
    let kids: Vec<&Value> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| &k["kid"])
        .collect();
    assert!(
        kids.contains(&&header["kid"]) && kids.contains(&&json!(new_kid)),
        "retired and new keys both published"
    );

    // Accept and settle by token with the retired key: allowed (unsettled).
    let id = q["id"].as_str().unwrap();
    s.accept(id).await;
    let body = json!({"token": token, "parcel_id": "P", "currency": "EUR", "status": "cleared",
                      "assessed": {"duty": "3.00", "tax": "12.35", "fees": "0.00"}})
    .to_string();
    let (st, v) = s
        .call(
            "POST",
            "/v1/clearances",
            Some(&s.key),
            Some("settle"),
            Some(&body),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");

    // A day later: expired; and the retired key no longer vouches for the expired, settled quote.
    s.state.advance_clock(25 * 3600);
    assert_eq!(verify(&s, &token).await["reason"]["code"], "expired");
    assert_eq!(
        verify(&s, q2["token"].as_str().unwrap()).await["reason"]["code"],
        "expired"
    );
    let body2 = json!({"token": token, "parcel_id": "P", "currency": "EUR", "status": "cancelled"})
        .to_string();
    let (st, v) = s
        .call(
            "POST",
            "/v1/clearances",
            Some(&s.key),
            Some("late"),
            Some(&body2),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("token_key_retired"))
    );
    // An expired, unaccepted quote cannot be accepted.
    let (st, v) = s
        .call(
            "POST",
            &format!("/v1/quotes/{}/accept", q2["id"].as_str().unwrap()),
            Some(&s.key),
            Some("late-accept"),
            None,
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("quote_expired"))
    );
}

#[tokio::test]
async fn tenants_are_isolated() {
    let s = server().await;
    let other = s.other_tenant().await;
    let q = s.quote(&de_basket(), "q").await;
    let id = q["id"].as_str().unwrap();
    s.accept(id).await;
    let (st, v) = s
        .call("GET", &format!("/v1/quotes/{id}"), Some(&other), None, None)
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let (st, _) = s
        .call(
            "POST",
            &format!("/v1/quotes/{id}/accept"),
            Some(&other),
            Some("a"),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = s
        .call(
            "POST",
            "/v1/clearances",
            Some(&other),
            Some("c"),
            Some(&clearance(id, "P", "1.00", "1.00", "0", "cleared")),
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    // By token too: the other platform's token names a quote it does not have.
    let body =
        json!({"token": q["token"], "parcel_id": "P", "currency": "EUR", "status": "cancelled"})
            .to_string();
    let (st, v) = s
        .call(
            "POST",
            "/v1/clearances",
            Some(&other),
            Some("t"),
            Some(&body),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("token_unknown_quote")
        )
    );
    // Idempotency keys are per tenant: the other platform's "q" is its own.
    let (st, v) = s
        .call(
            "POST",
            "/v1/quotes",
            Some(&other),
            Some("q"),
            Some(&de_basket().to_string()),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    assert_ne!(v["id"], q["id"]);
    let (_, r) = s
        .call("GET", "/v1/reconciliation", Some(&other), None, None)
        .await;
    assert_eq!(r["by_parcel"], json!([]));
    assert_eq!(r["ledger"]["balances"], json!([]));
    // No key, a wrong key.
    assert_eq!(
        s.call("GET", &format!("/v1/quotes/{id}"), None, None, None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let (st, v) = s
        .call(
            "GET",
            &format!("/v1/quotes/{id}"),
            Some("lk_nope"),
            None,
            None,
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthorized"))
    );
}

#[tokio::test]
async fn idempotency_replay_reuse_and_in_flight() {
    let s = server().await;
    let body = de_basket().to_string();
    let (st1, v1) = s
        .call(
            "POST",
            "/v1/quotes",
            Some(&s.key),
            Some("same"),
            Some(&body),
        )
        .await;
    let (st2, v2) = s
        .call(
            "POST",
            "/v1/quotes",
            Some(&s.key),
            Some("same"),
            Some(&body),
        )
        .await;
    assert_eq!((st1, st2), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!(
        v1, v2,
        "a replay returns the first response, token included"
    );
    let mut other = de_basket();
    other["shipping"] = json!("6.00");
    let (st, v) = s
        .call(
            "POST",
            "/v1/quotes",
            Some(&s.key),
            Some("same"),
            Some(&other.to_string()),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("idempotency_key_reused")
        )
    );
    let (st, v) = s
        .call("POST", "/v1/quotes", Some(&s.key), None, Some(&body))
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("idempotency_key_required"))
    );

    // A duplicate while the first is in flight: 409.
    let guard = s.state.claim_key(&s.tenant, "busy").unwrap();
    let (st, v) = s
        .call(
            "POST",
            "/v1/quotes",
            Some(&s.key),
            Some("busy"),
            Some(&body),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("idempotency_key_in_flight"))
    );
    drop(guard);
    assert_eq!(
        s.call(
            "POST",
            "/v1/quotes",
            Some(&s.key),
            Some("busy"),
            Some(&body)
        )
        .await
        .0,
        StatusCode::CREATED
    );

    // Many concurrent duplicates: each gets the one response or 409; one quote and one hold exist.
    let id = v1["id"].as_str().unwrap().to_string();
    let s = std::sync::Arc::new(s);
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let s = s.clone();
        let id = id.clone();
        tasks.push(tokio::spawn(async move {
            s.call(
                "POST",
                &format!("/v1/quotes/{id}/accept"),
                Some(&s.key),
                Some("acc"),
                None,
            )
            .await
        }));
    }
    let mut ok = Vec::new();
    for t in tasks {
        let (st, v) = t.await.unwrap();
        match st {
            StatusCode::OK => ok.push(v),
            StatusCode::CONFLICT => assert_eq!(v["error"]["code"], "idempotency_key_in_flight"),
            other => panic!("unexpected {other}: {v}"),
        }
    }
    assert!(!ok.is_empty());
    assert!(
        ok.windows(2).all(|w| w[0] == w[1]),
        "every success is the same response"
    );
    let entries = s.state.store.entries(&s.tenant).await.unwrap();
    assert_eq!(
        entries.iter().filter(|e| e.kind == "hold").count(),
        2,
        "one hold transfer (two entries)"
    );
    let count = s
        .state
        .metrics
        .idempotent_replays
        .load(std::sync::atomic::Ordering::Relaxed);
    assert!(count >= 1);
}

#[tokio::test]
async fn errors_are_typed() {
    let s = server().await;
    // Core input errors: 422 with the core's code and path.
    let mut b = de_basket();
    b["items"][0]["unit_price"] = json!("abc");
    let (st, v) = s
        .call(
            "POST",
            "/v1/quotes",
            Some(&s.key),
            Some("e1"),
            Some(&b.to_string()),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["code"], "invalid_amount");
    assert_eq!(v["error"]["path"], "items[0].unit_price");
    let (st, v) = s
        .call(
            "POST",
            "/v1/quotes",
            Some(&s.key),
            Some("e2"),
            Some("{not json"),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_json"))
    );
    // An error is not stored under the key: the same key works once the input is fixed.
    let (st, _) = s
        .call(
            "POST",
            "/v1/quotes",
            Some(&s.key),
            Some("e3"),
            Some(&b.to_string()),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    // X-Landed-Today is validated.
    let (st, v) = s
        .call_with(
            "POST",
            "/v1/quotes",
            Some(&s.key),
            Some("e4"),
            Some(&de_basket().to_string()),
            &[("x-landed-today", "yesterday")],
        )
        .await;
    assert_eq!(
        (st, v["error"]["path"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("X-Landed-Today"))
    );

    let id = s.quote(&de_basket(), "q").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    s.accept(&id).await;
    // Non-integral amounts are refused, as are negative ones, unknown fields and a wrong currency.
    for (body, code, path) in [
        (clearance(&id, "P", "3.001", "0", "0", "cleared"), "non_integral_amount", "assessed.duty"),
        (clearance(&id, "P", "3", "-1", "0", "cleared"), "negative_amount", "assessed.tax"),
        (clearance(&id, "P", "3", "x", "0", "cleared"), "invalid_amount", "assessed.tax"),
        (clearance(&id, "P", "3", "0", "0", "lost"), "invalid_value", "status"),
        (json!({"quote_id": id, "parcel_id": "P", "currency": "USD", "status": "cancelled"}).to_string(), "currency_mismatch", "currency"),
        (json!({"quote_id": id, "parcel_id": "P", "currency": "EUR", "status": "cancelled", "amount": "1"}).to_string(), "invalid_request", "amount"),
        (json!({"parcel_id": "P", "currency": "EUR", "status": "cancelled"}).to_string(), "missing_field", "quote_id"),
    ] {
        let (st, v) = s.call("POST", "/v1/clearances", Some(&s.key), Some(&format!("k-{code}")), Some(&body)).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["code"], code, "{v}");
        assert_eq!(v["error"]["path"], path, "{v}");
        assert!(v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let (st, v) = s
        .call("GET", "/v1/quotes/nope", Some(&s.key), None, None)
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let (st, _) = s.call("GET", "/nope", None, None, None).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    // Body limit.
    let big = "x".repeat(landed_server::state::BODY_LIMIT + 1);
    let (st, text) = s
        .raw(
            "POST",
            "/v1/quotes",
            Some(&s.key),
            Some("big"),
            Some(&big),
            &[],
        )
        .await;
    assert_eq!(st, StatusCode::PAYLOAD_TOO_LARGE);
    let v: Value = serde_json::from_str(&text).expect("413 has a JSON body");
    assert_eq!(v["error"]["code"], "payload_too_large", "{v}");
    // A method the route does not take.
    let (st, v) = s
        .call("GET", "/v1/clearances", Some(&s.key), None, None)
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::METHOD_NOT_ALLOWED, Some("method_not_allowed"))
    );
}

#[tokio::test]
async fn healthz_metrics_openapi() {
    let s = server().await;
    let (st, v) = s.call("GET", "/healthz", None, None, None).await;
    assert_eq!((st, v["status"].as_str()), (StatusCode::OK, Some("ok")));
    s.quote(&de_basket(), "m").await;
    let (st, text) = s.raw("GET", "/metrics", None, None, None, &[]).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        text.contains(
            r#"landed_http_requests_total{method="POST",route="/v1/quotes",status="201"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains("landed_quotes_created_total 1"), "{text}");
    let (st, doc) = s.call("GET", "/openapi.json", None, None, None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    // Every routed path is documented with its methods, and nothing else is.
    let routes = [
        ("/healthz", "get"),
        ("/metrics", "get"),
        ("/openapi.json", "get"),
        ("/.well-known/jwks.json", "get"),
        ("/v1/quotes", "post"),
        ("/v1/quotes/verify", "post"),
        ("/v1/quotes/{id}", "get"),
        ("/v1/quotes/{id}/accept", "post"),
        ("/v1/clearances", "post"),
        ("/v1/reconciliation", "get"),
        ("/v1/parcels/{id}", "get"),
        ("/v1/parcels/{id}/events", "post"),
        ("/v1/webhooks", "post"),
        ("/v1/webhooks", "get"),
        ("/v1/webhooks/deliveries", "get"),
        ("/v1/webhooks/deliveries/{id}/redeliver", "post"),
        ("/v1/alerts", "get"),
        ("/v1/sellers/{id}/profile", "get"),
        ("/v1/sellers/{id}/complaints", "post"),
        ("/v1/catalogue", "get"),
        ("/v1/catalogue/export", "get"),
        ("/v1/catalogue/export", "put"),
        ("/v1/catalogue/{sku}", "get"),
        ("/v1/catalogue/{sku}", "put"),
        ("/v1/catalogue/{sku}/corrections", "post"),
        ("/v1/settings", "get"),
        ("/v1/settings", "put"),
        ("/v1/reports/classification", "get"),
        ("/v1/corrections/export", "get"),
    ];
    let paths = doc["paths"].as_object().unwrap();
    let distinct: std::collections::BTreeSet<&str> = routes.iter().map(|r| r.0).collect();
    assert_eq!(paths.len(), distinct.len());
    for (p, m) in routes {
        assert!(
            paths.get(p).and_then(|o| o.get(m)).is_some(),
            "{m} {p} undocumented"
        );
    }
}

#[tokio::test]
async fn ledger_entries_are_append_only() {
    let s = server().await;
    let id = s.quote(&de_basket(), "q").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    s.accept(&id).await;
    let url = match &s._dir {
        Some(d) => format!("sqlite://{}", d.path().join("landed.db").display()),
        None => common::pg_url().unwrap(),
    };
    if url.starts_with("sqlite") {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        assert!(sqlx::query("UPDATE entries SET amount_minor = 0")
            .execute(&pool)
            .await
            .is_err());
        assert!(sqlx::query("DELETE FROM entries")
            .execute(&pool)
            .await
            .is_err());
    } else {
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        assert!(sqlx::query("UPDATE entries SET amount_minor = 0")
            .execute(&pool)
            .await
            .is_err());
        assert!(sqlx::query("DELETE FROM entries")
            .execute(&pool)
            .await
            .is_err());
    }
}

/// Bank-style: many concurrent settlements (with corrections) across quotes; every transfer and
/// the whole ledger balance, and each account holds exactly what the clearances imply.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_settlements_keep_the_ledger_balanced() {
    let s = std::sync::Arc::new(server().await);
    let mut ids = Vec::new();
    for i in 0..12 {
        let id = s.quote(&de_basket(), &format!("q{i}")).await["id"]
            .as_str()
            .unwrap()
            .to_string();
        s.accept(&id).await;
        ids.push(id);
    }
    let mut tasks = Vec::new();
    for round in 0..4 {
        for (i, id) in ids.iter().enumerate() {
            let s = s.clone();
            let id = id.clone();
            tasks.push(tokio::spawn(async move {
                // Assessed duty varies per round: 1.00 .. 4.00, so later rounds are corrections.
                let duty = format!("{}.00", 1 + (round + i) % 4);
                let body = clearance(&id, &format!("P{i}"), &duty, "12.35", "0.00", "cleared");
                let (st, v) = s
                    .call(
                        "POST",
                        "/v1/clearances",
                        Some(&s.key),
                        Some(&format!("r{round}-{i}")),
                        Some(&body),
                    )
                    .await;
                assert!(
                    st == StatusCode::CREATED || st == StatusCode::OK,
                    "{st}: {v}"
                );
            }));
        }
    }
    for t in tasks {
        t.await.unwrap();
    }
    let entries = s.state.store.entries(&s.tenant).await.unwrap();
    let mut per_transfer: std::collections::BTreeMap<&str, i64> = Default::default();
    for e in &entries {
        *per_transfer.entry(&e.transfer_id).or_default() += e.amount_minor;
    }
    assert!(
        per_transfer.values().all(|v| *v == 0),
        "every transfer balances"
    );
    s.assert_balanced("EUR").await;
    // Account balances equal what the final clearances imply.
    let (_, r) = s
        .call("GET", "/v1/reconciliation", Some(&s.key), None, None)
        .await;
    assert_eq!(r["by_parcel"].as_array().unwrap().len(), 12);
    let assessed: i64 = r["by_parcel"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| minor(&p["assessed"]))
        .sum();
    let bal = |a: &str| {
        r["ledger"]["balances"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["account"] == a)
            .map_or(0, |b| b["balance_minor"].as_i64().unwrap())
    };
    assert_eq!(bal("customs_payable"), assessed);
    assert_eq!(bal("held"), 0);
    assert_eq!(bal("shopper_prepaid"), -12 * 1535);
    assert_eq!(r["ledger"]["balanced"], true);
}

fn minor(v: &Value) -> i64 {
    let d: rust_decimal::Decimal = v.as_str().unwrap().parse().unwrap();
    i64::try_from((d * rust_decimal::Decimal::from(100)).trunc()).unwrap()
}

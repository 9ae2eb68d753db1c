//! Incomplete quotes over HTTP: a quote whose duty the engine cannot compute is refused (422
//! `quote_incomplete`, naming the items) unless the request allows estimates; an estimate's token
//! says so in its signed claims, and the flag cannot be stripped; it is accepted and settled like
//! any quote, the re-quote at clearance included.

mod common;

use axum::http::StatusCode;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use serde_json::{json, Value};

/// Canada (no tariff in the pack), courier from China above the C$20 remission threshold: the
/// duty of both items is unknown.
fn ca_basket() -> Value {
    json!({"destination": "CA", "destination_region": "ON", "date": "2026-05-01", "currency": "CAD",
           "channel": "courier", "ship_from": "CN", "incoterm": "DDP",
           "items": [
               {"id": "case", "description": "Phone case of plastics", "hs_code": "392690", "origin": "CN", "quantity": 1, "unit_price": "30.00"},
               {"id": "strap", "description": "Watch strap of leather", "hs_code": "911390", "origin": "CN", "quantity": 2, "unit_price": "10.00"}]})
}

async fn post(
    s: &common::Server,
    uri: &str,
    idem: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, Value) {
    let body = ca_basket().to_string();
    let mut h = vec![("x-landed-today", "2026-05-01")];
    h.extend_from_slice(headers);
    s.call_with("POST", uri, Some(&s.key), Some(idem), Some(&body), &h)
        .await
}

/// Asserts a 422 with this error code.
fn refused(st: StatusCode, v: &Value, code: &str) {
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], code, "{v}");
}

async fn verify(s: &common::Server, token: &str) -> Value {
    let body = json!({"token": token}).to_string();
    let (st, v) = s
        .call("POST", "/v1/quotes/verify", Some(&s.key), None, Some(&body))
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    v
}

#[tokio::test]
async fn an_incomplete_quote_is_refused_with_its_items() {
    let s = common::server().await;
    let (st, v) = post(&s, "/v1/quotes", "k1", &[]).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "quote_incomplete");
    assert_eq!(v["error"]["path"], "items[0]");
    assert_eq!(
        v["error"]["items"],
        json!([{"path": "items[0]", "id": "case", "reason": "duty_rate_unavailable"},
               {"path": "items[1]", "id": "strap", "reason": "duty_rate_unavailable"}])
    );
    let message = v["error"]["message"].as_str().unwrap();
    assert!(message.contains("allow_estimates=true"), "{message}");
    // Nothing was stored: the same key now signs the estimate it asks for.
    let (st, v) = post(&s, "/v1/quotes?allow_estimates=false", "k1", &[]).await;
    refused(st, &v, "quote_incomplete");
    let (st, v) = post(&s, "/v1/quotes?allow_estimates=maybe", "k1", &[]).await;
    assert_eq!(
        (st, v["error"]["code"].as_str(), v["error"]["path"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("invalid_value"),
            Some("allow_estimates")
        )
    );
}

#[tokio::test]
async fn an_estimate_is_signed_as_one_and_the_flag_cannot_be_stripped() {
    let s = common::server().await;
    let (st, q) = post(&s, "/v1/quotes?allow_estimates=true", "k1", &[]).await;
    assert_eq!(st, StatusCode::CREATED, "{q}");
    let t = &q["quote"]["totals"];
    assert_eq!(
        (&t["complete"], &t["duty_unknown_lines"]),
        (&json!(false), &json!(2))
    );
    assert_eq!(t["duty_unknown_customs_value"], "50.00");
    let token = q["token"].as_str().unwrap();
    let v = verify(&s, token).await;
    assert_eq!(
        (&v["valid"], &v["claims"]["estimate"]),
        (&json!(true), &json!(true)),
        "{v}"
    );

    // The same request replays, the flag given in the header or the query alike; without the
    // flag it is refused before anything is stored or replayed.
    let (st, again) = post(
        &s,
        "/v1/quotes",
        "k1",
        &[("landed-allow-estimates", "true")],
    )
    .await;
    assert_eq!(
        (st, &again["id"]),
        (StatusCode::CREATED, &q["id"]),
        "{again}"
    );
    let (st, v) = post(&s, "/v1/quotes", "k1", &[]).await;
    refused(st, &v, "quote_incomplete");

    // Stripping the flag from the claims breaks the signature.
    let parts: Vec<&str> = token.split('.').collect();
    let mut claims: Value = serde_json::from_slice(&B64.decode(parts[1]).unwrap()).unwrap();
    claims.as_object_mut().unwrap().remove("estimate").unwrap();
    let stripped = format!(
        "{}.{}.{}",
        parts[0],
        B64.encode(claims.to_string()),
        parts[2]
    );
    assert_eq!(
        verify(&s, &stripped).await["reason"]["code"],
        "bad_signature"
    );

    // The header and the parameter must agree.
    let (st, v) = post(
        &s,
        "/v1/quotes?allow_estimates=true",
        "k3",
        &[("landed-allow-estimates", "false")],
    )
    .await;
    refused(st, &v, "invalid_value");

    // A complete quote's token carries no flag, estimates allowed or not.
    let (st, de) = s
        .call(
            "POST",
            "/v1/quotes?allow_estimates=true",
            Some(&s.key),
            Some("k4"),
            Some(&common::de_basket().to_string()),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{de}");
    assert_eq!(de["quote"]["totals"]["complete"], true);
    let claims = &verify(&s, de["token"].as_str().unwrap()).await["claims"];
    assert!(claims.get("estimate").is_none(), "{claims}");
}

#[tokio::test]
async fn an_estimate_settles_and_its_assessed_codes_are_requoted() {
    let s = common::server().await;
    let (st, q) = post(&s, "/v1/quotes?allow_estimates=true", "k1", &[]).await;
    assert_eq!(st, StatusCode::CREATED, "{q}");
    let id = q["id"].as_str().unwrap();
    s.accept(id).await;
    // Customs assessed duty the quote could not compute: the platform guarantee covers it, and
    // the lines customs coded are priced again with the core (still no Canadian tariff).
    let body = json!({"quote_id": id, "parcel_id": "P1", "currency": "CAD", "status": "cleared",
                      "assessed": {"duty": "3.00", "tax": q["quote"]["totals"]["tax"], "fees": "0.00"},
                      "lines": [{"id": "case", "hs_code": "392690"}, {"id": "strap", "hs_code": "911390"}]});
    let (st, v) = s
        .call(
            "POST",
            "/v1/clearances",
            Some(&s.key),
            Some("c1"),
            Some(&body.to_string()),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["clearance"]["variance"], "3.00", "{v}");
    s.assert_balanced("CAD").await;
}

/// A quote's seller and `allow_estimates` are read before its idempotency key (their errors come
/// first) and hashed with the request, normalized: the header and the query say the same.
#[tokio::test]
async fn the_quote_query_is_checked_before_the_key_and_hashed() {
    let s = common::server().await;
    let body = ca_basket().to_string();
    for (uri, headers, code) in [
        (
            "/v1/quotes?seller_id=b",
            &[("landed-seller-id", "a")][..],
            "seller_mismatch",
        ),
        ("/v1/quotes?allow_estimates=maybe", &[][..], "invalid_value"),
    ] {
        let (st, v) = s
            .call_with("POST", uri, Some(&s.key), None, Some(&body), headers)
            .await;
        refused(st, &v, code);
    }
    let (st, q) = post(&s, "/v1/quotes?allow_estimates=true&seller_id=s1", "k", &[]).await;
    assert_eq!(st, StatusCode::CREATED, "{q}");
    let same = [
        ("landed-seller-id", "s1"),
        ("landed-allow-estimates", "true"),
    ];
    let (st, r) = post(&s, "/v1/quotes", "k", &same).await;
    assert_eq!((st, &r), (StatusCode::CREATED, &q), "a replay");
    // Another seller, or none, with the same key: another request.
    for uri in [
        "/v1/quotes?allow_estimates=true&seller_id=s2",
        "/v1/quotes?allow_estimates=true",
    ] {
        let (st, v) = post(&s, uri, "k", &[]).await;
        refused(st, &v, "idempotency_key_reused");
    }
}

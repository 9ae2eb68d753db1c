//! Signed webhooks against a real HTTP receiver on 127.0.0.1 (loopback allowed by the test-only
//! setting): signature verification, retries after 500s with the server's movable clock, the
//! 3-day give-up, de-duplication by event id, redelivery, and the target rules.

mod common;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use common::{server, server_with, Server};
use landed_server::delivery::deliver_due;
use landed_server::webhook::{self, VerifyError};
use serde_json::{json, Value};
use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};

/// What the receiver got: (event id, timestamp, signature, body).
type Got = Arc<Mutex<Vec<(String, String, String, Bytes)>>>;

/// A receiver that records every request and answers with the queued statuses (then 200).
struct Receiver {
    url: String,
    got: Got,
    answers: Arc<Mutex<VecDeque<u16>>>,
}

async fn receiver() -> Receiver {
    let got: Got = Arc::default();
    let answers: Arc<Mutex<VecDeque<u16>>> = Arc::default();
    let (g, a) = (got.clone(), answers.clone());
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let (g, a) = (g.clone(), a.clone());
            async move {
                let h = |n: &str| {
                    headers
                        .get(n)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_string()
                };
                g.lock().unwrap().push((
                    h(webhook::HEADER_ID),
                    h(webhook::HEADER_TIMESTAMP),
                    h(webhook::HEADER_SIGNATURE),
                    body,
                ));
                let status = a.lock().unwrap().pop_front().unwrap_or(200);
                StatusCode::from_u16(status).unwrap()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Receiver {
        url: format!("http://{addr}/hook"),
        got,
        answers,
    }
}

async fn register(s: &Server, url: &str, types: Option<Value>, idem: &str) -> (StatusCode, Value) {
    let mut body = json!({"url": url});
    if let Some(t) = types {
        body["event_types"] = t;
    }
    s.call(
        "POST",
        "/v1/webhooks",
        Some(&s.key),
        Some(idem),
        Some(&body.to_string()),
    )
    .await
}

async fn declare(s: &Server, parcel: &str) -> String {
    let body = json!({"status": "declared", "occurred_at": landed_server::rfc3339(s.state.now()),
        "seller_id": "s1", "destination": "DE", "currency": "EUR",
        "lines": [{"hs6": "610910", "quantity": 1, "unit_value": "15.00"}]});
    let (st, v) = s
        .call(
            "POST",
            &format!("/v1/parcels/{parcel}/events"),
            Some(&s.key),
            Some(&format!("d-{parcel}")),
            Some(&body.to_string()),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    v["event"]["event_id"].as_str().unwrap().to_string()
}

async fn deliveries(s: &Server) -> Vec<Value> {
    let (st, v) = s
        .call("GET", "/v1/webhooks/deliveries", Some(&s.key), None, None)
        .await;
    assert_eq!(st, StatusCode::OK);
    v["deliveries"].as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_retried_deduplicated_and_redelivered() {
    let s = server_with(|st| st.with_loopback_webhooks(true)).await;
    let r = receiver().await;
    let (st, w) = register(&s, &r.url, None, "w1").await;
    assert_eq!(st, StatusCode::CREATED, "{w}");
    let secret = w["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_") && secret.len() == 70);
    assert_eq!(
        w["event_types"],
        json!(["parcel_event", "inspection_rate_alert"])
    );
    // The secret is shown once: the list does not carry it.
    let (_, list) = s
        .call("GET", "/v1/webhooks", Some(&s.key), None, None)
        .await;
    assert_eq!(list["webhooks"][0]["id"], w["id"]);
    assert!(list["webhooks"][0].get("secret").is_none());

    // The event and its outbox row are written together; the first two attempts get 500.
    r.answers.lock().unwrap().extend([500, 500]);
    let event_id = declare(&s, "P1").await;
    let tenant = Some(s.tenant.as_str());
    let round = deliver_due(&s.state, tenant, s.state.now()).await.unwrap();
    assert_eq!((round.attempted, round.retrying), (1, 1));
    // Not due again before its backoff.
    let round = deliver_due(&s.state, tenant, s.state.now()).await.unwrap();
    assert_eq!(round.attempted, 0);
    let d = &deliveries(&s).await[0];
    assert_eq!(
        (d["status"].as_str(), d["attempts"].as_i64()),
        (Some("pending"), Some(1))
    );
    assert_eq!(d["last_status"], 500);
    s.state.advance_clock(40);
    assert_eq!(
        deliver_due(&s.state, tenant, s.state.now())
            .await
            .unwrap()
            .retrying,
        1
    );
    s.state.advance_clock(80);
    let round = deliver_due(&s.state, tenant, s.state.now()).await.unwrap();
    assert_eq!(round.delivered, 1, "{round:?}");
    let d = &deliveries(&s).await[0];
    assert_eq!(
        (d["status"].as_str(), d["attempts"].as_i64()),
        (Some("delivered"), Some(3))
    );
    assert_eq!(d["event_id"], event_id.as_str());

    // Every attempt carried the same event id and a valid signature of its own timestamp.
    let got = r.got.lock().unwrap().clone();
    assert_eq!(got.len(), 3);
    for (id, ts, sig, body) in &got {
        assert_eq!(id, &event_id);
        let ts_n: i64 = ts.parse().unwrap();
        assert_eq!(
            webhook::verify_webhook(&secret, ts, body, sig, ts_n + 10),
            Ok(())
        );
        let payload: Value = serde_json::from_slice(body).unwrap();
        assert_eq!(payload["id"], event_id.as_str());
        assert_eq!(payload["type"], "parcel_event");
        assert_eq!(payload["data"]["event"]["status"], "declared");
        assert_eq!(payload["data"]["parcel"]["parcel_id"], "P1");
    }
    // The receiver rejects a replay more than 5 minutes old, a wrong secret and a changed body.
    let (_, ts, sig, body) = &got[2];
    let t: i64 = ts.parse().unwrap();
    assert_eq!(
        webhook::verify_webhook(&secret, ts, body, sig, t + 301),
        Err(VerifyError::TimestampOutOfTolerance { skew_secs: 301 })
    );
    assert_eq!(
        webhook::verify_webhook("whsec_wrong", ts, body, sig, t),
        Err(VerifyError::BadSignature)
    );
    assert_eq!(
        webhook::verify_webhook(&secret, ts, b"{}", sig, t),
        Err(VerifyError::BadSignature)
    );
    // The timestamps were the server's clock at each attempt (moved forward by the test).
    assert!(got[2].1.parse::<i64>().unwrap() >= got[0].1.parse::<i64>().unwrap() + 120);

    // De-duplication: a receiver that keeps the ids it processed handles the event once.
    let mut seen = HashSet::new();
    let processed = got.iter().filter(|g| seen.insert(g.0.clone())).count();
    assert_eq!(processed, 1);

    // Redelivery sends the same event (same id) again, freshly signed.
    let id = deliveries(&s).await[0]["id"].as_str().unwrap().to_string();
    let path = format!("/v1/webhooks/deliveries/{id}/redeliver");
    let (st, v) = s.call("POST", &path, Some(&s.key), Some("rd1"), None).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(
        (v["status"].as_str(), v["attempts"].as_i64()),
        (Some("pending"), Some(0))
    );
    let (st, again) = s.call("POST", &path, Some(&s.key), Some("rd1"), None).await;
    assert_eq!((st, &again), (StatusCode::OK, &v), "an idempotent replay");
    assert_eq!(
        deliver_due(&s.state, tenant, s.state.now())
            .await
            .unwrap()
            .delivered,
        1
    );
    let got = r.got.lock().unwrap().clone();
    assert_eq!(got.len(), 4);
    assert_eq!(got[3].0, event_id);
    assert!(
        !seen.insert(got[3].0.clone()),
        "the receiver recognises the duplicate"
    );
    // A second event has its own id.
    let second = declare(&s, "P2").await;
    assert_ne!(second, event_id);
    deliver_due(&s.state, tenant, s.state.now()).await.unwrap();
    assert_eq!(r.got.lock().unwrap()[4].0, second);

    // Another platform cannot redeliver, list or see this one's deliveries.
    let other = s.other_tenant().await;
    let (st, _) = s.call("POST", &path, Some(&other), Some("rd2"), None).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (_, v) = s
        .call("GET", "/v1/webhooks/deliveries", Some(&other), None, None)
        .await;
    assert_eq!(v["deliveries"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_endpoint_is_retried_for_three_days_then_failed() {
    let s = server_with(|st| st.with_loopback_webhooks(true)).await;
    let r = receiver().await;
    // Alerts only: parcel events do not go to this endpoint.
    let (st, _) = register(&s, &r.url, Some(json!(["parcel_event"])), "w1").await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, _) = register(&s, &r.url, Some(json!(["inspection_rate_alert"])), "w2").await;
    assert_eq!(st, StatusCode::CREATED);
    r.answers.lock().unwrap().extend([503; 100]);
    declare(&s, "P1").await;
    assert_eq!(deliveries(&s).await.len(), 1, "one subscribed endpoint");
    let created = s.state.now();
    let tenant = Some(s.tenant.as_str());
    let mut attempts = 0;
    for _ in 0..60 {
        attempts += deliver_due(&s.state, tenant, s.state.now())
            .await
            .unwrap()
            .attempted;
        let d = &deliveries(&s).await[0];
        if d["status"] == "failed" {
            break;
        }
        // Straight to the next attempt.
        let next = landed_server::parse_rfc3339(d["next_attempt_at"].as_str().unwrap()).unwrap();
        s.state.set_now(next + 1_000_000);
    }
    let d = &deliveries(&s).await[0];
    assert_eq!(d["status"], "failed", "{d}");
    assert_eq!(d["last_status"], 503);
    assert!((15..=30).contains(&attempts), "{attempts} attempts");
    assert_eq!(d["attempts"].as_i64(), Some(attempts as i64));
    let span = s.state.now() - created;
    assert!(
        (2 * 86_400_000_000..=3 * 86_400_000_000 + 60_000_000).contains(&span),
        "retried for {} h",
        span / 3_600_000_000
    );
    // A failed delivery can be redelivered by hand.
    r.answers.lock().unwrap().clear();
    let id = d["id"].as_str().unwrap();
    let (st, _) = s
        .call(
            "POST",
            &format!("/v1/webhooks/deliveries/{id}/redeliver"),
            Some(&s.key),
            Some("rd"),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        deliver_due(&s.state, tenant, s.state.now())
            .await
            .unwrap()
            .delivered,
        1
    );
    let (_, v) = s
        .call(
            "GET",
            "/v1/webhooks/deliveries?status=delivered",
            Some(&s.key),
            None,
            None,
        )
        .await;
    assert_eq!(v["deliveries"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn targets_must_be_public_https() {
    let s = server().await;
    for (i, (url, code)) in [
        ("http://example.com/hook", "webhook_target_not_https"),
        ("https://127.0.0.1/hook", "webhook_target_forbidden"),
        ("https://10.0.0.1/hook", "webhook_target_forbidden"),
        ("https://[::1]/hook", "webhook_target_forbidden"),
        ("https://localhost/hook", "webhook_target_forbidden"),
        ("https://169.254.169.254/latest", "webhook_target_forbidden"),
        ("https://[fd00::1]/hook", "webhook_target_forbidden"),
        ("ftp://example.com/", "webhook_target_not_https"),
    ]
    .into_iter()
    .enumerate()
    {
        let (st, v) = register(&s, url, None, &format!("t{i}")).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {v}");
        assert_eq!(v["error"]["code"], code, "{url}: {v}");
        assert_eq!(v["error"]["path"], "url");
    }
    let (st, v) = register(
        &s,
        "https://93.184.216.34/hook",
        Some(json!(["parcel_shipped"])),
        "t9",
    )
    .await;
    assert_eq!(
        (st, v["error"]["path"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("event_types[0]"))
    );
    // A public https address is accepted (nothing is sent until an event happens).
    let (st, v) = register(&s, "https://93.184.216.34/hook", None, "t10").await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
}

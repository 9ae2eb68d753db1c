//! Clearance visibility and risk through `app().oneshot`: the parcel timeline and its state
//! machine, idempotent events, tenancy, undervaluation flags at declaration and at quote time,
//! seller profiles and lanes, complaints, and inspection-rate alerts.
// Scores and rates are f64 statistics; the amounts compared stay decimal strings.
#![allow(clippy::float_arithmetic)]

mod common;

use axum::http::StatusCode;
use common::{de_basket, server, Server};
use serde_json::{json, Value};

const DAY: i64 = 86_400_000_000;

fn at(micros: i64) -> String {
    landed_server::rfc3339(micros)
}

async fn event(s: &Server, parcel: &str, idem: &str, body: Value) -> (StatusCode, Value) {
    s.call(
        "POST",
        &format!("/v1/parcels/{parcel}/events"),
        Some(&s.key),
        Some(idem),
        Some(&body.to_string()),
    )
    .await
}

fn declared(seller: &str, hs6: &str, unit: &str, when: i64) -> Value {
    json!({"status": "declared", "occurred_at": at(when), "seller_id": seller, "destination": "DE",
           "currency": "EUR", "lines": [{"hs6": hs6, "quantity": 2, "unit_value": unit}]})
}

fn status(s: &str, when: i64) -> Value {
    json!({"status": s, "occurred_at": at(when)})
}

#[tokio::test]
async fn the_timeline_follows_the_state_machine() {
    let s = server().await;
    let t0 = s.state.now() - 3 * DAY;
    let (st, v) = event(&s, "P1", "e1", declared("s1", "610910", "15.00", t0)).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let event_id = v["event"]["event_id"].as_str().unwrap().to_string();
    assert_eq!(
        uuid::Uuid::parse_str(&event_id).unwrap().get_version_num(),
        7
    );
    assert_eq!(v["event"]["status"], "declared");
    assert_eq!(v["event"]["previous_status"], Value::Null);
    assert_eq!(v["event"]["occurred_at"], at(t0));
    assert_eq!(v["parcel"]["declared_value"], "30.00");
    assert_eq!(
        v["risk"]["undervaluation"],
        json!([]),
        "no history, no flag"
    );

    // The same event with the same key replays; with a different body it is refused.
    let (st, again) = event(&s, "P1", "e1", declared("s1", "610910", "15.00", t0)).await;
    assert_eq!(st, StatusCode::CREATED);
    assert_eq!(again["event"]["event_id"], event_id.as_str());
    let (st, v) = event(&s, "P1", "e1", declared("s1", "610910", "16.00", t0)).await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("idempotency_key_reused")
        )
    );
    // A second declaration under a new key is an impossible transition.
    let (st, v) = event(&s, "P1", "e1b", declared("s1", "610910", "15.00", t0)).await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["error"]["code"], "invalid_transition");

    let (st, v) = event(&s, "P1", "e2", status("under_inspection", t0 + DAY / 4)).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["event"]["previous_status"], "declared");
    let mut held = status("held", t0 + DAY);
    held["reason"] = json!("invoice requested");
    assert_eq!(event(&s, "P1", "e3", held).await.0, StatusCode::CREATED);
    let mut duty = status("awaiting_duty", t0 + 2 * DAY);
    duty["assessed_value"] = json!("36.00");
    assert_eq!(event(&s, "P1", "e4", duty).await.0, StatusCode::CREATED);
    let (st, v) = event(
        &s,
        "P1",
        "e5",
        status("released", t0 + 2 * DAY + 3_600_000_000),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["parcel"]["terminal"], true);

    // Released is terminal: anything after it is refused, naming both ends.
    let (st, v) = event(&s, "P1", "e6", status("held", t0 + 3 * DAY)).await;
    assert_eq!(st, StatusCode::CONFLICT);
    assert_eq!(v["error"]["code"], "invalid_transition");
    assert_eq!(v["error"]["path"], "status");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains("`released` to `held`"), "{msg}");

    let (st, p) = s
        .call("GET", "/v1/parcels/P1", Some(&s.key), None, None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(p["status"], "released");
    assert_eq!(p["inspected"], true);
    assert_eq!(p["held"], true);
    assert_eq!(p["assessed_value"], "36.00");
    assert_eq!(p["seller_id"], "s1");
    let timeline: Vec<&str> = p["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        timeline,
        [
            "declared",
            "under_inspection",
            "held",
            "awaiting_duty",
            "released"
        ]
    );
    assert_eq!(p["timeline"][2]["reason"], "invoice requested");
    assert_eq!(p["timeline"][2]["previous_status"], "under_inspection");
    assert_eq!(p["timeline"][0]["event_id"], event_id.as_str());
    assert_eq!(p["lines"][0]["hs6"], "610910");
    assert_eq!(p["lines"][0]["unit_value"], "15.00");

    // Another platform sees nothing, and its first event for the same parcel id must be a declaration.
    let other = s.other_tenant().await;
    let (st, _) = s
        .call("GET", "/v1/parcels/P1", Some(&other), None, None)
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, v) = s
        .call(
            "POST",
            "/v1/parcels/P1/events",
            Some(&other),
            Some("o1"),
            Some(&status("released", t0).to_string()),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("`none` to `released`"),
        "{v}"
    );
}

#[tokio::test]
async fn events_are_validated() {
    let s = server().await;
    let now = s.state.now();
    for (body, code, path) in [
        (
            json!({"status": "lost", "occurred_at": at(now)}),
            "invalid_value",
            "status",
        ),
        (
            json!({"status": "held", "occurred_at": "yesterday"}),
            "invalid_date",
            "occurred_at",
        ),
        (
            json!({"status": "held", "occurred_at": at(now), "seller_id": "x"}),
            "field_not_allowed",
            "seller_id",
        ),
        (
            json!({"status": "declared", "occurred_at": at(now), "currency": "EUR", "lines": []}),
            "missing_field",
            "destination",
        ),
        (
            json!({"status": "declared", "occurred_at": at(now), "destination": "DE", "currency": "EUR", "lines": []}),
            "missing_field",
            "lines",
        ),
        (
            json!({"status": "declared", "occurred_at": at(now), "destination": "DE", "currency": "EUR",
                "lines": [{"hs6": "6109", "quantity": 1, "unit_value": "1.00"}]}),
            "invalid_value",
            "lines[0].hs6",
        ),
        (
            json!({"status": "declared", "occurred_at": at(now), "destination": "DE", "currency": "EUR",
                "lines": [{"hs6": "610910", "quantity": 1, "unit_value": "1.001"}]}),
            "non_integral_amount",
            "lines[0].unit_value",
        ),
        (
            json!({"status": "declared", "occurred_at": at(now), "destination": "DE", "currency": "EUR", "assessed_value": "1.00",
                "lines": [{"hs6": "610910", "quantity": 1, "unit_value": "1.00"}]}),
            "field_not_allowed",
            "assessed_value",
        ),
        (
            json!({"status": "declared", "occurred_at": at(now), "quote_id": "nope",
                "lines": [{"hs6": "610910", "quantity": 1, "unit_value": "1.00"}]}),
            "not_found",
            "",
        ),
    ] {
        let (st, v) = event(&s, "PV", &format!("v-{body}"), body.clone()).await;
        assert!(st.is_client_error(), "{body}: {st}");
        assert_eq!(v["error"]["code"], code, "{body}: {v}");
        assert_eq!(v["error"]["path"], path, "{body}: {v}");
    }
    // Without an Idempotency-Key: 400.
    let (st, v) = s
        .call(
            "POST",
            "/v1/parcels/PV/events",
            Some(&s.key),
            None,
            Some(&status("held", now).to_string()),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("idempotency_key_required"))
    );
    // A declaration linked to a quote takes its destination and currency.
    let q = s.quote(&de_basket(), "q-link").await;
    let body = json!({"status": "declared", "occurred_at": at(now), "quote_id": q["id"],
                      "lines": [{"hs6": "610910", "quantity": 1, "unit_value": "60.00"}]});
    let (st, v) = event(&s, "PQ", "link", body).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["parcel"]["quote_id"], q["id"]);
    assert_eq!(v["parcel"]["destination"], "DE");
    assert_eq!(v["parcel"]["currency"], "EUR");
}

/// Declares `n` T-shirts to DE for `seller`, unit values cycling around 15.00.
async fn history(s: &Server, seller: &str, n: usize, prefix: &str) {
    let t0 = s.state.now() - 30 * DAY;
    for i in 0..n {
        let unit = ["13.50", "15.00", "16.50", "14.00", "18.00", "12.50"][i % 6];
        let when = t0 + i64::try_from(i).unwrap() * 3_600_000_000;
        let (st, v) = event(
            s,
            &format!("{prefix}{i}"),
            &format!("{prefix}{i}-d"),
            declared(seller, "610910", unit, when),
        )
        .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        assert_eq!(v["risk"]["high_risk"], false, "{v}");
    }
}

#[tokio::test]
async fn undervaluation_is_flagged_at_declaration_and_at_quote_time() {
    let s = server().await;
    history(&s, "good", 40, "H").await;
    let now = s.state.now();
    // Far below the platform's median: flagged with the reference figures.
    let (st, v) = event(&s, "U1", "u1", declared("cheap", "610910", "3.00", now)).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let f = &v["risk"]["undervaluation"][0];
    assert_eq!(v["risk"]["high_risk"], true);
    assert_eq!(f["code"], "high_risk_suspected_undervaluation");
    assert_eq!(f["line"], 1);
    assert_eq!(f["declared_unit_value"], "3.00");
    assert_eq!(f["reference"]["n"], 40);
    assert_eq!(f["reference"]["median_unit_value"], "14.00");
    let threshold: f64 = f["reference"]["threshold_unit_value"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(threshold > 3.0 && threshold <= 9.0, "{f}");
    // The flag stays on the parcel's line.
    let (_, p) = s
        .call("GET", "/v1/parcels/U1", Some(&s.key), None, None)
        .await;
    assert_eq!(
        p["lines"][0]["risk"]["code"],
        "high_risk_suspected_undervaluation"
    );
    // An ordinary discount is not flagged.
    let (_, v) = event(&s, "U2", "u2", declared("good", "610910", "12.00", now)).await;
    assert_eq!(v["risk"]["undervaluation"], json!([]), "{v}");
    // Another HS code or currency has no reference yet.
    let (_, v) = event(&s, "U3", "u3", declared("cheap", "620520", "3.00", now)).await;
    assert_eq!(v["risk"]["undervaluation"], json!([]));

    // At quote time: the core's quote is unchanged, `risk` sits next to it.
    let mut b = de_basket();
    b["items"][0]["unit_price"] = json!("2.50");
    let q = s.quote(&b, "q-cheap").await;
    assert!(q["quote"].get("risk").is_none());
    assert_eq!(q["risk"]["high_risk"], true);
    assert_eq!(q["risk"]["undervaluation"][0]["hs6"], "610910");
    assert_eq!(q["risk"]["undervaluation"][0]["reference"]["n"], 42);
    assert_eq!(q["seller_lane"], Value::Null);
    let fair = s.quote(&de_basket(), "q-fair").await;
    assert_eq!(fair["risk"]["high_risk"], false);
    // A replay returns the same bytes, risk included; GET shows it too.
    let (_, replay) = s
        .call(
            "POST",
            "/v1/quotes",
            Some(&s.key),
            Some("q-cheap"),
            Some(&b.to_string()),
        )
        .await;
    assert_eq!(replay, q);
    let (_, got) = s
        .call(
            "GET",
            &format!("/v1/quotes/{}", q["id"].as_str().unwrap()),
            Some(&s.key),
            None,
            None,
        )
        .await;
    assert_eq!(got["risk"], q["risk"]);
    // Another platform's history is not this one's reference.
    let other = s.other_tenant().await;
    let (st, v) = s
        .call(
            "POST",
            "/v1/quotes",
            Some(&other),
            Some("o-q"),
            Some(&b.to_string()),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    assert_eq!(v["risk"]["high_risk"], false);
}

#[tokio::test]
async fn seller_profiles_map_history_to_lanes() {
    let s = server().await;
    let t0 = s.state.now() - 20 * DAY;
    // A clean seller: 25 parcels released after paying duty within a day.
    for i in 0..25 {
        let p = format!("G{i}");
        let t = t0 + i * 3_600_000_000;
        event(
            &s,
            &p,
            &format!("{p}-1"),
            declared("green-seller", "610910", "15.00", t),
        )
        .await;
        event(
            &s,
            &p,
            &format!("{p}-2"),
            status("awaiting_duty", t + DAY / 2),
        )
        .await;
        let (st, v) = event(&s, &p, &format!("{p}-3"), status("released", t + DAY)).await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
    }
    let (st, g) = s
        .call(
            "GET",
            "/v1/sellers/green-seller/profile",
            Some(&s.key),
            None,
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(g["lane"], "green", "{g}");
    assert_eq!(g["parcels"], 25);
    assert_eq!(g["components"].as_array().unwrap().len(), 6);
    let total: f64 = g["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["contribution"].as_f64().unwrap())
        .sum();
    assert!((total - g["score"].as_f64().unwrap()).abs() < 0.1, "{g}");
    assert!(!g["reasons"].as_array().unwrap().is_empty());

    // A seller whose undervalued parcels were held and seized twice: blacklist.
    for i in 0..4 {
        let p = format!("B{i}");
        let t = t0 + i * 3_600_000_000;
        event(
            &s,
            &p,
            &format!("{p}-1"),
            declared("bad-seller", "610910", "4.00", t),
        )
        .await;
        event(
            &s,
            &p,
            &format!("{p}-2"),
            status("under_inspection", t + DAY / 4),
        )
        .await;
        event(&s, &p, &format!("{p}-3"), status("held", t + DAY / 2)).await;
        let end = if i < 2 { "seized" } else { "returned" };
        let (st, v) = event(&s, &p, &format!("{p}-4"), status(end, t + DAY)).await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
    }
    let (st, v) = s
        .call(
            "POST",
            "/v1/sellers/bad-seller/complaints",
            Some(&s.key),
            Some("c1"),
            Some(&json!({"reason": "surprise duty at the door", "parcel_id": "B3"}).to_string()),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let (_, b) = s
        .call(
            "GET",
            "/v1/sellers/bad-seller/profile",
            Some(&s.key),
            None,
            None,
        )
        .await;
    assert_eq!(b["lane"], "blacklist", "{b}");
    assert_eq!(b["seizures"], 2);
    assert_eq!(b["complaints"], 1);
    assert_eq!(b["precheck_percent"], 100);
    assert!(b["score"].as_f64() < g["score"].as_f64());
    assert!(b["reasons"][0].as_str().unwrap().contains("seized"), "{b}");

    // The lane comes back with the quote (the seller in a header or the query, not the basket).
    let (st, q) = s
        .call_with(
            "POST",
            "/v1/quotes",
            Some(&s.key),
            Some("q-bad"),
            Some(&de_basket().to_string()),
            &[("landed-seller-id", "bad-seller")],
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{q}");
    assert_eq!(q["seller_lane"]["lane"], "blacklist");
    assert_eq!(q["seller_lane"]["precheck_percent"], 100);
    let (st, q) = s
        .call(
            "POST",
            "/v1/quotes?seller_id=green-seller",
            Some(&s.key),
            Some("q-green"),
            Some(&de_basket().to_string()),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{q}");
    assert_eq!(q["seller_lane"]["lane"], "green");
    // The same key for another seller is another request.
    let (st, v) = s
        .call_with(
            "POST",
            "/v1/quotes",
            Some(&s.key),
            Some("q-green"),
            Some(&de_basket().to_string()),
            &[("landed-seller-id", "bad-seller")],
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("idempotency_key_reused")
        )
    );
    // An unknown seller is standard, with no history.
    let (_, n) = s
        .call(
            "GET",
            "/v1/sellers/nobody/profile",
            Some(&s.key),
            None,
            None,
        )
        .await;
    assert_eq!(
        (n["lane"].as_str(), n["parcels"].as_i64()),
        (Some("standard"), Some(0))
    );
}

#[tokio::test]
async fn a_rise_in_inspections_alerts_the_sellers_of_the_category() {
    let s = server().await;
    let now = s.state.now();
    // Baseline: 200 T-shirt parcels to DE over the 8 weeks before the last 7 days, 5 % inspected;
    // window: 60 in the last 5 days, 30 % inspected.
    let hour = 3_600_000_000i64;
    let mut all = Vec::new();
    for i in 0..200 {
        all.push((
            format!("A{i}"),
            "base-seller",
            now - 8 * DAY - i * 6 * hour,
            i % 20 == 0,
        ));
    }
    for i in 0..60 {
        let seller = if i % 2 == 0 {
            "tee-seller"
        } else {
            "base-seller"
        };
        all.push((
            format!("W{i}"),
            seller,
            now - hour - i * 2 * hour,
            i % 10 < 3,
        ));
    }
    // A stable category next to it: toys, 5 % all along (50 in the window, 350 before).
    for i in 0..400 {
        all.push((
            format!("T{i}"),
            "toy-seller",
            now - hour - i * 3 * hour - i / 2 * hour,
            i % 20 == 0,
        ));
    }
    for (p, seller, when, inspected) in &all {
        let hs6 = if *seller == "toy-seller" {
            "950300"
        } else {
            "610910"
        };
        let (st, v) = event(
            &s,
            p,
            &format!("{p}-d"),
            declared(seller, hs6, "15.00", *when),
        )
        .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        if *inspected {
            let (st, _) = event(
                &s,
                p,
                &format!("{p}-i"),
                status("under_inspection", when + 3_600_000_000),
            )
            .await;
            assert_eq!(st, StatusCode::CREATED);
        }
    }
    let raised = landed_server::inspection::scan(&s.state.store, &s.tenant, now)
        .await
        .unwrap();
    let mut cats: Vec<(String, String)> = raised
        .iter()
        .map(|a| (a.level.clone(), a.category.clone()))
        .collect();
    cats.sort();
    assert_eq!(
        cats,
        [
            ("chapter".into(), "61".into()),
            ("heading".into(), "6109".into())
        ]
    );
    // The same scan again raises nothing new (one alert a category a week).
    assert!(
        landed_server::inspection::scan(&s.state.store, &s.tenant, now + 3_600_000_000)
            .await
            .unwrap()
            .is_empty()
    );

    let (st, v) = s.call("GET", "/v1/alerts", Some(&s.key), None, None).await;
    assert_eq!(st, StatusCode::OK);
    let alerts = v["alerts"].as_array().unwrap();
    assert_eq!(alerts.len(), 2);
    let a = alerts.iter().find(|a| a["level"] == "heading").unwrap();
    assert_eq!(a["destination"], "DE");
    assert_eq!(a["window"]["parcels"], 60);
    assert_eq!(a["window"]["inspected"], 18);
    assert_eq!(a["baseline"]["parcels"], 200);
    assert_eq!(a["baseline"]["inspected"], 10);
    assert!(a["test"]["p_value"].as_f64().unwrap() < 1e-4, "{a}");
    assert_eq!(a["sellers"], json!(["base-seller", "tee-seller"]));
    let text = a["suggestion"].as_str().unwrap();
    assert!(
        text.contains("HS 6109 to DE") && text.contains("30.0%") && text.contains("5.0%"),
        "{text}"
    );
    // Filtered by seller: the toy seller ships nothing in the category.
    let (_, v) = s
        .call(
            "GET",
            "/v1/alerts?seller_id=tee-seller",
            Some(&s.key),
            None,
            None,
        )
        .await;
    assert_eq!(v["alerts"].as_array().unwrap().len(), 2);
    let (_, v) = s
        .call(
            "GET",
            "/v1/alerts?seller_id=toy-seller",
            Some(&s.key),
            None,
            None,
        )
        .await;
    assert_eq!(v["alerts"], json!([]));
    // Another platform sees none of them.
    let other = s.other_tenant().await;
    let (_, v) = s.call("GET", "/v1/alerts", Some(&other), None, None).await;
    assert_eq!(v["alerts"], json!([]));
}

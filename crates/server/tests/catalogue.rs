//! The learning loop over HTTP (issue 8), on SQLite or on the PostgreSQL that `DATABASE_URL`
//! names: catalogue memory per SKU, quotes that use it, codes customs assessed at clearance
//! recorded as corrections, the reconciliation and classification report, the opt-in export for
//! retraining, and typed errors for every bad code.

mod common;

use axum::http::StatusCode;
use common::Server;
use rust_decimal::Decimal;
use serde_json::{json, Value};

/// A British basket above the £135 low-value relief, so duty is due: a T-shirt coded by the
/// merchant, and a mug the merchant coded as a book.
fn gb_basket() -> Value {
    json!({"destination": "GB", "date": "2026-11-25", "currency": "GBP", "channel": "courier", "incoterm": "DDP",
           "items": [{"id": "tee", "description": "Cotton T-shirt", "hs_code": "610910", "origin": "CN", "quantity": 1, "unit_price": "200.00"},
                     {"id": "mug", "description": "Stoneware coffee mug", "hs_code": "490199", "origin": "CN", "quantity": 2, "unit_price": "80.00"}]})
}

async fn put(s: &Server, uri: &str, idem: &str, body: Value) -> (StatusCode, Value) {
    s.call(
        "PUT",
        uri,
        Some(&s.key),
        Some(idem),
        Some(&body.to_string()),
    )
    .await
}

async fn post(s: &Server, uri: &str, idem: &str, body: Value) -> (StatusCode, Value) {
    s.call(
        "POST",
        uri,
        Some(&s.key),
        Some(idem),
        Some(&body.to_string()),
    )
    .await
}

async fn get(s: &Server, uri: &str) -> (StatusCode, Value) {
    s.call("GET", uri, Some(&s.key), None, None).await
}

/// A GET whose answer is not one JSON document (a file, CSV, JSON lines).
async fn get_text(s: &Server, uri: &str, key: &str) -> (StatusCode, String) {
    s.raw("GET", uri, Some(key), None, None, &[]).await
}

fn error(v: &Value) -> (&str, &str) {
    (
        v["error"]["code"].as_str().unwrap_or("?"),
        v["error"]["path"].as_str().unwrap_or("?"),
    )
}

/// The core's duty of each line of `basket` with these codes (the oracle).
fn core_duties(basket: &Value, codes: &[&str]) -> Vec<Decimal> {
    let mut b = basket.clone();
    for (i, c) in codes.iter().enumerate() {
        b["items"][i]["hs_code"] = json!(c);
    }
    let pack = landed::default_pack().unwrap();
    let basket = landed::Basket::from_json(&b.to_string()).unwrap();
    let q = landed::Quoter::new(&pack)
        .quote(&basket, landed::Date::new(2026, 11, 25).unwrap())
        .unwrap();
    q.lines.iter().map(|l| l.duty.amount).collect()
}

fn money(v: &Value) -> Decimal {
    v.as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn merchant_codes_are_remembered_and_quoted_from_the_catalogue() {
    let s = common::server().await;
    let (st, v) = get(&s, "/v1/catalogue/mug").await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
    assert_eq!(error(&v), ("unknown_sku", "sku"));

    // Quoted without a code: the classifier answers, and the SKU becomes known.
    let mut b = gb_basket();
    b["items"][1].as_object_mut().unwrap().remove("hs_code");
    let q = s.quote(&b, "q1").await;
    assert_eq!(q["quote"]["lines"][1]["hs_source"], "classifier");
    let (st, v) = get(&s, "/v1/catalogue/mug").await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["current"], json!([]));
    assert_eq!(v["last_quoted"]["hs_source"], "classifier");
    assert_eq!(v["last_quoted"]["quote_id"], q["id"]);
    // Quoted again the same way: the SKU row is read, not rewritten (no hot row for popular SKUs).
    let q_same = s.quote(&b, "q1-again").await;
    assert_ne!(q_same["id"], q["id"]);
    let (_, v) = get(&s, "/v1/catalogue/mug").await;
    assert_eq!(v["last_quoted"]["quote_id"], q["id"]);
    // Quoted with something new to say about it (another description): remembered.
    b["items"][1]["description"] = json!("Stoneware mug, 350 ml");
    let q_changed = s.quote(&b, "q1-changed").await;
    let (_, v) = get(&s, "/v1/catalogue/mug").await;
    assert_eq!(v["last_quoted"]["quote_id"], q_changed["id"]);
    assert_eq!(v["last_quoted"]["description"], "Stoneware mug, 350 ml");

    // The merchant enters the code: recorded once, a repeat records nothing new.
    let (st, v) = put(&s, "/v1/catalogue/mug", "p1", json!({"hs_code": "6912.00"})).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["entry"]["hs_code"], "691200");
    assert_eq!(v["entry"]["source"], "merchant_entered");
    assert_eq!(v["entry"]["destination"], Value::Null);
    assert_eq!(v["recorded"], true);
    let (st2, again) = put(&s, "/v1/catalogue/mug", "p1", json!({"hs_code": "6912.00"})).await;
    assert_eq!((st2, &again), (StatusCode::CREATED, &v), "replay");
    let (st, v) = put(&s, "/v1/catalogue/mug", "p2", json!({"hs_code": "691200"})).await;
    assert_eq!((st, &v["recorded"]), (StatusCode::OK, &json!(false)), "{v}");
    let (st, v) = put(&s, "/v1/catalogue/mug", "p1", json!({"hs_code": "691110"})).await;
    assert_eq!(
        (st, error(&v).0),
        (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused")
    );
    let (st, v) = s
        .call(
            "PUT",
            "/v1/catalogue/mug",
            Some(&s.key),
            None,
            Some(r#"{"hs_code":"691200"}"#),
        )
        .await;
    assert_eq!(
        (st, error(&v).0),
        (StatusCode::BAD_REQUEST, "idempotency_key_required")
    );

    // The next quote for the SKU uses the confirmed code before the classifier, and says so.
    let q = s.quote(&b, "q2").await;
    let line = &q["quote"]["lines"][1];
    assert_eq!(line["hs_source"], "catalogue", "{line}");
    assert_eq!(line["hs_code"], "691200");
    assert_eq!(line["hs_confirmed"]["source"], "merchant_entered");
    assert_eq!(q["quote"]["lines"][0]["hs_source"], "merchant");

    // A code for one destination is kept beside the one for all; the history keeps both.
    let (st, v) = put(
        &s,
        "/v1/catalogue/mug",
        "p3",
        json!({"hs_code": "6912002310", "destination": "gb"}),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["entry"]["destination"], "GB");
    let (st, v) = put(&s, "/v1/catalogue/tee", "p4", json!({"hs_code": "610910"})).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let (_, v) = get(&s, "/v1/catalogue/mug").await;
    assert_eq!(v["current"].as_array().unwrap().len(), 2, "{v}");
    assert_eq!(v["history"].as_array().unwrap().len(), 2, "{v}");

    // A SKU named like the export can still be entered.
    let (st, v) = put(
        &s,
        "/v1/catalogue/export",
        "p5",
        json!({"hs_code": "950300"}),
    )
    .await;
    assert_eq!(
        (st, &v["sku"]),
        (StatusCode::CREATED, &json!("export")),
        "{v}"
    );

    // The list pages by SKU.
    let (st, v) = get(&s, "/v1/catalogue?limit=1").await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["items"][0]["sku"], "export");
    let (_, v) = get(&s, "/v1/catalogue?limit=1&after=export").await;
    assert_eq!(v["items"][0]["sku"], "mug");
    assert_eq!(v["items"][0]["entries"].as_array().unwrap().len(), 2);
    assert_eq!(v["next_after"], "mug");
    let (_, v) = get(&s, "/v1/catalogue?limit=1&after=mug").await;
    assert_eq!(v["items"][0]["sku"], "tee");
    assert_eq!(v["next_after"], Value::Null);
    let (st, v) = get(&s, "/v1/catalogue?limit=0").await;
    assert_eq!(
        (st, error(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("invalid_value", "limit"))
    );

    // The export is the core's catalogue file: the CLI and the browser load it as it is.
    let pack = landed::default_pack().unwrap();
    let (st, text) = get_text(&s, "/v1/catalogue/export", &s.key).await;
    assert_eq!(st, StatusCode::OK, "{text}");
    let cat = landed::Catalogue::from_json(&text, &pack).expect("the core accepts the export");
    assert_eq!(cat.entries().len(), 4);
    assert_eq!(cat.lookup("mug", "GB").unwrap().hs_code, "6912002310");
    assert_eq!(cat.lookup("mug", "DE").unwrap().hs_code, "691200");
    let (_, text) = get_text(&s, "/v1/catalogue/export?destination=DE", &s.key).await;
    let de = landed::Catalogue::from_json(&text, &pack).unwrap();
    assert_eq!(de.entries().len(), 3, "one entry per SKU: {text}");
    assert_eq!(de.lookup("mug", "DE").unwrap().hs_code, "691200");
    let (st, v) = get(&s, "/v1/catalogue/export?destination=XX").await;
    assert_eq!(
        (st, error(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            ("unknown_country", "destination")
        )
    );

    // Another platform sees none of it.
    let other = s.other_tenant().await;
    let (st, v) = s
        .call("GET", "/v1/catalogue/mug", Some(&other), None, None)
        .await;
    assert_eq!((st, error(&v).0), (StatusCode::NOT_FOUND, "unknown_sku"));
    let (_, text) = get_text(&s, "/v1/catalogue/export", &other).await;
    assert!(landed::Catalogue::from_json(&text, &pack)
        .unwrap()
        .entries()
        .is_empty());
}

#[tokio::test]
async fn assessed_codes_at_clearance_become_corrections_and_catalogue_memory() {
    let s = common::server().await;
    let basket = gb_basket();
    let q = s.quote(&basket, "q1").await;
    let id = q["id"].as_str().unwrap().to_string();
    s.accept(&id).await;
    let quoted = core_duties(&basket, &["610910", "490199"]);
    let assessed = core_duties(&basket, &["6109100010", "691200"]);
    let clear = |lines: Value, duty: &str| {
        json!({"quote_id": id, "parcel_id": "P1", "currency": "GBP", "status": "cleared",
               "assessed": {"duty": duty, "tax": "0.00", "fees": "0.00"}, "lines": lines})
    };

    // Line ids that are not the quote's, and lines on a cancellation, are refused.
    let (st, v) = post(
        &s,
        "/v1/clearances",
        "c0",
        clear(json!([{"id": "hat", "hs_code": "650500"}]), "1.00"),
    )
    .await;
    assert_eq!(
        (st, error(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            ("unknown_item", "lines[0].id")
        ),
        "{v}"
    );
    let (st, v) = post(
        &s,
        "/v1/clearances",
        "c0",
        clear(
            json!([{"id": "mug", "hs_code": "691200"}, {"id": "mug", "hs_code": "691200"}]),
            "1.00",
        ),
    )
    .await;
    assert_eq!(
        (st, error(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            ("duplicate_entry", "lines[1].id")
        )
    );
    let mut cancel = clear(json!([{"id": "mug", "hs_code": "691200"}]), "0.00");
    cancel["status"] = json!("cancelled");
    let (st, v) = post(&s, "/v1/clearances", "c0", cancel).await;
    assert_eq!(
        (st, error(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            ("field_not_allowed", "lines")
        )
    );

    // Customs assessed the T-shirt on its national line (the same subheading: no
    // misclassification) and the "book" as a mug (a misclassification).
    let lines = json!([{"id": "tee", "hs_code": "6109100010"}, {"id": "mug", "hs_code": "691200", "hs_edition": 2022}]);
    let duty_total: Decimal = assessed.iter().sum();
    let (st, v) = post(
        &s,
        "/v1/clearances",
        "c1",
        clear(lines.clone(), &duty_total.to_string()),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let by_id = |v: &Value, item: &str| -> Value {
        v["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["id"] == item)
            .cloned()
            .unwrap()
    };
    let (tee, mug) = (by_id(&v, "tee"), by_id(&v, "mug"));
    assert_eq!(
        (
            &tee["misclassified"],
            &tee["quoted_code"],
            &tee["quoted_source"]
        ),
        (&json!(false), &json!("610910"), &json!("merchant"))
    );
    assert_eq!(
        (&mug["misclassified"], &mug["assessed_code"]),
        (&json!(true), &json!("691200"))
    );
    assert_eq!(money(&mug["quoted_duty"]), quoted[1]);
    assert_eq!(money(&mug["assessed_duty"]), assessed[1]);
    assert_eq!(money(&mug["duty_variance"]), assessed[1] - quoted[1]);
    assert!(
        assessed[1] != quoted[1],
        "a mug and a book carry different duty"
    );
    // The same request replays; the same clearance under another key posts nothing.
    let (_, replay) = post(
        &s,
        "/v1/clearances",
        "c1",
        clear(lines.clone(), &duty_total.to_string()),
    )
    .await;
    assert_eq!(replay, v);
    let (st, again) = post(
        &s,
        "/v1/clearances",
        "c2",
        clear(lines.clone(), &duty_total.to_string()),
    )
    .await;
    assert_eq!(
        (
            st,
            &again["posted"],
            again["lines"].as_array().unwrap().len()
        ),
        (StatusCode::OK, &json!(false), 2)
    );

    // Reconciliation: the parcel's misclassified line and the duty variance it caused.
    let (_, r) = get(&s, "/v1/reconciliation").await;
    let p = &r["by_parcel"][0];
    assert_eq!(
        (&p["assessed_lines"], &p["misclassified_lines"]),
        (&json!(2), &json!(1))
    );
    assert_eq!(
        money(&p["classification_variance"]),
        assessed[1] - quoted[1]
    );
    assert_eq!(r["classification"][0]["misclassified_lines"], 1);
    assert_eq!(r["by_destination"][0]["misclassified_lines"], 1);

    // The report: how often the classification was wrong, by quoted source and by chapter.
    let (st, rep) = get(&s, "/v1/reports/classification").await;
    assert_eq!(st, StatusCode::OK, "{rep}");
    assert_eq!(
        (
            &rep["lines_assessed"],
            &rep["lines_misclassified"],
            &rep["share_misclassified"]
        ),
        (&json!(2), &json!(1), &json!("0.5000"))
    );
    assert_eq!(rep["duty_variance"][0]["currency"], "GBP");
    assert_eq!(
        money(&rep["duty_variance"][0]["net"]),
        assessed[1] - quoted[1]
    );
    assert_eq!(rep["by_quoted_source"][0]["quoted_source"], "merchant");
    let chapters: Vec<(Value, Value)> = rep["by_chapter"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["chapter"].clone(), c["lines_misclassified"].clone()))
        .collect();
    assert_eq!(chapters, [(json!("61"), json!(0)), (json!("69"), json!(1))]);
    let (st, csv) = get_text(&s, "/v1/reports/classification?format=csv", &s.key).await;
    assert_eq!(st, StatusCode::OK);
    assert!(csv.starts_with("group,key,currency,lines_assessed,lines_misclassified,share_misclassified,duty_variance,duty_variance_absolute\noverall,all,GBP,2,1,0.5000,"), "{csv}");

    // The catalogue remembers what customs assessed, for GB: the next quote of the "book" is a mug.
    let (_, c) = get(&s, "/v1/catalogue/mug").await;
    let cur = &c["current"][0];
    assert_eq!(
        (
            &cur["source"],
            &cur["destination"],
            &cur["hs_code"],
            &cur["quote_id"],
            &cur["parcel_id"]
        ),
        (
            &json!("customs_assessed"),
            &json!("GB"),
            &json!("691200"),
            &json!(id),
            &json!("P1")
        )
    );
    let (_, c) = get(&s, "/v1/catalogue/tee").await;
    assert_eq!(
        c["current"][0]["hs_code"], "6109100010",
        "the longer code is kept"
    );
    let q2 = s.quote(&basket, "q2").await;
    let line = &q2["quote"]["lines"][1];
    assert_eq!(
        (&line["hs_source"], &line["hs_code"]),
        (&json!("catalogue"), &json!("691200"))
    );
    assert!(q2["quote"]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["code"] == "hs_code_corrected" && w["item"] == "mug"));

    // Corrections for retraining: only with the platform's consent, and only these fields.
    let (st, v) = get(&s, "/v1/corrections/export").await;
    assert_eq!(
        (st, error(&v).0),
        (StatusCode::FORBIDDEN, "corrections_not_shared")
    );
    let (_, v) = get(&s, "/v1/settings").await;
    assert_eq!(v["share_corrections"], false);
    let (st, v) = put(&s, "/v1/settings", "s1", json!({"share_corrections": true})).await;
    assert_eq!(
        (st, &v["share_corrections"]),
        (StatusCode::OK, &json!(true))
    );
    let (st, text) = get_text(&s, "/v1/corrections/export", &s.key).await;
    assert_eq!(st, StatusCode::OK);
    let rows: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 1, "{text}");
    let day = &landed_server::rfc3339(s.state.now())[..10];
    assert_eq!(
        rows[0],
        json!({"description": "Stoneware coffee mug", "hs_code": "691200", "quoted_code": "490199",
               "quoted_source": "merchant", "destination": "GB", "date": day, "hs_edition": 2022})
    );
    let (_, text) = get_text(&s, "/v1/corrections/export?to=2000-01-01", &s.key).await;
    assert_eq!(text, "");

    // Customs changes its mind on the mug (same amounts): a changed clearance, and only the
    // newest assessment counts.
    let relines =
        json!([{"id": "tee", "hs_code": "6109100010"}, {"id": "mug", "hs_code": "691110"}]);
    let (st, v) = post(
        &s,
        "/v1/clearances",
        "c3",
        clear(relines, &duty_total.to_string()),
    )
    .await;
    assert_eq!(
        (st, &v["clearance"]["seq"]),
        (StatusCode::CREATED, &json!(2)),
        "{v}"
    );
    let (_, rep) = get(&s, "/v1/reports/classification").await;
    assert_eq!(rep["lines_assessed"], 2, "{rep}");
    let (_, c) = get(&s, "/v1/catalogue/mug").await;
    assert_eq!(c["current"][0]["hs_code"], "691110");
    assert_eq!(c["history"].as_array().unwrap().len(), 2, "{c}");
    let (_, q) = get(&s, &format!("/v1/quotes/{id}")).await;
    assert_eq!(q["clearances"][1]["lines"].as_array().unwrap().len(), 2);
    s.assert_balanced("GBP").await;
}

#[tokio::test]
async fn bad_codes_and_unknown_skus_are_typed_errors() {
    let s = common::server().await;
    let q = s.quote(&gb_basket(), "q1").await;
    let id = q["id"].as_str().unwrap().to_string();
    s.accept(&id).await;

    // Not an HS code, digits that are no subheading, an unknown edition, an unknown country.
    for (body, code, path) in [
        (json!({"hs_code": "61x910"}), "invalid_hs_code", "hs_code"),
        (json!({"hs_code": "12345"}), "invalid_hs_code", "hs_code"),
        (json!({"hs_code": "999999"}), "hs_code_unknown", "hs_code"),
        (json!({"hs_code": "851712"}), "hs_code_unknown", "hs_code"),
        (
            json!({"hs_code": "610910", "hs_edition": 2012}),
            "invalid_value",
            "hs_edition",
        ),
        (
            json!({"hs_code": "610910", "destination": "XX"}),
            "unknown_country",
            "destination",
        ),
        (
            json!({"hs_code": "610910", "extra": 1}),
            "invalid_request",
            "extra",
        ),
    ] {
        let (st, v) = put(&s, "/v1/catalogue/tee", "bad", body.clone()).await;
        assert_eq!(
            (st, error(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, (code, path)),
            "{body}: {v}"
        );
    }
    // A retired HS 2017 code with one successor is mapped, with a warning; with several it is
    // refused, naming them.
    let (st, v) = put(
        &s,
        "/v1/catalogue/lamp",
        "h1",
        json!({"hs_code": "8539.50.00", "hs_edition": 2017}),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["entry"]["hs_code"], "853952");
    assert_eq!(
        v["entry"]["given"],
        json!({"hs_code": "8539.50.00", "hs_edition": 2017})
    );
    assert_eq!(v["warnings"][0]["code"], "hs_edition_mapped");
    assert_eq!(v["warnings"][0]["path"], "hs_code");
    let (st, v) = put(
        &s,
        "/v1/catalogue/phone",
        "h2",
        json!({"hs_code": "851712", "hs_edition": 2017}),
    )
    .await;
    assert_eq!(
        (st, error(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            ("hs_edition_ambiguous", "hs_code")
        )
    );
    assert_eq!(v["error"]["successors"], json!(["851713", "851714"]));

    // Broker corrections: for a SKU the platform knows; the same code checks.
    let (st, v) = post(
        &s,
        "/v1/catalogue/nope/corrections",
        "b0",
        json!({"hs_code": "610910", "destination": "GB"}),
    )
    .await;
    assert_eq!(
        (st, error(&v)),
        (StatusCode::NOT_FOUND, ("unknown_sku", "sku"))
    );
    let (st, v) = post(
        &s,
        "/v1/catalogue/mug/corrections",
        "b1",
        json!({"hs_code": "4901.99", "hs_edition": 2017}),
    )
    .await;
    assert_eq!(
        (st, error(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            ("missing_field", "destination")
        ),
        "destination is required: {v}"
    );
    let (st, v) = post(
        &s,
        "/v1/catalogue/mug/corrections",
        "b1",
        json!({"hs_code": "999999", "destination": "GB"}),
    )
    .await;
    assert_eq!(
        (st, error(&v)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            ("hs_code_unknown", "hs_code")
        )
    );
    let (st, v) = post(
        &s,
        "/v1/catalogue/mug/corrections",
        "b2",
        json!({"hs_code": "691200", "destination": "GB", "note": "stoneware mug, not a book"}),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["entry"]["source"], "broker_corrected");
    assert_eq!(
        v["correction"],
        json!({"quoted_code": "490199", "quoted_source": "merchant", "corrected_code": "691200", "misclassified": true})
    );
    // A SKU only entered by the merchant may be corrected too.
    let (st, v) = post(
        &s,
        "/v1/catalogue/lamp/corrections",
        "b3",
        json!({"hs_code": "853952", "destination": "DE"}),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["correction"]["misclassified"], false);
    let (_, rep) = get(&s, "/v1/reports/classification").await;
    assert_eq!(
        rep["broker_corrections"],
        json!({"count": 2, "differing": 1})
    );
    assert_eq!(rep["lines_assessed"], 0);

    // Clearance lines: the field at fault is named.
    let clear = |lines: Value| {
        json!({"quote_id": id, "parcel_id": "P1", "currency": "GBP", "status": "cleared",
               "assessed": {"duty": "1.00", "tax": "0.00", "fees": "0.00"}, "lines": lines})
    };
    for (lines, code, path) in [
        (
            json!([{"id": "tee", "hs_code": "61091O"}]),
            "invalid_hs_code",
            "lines[0].hs_code",
        ),
        (
            json!([{"id": "tee", "hs_code": "610910"}, {"id": "mug", "hs_code": "999999"}]),
            "hs_code_unknown",
            "lines[1].hs_code",
        ),
        (
            json!([{"id": "tee", "hs_code": "851712", "hs_edition": 2017}]),
            "hs_edition_ambiguous",
            "lines[0].hs_code",
        ),
        (
            json!([{"id": "tee", "hs_code": "610910", "hs_edition": 2023}]),
            "invalid_value",
            "lines[0].hs_edition",
        ),
        (json!([{"id": "tee"}]), "missing_field", "lines[0].hs_code"),
    ] {
        let (st, v) = post(&s, "/v1/clearances", "c-bad", clear(lines.clone())).await;
        assert_eq!(
            (st, error(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, (code, path)),
            "{lines}: {v}"
        );
    }
    let (st, v) = post(
        &s,
        "/v1/clearances",
        "c1",
        clear(json!([{"id": "tee", "hs_code": "85395000", "hs_edition": 2017}])),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["warnings"][0]["code"], "hs_edition_mapped");
    assert_eq!(v["warnings"][0]["path"], "lines[0].hs_code");
    assert_eq!(v["lines"][0]["assessed_code"], "853952");
    // Nothing of the refused requests was recorded.
    let (_, rep) = get(&s, "/v1/reports/classification").await;
    assert_eq!(rep["lines_assessed"], 1, "{rep}");
}

/// A pack loaded after the quote prices the assessed codes: the clearance says so
/// (`pack_changed`) and converts at the exchange rates the quote used, so a line customs assessed
/// on its quoted code shows no variance although the new pack's dollar rate moved.
#[tokio::test]
async fn assessed_lines_priced_after_a_pack_change_keep_the_quotes_fx_and_say_so() {
    let s = common::server().await;
    let basket = json!({"destination": "GB", "date": "2026-11-25", "currency": "USD", "channel": "courier", "incoterm": "DDP",
           "items": [{"id": "tee", "description": "Cotton T-shirt", "hs_code": "610910", "origin": "CN", "quantity": 2, "unit_price": "150.00"}]});
    let q = s.quote(&basket, "q1").await;
    let id = q["id"].as_str().unwrap().to_string();
    s.accept(&id).await;
    let quoted = core_duties(&basket, &["610910"])[0];
    assert!(quoted > Decimal::ZERO, "the T-shirt pays duty");

    // The server restarts on the same database with a newer pack, in which the dollar moved 10 %.
    let mut pack = landed::default_pack().unwrap();
    let old = format!("{}@{}", pack.header.pack_id, pack.header.pack_version);
    pack.header.pack_version = "2099.01.01.1".into();
    let usd = pack
        .body
        .fx
        .rates
        .iter_mut()
        .find(|r| r.0 == "USD")
        .unwrap();
    usd.1 *= Decimal::new(11, 1);
    let mut state = s.state.clone();
    state.pack = std::sync::Arc::new(pack);
    let restarted = Server {
        app: landed_server::app(state.clone()),
        state,
        key: s.key.clone(),
        tenant: s.tenant.clone(),
        _dir: None,
    };
    let clearance = json!({"quote_id": id, "parcel_id": "P1", "currency": "GBP", "status": "cleared",
        "assessed": {"duty": quoted.to_string(), "tax": "0.00", "fees": "0.00"},
        "lines": [{"id": "tee", "hs_code": "610910"}]});
    let (st, v) = post(&restarted, "/v1/clearances", "c1", clearance).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let line = &v["lines"][0];
    assert_eq!(money(&line["quoted_duty"]), quoted, "{v}");
    assert_eq!(
        money(&line["assessed_duty"]),
        quoted,
        "priced at the quote's rate: {v}"
    );
    assert_eq!(money(&line["duty_variance"]), Decimal::ZERO, "{v}");
    let warning = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "pack_changed")
        .unwrap_or_else(|| panic!("no pack_changed warning: {v}"));
    let message = warning["message"].as_str().unwrap();
    assert!(
        message.contains(&old) && message.contains("landed-all@2099.01.01.1"),
        "{message}"
    );
}

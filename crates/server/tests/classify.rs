//! A basket item without an HS code: the server classifies it with the same model and engine as
//! the CLI and the browser, so its signed quote equals the core's to the cent.

mod common;

use axum::http::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn uncoded_items_are_classified_like_the_core_does() {
    let s = common::server().await;
    let basket = json!({"destination": "GB", "date": "2026-11-25", "currency": "GBP", "channel": "courier",
        "incoterm": "DDP", "shipping": "9.00",
        "items": [{"id": "mug", "description": "Stoneware coffee mug, hand-glazed, 350 ml", "origin": "PT",
                   "quantity": 2, "unit_price": "18.00"},
                  {"id": "tee", "description": "Cotton T-shirt", "hs_code": "610910", "origin": "CN",
                   "quantity": 1, "unit_price": "20.00"}]});
    let (st, v) = s
        .call(
            "POST",
            "/v1/quotes",
            Some(&s.key),
            Some("c1"),
            Some(&basket.to_string()),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let lines = &v["quote"]["lines"];
    assert_eq!(lines[0]["hs_source"], "classifier");
    assert_eq!(lines[1]["hs_source"], "merchant");
    let pack = landed::default_pack().unwrap();
    let clf = landed::classify::default_classifier().unwrap();
    let b = landed::Basket::from_json(&basket.to_string()).unwrap();
    let today = landed::Date::new(2026, 11, 25).unwrap();
    let core = landed::Quoter::new(&pack)
        .classifier(Some(&clf))
        .quote(&b, today)
        .unwrap();
    // Through JSON text, as the server stores it (the confidence is an f32 either way).
    let core: Value = serde_json::from_str(&serde_json::to_string(&core).unwrap()).unwrap();
    assert_eq!(v["quote"], core);

    // A blank description without a code is the core's typed error, not a silent zero duty.
    let mut bad = basket.clone();
    bad["items"][0]["description"] = json!("  ");
    let (st, v) = s
        .call(
            "POST",
            "/v1/quotes",
            Some(&s.key),
            Some("c2"),
            Some(&bad.to_string()),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "empty_text");
    assert_eq!(v["error"]["path"], "items[0].description");
}

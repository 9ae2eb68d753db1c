//! Preference claims (issue #15): a claim for an originating line applies the programme's rate and
//! says proof of origin is needed; a claim the destination cannot honour is refused with a stable
//! code and the field at fault, never turned into MFN or a guessed rate.

use landed::{default_pack, Date, Quoter};
use serde_json::{json, Value};

fn basket(dest: &str, currency: &str, date: &str, origin: &str, claim: Option<Value>) -> String {
    let mut item = json!({"id": "jumper", "description": "Wool jumper", "hs_code": "61101110",
                          "origin": origin, "quantity": 1, "unit_price": "200.00"});
    if let Some(c) = claim {
        item["preference"] = c;
    }
    json!({"destination": dest, "date": date, "currency": currency, "channel": "courier",
           "shipping": "10.00", "items": [item]})
    .to_string()
}

fn quote(b: &str) -> Result<Value, (String, String)> {
    let today: Date = "2026-09-01".parse().unwrap();
    let pack = default_pack().expect("the default pack loads");
    Quoter::new(&pack)
        .quote_json(b, today)
        .map(|q| serde_json::to_value(q).unwrap())
        .map_err(|e| (e.code().to_owned(), e.path().to_owned()))
}

#[test]
fn an_originating_line_pays_the_programme_rate_and_needs_proof() {
    let claim = json!({"programme": "eu.tca.gb", "originating": true});
    let without = quote(&basket("DE", "EUR", "2026-09-01", "GB", None)).unwrap();
    let with = quote(&basket("DE", "EUR", "2026-09-01", "GB", Some(claim))).unwrap();
    // MFN on a wool jumper is dutiable (CET 12 %); the TCA makes originating goods free.
    assert_ne!(without["totals"]["duty"], "0.00");
    assert_eq!(with["totals"]["duty"], "0.00");
    assert_eq!(with["lines"][0]["duty"]["rule"], "eu.tca.gb");
    let codes: Vec<&str> = with["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"proof_of_origin"), "{codes:?}");
    // The same claim the other way round: EU goods into Great Britain.
    let gb = quote(&basket(
        "GB",
        "GBP",
        "2026-09-01",
        "FR",
        Some(json!({"programme": "gb.tca.eu", "originating": true})),
    ))
    .unwrap();
    assert_eq!(gb["totals"]["duty"], "0.00");
    assert_eq!(gb["lines"][0]["duty"]["rule"], "gb.tca.eu");
}

#[test]
fn claims_the_destination_cannot_honour_are_refused_with_their_path() {
    let cases = [
        // (destination, currency, date, origin, claim, code, path)
        (
            "DE",
            "EUR",
            "2026-09-01",
            "GB",
            json!({"programme": "us.usmca", "originating": true}),
            "preference_unknown",
            "items[0].preference.programme",
        ),
        (
            "DE",
            "EUR",
            "2026-09-01",
            "CN",
            json!({"programme": "eu.tca.gb", "originating": true}),
            "preference_origin",
            "items[0].origin",
        ),
        (
            "DE",
            "EUR",
            "2026-09-01",
            "GB",
            json!({"programme": "eu.tca.gb", "originating": false}),
            "invalid_value",
            "items[0].preference.originating",
        ),
        (
            "DE",
            "EUR",
            "2026-09-01",
            "GB",
            json!({"programme": "EU TCA", "originating": true}),
            "invalid_value",
            "items[0].preference.programme",
        ),
        (
            "DE",
            "EUR",
            "2026-09-01",
            "GB",
            json!({"programme": "eu.tca.gb"}),
            "missing_field",
            "items[0].preference",
        ),
        (
            "DE",
            "EUR",
            "2026-09-01",
            "GB",
            json!({"programme": "eu.tca.gb", "originating": true, "x": 1}),
            "unknown_field",
            "items[0].preference",
        ),
    ];
    for (dest, cur, date, origin, claim, code, path) in cases {
        let got = quote(&basket(dest, cur, date, origin, Some(claim.clone()))).unwrap_err();
        assert_eq!((got.0.as_str(), got.1.as_str()), (code, path), "{claim}");
    }
}

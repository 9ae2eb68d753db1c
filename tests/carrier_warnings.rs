//! Which parcels say that a carrier's fees are not included: a named or postal carrier without a
//! fee schedule in the pack, unless the carrier states that it charges none (from that date).

use landed::Date;
use serde_json::json;

fn warnings(
    dest: &str,
    currency: &str,
    date: &str,
    carrier: Option<&str>,
) -> Vec<(String, String)> {
    let mut basket = json!({"destination": dest, "date": date, "currency": currency, "channel": "post",
        "items": [{"id": "a", "description": "Cotton T-shirt", "hs_code": "610910", "origin": "CN",
                   "quantity": 1, "unit_price": "20.00"}]});
    if let Some(c) = carrier {
        basket["carrier"] = json!(c);
    }
    let p = landed::default_pack().unwrap();
    let q = landed::quote_json(&p, &basket.to_string(), Date::new(2026, 12, 7).unwrap()).unwrap();
    q.warnings
        .iter()
        .map(|w| (w.code.clone(), w.message.clone()))
        .collect()
}

fn unknown(w: &[(String, String)]) -> Option<&str> {
    w.iter()
        .find(|(c, _)| c == "carrier_fees_unknown")
        .map(|(_, m)| m.as_str())
}

#[test]
fn a_postal_operator_without_a_schedule_is_said_to_be_left_out() {
    let w = warnings("FR", "EUR", "2026-12-08", None);
    let m = unknown(&w).expect("La Poste's fees are not in the pack");
    assert!(
        m.contains("La Poste") && m.contains("postal operator"),
        "{m}"
    );
}

#[test]
fn a_postal_operator_with_a_schedule_is_not() {
    assert_eq!(unknown(&warnings("GB", "GBP", "2026-12-08", None)), None);
    assert_eq!(
        unknown(&warnings("GB", "GBP", "2026-12-08", Some("royal_mail"))),
        None
    );
}

#[test]
fn a_carrier_that_states_it_charges_nothing_is_not_from_that_date() {
    // SingPost's page, read 2026-12-07, names no collection fee.
    assert_eq!(unknown(&warnings("SG", "SGD", "2026-12-08", None)), None);
    assert_eq!(
        unknown(&warnings("SG", "SGD", "2026-12-08", Some("singpost"))),
        None
    );
    assert!(unknown(&warnings("SG", "SGD", "2026-12-06", None)).is_some());
    // A courier named without a schedule still is.
    assert!(unknown(&warnings("SG", "SGD", "2026-12-08", Some("ups"))).is_some());
}

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
    let q = landed::Quoter::new(&p)
        .quote_json(&basket.to_string(), Date::new(2026, 12, 7).unwrap())
        .unwrap();
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

/// Whether a post parcel to `dest` on `date`, naming `carrier` or none, warns that fees are left out.
fn left_out(dest: &str, date: &str, carrier: Option<&str>) -> bool {
    let currency = match dest {
        "GB" => "GBP",
        "SG" => "SGD",
        _ => "EUR",
    };
    unknown(&warnings(dest, currency, date, carrier)).is_some()
}

#[test]
fn a_postal_operator_with_a_schedule_is_not() {
    for carrier in [None, Some("royal_mail")] {
        assert!(!left_out("GB", "2026-12-08", carrier), "{carrier:?}");
    }
}

#[test]
fn a_carrier_that_states_it_charges_nothing_is_not_from_that_date() {
    // SingPost's page, read 2026-12-07, names no collection fee.
    for carrier in [None, Some("singpost")] {
        assert!(!left_out("SG", "2026-12-08", carrier), "{carrier:?}");
    }
    assert!(left_out("SG", "2026-12-06", None));
    // A courier named without a schedule still is.
    assert!(left_out("SG", "2026-12-08", Some("ups")));
}

#[test]
fn a_schedule_not_yet_in_force_is_no_schedule() {
    // DHL Express's German fee is dated from 2026-11-25: earlier parcels are quoted without it, and say so.
    let at = |date: &str| unknown(&warnings("DE", "EUR", date, Some("dhl_express"))).is_some();
    assert!(at("2026-11-24"));
    assert!(!at("2026-11-25"));
}

//! A fee priced net bears the destination's tax rate of the date (`tax_on_fee: standard`): the
//! fee line's amount includes it, `tax` states it, totals.tax (the state's import tax) does not.

use landed::pack::model::FeeTax;
use landed::{Date, Pack};
use serde_json::json;

fn with_taxed_fee(rule: &str) -> Pack {
    let mut p = landed::default_pack().expect("the default pack loads");
    let m = p
        .body
        .destinations
        .iter_mut()
        .flat_map(|d| d.measures.iter_mut())
        .find(|m| m.id == rule)
        .unwrap_or_else(|| panic!("{rule} in the pack"));
    m.effect.fee.as_mut().unwrap().tax_on_fee = Some(FeeTax::Standard);
    p
}

fn quote(p: &Pack, basket: serde_json::Value) -> landed::Quote {
    landed::Quoter::new(p)
        .quote_json(&basket.to_string(), Date::new(2026, 12, 1).unwrap())
        .unwrap()
}

#[test]
fn a_net_fee_bears_the_standard_rate() {
    // DHL Express DE: 2 % of duty and tax, at least EUR 16.00, here taken as net: + 19 % = 3.04.
    let p = with_taxed_fee("de.dhl_express.duty_tax_processing");
    let basket = json!({"destination": "DE", "date": "2026-12-01", "currency": "EUR", "channel": "courier",
           "carrier": "dhl_express", "shipping": "15.00",
           "items": [{"id": "shoes", "description": "Men's leather shoes", "hs_code": "64039996",
                      "origin": "CN", "quantity": 1, "unit_price": "300.00"}]});
    let q = quote(&p, basket.clone());
    let v = serde_json::to_value(&q).unwrap();
    assert_eq!(v["fees"][0]["amount"], "19.04");
    assert_eq!(v["fees"][0]["tax"], "3.04");
    assert_eq!(v["totals"]["fees"], "19.04");
    assert_eq!(
        v["totals"]["tax"], "64.64",
        "the fee's VAT is not import tax"
    );
    assert_eq!(v["totals"]["landed_cost"], "423.88");
    let e = q.explain.iter().find(|e| e.figure == "fees[0]").unwrap();
    assert!(
        e.formula.ends_with("= 16.00 net + VAT 19% × 16.00 = 3.04"),
        "{}",
        e.formula
    );
    // Without the mark the same fee bears none and says so by omission.
    let plain = quote(&landed::default_pack().unwrap(), basket);
    let v = serde_json::to_value(&plain).unwrap();
    assert_eq!(v["fees"][0]["amount"], "16.00");
    assert!(v["fees"][0].get("tax").is_none());
}

#[test]
fn a_net_fee_bears_the_regional_rate_where_there_is_one() {
    // Canada Post's C$9.95 taken as net, delivered in Ontario: HST 13 % = 1.2935 -> 1.29.
    let p = with_taxed_fee("ca.canada_post.handling_fee");
    let q = quote(
        &p,
        json!({"destination": "CA", "destination_region": "ON", "date": "2026-12-01", "currency": "CAD",
               "channel": "post", "shipping": "10.00",
               "items": [{"id": "shirt", "description": "Cotton T-shirt", "hs_code": "610910",
                          "origin": "CN", "quantity": 1, "unit_price": "50.00"}]}),
    );
    let v = serde_json::to_value(&q).unwrap();
    assert_eq!(v["fees"][0]["tax"], "1.29");
    assert_eq!(v["fees"][0]["amount"], "11.24");
}

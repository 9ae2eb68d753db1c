//! Bad input: one test per error code a basket (or a pack) can trigger. Each test asserts the
//! exact stable `code()`, the JSON `path()` of the field at fault, and that the human message
//! names that field, so the CLI, the WASM binding and the server can report it alike.

use landed::{Date, Error, Pack, PackError};
use serde_json::{json, Value};

fn pack() -> Pack {
    landed::default_pack().expect("the default pack loads")
}

fn today() -> Date {
    Date::new(2026, 3, 1).unwrap()
}

/// A valid basket to Germany; each test breaks one thing in it.
fn base() -> Value {
    json!({
        "destination": "DE",
        "date": "2026-03-01",
        "currency": "EUR",
        "channel": "courier",
        "items": [
            {"id": "tee", "description": "Cotton T-shirt", "hs_code": "610910", "origin": "CN",
             "quantity": 2, "unit_price": "12.50"}
        ],
        "shipping": "5.00"
    })
}

fn quote_value(v: &Value) -> landed::Result<landed::Quote> {
    landed::Quoter::new(&pack()).quote_json(&v.to_string(), today())
}

fn quote_text(text: &str) -> landed::Result<landed::Quote> {
    landed::Quoter::new(&pack()).quote_json(text, today())
}

/// Asserts the code and the path, and that the message names the path (and `names`, e.g. the field).
#[track_caller]
fn expect_err(r: landed::Result<landed::Quote>, code: &str, path: &str, names: &[&str]) -> Error {
    let e = match r {
        Ok(q) => panic!(
            "expected error {code} at `{path}`, got a quote: {:?}",
            q.totals
        ),
        Err(e) => e,
    };
    assert_eq!(e.code(), code, "code of {e:?}");
    assert_eq!(e.path(), path, "path of {e:?}");
    let msg = e.to_string();
    if !path.is_empty() {
        assert!(
            msg.contains(path),
            "message `{msg}` should name the path `{path}`"
        );
    }
    for n in names {
        assert!(msg.contains(n), "message `{msg}` should contain `{n}`");
    }
    assert!(e.is_input_error(), "{code} is an input error");
    e
}

#[track_caller]
fn with(mut v: Value, pointer: &str, new: Value) -> Value {
    *v.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer} in the base basket")) = new;
    v
}

#[track_caller]
fn without(mut v: Value, parent: &str, key: &str) -> Value {
    v.pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .and_then(|o| o.remove(key))
        .unwrap_or_else(|| panic!("no {parent}/{key}"));
    v
}

#[test]
fn the_base_basket_is_valid() {
    let q = quote_value(&base()).expect("base basket quotes");
    assert_eq!(q.destination, "DE");
    assert_eq!(q.lines.len(), 1);
}

// ---- invalid_json --------------------------------------------------------------------------

#[test]
fn invalid_json_not_json() {
    let e = quote_text("{\"destination\": \"DE\",").unwrap_err();
    assert_eq!(e.code(), "invalid_json");
    assert!(e.to_string().contains("invalid JSON"), "{e}");
    let e = quote_text("hello").unwrap_err();
    assert_eq!(e.code(), "invalid_json");
    assert_eq!(e.path(), "");
    let e = quote_text("").unwrap_err();
    assert_eq!(e.code(), "invalid_json");
}

#[test]
fn invalid_json_after_a_whole_basket() {
    // Found by the server's mutation fuzzer: two baskets back to back parsed as the first (the
    // server then failed on the rest with a 500).
    let one = base().to_string();
    for text in [format!("{one}{one}"), format!("{one} x"), format!("{one}]")] {
        let e = quote_text(&text).unwrap_err();
        assert_eq!((e.code(), e.path()), ("invalid_json", ""), "{e}");
        assert!(e.to_string().contains("trailing"), "{e}");
    }
    // White space after the value is fine.
    assert!(quote_text(&format!("{one} \n")).is_ok());
}

#[test]
fn invalid_json_inside_an_item_is_located_in_the_item() {
    let text = r#"{"destination":"DE","currency":"EUR","channel":"courier","items":[{"id":"a",}]}"#;
    let e = quote_text(text).unwrap_err();
    assert_eq!(e.code(), "invalid_json");
    assert!(e.path().starts_with("items[0]"), "{e:?}");
}

#[test]
fn invalid_json_inside_an_item_names_where_the_parser_stopped() {
    let text = r#"{"destination":"DE","currency":"EUR","channel":"courier","items":[{"id":"a",}]}"#;
    let e = quote_text(text).unwrap_err();
    assert_eq!(e.code(), "invalid_json");
    assert_eq!(e.path(), "items[0]", "{e:?}");
    assert!(e.to_string().starts_with("items[0]: invalid JSON"), "{e}");
}

// ---- unknown_field -------------------------------------------------------------------------

#[test]
fn unknown_field_top_level() {
    let mut v = base();
    v["colour"] = json!("red");
    let e = expect_err(quote_value(&v), "unknown_field", "", &["`colour`"]);
    assert!(matches!(e, Error::UnknownField { ref field, .. } if field == "colour"));
}

#[test]
fn unknown_field_in_an_item_names_the_item() {
    let mut v = base();
    v["items"][0]["colour"] = json!("red");
    let e = expect_err(quote_value(&v), "unknown_field", "items[0]", &["`colour`"]);
    assert!(matches!(e, Error::UnknownField { ref field, .. } if field == "colour"));
}

#[test]
fn unknown_field_in_the_second_item() {
    let mut v = base();
    let mut second = v["items"][0].clone();
    second["id"] = json!("cap");
    second["size"] = json!("L");
    v["items"].as_array_mut().unwrap().push(second);
    expect_err(quote_value(&v), "unknown_field", "items[1]", &["`size`"]);
}

#[test]
fn unknown_field_in_seller_and_buyer() {
    let mut v = base();
    v["seller"] = json!({"registrations": [], "vat_number": "DE123"});
    expect_err(
        quote_value(&v),
        "unknown_field",
        "seller",
        &["`vat_number`"],
    );
    let mut v = base();
    v["buyer"] = json!({"kind": "consumer", "age": 30});
    expect_err(quote_value(&v), "unknown_field", "buyer", &["`age`"]);
}

// ---- missing_field -------------------------------------------------------------------------

#[test]
fn missing_field_top_level() {
    let e = expect_err(
        quote_value(&without(base(), "", "currency")),
        "missing_field",
        "",
        &["`currency`"],
    );
    assert!(matches!(e, Error::MissingField { ref field, .. } if field == "currency"));
    expect_err(
        quote_value(&without(base(), "", "channel")),
        "missing_field",
        "",
        &["`channel`"],
    );
}

#[test]
fn missing_field_in_an_item() {
    expect_err(
        quote_value(&without(base(), "/items/0", "unit_price")),
        "missing_field",
        "items[0]",
        &["`unit_price`"],
    );
    expect_err(
        quote_value(&without(base(), "/items/0", "origin")),
        "missing_field",
        "items[0]",
        &["`origin`"],
    );
}

// ---- invalid_value -------------------------------------------------------------------------

#[test]
fn invalid_value_unknown_channel() {
    expect_err(
        quote_value(&with(base(), "/channel", json!("pigeon"))),
        "invalid_value",
        "channel",
        &["pigeon"],
    );
}

#[test]
fn invalid_value_unknown_registration() {
    let mut v = base();
    v["seller"] = json!({"registrations": ["EU_IOSS", "XX_VAT"]});
    expect_err(
        quote_value(&v),
        "invalid_value",
        "seller.registrations[1]",
        &["XX_VAT", "EU_IOSS"],
    );
}

#[test]
fn invalid_value_unknown_incoterm_buyer_and_consignment() {
    let mut v = base();
    v["incoterm"] = json!("EXW");
    expect_err(quote_value(&v), "invalid_value", "incoterm", &["EXW"]);
    let mut v = base();
    v["buyer"] = json!({"kind": "robot"});
    expect_err(quote_value(&v), "invalid_value", "buyer.kind", &["robot"]);
    let mut v = base();
    v["consignment"] = json!("loan");
    expect_err(quote_value(&v), "invalid_value", "consignment", &["loan"]);
}

#[test]
fn invalid_value_wrong_json_types() {
    // A quantity must be a JSON integer.
    expect_err(
        quote_value(&with(base(), "/items/0/quantity", json!("2"))),
        "invalid_value",
        "items[0].quantity",
        &[],
    );
    expect_err(
        quote_value(&with(base(), "/items/0/quantity", json!(-1))),
        "invalid_value",
        "items[0].quantity",
        &[],
    );
    expect_err(
        quote_value(&with(base(), "/items/0/quantity", json!(1.5))),
        "invalid_value",
        "items[0].quantity",
        &[],
    );
    expect_err(
        quote_value(&with(base(), "/items", json!({"a": 1}))),
        "invalid_value",
        "items",
        &[],
    );
    expect_err(
        quote_value(&with(base(), "/destination", json!(49))),
        "invalid_value",
        "destination",
        &[],
    );
}

// ---- unknown_country / unsupported_destination ---------------------------------------------

#[test]
fn unknown_country_destination_origin_and_ship_from() {
    expect_err(
        quote_value(&with(base(), "/destination", json!("XX"))),
        "unknown_country",
        "destination",
        &["`XX`"],
    );
    expect_err(
        quote_value(&with(base(), "/destination", json!("DEU"))),
        "unknown_country",
        "destination",
        &["`DEU`"],
    );
    expect_err(
        quote_value(&with(base(), "/items/0/origin", json!("ZZ"))),
        "unknown_country",
        "items[0].origin",
        &["`ZZ`"],
    );
    let mut v = base();
    v["ship_from"] = json!("China");
    expect_err(
        quote_value(&v),
        "unknown_country",
        "ship_from",
        &["`China`"],
    );
}

#[test]
fn unsupported_destination_real_country_not_in_pack() {
    let e = expect_err(
        quote_value(&with(base(), "/destination", json!("BR"))),
        "unsupported_destination",
        "destination",
        &["`BR`", "DE"],
    );
    assert!(
        matches!(e, Error::UnsupportedDestination { ref covered, .. } if covered.contains("US"))
    );
}

#[test]
fn lower_case_destination_is_accepted() {
    let q = quote_value(&with(base(), "/destination", json!("de"))).expect("lower case ok");
    assert_eq!(q.destination, "DE");
}

// ---- unknown_currency ----------------------------------------------------------------------

#[test]
fn unknown_currency() {
    expect_err(
        quote_value(&with(base(), "/currency", json!("XYZ"))),
        "unknown_currency",
        "currency",
        &["`XYZ`"],
    );
    expect_err(
        quote_value(&with(base(), "/currency", json!("EURO"))),
        "unknown_currency",
        "currency",
        &["`EURO`"],
    );
    let mut v = base();
    v["display_currency"] = json!("ABC");
    expect_err(
        quote_value(&v),
        "unknown_currency",
        "display_currency",
        &["`ABC`"],
    );
}

// ---- invalid_amount / negative_amount ------------------------------------------------------

#[test]
fn invalid_amount_strings() {
    for bad in [
        "12,50", "abc", "1e3", "", " ", ".", "1.2.3", "+5", "$12", "0x10", "12 50", "NaN",
    ] {
        expect_err(
            quote_value(&with(base(), "/items/0/unit_price", json!(bad))),
            "invalid_amount",
            "items[0].unit_price",
            &[],
        );
    }
}

#[test]
fn invalid_amount_in_shipping_insurance_weight_and_fx() {
    let mut v = base();
    v["shipping"] = json!("five");
    expect_err(quote_value(&v), "invalid_amount", "shipping", &["`five`"]);
    let mut v = base();
    v["insurance"] = json!("1,00");
    expect_err(quote_value(&v), "invalid_amount", "insurance", &["`1,00`"]);
    let mut v = base();
    v["items"][0]["unit_weight_kg"] = json!("0.2kg");
    expect_err(
        quote_value(&v),
        "invalid_amount",
        "items[0].unit_weight_kg",
        &["`0.2kg`"],
    );
    let mut v = base();
    v["currency"] = json!("USD");
    v["fx"] = json!({"USD/EUR": "ninety"});
    expect_err(
        quote_value(&v),
        "invalid_amount",
        "fx.USD/EUR",
        &["`ninety`"],
    );
}

#[test]
fn amount_as_json_number_is_an_invalid_value_naming_the_field() {
    // The contract carries amounts as decimal strings; a JSON number is the wrong JSON type.
    let e = expect_err(
        quote_value(&with(base(), "/items/0/unit_price", json!(12.5))),
        "invalid_value",
        "items[0].unit_price",
        &["string"],
    );
    assert!(matches!(e, Error::InvalidValue { .. }));
    expect_err(
        quote_value(&with(base(), "/shipping", json!(5))),
        "invalid_value",
        "shipping",
        &["string"],
    );
}

#[test]
fn negative_amounts() {
    expect_err(
        quote_value(&with(base(), "/items/0/unit_price", json!("-12.50"))),
        "negative_amount",
        "items[0].unit_price",
        &["`-12.50`"],
    );
    expect_err(
        quote_value(&with(base(), "/shipping", json!("-0.01"))),
        "negative_amount",
        "shipping",
        &["`-0.01`"],
    );
    let mut v = base();
    v["insurance"] = json!("-1");
    expect_err(quote_value(&v), "negative_amount", "insurance", &["`-1`"]);
}

#[test]
fn negative_zero_and_plain_forms_are_accepted() {
    for ok in ["-0", "0", "0.00", "12", "012.50"] {
        let r = quote_value(&with(base(), "/items/0/unit_price", json!(ok)));
        assert!(r.is_ok(), "{ok:?}: {r:?}");
    }
}

#[test]
fn loose_forms_are_refused_not_normalised() {
    // One grammar (`landed::parse::amount`): no white space, digit separators, bare points,
    // signs other than `-`, or exponents. The server's assessed amounts use the same parser.
    for bad in [
        "12.", ".5", " 12.50 ", "1_000", "1,000", "+5", "1e3", "  5", "\t5",
    ] {
        expect_err(
            quote_value(&with(base(), "/items/0/unit_price", json!(bad))),
            "invalid_amount",
            "items[0].unit_price",
            &[],
        );
    }
}

// ---- invalid_quantity ----------------------------------------------------------------------

#[test]
fn invalid_quantity_zero() {
    expect_err(
        quote_value(&with(base(), "/items/0/quantity", json!(0))),
        "invalid_quantity",
        "items[0].quantity",
        &["from 1 to 1000000"],
    );
}

// ---- invalid_hs_code -----------------------------------------------------------------------

#[test]
fn invalid_hs_codes() {
    for bad in [
        "61O910",
        "61091",
        "61091000001",
        "abcdef",
        "",
        "6109-10",
        "6109.1",
    ] {
        expect_err(
            quote_value(&with(base(), "/items/0/hs_code", json!(bad))),
            "invalid_hs_code",
            "items[0].hs_code",
            &[],
        );
    }
}

#[test]
fn hs_codes_with_dots_and_spaces_are_accepted() {
    for ok in ["6109.10", "6109 10", "6109.10.00", "6109100010"] {
        let q = quote_value(&with(base(), "/items/0/hs_code", json!(ok)))
            .unwrap_or_else(|e| panic!("{ok}: {e}"));
        assert!(q.lines[0].hs_code.as_deref().unwrap().starts_with("610910"));
    }
}

// ---- invalid_date / date_out_of_coverage ---------------------------------------------------

#[test]
fn invalid_dates() {
    for bad in [
        "2026-13-01",
        "2026-02-30",
        "01/07/2026",
        "2026-7-1",
        "2026-07-01T00:00",
        "",
        "yesterday",
    ] {
        expect_err(
            quote_value(&with(base(), "/date", json!(bad))),
            "invalid_date",
            "date",
            &[],
        );
    }
}

#[test]
fn date_before_coverage() {
    let e = expect_err(
        quote_value(&with(base(), "/date", json!("2015-12-31"))),
        "date_out_of_coverage",
        "date",
        &["2015-12-31", "DE"],
    );
    assert!(
        matches!(e, Error::DateOutOfCoverage { from, .. } if from == Date::new(2016, 1, 1).unwrap())
    );
    // The first covered day is fine.
    assert!(quote_value(&with(base(), "/date", json!("2016-01-01"))).is_ok());
}

#[test]
fn date_on_or_after_refuse_from() {
    let p = pack();
    let refuse = p.destination("DE").unwrap().coverage.refuse_from;
    let e = expect_err(
        quote_value(&with(base(), "/date", json!(refuse.to_string()))),
        "date_out_of_coverage",
        "date",
        &[&refuse.to_string()],
    );
    assert!(matches!(e, Error::DateOutOfCoverage { refuse_from, .. } if refuse_from == refuse));
    let before = Date::from_days_since_epoch(refuse.days_since_epoch() - 1).unwrap();
    assert!(quote_value(&with(base(), "/date", json!(before.to_string()))).is_ok());
    expect_err(
        quote_value(&with(base(), "/date", json!("2099-01-01"))),
        "date_out_of_coverage",
        "date",
        &[],
    );
}

#[test]
fn date_in_a_refused_window() {
    // A window inside coverage whose law the rules lack is refused with the same code, naming the window and why.
    let mut p = pack();
    let de = p
        .body
        .destinations
        .iter_mut()
        .find(|d| d.code == "DE")
        .unwrap();
    de.coverage
        .refused
        .push(landed::pack::model::RefusedWindow {
            from: Date::new(2019, 1, 1).unwrap(),
            until: Date::new(2019, 2, 1).unwrap(),
            reason: "a test window".into(),
            reference: "https://example.org/law".into(),
        });
    let at = |d: &str| {
        landed::Quoter::new(&p).quote_json(&with(base(), "/date", json!(d)).to_string(), today())
    };
    let e = expect_err(
        at("2019-01-31"),
        "date_out_of_coverage",
        "date",
        &[
            "2019-01-31",
            "DE",
            "a test window",
            "https://example.org/law",
        ],
    );
    assert!(
        matches!(e, Error::DateRefused { window, .. } if window.until == Date::new(2019, 2, 1).unwrap())
    );
    expect_err(at("2019-01-01"), "date_out_of_coverage", "date", &[]);
    // The days either side are quoted.
    assert!(at("2018-12-31").is_ok());
    assert!(at("2019-02-01").is_ok());
}

#[test]
fn default_date_is_today_and_is_checked_too() {
    let v = without(base(), "", "date");
    let e = landed::Quoter::new(&pack())
        .quote_json(&v.to_string(), Date::new(2030, 1, 1).unwrap())
        .unwrap_err();
    assert_eq!(e.code(), "date_out_of_coverage");
    assert_eq!(e.path(), "date");
}

// ---- empty_basket --------------------------------------------------------------------------

#[test]
fn empty_basket() {
    expect_err(
        quote_value(&with(base(), "/items", json!([]))),
        "empty_basket",
        "items",
        &["no items"],
    );
}

// ---- invalid_region ------------------------------------------------------------------------

fn canada() -> Value {
    let mut v = base();
    v["destination"] = json!("CA");
    v["currency"] = json!("CAD");
    v["date"] = json!("2026-05-01");
    v
}

#[test]
fn invalid_region_missing_for_canada() {
    expect_err(
        quote_value(&canada()),
        "invalid_region",
        "destination_region",
        &["ON"],
    );
}

#[test]
fn invalid_region_unknown_for_canada() {
    let mut v = canada();
    v["destination_region"] = json!("XX");
    expect_err(
        quote_value(&v),
        "invalid_region",
        "destination_region",
        &["`XX`", "ON"],
    );
}

#[test]
fn region_is_case_insensitive() {
    let mut v = canada();
    v["destination_region"] = json!("on");
    let q = quote_value(&v).expect("lower-case province accepted");
    assert_eq!(q.destination_region.as_deref(), Some("ON"));
}

// ---- fx_unavailable ------------------------------------------------------------------------

#[test]
fn fx_unavailable_bad_pair_syntax() {
    let mut v = base();
    v["currency"] = json!("USD");
    v["fx"] = json!({"USDEUR": "0.92"});
    expect_err(quote_value(&v), "fx_unavailable", "fx.USDEUR", &["USDEUR"]);
}

#[test]
fn fx_unavailable_zero_rate() {
    let mut v = base();
    v["currency"] = json!("USD");
    v["fx"] = json!({"USD/EUR": "0"});
    expect_err(
        quote_value(&v),
        "fx_unavailable",
        "fx.USD/EUR",
        &["between 0.000001 and"],
    );
    v["fx"] = json!({"USD/EUR": "2000000"});
    expect_err(
        quote_value(&v),
        "fx_unavailable",
        "fx.USD/EUR",
        &["between"],
    );
    v["fx"] = json!({"USD/EUR": "0.000"});
    expect_err(quote_value(&v), "fx_unavailable", "fx.USD/EUR", &[]);
}

#[test]
fn fx_override_with_unknown_currency() {
    let mut v = base();
    v["currency"] = json!("USD");
    v["fx"] = json!({"USD/EUX": "0.9"});
    expect_err(
        quote_value(&v),
        "unknown_currency",
        "fx.USD/EUX",
        &["`EUX`"],
    );
}

#[test]
fn fx_unavailable_no_reference_rate() {
    let mut v = base();
    v["currency"] = json!("ARS");
    expect_err(quote_value(&v), "fx_unavailable", "currency", &["ARS"]);
    // With an override the basket quotes.
    v["fx"] = json!({"ARS/EUR": "0.001"});
    let q = quote_value(&v).expect("override makes ARS usable");
    assert_eq!(q.currency, "EUR");
    // An inverted override is used as well.
    v["fx"] = json!({"EUR/ARS": "1000"});
    assert!(quote_value(&v).is_ok());
}

#[test]
fn fx_unavailable_for_the_display_currency() {
    let mut v = base();
    v["display_currency"] = json!("ARS");
    expect_err(
        quote_value(&v),
        "fx_unavailable",
        "display_currency",
        &["ARS"],
    );
}

// ---- duplicate_item_id ---------------------------------------------------------------------

#[test]
fn duplicate_item_id() {
    let mut v = base();
    let second = v["items"][0].clone();
    v["items"].as_array_mut().unwrap().push(second);
    expect_err(
        quote_value(&v),
        "duplicate_item_id",
        "items[1].id",
        &["`tee`"],
    );
}

/// A long basket (ids checked by hash, not pairwise) names the first repeat, and only after the
/// errors of the lines before it, as a short one does.
#[test]
fn duplicate_item_id_in_a_long_basket() {
    let mut v = base();
    let line = v["items"][0].clone();
    let items: Vec<Value> = (0..200)
        .map(|i| {
            let mut l = line.clone();
            l["id"] = json!(format!("sku-{}", if i == 150 { 77 } else { i }));
            l
        })
        .collect();
    v["items"] = json!(items);
    expect_err(
        quote_value(&v),
        "duplicate_item_id",
        "items[150].id",
        &["`sku-77`"],
    );
    v["items"][120]["quantity"] = json!(0);
    expect_err(
        quote_value(&v),
        "invalid_quantity",
        "items[120].quantity",
        &[],
    );
    v["items"][150]["id"] = json!("sku-150");
    v["items"][120]["quantity"] = json!(1);
    assert_eq!(
        quote_value(&v).expect("distinct ids quote").lines.len(),
        200
    );
}

// ---- overflow ------------------------------------------------------------------------------

const HUGE: &str = "79228162514264337593543950335";

/// A huge amount must give a quote or a typed error, never a panic.
#[track_caller]
fn no_panic(v: Value) {
    let text = v.to_string();
    let r = std::panic::catch_unwind(|| landed::Quoter::new(&pack()).quote_json(&text, today()));
    match r {
        Err(_) => panic!("the engine panicked on {text}"),
        Ok(Ok(_)) => {}
        Ok(Err(e)) => {
            assert!(
                ["overflow", "invalid_amount", "amount_too_large"].contains(&e.code()),
                "unexpected error {e:?} for {text}"
            );
            if e.code() == "overflow" {
                assert!(!e.is_input_error());
                assert!(!e.path().is_empty(), "an overflow names the figure: {e:?}");
            }
        }
    }
}

#[test]
fn huge_quantity_is_refused() {
    let mut v = base();
    v["items"][0]["quantity"] = json!(4_000_000_000u32);
    expect_err(
        quote_value(&v),
        "invalid_quantity",
        "items[0].quantity",
        &["1000000"],
    );
}

#[test]
fn amount_too_large_names_the_bound() {
    let e = expect_err(
        quote_value(&with(base(), "/items/0/unit_price", json!(HUGE))),
        "amount_too_large",
        "items[0].unit_price",
        &["100000000000"],
    );
    assert!(e.is_input_error());
    // Just below the bound is accepted, and with the largest quantity still computes exactly.
    let mut v = with(base(), "/items/0/unit_price", json!("99999999999.99"));
    v["items"][0]["quantity"] = json!(1_000_000);
    v["display_currency"] = json!("JPY");
    assert!(quote_value(&v).is_ok());
}

#[test]
fn huge_amount_converted_overflows_cleanly() {
    let mut v = base();
    v["currency"] = json!("GBP"); // GBP -> EUR rate above 1
    v["items"][0]["unit_price"] = json!(HUGE);
    v["items"][0]["quantity"] = json!(1);
    no_panic(v);
}

#[test]
fn huge_unit_price_does_not_panic() {
    let mut v = base();
    v["items"][0]["unit_price"] = json!(HUGE);
    v["items"][0]["quantity"] = json!(1);
    no_panic(v);
}

#[test]
fn huge_shipping_does_not_panic() {
    no_panic(with(base(), "/shipping", json!(HUGE)));
}

#[test]
fn huge_weight_does_not_panic() {
    let mut v = base();
    v["items"][0]["unit_weight_kg"] = json!(HUGE);
    no_panic(v);
}

#[test]
fn amounts_at_the_limits_share_transport_without_overflow() {
    // Found by the coverage-guided fuzzer (fuzz/artifacts-kept/basket): two lines at the largest
    // quantity and price, EUR to NOK, and the largest shipping. Sharing the transport multiplied
    // 1.1e12 by 1.1e18 and panicked (a trap in WASM). Now a quote or a typed error, never a panic.
    let text = r#"{"destination":"NO","currency":"EUR","channel":"post","date":"2026-11-25","items":[{"id":"a","description":"a","origin":"CN","quantity":1000000,"unit_price":"99999999999"},{"id":"b","description":"b","origin":"CN","quantity":1000000,"unit_price":"99999999999"}],"shipping":"99999999999"}"#;
    let r = std::panic::catch_unwind(|| quote_text(text));
    let q = r.expect("no panic").expect("a quote");
    let shares: rust_decimal::Decimal = q
        .lines
        .iter()
        .map(|l| l.customs_value - l.goods_value)
        .sum();
    assert_eq!(
        shares, q.totals.shipping,
        "the shares add up to the transport"
    );
}

#[test]
fn too_many_digits_is_too_large() {
    // More than 28 significant digits cannot be represented exactly: well-formed, but too large.
    expect_err(
        quote_value(&with(
            base(),
            "/items/0/unit_price",
            json!("792281625142643375935439503350"),
        )),
        "amount_too_large",
        "items[0].unit_price",
        &[],
    );
}

// ---- pack errors ---------------------------------------------------------------------------

fn pack_code(bytes: &[u8]) -> (&'static str, String) {
    let e = Pack::from_bytes(bytes).expect_err("mutated pack must be refused");
    let e = Error::from(e);
    assert_eq!(e.path(), "", "pack errors have no input path");
    assert!(!e.is_input_error());
    (e.code(), e.to_string())
}

#[test]
fn default_pack_bytes_load() {
    // `from_bytes` hashes the body: the embedded bytes that `default_pack` trusts are intact.
    let p = Pack::from_bytes(landed::DEFAULT_PACK).expect("default pack");
    assert_eq!(p.header.destinations.len(), 37);
    assert_eq!(landed::default_pack().unwrap(), p);
}

#[test]
fn pack_bad_magic() {
    let mut b = landed::DEFAULT_PACK.to_vec();
    b[0] = b'X';
    let (code, msg) = pack_code(&b);
    assert_eq!(code, "pack_bad_magic");
    assert!(msg.contains("magic"), "{msg}");
    assert_eq!(pack_code(b"").0, "pack_bad_magic");
    assert_eq!(pack_code(b"LAND").0, "pack_bad_magic");
    assert_eq!(pack_code(b"{\"not\": \"a pack\"}").0, "pack_bad_magic");
}

#[test]
fn pack_unsupported_version() {
    let mut b = landed::DEFAULT_PACK.to_vec();
    b[8..10].copy_from_slice(&1u16.to_le_bytes());
    let e = Pack::from_bytes(&b).unwrap_err();
    assert_eq!(
        e,
        PackError::UnsupportedVersion {
            found: 1,
            supported: landed::pack::FORMAT_VERSION
        }
    );
    let (code, msg) = pack_code(&b);
    assert_eq!(code, "pack_unsupported_version");
    assert!(
        msg.contains(&format!("version {}", landed::pack::FORMAT_VERSION)),
        "{msg}"
    );
}

#[test]
fn pack_truncated() {
    let b = landed::DEFAULT_PACK;
    for len in [9, 13, 20, b.len() / 2, b.len() - 1] {
        let (code, msg) = pack_code(&b[..len]);
        assert_eq!(code, "pack_truncated", "truncated to {len}: {msg}");
        assert!(msg.contains("truncated"), "{msg}");
    }
}

#[test]
fn pack_corrupted() {
    let mut b = landed::DEFAULT_PACK.to_vec();
    let last = b.len() - 1;
    b[last] ^= 0xFF;
    let (code, msg) = pack_code(&b);
    assert_eq!(code, "pack_corrupted");
    assert!(msg.contains("corrupted"), "{msg}");
    let mut b = landed::DEFAULT_PACK.to_vec();
    let mid = b.len() - 1000;
    b[mid] = b[mid].wrapping_add(1);
    assert_eq!(pack_code(&b).0, "pack_corrupted");
}

#[test]
fn pack_malformed_trailing_bytes() {
    let mut b = landed::DEFAULT_PACK.to_vec();
    b.push(0);
    let (code, msg) = pack_code(&b);
    assert_eq!(code, "pack_malformed");
    assert!(msg.contains("trailing"), "{msg}");
}

#[test]
fn pack_malformed_header() {
    // A header length of zero leaves nothing to decode the header from.
    let mut b = landed::DEFAULT_PACK.to_vec();
    b[10..14].copy_from_slice(&0u32.to_le_bytes());
    let (code, msg) = pack_code(&b);
    assert_eq!(code, "pack_malformed", "{msg}");
}

#[test]
fn pack_malformed_inconsistent_body() {
    // A well-hashed body that breaks the structural checks (destinations out of order).
    let p = pack();
    let mut body = p.body.clone();
    body.destinations.reverse();
    let bytes = Pack::to_bytes(p.header.clone(), &body).expect("encodes");
    let (code, msg) = pack_code(&bytes);
    assert_eq!(code, "pack_malformed");
    assert!(msg.contains("sorted"), "{msg}");
}

#[test]
fn pack_round_trips() {
    let p = pack();
    let bytes = Pack::to_bytes(p.header.clone(), &p.body).expect("encodes");
    assert_eq!(Pack::from_bytes(&bytes).expect("decodes"), p);
}

#[test]
fn arbitrary_bytes_after_the_prefix_never_panic() {
    let mut b = landed::DEFAULT_PACK[..14].to_vec();
    for i in 0u8..=255 {
        b.push(i);
        let r = std::panic::catch_unwind(|| Pack::from_bytes(&b));
        assert!(matches!(r, Ok(Err(_))), "byte {i}");
    }
}

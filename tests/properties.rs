//! Property tests over random valid baskets for every destination of the default pack.
//!
//! Cases per property: `PROPTEST_CASES` if set, else `cases` in `proptest.toml` (dev tier 100;
//! CI runs `PROPTEST_CASES=1000`).
//!
//! Properties:
//! - (a) duty, tax, fees and every line's duty and tax are never negative;
//! - (b) totals are the (rounded) sums of the lines, landed cost is the sum of its parts, checkout
//!   plus delivery is the landed cost, and DDP leaves nothing due at delivery;
//! - (c) the order of the items does not change the totals;
//! - (d) a consignment that passes a de minimis test whose effect waives duty owes no duty on the
//!   lines the measure concerns (save the measure's own surcharge);
//! - (e) every valid basket quotes, and a mangled basket gives a quote or a typed error, never a panic.

use landed::money::round_with;
use landed::pack::model::{
    Conditions, DutyEffect, Measure, RoundingPoint, RoundingStrategy, Scope,
};
use landed::quote::{DutyStatus, Quote};
use landed::{Date, Pack};
use proptest::prelude::*;
use proptest::test_runner::{FileFailurePersistence, TestCaseError};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::sync::OnceLock;

fn pack() -> &'static Pack {
    static PACK: OnceLock<Pack> = OnceLock::new();
    PACK.get_or_init(|| landed::default_pack().expect("default pack"))
}

/// Cases per property: `PROPTEST_CASES`, else `proptest.toml`, else 100.
fn cases() -> u32 {
    if let Some(n) = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        return n;
    }
    let toml = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/proptest.toml"))
        .unwrap_or_default();
    toml.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter_map(|l| l.strip_prefix("cases"))
        .filter_map(|l| l.trim().strip_prefix('='))
        .find_map(|v| v.trim().parse().ok())
        .unwrap_or(100)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/properties.txt",
        ))),
        ..ProptestConfig::default()
    }
}

/// A fixed "today"; every generated basket carries its own date.
fn today() -> Date {
    Date::new(2026, 11, 25).unwrap()
}

/// Real HS 2022 subheadings present in the tariffs.
const HS: &[&str] = &[
    "610910", "620342", "640399", "851713", "910211", "420221", "950300", "330499", "847130",
    "490199", "620462", "711319", "852852", "392690", "691200",
];
const ORIGINS: &[&str] = &[
    "CN", "US", "GB", "DE", "JP", "VN", "IN", "MX", "HK", "TR", "FR", "CA",
];
const REGISTRATIONS: &[&str] = landed::basket::REGISTRATIONS;
const CA_REGIONS: &[&str] = &[
    "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT",
];
const OTHER_CURRENCIES: &[&str] = &["EUR", "USD", "GBP", "JPY", "CHF", "CNY"];

fn money(cents: u64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

#[derive(Clone, Debug)]
struct ItemSpec {
    hs: Option<usize>,
    extra_digits: Option<u16>,
    origin: usize,
    quantity: u32,
    price_cents: u64,
    weight_grams: Option<u32>,
}

fn item_spec() -> impl Strategy<Value = ItemSpec> {
    (
        prop_oneof![9 => (0..HS.len()).prop_map(Some), 1 => Just(None)],
        prop_oneof![4 => Just(None), 1 => (0u16..100).prop_map(Some)],
        0..ORIGINS.len(),
        1u32..=5,
        prop_oneof![
            3 => 1u64..=3_000,       // up to 30.00: small parcels
            3 => 1u64..=20_000,      // up to 200.00: around the de minimis thresholds
            2 => 1u64..=500_000,     // up to 5000.00
            1 => Just(15_000u64),    // exactly 150.00
        ],
        prop_oneof![1 => Just(None), 2 => (1u32..5000).prop_map(Some)],
    )
        .prop_map(
            |(hs, extra_digits, origin, quantity, price_cents, weight_grams)| ItemSpec {
                hs,
                extra_digits,
                origin,
                quantity,
                price_cents,
                weight_grams,
            },
        )
}

/// A random valid basket for a random destination of the pack.
fn basket() -> impl Strategy<Value = Value> {
    let n_dest = pack().body.destinations.len();
    (
        (0..n_dest, 0..=OTHER_CURRENCIES.len(), (any::<bool>(), any::<u32>()), 0..CA_REGIONS.len()),
        prop::collection::vec(item_spec(), 1..=6),
        (
            prop_oneof![1 => Just(None), 3 => (0u64..10_000).prop_map(Some)],
            prop_oneof![3 => Just(None), 1 => (0u64..2_000).prop_map(Some)],
        ),
        (any::<bool>(), prop_oneof![2 => Just(None), 1 => (0..ORIGINS.len()).prop_map(Some)]),
        (0u16..(1 << REGISTRATIONS.len()), any::<bool>(), any::<bool>(), any::<bool>()),
        (
            prop_oneof![3 => Just(None), 1 => (0..OTHER_CURRENCIES.len()).prop_map(Some)],
            prop_oneof![3 => Just(None), 1 => (1u32..100_000).prop_map(Some)],
        ),
    )
        .prop_map(
            |(
                (d, cur, (recent, day), region),
                items,
                (shipping, insurance),
                (post, ship_from),
                (regs, dap, business, gift),
                (display, fx_override),
            )| {
                let p = pack();
                let dest = &p.body.destinations[d];
                let currency = if cur == OTHER_CURRENCIES.len() {
                    dest.currency.as_str()
                } else {
                    OTHER_CURRENCIES[cur]
                };
                // Half the dates fall in the current rules (2026 on), half anywhere in coverage.
                let from = dest.coverage.from.days_since_epoch();
                let from = if recent {
                    from.max(Date::new(2026, 1, 1).unwrap().days_since_epoch())
                } else {
                    from
                };
                let last = (dest.coverage.refuse_from.days_since_epoch() - 1)
                    .min(Date::new(2027, 12, 31).unwrap().days_since_epoch());
                let date = Date::from_days_since_epoch(from + i64::from(day) % (last - from + 1)).unwrap();
                let items: Vec<Value> = items
                    .iter()
                    .enumerate()
                    .map(|(i, it)| {
                        let mut o = json!({
                            "id": format!("sku-{i}"),
                            "description": format!("article {i}"),
                            "origin": ORIGINS[it.origin],
                            "quantity": it.quantity,
                            "unit_price": money(it.price_cents),
                        });
                        if let Some(h) = it.hs {
                            let code = match it.extra_digits {
                                Some(x) => format!("{}.{:02}", HS[h], x),
                                None => HS[h].to_string(),
                            };
                            o["hs_code"] = json!(code);
                        }
                        if let Some(g) = it.weight_grams {
                            o["unit_weight_kg"] = json!(format!("{}.{:03}", g / 1000, g % 1000));
                        }
                        o
                    })
                    .collect();
                let mut b = json!({
                    "destination": dest.code,
                    "date": date.to_string(),
                    "currency": currency,
                    "channel": if post { "post" } else { "courier" },
                    "incoterm": if dap { "DAP" } else { "DDP" },
                    "items": items,
                    "seller": {"registrations": REGISTRATIONS.iter().enumerate()
                        .filter(|(i, _)| regs & (1 << i) != 0).map(|(_, r)| *r).collect::<Vec<_>>()},
                    "buyer": {"kind": if business { "business" } else { "consumer" }},
                    "consignment": if gift { "gift" } else { "sale" },
                });
                if dest.code == "CA" {
                    b["destination_region"] = json!(CA_REGIONS[region]);
                }
                if let Some(s) = shipping {
                    b["shipping"] = json!(money(s));
                }
                if let Some(s) = insurance {
                    b["insurance"] = json!(money(s));
                }
                if let Some(s) = ship_from {
                    b["ship_from"] = json!(ORIGINS[s]);
                }
                if let Some(c) = display {
                    b["display_currency"] = json!(OTHER_CURRENCIES[c]);
                }
                if let (Some(r), true) = (fx_override, currency != dest.currency) {
                    b["fx"] = json!({ format!("{currency}/{}", dest.currency): format!("{}.{:04}", r / 10_000, r % 10_000) });
                }
                b
            },
        )
}

fn quote(b: &Value) -> Result<Quote, landed::Error> {
    landed::Quoter::new(pack()).quote_json(&b.to_string(), today())
}

#[track_caller]
fn quote_ok(b: &Value) -> Quote {
    match quote(b) {
        Ok(q) => q,
        Err(e) => panic!("valid basket refused: {e:?} ({}): {b}", e.code()),
    }
}

fn rounding(q: &Quote) -> landed::pack::model::Rounding {
    pack()
        .destination(&q.destination)
        .unwrap()
        .rounding
        .at(q.date)
        .unwrap()
        .value
}

/// The tax split of the quote's destination on its date, where its tax has one (Japan).
fn tax_split(q: &Quote) -> Option<landed::pack::model::TaxSplit> {
    let tax = pack().destination(&q.destination)?.tax.as_ref()?;
    tax.split.at(q.date).map(|s| s.value.clone())
}

/// The total a split tax comes to, recomputed from the lines (Customs Answer 1111): each line's
/// national part is its rate's national share of its (truncated) base, truncated; the rest of the
/// line's tax is its local part; the total truncates the national parts' exact sum and the local
/// parts' sum. A line whose own national part truncates to nothing (collected by nobody) still adds
/// its exact national part; a line taxed at the point of sale keeps its own amount.
fn split_total(q: &Quote, s: &landed::pack::model::TaxSplit) -> Decimal {
    let trunc = |v| landed::money::truncate_to_increment(v, s.tax_increment).unwrap();
    let (mut national, mut local, mut other) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for l in &q.lines {
        if l.tax.collected == landed::quote::Collection::PointOfSale {
            other += l.tax.amount;
            continue;
        }
        let exact = l.tax.base * l.tax.rate / Decimal::ONE_HUNDRED * s.national_share;
        national += exact;
        local += l.tax.amount - trunc(exact);
    }
    trunc(national) + trunc(local) + other
}

/// The line filters of a measure (as the engine applies them).
fn line_matches(c: &Conditions, origin: &str, hs: Option<&str>) -> bool {
    let prefixed =
        |list: &[String]| hs.is_some_and(|h| list.iter().any(|p| h.starts_with(p.as_str())));
    (c.origins.is_empty() || c.origins.iter().any(|o| o == origin))
        && !c.not_origins.iter().any(|o| o == origin)
        && (c.hs_prefixes.is_empty() || prefixed(&c.hs_prefixes))
        && !prefixed(&c.not_hs_prefixes)
}

fn hs_digits(item: &Value) -> Option<String> {
    item["hs_code"]
        .as_str()
        .map(|h| h.chars().filter(char::is_ascii_digit).collect())
}

fn permuted(b: &Value, rotate: usize, reverse: bool) -> Value {
    let mut b = b.clone();
    let items = b["items"].as_array_mut().unwrap();
    let n = items.len();
    items.rotate_left(rotate % n);
    if reverse {
        items.reverse();
    }
    b
}

fn transport_is_kept(b: &Value, q: &Quote) -> Result<(), TestCaseError> {
    let r = rounding(q);
    let t = &q.totals;
    for (name, given, total) in [
        ("shipping", &b["shipping"], t.shipping),
        ("insurance", &b["insurance"], t.insurance),
    ] {
        let given: Decimal = given.as_str().unwrap_or("0").parse().unwrap();
        prop_assert_eq!(total, round_with(given, &r), "totals.{} for {}", name, b);
    }
    Ok(())
}

const ALL_CODES: &[&str] = &[
    "invalid_json",
    "unknown_field",
    "missing_field",
    "invalid_value",
    "unknown_country",
    "unsupported_destination",
    "unknown_currency",
    "invalid_amount",
    "negative_amount",
    "invalid_quantity",
    "invalid_hs_code",
    "invalid_date",
    "date_out_of_coverage",
    "empty_basket",
    "invalid_region",
    "fx_unavailable",
    "duplicate_item_id",
    "overflow",
];

/// The measure a threshold outcome belongs to: its rule id, less the `.waive_at_most` of a rate
/// table's waiver test.
fn measure_of(rule: &str) -> &str {
    rule.strip_suffix(".waive_at_most").unwrap_or(rule)
}

proptest! {
    #![proptest_config(config())]

    /// (e) Every generated valid basket quotes (no panic, no error), with one line per item in order.
    #[test]
    fn every_valid_basket_quotes(b in basket()) {
        let q = quote_ok(&b);
        let items = b["items"].as_array().unwrap();
        prop_assert_eq!(q.lines.len(), items.len());
        for (l, it) in q.lines.iter().zip(items) {
            prop_assert_eq!(&l.id, it["id"].as_str().unwrap());
        }
        prop_assert_eq!(q.destination.as_str(), b["destination"].as_str().unwrap());
        prop_assert_eq!(q.date.to_string(), b["date"].as_str().unwrap());
        let dest = pack().destination(&q.destination).unwrap();
        prop_assert_eq!(&q.currency, &dest.currency);
        // Every threshold outcome names a measure of the destination (a rate table's waiver test
        // its measure's id with `.waive_at_most`).
        for t in &q.thresholds {
            prop_assert!(dest.measures.iter().any(|m| m.id == measure_of(&t.rule)), "unknown rule {}", t.rule);
        }
    }

    /// (a) Nothing is negative.
    #[test]
    fn amounts_are_never_negative(b in basket()) {
        let q = quote_ok(&b);
        let t = &q.totals;
        for (name, v) in [("goods", t.goods), ("shipping", t.shipping), ("insurance", t.insurance),
            ("customs_value", t.customs_value), ("duty", t.duty), ("tax", t.tax), ("fees", t.fees),
            ("landed_cost", t.landed_cost), ("due_at_checkout", t.due_at_checkout),
            ("due_at_delivery", t.due_at_delivery)] {
            prop_assert!(!v.is_sign_negative() || v.is_zero(), "totals.{} = {} < 0 for {}", name, v, b);
        }
        for l in &q.lines {
            prop_assert!(l.duty.amount >= Decimal::ZERO, "line {} duty {} < 0 for {}", l.id, l.duty.amount, b);
            prop_assert!(l.tax.amount >= Decimal::ZERO, "line {} tax {} < 0 for {}", l.id, l.tax.amount, b);
            prop_assert!(l.tax.base >= Decimal::ZERO);
            prop_assert!(l.customs_value >= Decimal::ZERO);
        }
        for f in &q.fees {
            prop_assert!(f.amount >= Decimal::ZERO, "fee {} = {} < 0", f.rule, f.amount);
        }
    }

    /// (b) Totals add up, exactly.
    #[test]
    fn totals_add_up(b in basket()) {
        let q = quote_ok(&b);
        let t = &q.totals;
        let r = rounding(&q);
        let sum_duty: Decimal = q.lines.iter().map(|l| l.duty.amount).sum();
        let sum_tax: Decimal = match tax_split(&q) {
            // A split tax (Japan) truncates each part's sum, not the lines' sum.
            Some(s) => split_total(&q, &s),
            None => q.lines.iter().map(|l| l.tax.amount).sum(),
        };
        let sum_fees: Decimal = q.fees.iter().map(|f| f.amount).sum();
        let sum_goods: Decimal = q.lines.iter().map(|l| l.goods_value).sum();
        // Where the law truncates the duty (Japan), each line shows its truncated duty and the total
        // truncates the lines' exact sum once: it lies within one increment per line above their sum.
        let truncated_to: Option<Decimal> = q
            .explain
            .iter()
            .find(|e| e.figure == "totals.duty")
            .and_then(|e| e.formula.split("truncated to a multiple of ").nth(1))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|inc| inc.parse().ok());
        if let Some(inc) = truncated_to {
            prop_assert!(t.duty >= sum_duty, "totals.duty {} below the lines' {} for {}", t.duty, sum_duty, b);
            prop_assert!(t.duty - sum_duty < inc * Decimal::from(q.lines.len() as u64), "totals.duty for {}", b);
            prop_assert!((t.duty / inc).fract().is_zero(), "totals.duty {} not truncated to {} for {}", t.duty, inc, b);
        }
        match r.at {
            // Lines are rounded; the totals are their exact sums.
            RoundingPoint::Line => {
                prop_assert_eq!(t.duty, sum_duty, "totals.duty for {}", b);
                prop_assert_eq!(t.tax, sum_tax, "totals.tax for {}", b);
                prop_assert_eq!(t.fees, sum_fees, "totals.fees for {}", b);
            }
            // Lines keep full precision; each total is rounded once.
            RoundingPoint::Total => {
                if truncated_to.is_none() {
                    prop_assert_eq!(t.duty, round_with(sum_duty, &r), "totals.duty for {}", b);
                }
                prop_assert_eq!(t.tax, round_with(sum_tax, &r), "totals.tax for {}", b);
                prop_assert_eq!(t.fees, round_with(sum_fees, &r), "totals.fees for {}", b);
            }
        }
        prop_assert_eq!(t.goods, sum_goods, "totals.goods for {}", b);
        prop_assert_eq!(t.landed_cost, t.goods + t.shipping + t.insurance + t.duty + t.tax + t.fees);
        prop_assert_eq!(t.due_at_checkout + t.due_at_delivery, t.landed_cost, "split for {}", b);
        prop_assert!(t.due_at_checkout >= t.goods + t.shipping + t.insurance, "the price is paid at checkout: {}", b);
        if b["incoterm"] == "DDP" {
            prop_assert!(t.due_at_delivery.is_zero(), "DDP leaves {} due at delivery: {}", t.due_at_delivery, b);
            prop_assert_eq!(t.due_at_checkout, t.landed_cost);
        }
        if let Some(d) = &q.display {
            prop_assert_eq!(d.currency.as_str(), b["display_currency"].as_str().unwrap());
            prop_assert!(d.rate > Decimal::ZERO);
            prop_assert_eq!(d.totals.complete, t.complete);
            prop_assert_eq!(d.totals.duty_unknown_lines, t.duty_unknown_lines);
        }
        // A duty not computed is never silently zero: its line says so, and the totals and a
        // warning say the quote is not complete.
        let unknown: Vec<_> = q.lines.iter().filter(|l| l.duty.status == DutyStatus::Unknown).collect();
        prop_assert_eq!(t.duty_unknown_lines as usize, unknown.len(), "unknown lines for {}", b);
        prop_assert_eq!(t.complete, unknown.is_empty(), "totals.complete for {}", b);
        prop_assert_eq!(q.warnings.iter().any(|w| w.code == "duty_unknown"), !t.complete);
        for l in &q.lines {
            prop_assert_eq!(l.duty.unknown_reason.is_some(), l.duty.status == DutyStatus::Unknown);
            if l.duty.rate == "relief" {
                prop_assert_eq!(l.duty.status, DutyStatus::Waived, "line {} for {}", &l.id, b);
            }
        }
        if t.complete {
            prop_assert!(t.duty_unknown_customs_value.is_zero());
        }
    }

    /// (b) In the destination currency, the totals of transport and insurance are the basket's
    /// own (rounded). Destinations that round towards or away from zero are left to the
    /// deterministic test `jp_transport_total_is_not_lost_to_pro_rata_rounding` (a known bug).
    #[test]
    fn transport_totals_are_the_baskets_own(b in basket()) {
        let q = quote_ok(&b);
        let r = rounding(&q);
        let directed = matches!(r.strategy, RoundingStrategy::ToZero | RoundingStrategy::AwayFromZero);
        if b["currency"] == json!(q.currency) && !directed {
            transport_is_kept(&b, &q)?;
        }
    }

    /// (c) Item order changes no total; per item, goods and customs values (and, without a flat
    /// per-classification duty, duty and tax) stay with their item.
    #[test]
    fn item_order_does_not_change_totals(b in basket(), rotate in 0usize..6, reverse in any::<bool>()) {
        let q1 = quote_ok(&b);
        let b2 = permuted(&b, rotate, reverse);
        let q2 = quote_ok(&b2);
        prop_assert_eq!(&q1.totals, &q2.totals, "totals differ after reordering\n{}\n{}", b, b2);
        let flat = |q: &Quote| {
            let dest = pack().destination(&q.destination).unwrap();
            q.lines.iter().any(|l| dest.measures.iter().any(|m| m.id == l.duty.rule
                && matches!(m.effect.duty, Some(DutyEffect::FlatPerDistinctLine { .. }))))
        };
        for l1 in &q1.lines {
            let l2 = q2.lines.iter().find(|l| l.id == l1.id).unwrap();
            prop_assert_eq!(l1.goods_value, l2.goods_value);
            prop_assert_eq!(l1.customs_value, l2.customs_value);
            if !flat(&q1) {
                prop_assert_eq!(&l1.duty, &l2.duty, "duty of {}", l1.id);
                prop_assert_eq!(&l1.tax, &l2.tax, "tax of {}", l1.id);
            }
        }
        let mut t1: Vec<_> = q1.thresholds.iter().map(|t| (t.rule.clone(), t.item.clone(), t.passed)).collect();
        let mut t2: Vec<_> = q2.thresholds.iter().map(|t| (t.rule.clone(), t.item.clone(), t.passed)).collect();
        t1.sort();
        t2.sort();
        prop_assert_eq!(t1, t2, "threshold outcomes differ");
    }

    /// (d) A consignment that passes a duty-waiving de minimis test owes no duty on its lines,
    /// save a surcharge its own measure imposes.
    #[test]
    fn passing_a_duty_waiver_means_no_duty(b in basket()) {
        let q = quote_ok(&b);
        let dest = pack().destination(&q.destination).unwrap();
        let r = rounding(&q);
        let minor = Decimal::new(1, r.scale);
        let items = b["items"].as_array().unwrap();
        let measure = |id: &str| -> Option<(usize, &Measure)> {
            dest.measures.iter().enumerate().find(|(_, m)| m.id == measure_of(id))
        };
        for t in q.thresholds.iter().filter(|t| t.passed && t.scope == Scope::Consignment) {
            let (mi, m) = measure(&t.rule).unwrap();
            if m.effect.duty != Some(DutyEffect::Waive) {
                continue;
            }
            for (i, it) in items.iter().enumerate() {
                let origin = it["origin"].as_str().unwrap();
                if !line_matches(&m.when, origin, hs_digits(it).as_deref()) {
                    continue;
                }
                let line = &q.lines[i];
                // The first measure that sets a duty effect decides; an earlier one may have.
                let decided_by = measure(&line.duty.rule);
                let deciding = match decided_by {
                    Some((di, dm)) if di != mi => {
                        prop_assert!(di < mi, "line {} duty decided by {} after waiver {}: {}", line.id, dm.id, m.id, b);
                        prop_assert!(dm.effect.duty.is_some());
                        dm
                    }
                    Some((_, dm)) => dm,
                    None => {
                        prop_assert!(false, "line {} passed waiver {} but its duty rule is {}: {}", line.id, m.id, line.duty.rule, b);
                        unreachable!()
                    }
                };
                if deciding.effect.duty != Some(DutyEffect::Waive) {
                    continue;
                }
                match deciding.effect.additional_ad_valorem.as_ref().and_then(|s| s.at(q.date)) {
                    None => prop_assert!(line.duty.amount.is_zero(),
                        "line {} owes duty {} though {} passed: {}", line.id, line.duty.amount, m.id, b),
                    Some(pct) => {
                        let own = line.customs_value * pct.value / Decimal::ONE_HUNDRED;
                        prop_assert!((line.duty.amount - own).abs() <= minor,
                            "line {} duty {} is not only the {} surcharge {}: {}", line.id, line.duty.amount, deciding.id, own, b);
                    }
                }
            }
        }
    }

    /// (e) A basket with one field replaced by junk gives a quote or a typed error; never a panic.
    #[test]
    fn mangled_baskets_never_panic(
        b in basket(),
        field in prop::sample::select(vec![
            "/destination", "/destination_region", "/date", "/currency", "/display_currency",
            "/items", "/items/0", "/items/0/id", "/items/0/hs_code", "/items/0/origin",
            "/items/0/quantity", "/items/0/unit_price", "/items/0/unit_weight_kg", "/shipping",
            "/insurance", "/channel", "/ship_from", "/incoterm", "/seller", "/seller/registrations",
            "/buyer", "/buyer/kind", "/consignment", "/fx",
        ]),
        junk in prop_oneof![
            "\\PC{0,12}".prop_map(Value::from),
            "[0-9.,eE+-]{0,14}".prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            Just(json!([])),
            Just(json!({})),
            Just(json!(["EU_IOSS", 3])),
            Just(json!({"USD/EUR": "0.9", "EUR/XXX": "1"})),
        ],
    ) {
        let mut b = b;
        let (parent, key) = field.rsplit_once('/').unwrap();
        if let Some(o) = b.pointer_mut(parent).and_then(Value::as_object_mut) {
            o.insert(key.to_string(), junk);
        }
        let text = b.to_string();
        let r = std::panic::catch_unwind(|| landed::Quoter::new(pack()).quote_json(&text, today()));
        prop_assert!(r.is_ok(), "panic on {}", text);
        if let Ok(Err(e)) = r {
            prop_assert!(ALL_CODES.contains(&e.code()), "code {} for {}", e.code(), text);
            if !["unknown_field", "missing_field", "invalid_json"].contains(&e.code()) {
                prop_assert!(!e.path().is_empty(), "{:?} without a path for {}", e, text);
            }
            prop_assert!(e.to_string().contains(e.path()));
        }
    }
}

/// A JSON round trip keeps the quote (the contract is plain data).
#[test]
fn quote_round_trips_through_json() {
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 10,
        ..ProptestConfig::default()
    });
    runner
        .run(&basket(), |b| {
            let q = quote_ok(&b);
            let back: Quote = serde_json::from_str(&serde_json::to_string(&q).unwrap()).unwrap();
            prop_assert_eq!(back, q);
            Ok(())
        })
        .unwrap();
}

/// Found by `totals_add_up`: three or more lines share the transport pro rata in inexact
/// 28-digit shares whose sum is a hair below the whole; Japan rounds totals toward zero, so a
/// yen of insurance (or shipping) disappears from the totals and from the landed cost.
#[test]
fn jp_transport_total_is_not_lost_to_pro_rata_rounding() {
    let b = json!({"buyer":{"kind":"consumer"},"channel":"courier","consignment":"sale","currency":"JPY",
        "date":"2019-10-01","destination":"JP","incoterm":"DDP","insurance":"1.00","shipping":"1000",
        "items":[
            {"description":"a","hs_code":"610910","id":"sku-0","origin":"CN","quantity":1,"unit_price":"2029.00"},
            {"description":"b","hs_code":"610910","id":"sku-1","origin":"CN","quantity":5,"unit_price":"91.20"},
            {"description":"c","hs_code":"610910","id":"sku-2","origin":"CN","quantity":5,"unit_price":"37.40"},
            {"description":"d","hs_code":"610910","id":"sku-3","origin":"CN","quantity":3,"unit_price":"24.34"}],
        "seller":{"registrations":[]}});
    let q = quote_ok(&b);
    assert_eq!(q.totals.insurance, Decimal::ONE, "insurance total");
    assert_eq!(q.totals.shipping, Decimal::ONE_THOUSAND, "shipping total");
}

/// The same with three equal lines: 1000 yen shared in thirds.
#[test]
fn jp_shipping_in_thirds_is_kept_whole() {
    let item = |id: &str| json!({"description":"x","hs_code":"610910","id":id,"origin":"CN","quantity":1,"unit_price":"3000"});
    let b = json!({"channel":"courier","currency":"JPY","date":"2026-11-25","destination":"JP",
        "shipping":"1000","items":[item("a"), item("b"), item("c")]});
    let q = quote_ok(&b);
    assert_eq!(q.totals.shipping, Decimal::ONE_THOUSAND);
    assert_eq!(
        q.totals.landed_cost - q.totals.duty - q.totals.tax - q.totals.fees,
        Decimal::from(10_000)
    );
}

/// The generator is not vacuous: over a few hundred baskets it reaches duty waivers, flat
/// per-classification duties, surcharges, fees, DAP splits with something due at delivery,
/// and converted currencies.
#[test]
fn generator_reaches_the_interesting_rules() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut waived, mut flat, mut fees, mut delivery, mut converted, mut dests) =
        (0, 0, 0, 0, 0, std::collections::BTreeSet::new());
    for _ in 0..400 {
        let b = basket().new_tree(&mut runner).unwrap().current();
        let q = quote_ok(&b);
        let dest = pack().destination(&q.destination).unwrap();
        let effect = |id: &str| {
            dest.measures
                .iter()
                .find(|m| m.id == id)
                .and_then(|m| m.effect.duty.clone())
        };
        if q.thresholds
            .iter()
            .any(|t| t.passed && effect(&t.rule) == Some(DutyEffect::Waive))
        {
            waived += 1;
        }
        if q.lines.iter().any(|l| {
            matches!(
                effect(&l.duty.rule),
                Some(DutyEffect::FlatPerDistinctLine { .. })
            )
        }) {
            flat += 1;
        }
        fees += usize::from(!q.fees.is_empty());
        delivery += usize::from(!q.totals.due_at_delivery.is_zero());
        converted += usize::from(!q.fx.is_empty());
        dests.insert(q.destination.clone());
    }
    assert!(waived >= 40, "duty waivers reached {waived} times");
    assert!(flat >= 5, "flat duties reached {flat} times");
    assert!(fees >= 5, "fees reached {fees} times");
    assert!(delivery >= 40, "something due at delivery {delivery} times");
    assert!(converted >= 100, "currency converted {converted} times");
    assert!(dests.len() >= 30, "destinations reached: {dests:?}");
    eprintln!("waived {waived} flat {flat} fees {fees} delivery {delivery} converted {converted} dests {}", dests.len());
}

/// The flat per-classification duty goes to the first item of each classification; moving it
/// between items (by reordering) must not move a cent of the total VAT either, in a member
/// state whose currency is not the euro (the EUR amount converts to an inexact national one).
#[test]
fn flat_duty_reordering_keeps_the_vat_total() {
    for dest in ["CZ", "PL", "HU", "SE", "DK", "RO", "DE"] {
        let currency = pack().destination(dest).unwrap().currency.clone();
        for (a, b) in [(1u64, 7u64), (333, 1), (1999, 2), (17, 4321), (5, 995)] {
            let item = |id: &str, c: u64| json!({"description":"x","hs_code":"610910","id":id,"origin":"CN","quantity":1,"unit_price":money(c)});
            let basket = json!({"channel":"post","currency":currency,"date":"2026-11-25","destination":dest,
                "shipping":"3.33","items":[item("a", a), item("b", b)]});
            let q1 = quote_ok(&basket);
            let q2 = quote_ok(&permuted(&basket, 0, true));
            assert_eq!(q1.totals, q2.totals, "{basket}");
        }
    }
}

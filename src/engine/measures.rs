//! Measures: which apply to a consignment and its lines, and their threshold tests.

use crate::basket::Basket;
use crate::date::Date;
use crate::pack::model::{Comparison, Conditions, Measure, TestedValue, ThresholdTest};
use rust_decimal::Decimal;

/// Whether a measure is in force on `date` (half-open `[from, until)`).
pub fn in_force(m: &Measure, date: Date) -> bool {
    m.from <= date && m.until.is_none_or(|u| date < u)
}

/// Whether the consignment-level filters match.
pub fn consignment_matches(c: &Conditions, b: &Basket) -> bool {
    let any = |list: &[String], v: &str| list.iter().any(|x| x == v);
    if !c.channels.is_empty() && !c.channels.contains(&b.channel) {
        return false;
    }
    let shipped_from = |pred: &dyn Fn(&str) -> bool| match &b.ship_from {
        Some(s) => pred(s),
        None => b.items.iter().all(|i| pred(&i.origin)),
    };
    if !c.ship_from.is_empty() && !shipped_from(&|s| any(&c.ship_from, s)) {
        return false;
    }
    if !c.not_ship_from.is_empty() && !shipped_from(&|s| !any(&c.not_ship_from, s)) {
        return false;
    }
    if !c.registrations.is_empty() && !c.registrations.iter().any(|r| b.registrations.contains(r)) {
        return false;
    }
    if c.buyer.is_some_and(|k| k != b.buyer) || c.consignment.is_some_and(|k| k != b.consignment) {
        return false;
    }
    true
}

/// Whether the line-level filters match a line of this origin and HS code.
pub fn line_matches(c: &Conditions, origin: &str, hs: Option<&str>) -> bool {
    let prefixed =
        |list: &[String]| hs.is_some_and(|h| list.iter().any(|p| h.starts_with(p.as_str())));
    (c.origins.is_empty() || c.origins.iter().any(|o| o == origin))
        && !c.not_origins.iter().any(|o| o == origin)
        && (c.hs_prefixes.is_empty() || prefixed(&c.hs_prefixes))
        && !prefixed(&c.not_hs_prefixes)
}

/// Whether a test needs duty or tax to be computed first.
pub fn phase(test: Option<&ThresholdTest>) -> Phase {
    match test.map(|t| t.value) {
        Some(TestedValue::DutyAmount) => Phase::AfterDuty,
        Some(TestedValue::TaxAmount) => Phase::AfterTax,
        _ => Phase::Values,
    }
}

/// When a measure is evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// On prices and customs values, before any duty.
    Values,
    /// After duty is computed.
    AfterDuty,
    /// After tax is computed.
    AfterTax,
}

/// Applies a comparison.
pub fn compare(value: Decimal, cmp: Comparison, threshold: Decimal) -> bool {
    match cmp {
        Comparison::Lt => value < threshold,
        Comparison::Lte => value <= threshold,
        Comparison::Gt => value > threshold,
        Comparison::Gte => value >= threshold,
    }
}

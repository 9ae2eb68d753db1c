//! Whether the quote is complete: each line's duty is assessed, waived, or unknown (no rate, no
//! code, no weight for a per-weight duty), and a quote with an unknown duty says so in its lines,
//! its totals and a `duty_unknown` warning rather than counting that duty as zero.

use super::texts::{DutyRate, Rule};
use super::Engine;
use crate::quote::{DutyStatus, DutyUnknownReason};
use rust_decimal::Decimal;

/// How many item ids the `duty_unknown` warning names before it says how many more there are.
const NAMED_ITEMS: usize = 5;

/// The lines whose duty is unknown, added up.
pub(super) struct Unknowns {
    /// Per line: its duty's status and, when unknown, why.
    pub status: Vec<(DutyStatus, Option<DutyUnknownReason>)>,
    /// How many lines' duty is unknown.
    pub lines: u32,
    /// Their customs value, exact.
    pub customs_value: Decimal,
}

impl Unknowns {
    /// Whether every line's duty is known.
    pub fn complete(&self) -> bool {
        self.lines == 0
    }
}

impl Engine<'_> {
    /// Each line's duty status, and the count and customs value of the unknown ones.
    pub(super) fn unknowns(&self) -> Unknowns {
        let mut u = Unknowns {
            status: Vec::with_capacity(self.work.len()),
            lines: 0,
            customs_value: Decimal::ZERO,
        };
        for (i, w) in self.work.iter().enumerate() {
            let s = match w.duty.rate {
                DutyRate::Relief => (DutyStatus::Waived, None),
                DutyRate::Tariff(_)
                | DutyRate::Labeled { .. }
                | DutyRate::Flat { .. }
                | DutyRate::IncludedIn { .. } => (DutyStatus::Assessed, None),
                // `Unset`: no rule decided the duty (a flat duty with no amount in force on the
                // date); no more known than a missing rate.
                DutyRate::Unknown | DutyRate::Unset => {
                    u.lines += 1;
                    u.customs_value += w.customs_value;
                    (DutyStatus::Unknown, Some(self.unknown_reason(i)))
                }
            };
            u.status.push(s);
        }
        u
    }

    /// Why line `i`'s duty is unknown: no tariff for the destination, no code, or else the warning
    /// the duty's computation left on the item (a per-weight duty without weight, a code the
    /// tariff's edition lacks, no line or no usable rate).
    fn unknown_reason(&self, i: usize) -> DutyUnknownReason {
        let w = &self.work[i];
        if matches!(w.duty.rule, Rule::DutyUnavailable) {
            return DutyUnknownReason::DutyRateUnavailable;
        }
        if w.hs.is_none() {
            return DutyUnknownReason::HsCodeMissing;
        }
        let id = self.basket.items[i].id.as_str();
        self.warnings
            .iter()
            .filter(|x| x.item.as_deref() == Some(id))
            .find_map(|x| match x.code.as_str() {
                "weight_missing" => Some(DutyUnknownReason::WeightMissing),
                "hs_code_unmapped" => Some(DutyUnknownReason::HsCodeUnmapped),
                "duty_rate_unavailable" => Some(DutyUnknownReason::DutyRateUnavailable),
                _ => None,
            })
            .unwrap_or(DutyUnknownReason::DutyRateUnavailable)
    }

    /// The `duty_unknown` warning of an incomplete quote: how many items, which, and how much
    /// customs value no duty figure covers.
    pub(super) fn warn_incomplete(&mut self, u: &Unknowns) {
        if u.complete() {
            return;
        }
        let ids: Vec<&str> = u
            .status
            .iter()
            .zip(&self.basket.items)
            .filter(|(s, _)| s.0 == DutyStatus::Unknown)
            .map(|(_, it)| it.id.as_str())
            .collect();
        let mut named = ids
            .iter()
            .take(NAMED_ITEMS)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        if ids.len() > NAMED_ITEMS {
            named.push_str(&format!(" and {} more", ids.len() - NAMED_ITEMS));
        }
        let message = format!(
            "duty not included: the duty of {} of {} items ({named}; customs value {} {}) could not be computed, so the duty, the landed cost and what is due leave it out (and any tax on it): customs may assess more",
            u.lines,
            self.work.len(),
            self.round(u.customs_value),
            self.dest.currency,
        );
        self.warn("duty_unknown", message, None);
    }
}

#[cfg(test)]
mod tests {
    use crate::quote::{DutyStatus, DutyUnknownReason, Quote};
    use crate::{Basket, Date};

    fn quote(items: &str, extra: &str) -> Quote {
        let b = Basket::from_json(&format!(
            r#"{{"destination":"GB","date":"2026-11-25","currency":"GBP","channel":"courier","items":{items}{extra}}}"#
        ))
        .unwrap();
        crate::Quoter::new(&crate::default_pack().unwrap())
            .quote(&b, Date::new(2026, 11, 25).unwrap())
            .unwrap()
    }

    #[test]
    fn an_item_without_a_code_leaves_the_quote_incomplete_and_says_why() {
        let q = quote(
            r#"[{"id":"a","description":"Cotton T-shirt","hs_code":"610910","origin":"CN","quantity":1,"unit_price":"100.00"},
                {"id":"b","description":"Mystery box","origin":"CN","quantity":2,"unit_price":"50.00"}]"#,
            r#","display_currency":"EUR""#,
        );
        let (a, b) = (&q.lines[0].duty, &q.lines[1].duty);
        assert_eq!((a.status, a.unknown_reason), (DutyStatus::Assessed, None));
        assert_eq!(
            (b.status, b.unknown_reason),
            (DutyStatus::Unknown, Some(DutyUnknownReason::HsCodeMissing))
        );
        let t = &q.totals;
        assert!(!t.complete);
        assert_eq!(t.duty_unknown_lines, 1);
        assert_eq!(t.duty_unknown_customs_value, "100.00".parse().unwrap());
        assert_eq!(t.duty, a.amount, "the known duty only");
        // The display totals say the same, their uncovered value converted.
        let d = &q.display.as_ref().unwrap().totals;
        assert!(!d.complete);
        assert_eq!(d.duty_unknown_lines, 1);
        assert!(d.duty_unknown_customs_value > rust_decimal::Decimal::ZERO);
        let w: Vec<_> = q
            .warnings
            .iter()
            .filter(|w| w.code == "duty_unknown")
            .collect();
        assert_eq!(w.len(), 1, "{:?}", q.warnings);
        assert!(w[0].item.is_none());
        assert!(
            w[0].message.contains("1 of 2 items (b;") && w[0].message.contains("100.00 GBP"),
            "{}",
            w[0].message
        );
        // The explain trail of the duty and landed cost totals says the duty is left out.
        for figure in ["totals.duty", "totals.landed_cost"] {
            let e = q.explain.iter().find(|e| e.figure == figure).unwrap();
            assert!(e.formula.contains("1 line is unknown"), "{}", e.formula);
        }
        let json = serde_json::to_value(&q).unwrap();
        assert_eq!(
            json["lines"][1]["duty"]["unknown_reason"],
            "hs_code_missing"
        );
        assert!(json["lines"][0]["duty"].get("unknown_reason").is_none());
    }

    #[test]
    fn a_relief_is_waived_not_unknown_and_a_free_rate_is_assessed() {
        // Consignment of GBP 135 or less: duty relief, even for an item without a code.
        let q = quote(
            r#"[{"id":"b","description":"Mystery box","origin":"CN","quantity":1,"unit_price":"100.00"}]"#,
            "",
        );
        assert_eq!(q.lines[0].duty.status, DutyStatus::Waived);
        assert!(q.totals.complete);
        assert!(!q.warnings.iter().any(|w| w.code == "duty_unknown"));
        // A book is free in the UK tariff: zero and assessed.
        let q = quote(
            r#"[{"id":"k","description":"Novel","hs_code":"490199","origin":"CN","quantity":1,"unit_price":"200.00"}]"#,
            "",
        );
        assert_eq!(q.lines[0].duty.status, DutyStatus::Assessed);
        assert!(q.lines[0].duty.amount.is_zero());
        assert!(q.totals.complete);
    }

    #[test]
    fn the_warning_names_a_few_items_and_counts_the_rest() {
        let items: Vec<String> = (0..8)
            .map(|i| {
                format!(
                    r#"{{"id":"x{i}","description":"Box","origin":"CN","quantity":1,"unit_price":"50.00"}}"#
                )
            })
            .collect();
        let q = quote(&format!("[{}]", items.join(",")), "");
        assert_eq!(q.totals.duty_unknown_lines, 8);
        let w = q
            .warnings
            .iter()
            .find(|w| w.code == "duty_unknown")
            .unwrap();
        assert!(
            w.message
                .contains("8 of 8 items (x0, x1, x2, x3, x4 and 3 more;"),
            "{}",
            w.message
        );
    }
}

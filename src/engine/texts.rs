//! The texts a quote carries beside its figures: rule ids, duty rates and bases, tariff line
//! codes. While the engine works it keeps each as a borrow from the pack or the basket, or as the
//! parts the text is made of; each is rendered once, when the quote (or its explain trail) is
//! assembled, with one allocation of the right size.

use super::Engine;
use crate::money;
use crate::pack::lookup::push_line_code;
use crate::pack::model::TariffLine;
use rust_decimal::Decimal;
use std::fmt::Write;

/// Room for a decimal amount in a text (an allocation hint, not a limit).
const DECIMAL_ROOM: usize = 16;

/// Room for a tariff line code or an HS prefix (an allocation hint, not a limit).
const LINE_ROOM: usize = 10;

/// A rule id: one stated in the pack, or one of the destination's fixed ids.
#[derive(Clone, Copy, Debug)]
pub(super) enum Rule<'a> {
    /// No rule yet (a duty never decided): the empty id.
    Unset,
    /// An id stated in the pack: a measure, a tariff, a reduced tax rate.
    Id(&'a str),
    /// `<dest>.duty.unavailable`: the pack has no tariff for the destination.
    DutyUnavailable,
    /// `<dest>.tax.none`: no import tax applied.
    TaxNone,
    /// `<dest>.tax.standard`: the standard rate.
    TaxStandard,
    /// `<dest>.tax.region.<region>`: a sub-national rate.
    TaxRegion(&'a str),
    /// `<dest>.valuation`: the valuation basis.
    Valuation,
    /// `<dest>.rounding`: the rounding rule.
    Rounding,
    /// `<dest>.tax.split`: a tax levied in a national and a local part, truncated by statute.
    TaxSplit,
}

/// A line's duty rate, as [`crate::quote::LineDuty::rate`] states it.
#[derive(Clone, Copy, Debug)]
pub(super) enum DutyRate<'a> {
    /// Not decided yet: the empty text.
    Unset,
    /// `relief`: a measure waived the duty.
    Relief,
    /// `unknown`: no rate could be found or evaluated.
    Unknown,
    /// The tariff's rate text (`free` when the source gives none).
    Tariff(&'a str),
    /// `<rate> (<label>)`: a rate of a preference programme or a category of a rate table.
    Labeled {
        /// The rate text.
        text: &'a str,
        /// The programme's or category's name.
        label: &'a str,
    },
    /// `<amount> <currency> per distinct tariff line`: the line carrying a flat duty.
    Flat {
        /// The flat amount.
        amount: Decimal,
        /// Its currency.
        currency: &'a str,
    },
    /// `included in item <id> (same tariff line <key>)`: another line carries the flat duty.
    IncludedIn {
        /// The carrying item.
        carrier: usize,
        /// The classification both share.
        line: TariffLineRef<'a>,
    },
}

/// What a line's duty was applied to, as [`crate::quote::LineDuty::basis`] states it.
#[derive(Clone, Copy, Debug)]
pub(super) enum DutyBasis<'a> {
    /// Not decided yet: the empty text.
    Unset,
    /// `none`: the duty was waived.
    Waived,
    /// `customs value`: the duty is unknown.
    CustomsValue,
    /// `customs value <rounded value> (tariff line <code>)`.
    TariffLine {
        /// The line's customs value, unrounded.
        customs_value: Decimal,
        /// The tariff line whose rate applied.
        line: &'a TariffLine,
    },
    /// `tariff line <key>`: a flat duty's classification.
    Flat(TariffLineRef<'a>),
}

/// The tariff line a duty was taken from, as [`crate::quote::Line::tariff_line`] states it.
#[derive(Clone, Copy, Debug)]
pub(super) enum TariffLineRef<'a> {
    /// A line of the tariff: its code with leading zeros.
    Line(&'a TariffLine),
    /// A flat duty's classification of an item: its first `digits` HS digits, or `item:<id>`
    /// for an item without a code (it counts as its own line).
    Group {
        /// The item.
        item: usize,
        /// How many HS digits make a classification distinct.
        digits: usize,
    },
}

/// A flat duty's classification of an item, compared without building its text (see
/// [`TariffLineRef::Group`]). HS codes are digits, so no prefix equals an `item:` text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum GroupKey<'a> {
    /// The first digits of the item's HS code.
    Hs(&'a str),
    /// The id of an item without a code.
    Item(&'a str),
}

/// Appends `s` lower-cased (ASCII), as `to_ascii_lowercase` would give it.
fn push_lowercase(out: &mut String, s: &str) {
    out.extend(s.chars().map(|c| c.to_ascii_lowercase()));
}

/// Appends a decimal as its `Display` gives it (see [`money::decimal_text`]).
fn push_decimal(out: &mut String, d: Decimal) {
    match money::decimal_text(d) {
        Some(text) => out.push_str(text.as_str()),
        // Writing to a String cannot fail.
        None => drop(write!(out, "{d}")),
    }
}

impl Engine<'_> {
    /// A rule id as the quote states it.
    pub(super) fn rule_id(&self, rule: Rule<'_>) -> String {
        let code = self.dest.code.as_str();
        let suffix = match rule {
            Rule::Unset => return String::new(),
            Rule::Id(id) => return id.to_owned(),
            Rule::TaxRegion(region) => {
                let mut s = String::with_capacity(code.len() + ".tax.region.".len() + region.len());
                push_lowercase(&mut s, code);
                s.push_str(".tax.region.");
                push_lowercase(&mut s, region);
                return s;
            }
            Rule::DutyUnavailable => ".duty.unavailable",
            Rule::TaxNone => ".tax.none",
            Rule::TaxStandard => ".tax.standard",
            Rule::Valuation => ".valuation",
            Rule::Rounding => ".rounding",
            Rule::TaxSplit => ".tax.split",
        };
        let mut s = String::with_capacity(code.len() + suffix.len());
        push_lowercase(&mut s, code);
        s.push_str(suffix);
        s
    }

    /// A duty rate as the quote states it.
    pub(super) fn duty_rate_text(&self, rate: DutyRate<'_>) -> String {
        match rate {
            DutyRate::Unset => String::new(),
            DutyRate::Relief => "relief".to_owned(),
            DutyRate::Unknown => "unknown".to_owned(),
            DutyRate::Tariff(text) => text.to_owned(),
            DutyRate::Labeled { text, label } => format!("{text} ({label})"),
            DutyRate::Flat { amount, currency } => {
                let mut s = String::with_capacity(
                    DECIMAL_ROOM + "  per distinct tariff line".len() + currency.len(),
                );
                push_decimal(&mut s, amount);
                s.push(' ');
                s.push_str(currency);
                s.push_str(" per distinct tariff line");
                s
            }
            DutyRate::IncludedIn { carrier, line } => {
                let id = &self.basket.items[carrier].id;
                let mut s = String::with_capacity(
                    "included in item  (same tariff line )".len() + id.len() + LINE_ROOM,
                );
                s.push_str("included in item ");
                s.push_str(id);
                s.push_str(" (same tariff line ");
                self.push_tariff_line(&mut s, line);
                s.push(')');
                s
            }
        }
    }

    /// What a duty was applied to, as the quote states it.
    pub(super) fn duty_basis_text(&self, basis: DutyBasis<'_>) -> String {
        match basis {
            DutyBasis::Unset => String::new(),
            DutyBasis::Waived => "none".to_owned(),
            DutyBasis::CustomsValue => "customs value".to_owned(),
            DutyBasis::TariffLine {
                customs_value,
                line,
            } => {
                let mut s = String::with_capacity(
                    "customs value  (tariff line )".len() + DECIMAL_ROOM + LINE_ROOM,
                );
                s.push_str("customs value ");
                push_decimal(&mut s, self.round(customs_value));
                s.push_str(" (tariff line ");
                push_line_code(&mut s, line);
                s.push(')');
                s
            }
            DutyBasis::Flat(line) => {
                let mut s = String::with_capacity("tariff line ".len() + LINE_ROOM);
                s.push_str("tariff line ");
                self.push_tariff_line(&mut s, line);
                s
            }
        }
    }

    /// A tariff line (or classification) as the quote states it.
    pub(super) fn tariff_line_text(&self, line: TariffLineRef<'_>) -> String {
        let mut s = String::with_capacity(LINE_ROOM);
        self.push_tariff_line(&mut s, line);
        s
    }

    fn push_tariff_line(&self, out: &mut String, line: TariffLineRef<'_>) {
        match line {
            TariffLineRef::Line(l) => push_line_code(out, l),
            TariffLineRef::Group { item, digits } => match self.group_key(item, digits) {
                GroupKey::Hs(prefix) => out.push_str(prefix),
                GroupKey::Item(id) => {
                    out.push_str("item:");
                    out.push_str(id);
                }
            },
        }
    }

    /// The classification of item `i` at `digits` HS digits.
    pub(super) fn group_key(&self, i: usize, digits: usize) -> GroupKey<'_> {
        match self.work[i].hs {
            Some(h) => GroupKey::Hs(&h[..digits.min(h.len())]),
            None => GroupKey::Item(&self.basket.items[i].id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::push_decimal;
    use rust_decimal::Decimal;

    /// `push_decimal` writes what `Display` does: small and wide mantissas, every scale, signs,
    /// zeros (a negative zero included).
    #[test]
    fn push_decimal_is_display() {
        let mut mantissas = vec![0u128, 1, 5, 9, 10, 99, 100, 12_345, 1_000_000];
        mantissas.extend([
            u128::from(u64::MAX),
            u128::from(u64::MAX) + 1,
            (1 << 96) - 1,
        ]);
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..200 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            mantissas.push(u128::from(state >> (state % 64)));
        }
        for m in mantissas {
            for scale in 0..=28 {
                for negative in [false, true] {
                    let (lo, mid, hi) = (m as u32, (m >> 32) as u32, (m >> 64) as u32);
                    let mut d = Decimal::from_parts(lo, mid, hi, false, scale);
                    d.set_sign_negative(negative);
                    let mut s = String::new();
                    push_decimal(&mut s, d);
                    assert_eq!(s, d.to_string(), "{m} at scale {scale}");
                }
            }
        }
    }
}

//! Exact money helpers: named rounding and currency conversion through reference rates.

use crate::date::Date;
use crate::error::{Error, Result};
use crate::iso;
use crate::pack::model::{FxTable, Rounding, RoundingStrategy};
use crate::quote::FxUsed;
use rust_decimal::Decimal;

/// Rounds `amount` to `scale` places with a named strategy.
pub fn round(amount: Decimal, scale: u32, strategy: RoundingStrategy) -> Decimal {
    use rust_decimal::RoundingStrategy as R;
    if amount.scale() <= scale {
        // Nothing to round (the common case for prices and rounded sums): only pad to `scale` places.
        let mut r = amount;
        r.rescale(scale);
        return r;
    }
    let s = match strategy {
        RoundingStrategy::MidpointAwayFromZero => R::MidpointAwayFromZero,
        RoundingStrategy::MidpointNearestEven => R::MidpointNearestEven,
        RoundingStrategy::ToZero => R::ToZero,
        RoundingStrategy::AwayFromZero => R::AwayFromZero,
    };
    let mut r = amount.round_dp_with_strategy(scale, s);
    r.rescale(scale);
    r
}

/// Rounds with a destination's rounding rule.
pub fn round_with(amount: Decimal, rule: &Rounding) -> Decimal {
    round(amount, rule.scale, rule.strategy)
}

/// Minor units (decimal places) of a currency; 2 when unknown.
pub fn minor_units(currency: &str) -> u32 {
    iso::CURRENCIES
        .binary_search_by(|(c, _)| (*c).cmp(currency))
        .map(|i| iso::CURRENCIES[i].1)
        .unwrap_or(2)
}

/// Converts between currencies with the pack's reference rates, unless the basket overrides a pair.
/// Every rate used is recorded for the quote.
pub struct Fx<'a> {
    table: &'a FxTable,
    overrides: &'a [(String, String, Decimal)],
    used: Vec<FxUsed>,
}

impl<'a> Fx<'a> {
    /// A converter over a reference table and the basket's overrides.
    pub fn new(table: &'a FxTable, overrides: &'a [(String, String, Decimal)]) -> Fx<'a> {
        Fx {
            table,
            overrides,
            used: Vec::new(),
        }
    }

    fn per_base(&self, currency: &str) -> Option<Decimal> {
        if currency == self.table.base {
            return Some(Decimal::ONE);
        }
        self.table
            .rates
            .binary_search_by(|(c, _)| c.as_str().cmp(currency))
            .ok()
            .map(|i| self.table.rates[i].1)
    }

    /// Units of `to` per one `from`; `path` names the input field for the error.
    pub fn rate(&mut self, from: &str, to: &str, path: &str) -> Result<Decimal> {
        if from == to {
            return Ok(Decimal::ONE);
        }
        if let Some(r) = self
            .overrides
            .iter()
            .find(|(f, t, _)| f == from && t == to)
            .map(|o| o.2)
        {
            self.record(from, to, r, "basket override", None);
            return Ok(r);
        }
        if let Some(r) = self
            .overrides
            .iter()
            .find(|(f, t, _)| f == to && t == from)
            .map(|o| o.2)
        {
            let inv = Decimal::ONE
                .checked_div(r)
                .ok_or_else(|| Error::Overflow { path: path.into() })?;
            self.record(from, to, inv, "basket override (inverted)", None);
            return Ok(inv);
        }
        let (Some(f), Some(t)) = (self.per_base(from), self.per_base(to)) else {
            let missing = if self.per_base(from).is_none() {
                from
            } else {
                to
            };
            return Err(Error::FxUnavailable {
                path: path.into(),
                message: format!(
                    "no reference rate for {missing} in the pack ({} of {}); pass one in `fx`, e.g. {{\"{from}/{to}\": \"1.0\"}}",
                    self.table.source, self.table.date
                ),
            });
        };
        let r = t
            .checked_div(f)
            .ok_or_else(|| Error::Overflow { path: path.into() })?;
        let (source, date) = (self.table.source.clone(), self.table.date);
        self.record(from, to, r, &source, Some(date));
        Ok(r)
    }

    fn record(&mut self, from: &str, to: &str, rate: Decimal, source: &str, date: Option<Date>) {
        if !self.used.iter().any(|u| u.from == from && u.to == to) {
            self.used.push(FxUsed {
                from: from.into(),
                to: to.into(),
                rate,
                source: source.into(),
                date,
            });
        }
    }

    /// The rates used so far.
    pub fn into_used(self) -> Vec<FxUsed> {
        self.used
    }
}

/// Multiplies exactly, or reports an overflow at `path`.
pub fn mul(a: Decimal, b: Decimal, path: &str) -> Result<Decimal> {
    a.checked_mul(b)
        .ok_or_else(|| Error::Overflow { path: path.into() })
}

/// Adds exactly, or reports an overflow at `path`.
pub fn add(a: Decimal, b: Decimal, path: &str) -> Result<Decimal> {
    a.checked_add(b)
        .ok_or_else(|| Error::Overflow { path: path.into() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn it_rounds_by_name() {
        assert_eq!(
            round(d("2.345"), 2, RoundingStrategy::MidpointAwayFromZero).to_string(),
            "2.35"
        );
        assert_eq!(
            round(d("2.345"), 2, RoundingStrategy::MidpointNearestEven).to_string(),
            "2.34"
        );
        assert_eq!(
            round(d("2.349"), 2, RoundingStrategy::ToZero).to_string(),
            "2.34"
        );
        assert_eq!(
            round(d("2.341"), 2, RoundingStrategy::AwayFromZero).to_string(),
            "2.35"
        );
        assert_eq!(
            round(d("7"), 2, RoundingStrategy::MidpointAwayFromZero).to_string(),
            "7.00"
        );
        assert_eq!(
            round(d("1234.5"), 0, RoundingStrategy::ToZero).to_string(),
            "1234"
        );
    }
}

//! Exact money helpers: named rounding and currency conversion through reference rates.

use crate::date::Date;
use crate::error::{Error, Result};
use crate::iso;
use crate::pack::model::{FxTable, Rounding, RoundingStrategy};
use crate::quote::FxUsed;
use rust_decimal::Decimal;

/// Rounds `amount` to `scale` places with a named strategy.
pub fn round(amount: Decimal, scale: u32, strategy: RoundingStrategy) -> Decimal {
    if amount.scale() <= scale {
        // Nothing to round (the common case for prices and rounded sums): only pad to `scale` places.
        let mut r = amount;
        r.rescale(scale);
        return r;
    }
    let mut r = round_dp(amount, scale, strategy);
    r.rescale(scale);
    r
}

/// Powers of ten up to 10^28, the most places a [`Decimal`] has.
const POWERS_OF_TEN: [u128; 29] = {
    let mut p = [1u128; 29];
    let mut i = 1;
    while i < p.len() {
        p[i] = p[i - 1] * 10;
        i += 1;
    }
    p
};

/// Rounds `amount` to at most `dp` places: the same [`Decimal`], bit for bit, as
/// `amount.round_dp_with_strategy(dp, strategy)`, computed on the 96-bit mantissa as one integer
/// division instead of rust_decimal's digit loops (rounding a 28-place FX product costs a fifth).
/// A value with `dp` places or fewer is returned as it is (no padding: see [`round`]).
pub(crate) fn round_dp(amount: Decimal, dp: u32, strategy: RoundingStrategy) -> Decimal {
    let scale = amount.scale();
    if scale <= dp || amount.is_zero() {
        // Nothing to drop, or a zero, whose sign rust_decimal keeps: its own answer.
        return amount.round_dp_with_strategy(dp, rust_decimal_strategy(strategy));
    }
    let unit = POWERS_OF_TEN[(scale - dp) as usize];
    let magnitude = amount.mantissa().unsigned_abs();
    let kept = magnitude / unit;
    let dropped = magnitude - kept * unit;
    let half = unit / 2;
    let away = match strategy {
        RoundingStrategy::MidpointAwayFromZero => dropped >= half,
        RoundingStrategy::MidpointNearestEven => {
            dropped > half || (dropped == half && kept % 2 == 1)
        }
        RoundingStrategy::ToZero => false,
        RoundingStrategy::AwayFromZero => dropped != 0,
    };
    // At most the 96-bit magnitude divided by ten, plus one: it fits the mantissa.
    let kept = kept + u128::from(away);
    Decimal::from_parts(
        kept as u32,
        (kept >> 32) as u32,
        (kept >> 64) as u32,
        amount.is_sign_negative(),
        dp,
    )
}

/// The rust_decimal strategy of the same name.
fn rust_decimal_strategy(strategy: RoundingStrategy) -> rust_decimal::RoundingStrategy {
    use rust_decimal::RoundingStrategy as R;
    match strategy {
        RoundingStrategy::MidpointAwayFromZero => R::MidpointAwayFromZero,
        RoundingStrategy::MidpointNearestEven => R::MidpointNearestEven,
        RoundingStrategy::ToZero => R::ToZero,
        RoundingStrategy::AwayFromZero => R::AwayFromZero,
    }
}

/// A decimal's text exactly as its `Display` (and its serde form) writes it: every place of its
/// scale kept, `-` before a negative (zero included). Written on the stack when the mantissa fits
/// 64 bits (every amount a quote shows), which costs a fraction of rust_decimal's digit loop;
/// `None` for wider mantissas (28-digit FX rates), which the caller formats the usual way.
pub(crate) fn decimal_text(d: Decimal) -> Option<DecimalText> {
    let mut n = u64::try_from(d.mantissa().unsigned_abs()).ok()?;
    let mut text = DecimalText {
        bytes: [0; 32],
        start: 32,
    };
    // Right to left: exactly `scale` places (zeros where the mantissa has no digit), the point,
    // then the whole part, at least one digit (`0.05`, `0`). 31 bytes at most: 28 places, a
    // point, a zero and a sign, or 20 digits and a sign.
    let places = d.scale();
    for _ in 0..places {
        text.push(b'0' + next_digit(&mut n));
    }
    if places > 0 {
        text.push(b'.');
    }
    loop {
        text.push(b'0' + next_digit(&mut n));
        if n == 0 {
            break;
        }
    }
    if d.is_sign_negative() {
        text.push(b'-');
    }
    Some(text)
}

/// The last decimal digit of `n`, which loses it; in 32-bit arithmetic once `n` fits (WebAssembly
/// divides 64-bit integers by 10 with a division instruction, 32-bit ones by a multiplication).
fn next_digit(n: &mut u64) -> u8 {
    match u32::try_from(*n) {
        Ok(small) => {
            *n = u64::from(small / 10);
            (small % 10) as u8
        }
        Err(_) => {
            let digit = (*n % 10) as u8;
            *n /= 10;
            digit
        }
    }
}

/// The text [`decimal_text`] writes, at the end of a buffer.
pub(crate) struct DecimalText {
    bytes: [u8; 32],
    start: usize,
}

impl DecimalText {
    /// Puts one byte before the text.
    fn push(&mut self, ascii: u8) {
        self.start -= 1;
        self.bytes[self.start] = ascii;
    }

    /// The text.
    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII digits, `-` and `.` are ever pushed.
        std::str::from_utf8(&self.bytes[self.start..]).unwrap_or_default()
    }
}

/// Serialises a decimal as its text, like rust_decimal's own `Serialize` (`serde-str`), by
/// [`decimal_text`] where it can: the quote's amounts use it (`#[serde(serialize_with)]`).
pub(crate) fn serialize_decimal<S: serde::Serializer>(
    d: &Decimal,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    match decimal_text(*d) {
        Some(text) => serializer.serialize_str(text.as_str()),
        None => serde::Serialize::serialize(d, serializer),
    }
}

/// [`serialize_decimal`] for an optional amount (`None` only where the field is skipped).
pub(crate) fn serialize_opt_decimal<S: serde::Serializer>(
    d: &Option<Decimal>,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    match d {
        Some(d) => serialize_decimal(d, serializer),
        None => serializer.serialize_none(),
    }
}

/// Truncates a non-negative amount down to a multiple of `increment` (a statutory rounding:
/// Japan's tax bases to 1,000 yen and tax amounts to 100 yen, `TaxSplit`); `None` when the
/// increment is not positive.
pub fn truncate_to_increment(amount: Decimal, increment: Decimal) -> Option<Decimal> {
    if increment <= Decimal::ZERO {
        return None;
    }
    let units = amount.checked_div(increment)?.trunc();
    units.checked_mul(increment).map(|v| v.normalize())
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
        // A pair converted before converts at the rate recorded then: overrides and the table
        // do not change, so it is the rate the lookup below would find again.
        if let Some(used) = self.used.iter().find(|u| u.from == from && u.to == to) {
            return Ok(used.rate);
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
        let table = self.table;
        self.record(from, to, r, &table.source, Some(table.date));
        Ok(r)
    }

    /// Records a pair's first conversion (`rate` looks recorded pairs up before recording).
    fn record(&mut self, from: &str, to: &str, rate: Decimal, source: &str, date: Option<Date>) {
        self.used.push(FxUsed {
            from: from.into(),
            to: to.into(),
            rate,
            source: source.into(),
            date,
        });
    }

    /// The rates used so far.
    pub fn into_used(self) -> Vec<FxUsed> {
        self.used
    }
}

/// Multiplies exactly, or reports an overflow at `path`.
pub fn mul(a: Decimal, b: Decimal, path: &str) -> Result<Decimal> {
    mul_at(a, b, || path.into())
}

/// Adds exactly, or reports an overflow at `path`.
pub fn add(a: Decimal, b: Decimal, path: &str) -> Result<Decimal> {
    add_at(a, b, || path.into())
}

/// Multiplies exactly, or reports an overflow at the path `path` builds (only then, so that a
/// caller's per-item path costs nothing when nothing fails).
pub(crate) fn mul_at(a: Decimal, b: Decimal, path: impl FnOnce() -> String) -> Result<Decimal> {
    a.checked_mul(b)
        .ok_or_else(|| Error::Overflow { path: path() })
}

/// Adds exactly, or reports an overflow at the path `path` builds (only then).
pub(crate) fn add_at(a: Decimal, b: Decimal, path: impl FnOnce() -> String) -> Result<Decimal> {
    a.checked_add(b)
        .ok_or_else(|| Error::Overflow { path: path() })
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

    /// `round_dp` is rust_decimal's `round_dp_with_strategy`, bit for bit: random 96-bit
    /// mantissas, exact midpoints and their neighbours, at every scale, place count and sign.
    #[test]
    fn round_dp_is_rust_decimals_rounding() {
        let strategies = [
            RoundingStrategy::MidpointAwayFromZero,
            RoundingStrategy::MidpointNearestEven,
            RoundingStrategy::ToZero,
            RoundingStrategy::AwayFromZero,
        ];
        let max = (1u128 << 96) - 1;
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut mantissas = vec![0u128, 1, 5, 15, 25, max, max - 1, u128::from(u64::MAX)];
        for _ in 0..40 {
            let wide = (u128::from(next()) << 64 | u128::from(next())) & max;
            mantissas.push(wide >> (next() % 96));
        }
        for places in 1..28u32 {
            // k.5 and its neighbours at every depth, with odd and even k.
            for k in [0u128, 1, 2, 7, 12_345] {
                let mid =
                    k * POWERS_OF_TEN[places as usize] + 5 * POWERS_OF_TEN[places as usize - 1];
                mantissas.extend([mid - 1, mid, mid + 1]);
            }
        }
        for &m in &mantissas {
            for scale in 0..=28u32 {
                for negative in [false, true] {
                    let lo = m as u32;
                    let (mid, hi) = ((m >> 32) as u32, (m >> 64) as u32);
                    let value = Decimal::from_parts(lo, mid, hi, negative, scale);
                    for dp in 0..=28u32 {
                        for strategy in strategies {
                            let ours = round_dp(value, dp, strategy);
                            let theirs =
                                value.round_dp_with_strategy(dp, rust_decimal_strategy(strategy));
                            assert_eq!(
                                ours.serialize(),
                                theirs.serialize(),
                                "{value} to {dp} places, {strategy:?}"
                            );
                        }
                    }
                }
            }
        }
    }
}

//! Decimal amounts <-> integer minor units, with the currency's exponent. Non-integral amounts are refused.

use crate::error::AppError;
use rust_decimal::Decimal;

/// `amount` in minor units of `currency` (EUR 12.34 -> 1234, JPY 1200 -> 1200).
pub fn to_minor(amount: Decimal, currency: &str, path: &str) -> Result<i64, AppError> {
    let exp = landed::money::minor_units(currency);
    let scaled = amount
        .checked_mul(Decimal::from(10i64.pow(exp)))
        .ok_or_else(|| AppError::invalid("amount_out_of_range", path, "amount too large"))?;
    if scaled.fract() != Decimal::ZERO {
        return Err(AppError::invalid(
            "non_integral_amount",
            path,
            format!("`{amount}` has more decimal places than {currency} allows ({exp})"),
        ));
    }
    i64::try_from(scaled.trunc())
        .map_err(|_| AppError::invalid("amount_out_of_range", path, "amount too large"))
}

pub use landed_domain::money::from_minor;

/// A decimal request field: a string such as "12.34", not negative, read by the core's one
/// grammar for amounts (`landed::parse::amount`: the same codes as a basket's amounts).
pub fn parse_amount(s: &str, currency: &str, path: &str) -> Result<i64, AppError> {
    let d = landed::parse::amount(s, path)?;
    to_minor(d, currency, path)
}

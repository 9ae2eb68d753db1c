//! Integer minor units back to decimals, with the currency's exponent.

use rust_decimal::Decimal;

/// Minor units back to a decimal with the currency's scale (1234 EUR cents -> 12.34).
pub fn from_minor(minor: i64, currency: &str) -> Decimal {
    Decimal::new(minor, landed::money::minor_units(currency))
}

#[cfg(test)]
mod tests {
    #[test]
    fn minor_units_follow_the_currency() {
        assert_eq!(super::from_minor(1234, "EUR").to_string(), "12.34");
        assert_eq!(super::from_minor(1200, "JPY").to_string(), "1200");
    }
}

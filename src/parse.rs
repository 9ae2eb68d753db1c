//! The one grammar for money and codes. The basket, the catalogue, the CLI and the server all read
//! amounts and codes through these functions, so a value is accepted or refused alike everywhere,
//! with the same error code:
//!
//! - **amount**: `digits [ "." digits ]`, not negative, below [`MAX_AMOUNT`], with no more decimal
//!   places than the exact decimal type holds. Nothing else: no white space, no sign other than a
//!   leading `-` (refused as `negative_amount`), no `+`, no digit separators (`1_000`, `1,000`), no
//!   exponent, no bare point (`.5`, `5.`). Otherwise `invalid_amount`.
//! - **country** (ISO 3166-1 alpha-2) and **currency** (ISO 4217): exactly two or three ASCII
//!   letters naming a known code. Letter case is normalised: `de` and `eur` are read as `DE` and
//!   `EUR` (the documented rule); anything else (white space, other characters) is refused as
//!   `unknown_country` / `unknown_currency`.
//! - **HS code**: 6 to 10 digits, in groups separated by single dots or spaces (`6109.10.00`,
//!   `6109 10 00`), normalised to the digits. No leading, trailing or doubled separators;
//!   otherwise `invalid_hs_code`.

use crate::error::{Error, Result};
use crate::iso;
use rust_decimal::Decimal;

/// Amounts (prices, transport, insurance, weights) must be below this, so that every product, sum
/// and tax of a basket stays inside the exact decimal range (28 digits).
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(1_215_752_192, 23, 0, false, 0); // 100_000_000_000

/// Most decimal places an amount may carry: what the exact decimal type represents without
/// rounding.
pub const MAX_DECIMAL_PLACES: usize = 28;

/// Longest preference programme id.
pub const MAX_PROGRAMME_LEN: usize = 64;

/// Whether `id` is a preference programme id: 1 to 64 lowercase letters, digits, dots, `_`
/// and `-` (`us.usmca`); one grammar for baskets and rule files.
pub fn is_programme_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_PROGRAMME_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// Parses a non-negative decimal amount; `path` names the field in the error.
pub fn amount(value: &str, path: &str) -> Result<Decimal> {
    let invalid = || Error::InvalidAmount {
        path: path.into(),
        value: value.into(),
    };
    let (negative, body) = match value.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f)) {
        return Err(invalid());
    }
    if frac.is_some_and(|f| f.len() > MAX_DECIMAL_PLACES) {
        return Err(invalid());
    }
    // Too many integer digits to represent is "too large", not malformed.
    let too_large = || Error::AmountTooLarge {
        path: path.into(),
        value: value.into(),
        max: MAX_AMOUNT.to_string(),
    };
    let d: Decimal = body
        .parse()
        .map_err(|_| if negative { invalid() } else { too_large() })?;
    // The grammar above is exact; a parse that changed the value (rounded away places) is refused.
    if frac.is_some_and(|f| d.scale() as usize != f.len()) {
        return Err(invalid());
    }
    if negative && !d.is_zero() {
        return Err(Error::NegativeAmount {
            path: path.into(),
            value: value.into(),
        });
    }
    if d >= MAX_AMOUNT {
        return Err(too_large());
    }
    // `-0` and `-0.00` are zero, written without the sign.
    Ok(d.abs())
}

/// Validates an ISO 3166-1 alpha-2 code, upper-cased; `path` names the field in the error.
pub fn country(value: &str, path: &str) -> Result<String> {
    country_owned(value.to_string()).map_err(|e| e.at(|| path.to_string()))
}

/// [`country`] on a string the caller gives up: upper-cased in place. The error has an empty path.
pub(crate) fn country_owned(mut value: String) -> Result<String> {
    if let [a, b] = *value.as_bytes() {
        let upper = [a.to_ascii_uppercase(), b.to_ascii_uppercase()];
        let known = std::str::from_utf8(&upper).is_ok_and(|u| {
            iso::COUNTRIES
                .binary_search_by(|(c, _)| (*c).cmp(u))
                .is_ok()
        });
        if known {
            value.make_ascii_uppercase();
            return Ok(value);
        }
    }
    Err(Error::UnknownCountry {
        path: String::new(),
        value,
    })
}

/// Validates an ISO 4217 code, upper-cased; `path` names the field in the error.
pub fn currency(value: &str, path: &str) -> Result<String> {
    let v = value.to_ascii_uppercase();
    if value.len() == 3
        && iso::CURRENCIES
            .binary_search_by(|(c, _)| (*c).cmp(v.as_str()))
            .is_ok()
    {
        Ok(v)
    } else {
        Err(Error::UnknownCurrency {
            path: path.into(),
            value: value.into(),
        })
    }
}

/// Normalises an HS code to its digits: 6 to 10 digits in groups separated by single dots or
/// spaces; `path` names the field in the error.
pub fn hs_code(value: &str, path: &str) -> Result<String> {
    let groups_ok = value
        .split(['.', ' '])
        .all(|g| !g.is_empty() && g.bytes().all(|c| c.is_ascii_digit()));
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    if groups_ok && (6..=10).contains(&digits.len()) {
        Ok(digits)
    } else {
        Err(Error::InvalidHsCode {
            path: path.into(),
            value: value.into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_plain_notation_are_read_exactly() {
        for (text, want) in [
            ("0", "0"),
            ("19.99", "19.99"),
            ("007.50", "7.50"),
            ("-0", "0"),
            ("-0.00", "0.00"),
            (
                "0.0000000000000000000000000001",
                "0.0000000000000000000000000001",
            ),
            ("99999999999.99", "99999999999.99"),
        ] {
            assert_eq!(amount(text, "p").unwrap().to_string(), want, "{text}");
        }
    }

    #[test]
    fn anything_else_is_refused_with_its_code_and_path() {
        for text in [
            "",
            " ",
            "1_000",
            "1,000",
            " 3.00",
            "3.00 ",
            "  5",
            "+5",
            "1e3",
            "1E3",
            ".5",
            "5.",
            "1.2.3",
            "0x10",
            "NaN",
            "inf",
            "٣",
            "--1",
            "-",
            "1 000",
            "\t1",
            "1\n",
            // More places than the exact type holds: it would round, so it is refused.
            "0.00000000000000000000000000001",
        ] {
            let e = amount(text, "items[0].unit_price").unwrap_err();
            assert_eq!(
                (e.code(), e.path()),
                ("invalid_amount", "items[0].unit_price"),
                "`{text}`"
            );
        }
        let e = amount("-3.00", "shipping").unwrap_err();
        assert_eq!((e.code(), e.path()), ("negative_amount", "shipping"));
        for text in ["100000000000", "123456789012345678901234567890123"] {
            assert_eq!(
                amount(text, "p").unwrap_err().code(),
                "amount_too_large",
                "{text}"
            );
        }
    }

    #[test]
    fn codes_normalise_letter_case_and_nothing_else() {
        assert_eq!(country("de", "p").unwrap(), "DE");
        assert_eq!(country("De", "p").unwrap(), "DE");
        assert_eq!(currency("eur", "p").unwrap(), "EUR");
        for bad in [" DE", "DE ", "D E", "DEU", "XX", "", "dé"] {
            let e = country(bad, "destination").unwrap_err();
            assert_eq!(
                (e.code(), e.path()),
                ("unknown_country", "destination"),
                "`{bad}`"
            );
        }
        for bad in [" EUR", "EUR ", "EU", "EURO", "XYZ", ""] {
            let e = currency(bad, "currency").unwrap_err();
            assert_eq!(
                (e.code(), e.path()),
                ("unknown_currency", "currency"),
                "`{bad}`"
            );
        }
    }

    #[test]
    fn hs_codes_are_digit_groups() {
        for (text, want) in [
            ("610910", "610910"),
            ("6109.10", "610910"),
            ("6109.10.00.10", "6109100010"),
            ("6109 10 00", "61091000"),
        ] {
            assert_eq!(hs_code(text, "p").unwrap(), want, "{text}");
        }
        for bad in [
            "61091",
            "61091000101",
            ".610910",
            "610910.",
            "6109..10",
            "6109 .10",
            " 610910",
            "610910 ",
            "6109-10",
            "6109a0",
            "",
            "٦١٠٩١٠",
        ] {
            let e = hs_code(bad, "items[0].hs_code").unwrap_err();
            assert_eq!(
                (e.code(), e.path()),
                ("invalid_hs_code", "items[0].hs_code"),
                "`{bad}`"
            );
        }
    }
}

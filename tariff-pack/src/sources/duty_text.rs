//! Rate strings -> [`DutyExpr`].
//!
//! Three source styles are understood:
//!
//! * USITC (`mfn_text_rate`): `Free`, `6.5%`, `77.2 cents/liter`, `$1.092/kg`, `41 cents/kg + 16.3%`,
//!   `15 cents each + 4% + 2.5 cents/jewel`. Cents are converted to dollars.
//! * UK Global Tariff and EU CET: `0.00%`, `10.00% + 77.00 GBP/100kg`, `2.00 GBP / 100 kg`,
//!   `12.00% MIN 0.40 EUR / 100 kg`, `6.20% + 27.10 EUR / 100 kg MAX 17.90%`. A bare number (`6.4 + 24.6 EUR/100 kg`,
//!   found in suspended CET lines) is an ad valorem percentage, the EU's notation for rates without a unit.
//! * Australian Schedule 3: `Free`, `5%`, `$0.526/L`, `5%, and $107.99/L of alcohol`, `5%, or, if lower, $0.45/kg TSS`,
//!   followed by country-group rates (`5% CAFree`, `5% DCS4% DCT5%`, `$0.526/L NZ/PG/FI/DC/LDC/SG $0.526/L`) that are
//!   ignored: only the general rate is kept. Phasing rates (`5% From1July2018 3.75% From1July2019 Free`) take the
//!   phase in force on the tariff's `rates_as_of` day.
//!
//! Percentages stay percentages (`AdValorem(14.25)`); every number goes through [`Decimal`] from its text, never `f64`.
//! Units kg, 100 kg, g, t (= 1000 kg), l, item / No. / pcs / each, dozen and pair map to [`QuantityUnit`] with `per`;
//! anything else (m², % vol, hl, kg net drained, kg of tobacco content, ...) is a [`QuantityUnit::Other`] term.

use std::str::FromStr;

use landed::date::Date;
use landed::pack::{DutyExpr, DutyTerm, QuantityUnit};
use rust_decimal::Decimal;

/// Why a rate string did not become terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RateError {
    /// A rate the model cannot express (seasonal, entry price, formula on part of the goods): the rate is kept
    /// as an unparsed expression (unknown rate), not an error.
    Unmodelled(String),
    /// The text is malformed (a bad number, a wrong currency): the row is invalid.
    Invalid {
        /// What is wrong.
        what: String,
        /// A valid example.
        example: String,
    },
}

impl RateError {
    fn unmodelled(why: impl Into<String>) -> Self {
        RateError::Unmodelled(why.into())
    }
    fn invalid(what: impl Into<String>, example: &str) -> Self {
        RateError::Invalid {
            what: what.into(),
            example: example.to_string(),
        }
    }
}

/// A free (zero) duty with its source text.
pub fn free(text: &str) -> DutyExpr {
    DutyExpr {
        text: text.to_string(),
        terms: Vec::new(),
        min: None,
        max: None,
        unparsed: false,
        or_lower: Vec::new(),
    }
}

/// An unknown rate: the source text could not be turned into terms.
pub fn unparsed(text: &str) -> DutyExpr {
    DutyExpr {
        text: text.to_string(),
        terms: Vec::new(),
        min: None,
        max: None,
        unparsed: true,
        or_lower: Vec::new(),
    }
}

/// Turns a parse result into an expression: unmodelled rates become [`unparsed`], invalid ones stay errors.
pub fn or_unparsed(
    text: &str,
    result: Result<DutyExpr, RateError>,
) -> Result<DutyExpr, (String, String)> {
    match result {
        Ok(e) => Ok(e),
        Err(RateError::Unmodelled(_)) => Ok(unparsed(text)),
        Err(RateError::Invalid { what, example }) => Err((what, example)),
    }
}

/// Parses a decimal number written with optional thousands commas (`1,024.00`); `None` when it is not one.
pub fn parse_number(s: &str) -> Option<Decimal> {
    let s = s.trim();
    if s.is_empty()
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return None;
    }
    let int_part = s.split('.').next().unwrap_or("");
    if int_part.contains(',') {
        let mut groups = int_part.split(',');
        let first = groups.next().unwrap_or("");
        if first.is_empty() || first.len() > 3 || groups.any(|g| g.len() != 3) {
            return None;
        }
    }
    if s.split('.').nth(1).is_some_and(|frac| frac.contains(',')) {
        return None;
    }
    Decimal::from_str(&s.replace(',', ""))
        .ok()
        .map(|d| d.normalize())
}

/// Splits a leading number token (digits, `.`, and `,` when followed by a digit) from `s`.
fn split_number(s: &str) -> (&str, &str) {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit()
            || c == b'.'
            || (c == b',' && b.get(i + 1).is_some_and(|n| n.is_ascii_digit()))
        {
            i += 1;
        } else {
            break;
        }
    }
    (&s[..i], &s[i..])
}

/// A leading number of `s`, as a decimal, with the rest; `Invalid` when digits are there but do not form a number.
fn take_number<'a>(s: &'a str, example: &str) -> Result<Option<(Decimal, &'a str)>, RateError> {
    let (tok, rest) = split_number(s);
    if tok.is_empty() {
        return Ok(None);
    }
    match parse_number(tok) {
        Some(d) => Ok(Some((d, rest))),
        None => Err(RateError::invalid(
            format!("bad rate number `{tok}`"),
            example,
        )),
    }
}

/// Maps a unit text (`100kg`, `100 kg`, `kg`, `hl`, `1,000 items`, `% vol / hl`) to `(per, unit)`.
pub fn parse_unit(s: &str) -> Result<(Decimal, QuantityUnit), RateError> {
    let s = s.trim();
    let (per, rest) = match take_number(s, "100 kg")? {
        Some((n, rest)) if !n.is_zero() => (n, rest),
        Some(_) => {
            return Err(RateError::invalid(
                format!("zero quantity in unit `{s}`"),
                "100 kg",
            ))
        }
        None => (Decimal::ONE, s),
    };
    let name = rest
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let unit = |u| Ok((per, u));
    match name.as_str() {
        "kg" | "kilogram" | "kilograms" => unit(QuantityUnit::Kg),
        "g" | "gram" | "grams" => unit(QuantityUnit::Gram),
        "t" | "tonne" | "tonnes" => Ok((per * Decimal::ONE_THOUSAND, QuantityUnit::Kg)),
        "l" | "liter" | "litre" | "liters" | "litres" => unit(QuantityUnit::Litre),
        "doz" | "doz." | "dozen" => unit(QuantityUnit::Dozen),
        "pr" | "pr." | "pair" | "pairs" => unit(QuantityUnit::Pair),
        "item" | "items" | "no" | "no." | "pc" | "pcs" | "piece" | "pieces" | "each" | "head"
        | "article" | "articles" | "stick" | "sticks" | "pins" | "p/st" => unit(QuantityUnit::Item),
        "" if per != Decimal::ONE => unit(QuantityUnit::Item),
        "" => Err(RateError::invalid(
            format!("missing unit in `{s}`"),
            "100 kg",
        )),
        "thousand" => Ok((per * Decimal::ONE_THOUSAND, QuantityUnit::Item)),
        "gross" => Ok((per * Decimal::from(144), QuantityUnit::Item)),
        _ => unit(QuantityUnit::Other),
    }
}

fn specific(amount: Decimal, (per, unit): (Decimal, QuantityUnit)) -> DutyTerm {
    DutyTerm::Specific {
        amount: amount.normalize(),
        per: per.normalize(),
        unit,
    }
}

// ---------------------------------------------------------------------------------------------------------------
// USITC

const US_EXAMPLE: &str = "`6.5%`, `Free`, `77.2 cents/liter` or `41 cents/kg + 16.3%`";

/// Parses a USITC `mfn_text_rate` (`Free`, `6.5%`, `$1.092/kg`, `41 cents/kg + 16.3%`).
pub fn parse_usitc(text: &str) -> Result<DutyExpr, RateError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(RateError::invalid("empty rate", US_EXAMPLE));
    }
    if t.eq_ignore_ascii_case("free") {
        return Ok(free(text));
    }
    let mut terms = Vec::new();
    for part in t.split('+') {
        terms.push(usitc_term(part.trim())?);
    }
    Ok(DutyExpr {
        text: text.to_string(),
        terms,
        min: None,
        max: None,
        unparsed: false,
        or_lower: Vec::new(),
    })
}

fn usitc_term(p: &str) -> Result<DutyTerm, RateError> {
    if let Some(pct) = p
        .strip_suffix('%')
        .or_else(|| p.strip_suffix("% on the entire set"))
    {
        return match parse_number(pct) {
            Some(d) => Ok(DutyTerm::AdValorem(d)),
            None if pct.bytes().any(|b| b.is_ascii_digit()) && !pct.contains(' ') => Err(
                RateError::invalid(format!("bad percentage `{p}`"), US_EXAMPLE),
            ),
            None => Err(RateError::unmodelled(format!(
                "percentage on part of the goods: `{p}`"
            ))),
        };
    }
    let (amount, rest) = if let Some(dollars) = p.strip_prefix('$') {
        match take_number(dollars, US_EXAMPLE)? {
            Some((n, rest)) => (n, rest),
            None => return Err(RateError::invalid(format!("bad amount `{p}`"), US_EXAMPLE)),
        }
    } else {
        match take_number(p, US_EXAMPLE)? {
            Some((n, rest)) => match rest.trim_start().strip_prefix("cents") {
                Some(r) => (n / Decimal::ONE_HUNDRED, r),
                None => return Err(RateError::unmodelled(format!("unknown term `{p}`"))),
            },
            None => return Err(RateError::unmodelled(format!("unknown term `{p}`"))),
        }
    };
    let rest = rest.trim();
    if rest == "each" {
        return Ok(specific(amount, (Decimal::ONE, QuantityUnit::Item)));
    }
    match rest.strip_prefix('/') {
        Some(unit) => Ok(specific(amount, parse_unit(unit)?)),
        None => Err(RateError::unmodelled(format!("unknown term `{p}`"))),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// UK Global Tariff / EU CET

/// Example of a valid UK GT / CET rate, for error messages.
pub const UK_EXAMPLE: &str = "`10.00% + 77.00 GBP/100kg`, `0.00%` or `2.00 GBP / 100 kg`";

/// Parses a UK Global Tariff or EU CET rate whose specific amounts are in `currency` (`GBP` or `EUR`).
pub fn parse_uk_eu(text: &str, currency: &str) -> Result<DutyExpr, RateError> {
    let t = text
        .replace('\u{a0}', " ")
        .replace('€', &format!(" {currency} "));
    let t = t.trim();
    if t.is_empty() {
        return Err(RateError::invalid("empty rate", UK_EXAMPLE));
    }
    if t.contains('(') {
        return Err(RateError::unmodelled("seasonal rate"));
    }
    if t.eq_ignore_ascii_case("entry price") {
        return Err(RateError::unmodelled("entry price system"));
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    if words
        .iter()
        .any(|w| matches!(*w, "EA" | "ADSZ" | "ADFM" | "AD" | "EAR"))
    {
        return Err(RateError::unmodelled(
            "agricultural component (EA / AD S/Z / AD F/M)",
        ));
    }
    let (head, max) = split_keyword(t, "MAX");
    let (main, min) = split_keyword(head, "MIN");
    let terms = uk_terms(main, currency)?;
    let bound = |s: Option<&str>| -> Result<Option<DutyTerm>, RateError> {
        match s {
            None => Ok(None),
            Some(s) => {
                let mut v = uk_terms(s, currency)?;
                if v.len() != 1 {
                    return Err(RateError::unmodelled("bound with several terms"));
                }
                Ok(v.pop())
            }
        }
    };
    let (min, max) = (bound(min)?, bound(max)?);
    Ok(DutyExpr {
        text: text.to_string(),
        terms,
        min,
        max,
        unparsed: false,
        or_lower: Vec::new(),
    })
}

/// Splits `s` at the word `kw` (surrounded by spaces).
fn split_keyword<'a>(s: &'a str, kw: &str) -> (&'a str, Option<&'a str>) {
    let pat = format!(" {kw} ");
    match s.find(&pat) {
        Some(i) => (&s[..i], Some(&s[i + pat.len()..])),
        None => (s, None),
    }
}

fn uk_terms(s: &str, currency: &str) -> Result<Vec<DutyTerm>, RateError> {
    let mut terms = Vec::new();
    for part in s.split('+') {
        let p = part.trim();
        if p.is_empty() {
            return Err(RateError::invalid(
                format!("empty term in `{s}`"),
                UK_EXAMPLE,
            ));
        }
        terms.push(uk_term(p, currency)?);
    }
    // "0%" alone is free: keep it as no terms.
    if terms.len() == 1 && matches!(terms.first(), Some(DutyTerm::AdValorem(d)) if d.is_zero()) {
        terms.clear();
    }
    Ok(terms)
}

fn uk_term(p: &str, currency: &str) -> Result<DutyTerm, RateError> {
    if let Some(pct) = p.strip_suffix('%') {
        return match parse_number(pct) {
            Some(d) => Ok(DutyTerm::AdValorem(d)),
            None => Err(RateError::invalid(
                format!("bad percentage `{p}`"),
                UK_EXAMPLE,
            )),
        };
    }
    let Some((amount, rest)) = take_number(p, UK_EXAMPLE)? else {
        if p.bytes().any(|b| b.is_ascii_digit()) {
            return Err(RateError::invalid(format!("bad rate `{p}`"), UK_EXAMPLE));
        }
        return Err(RateError::unmodelled(format!("unknown term `{p}`")));
    };
    let rest = rest.trim();
    if rest.is_empty() {
        // A bare number: the EU notation for an ad valorem rate.
        return Ok(DutyTerm::AdValorem(amount));
    }
    if rest.starts_with('%') {
        return Err(RateError::invalid(
            format!("bad percentage `{p}`"),
            UK_EXAMPLE,
        ));
    }
    let code: String = rest
        .chars()
        .take_while(|c| c.is_ascii_uppercase())
        .collect();
    if code.len() != 3 {
        if rest.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && !rest.contains('/') {
            return Err(RateError::invalid(format!("bad rate `{p}`"), UK_EXAMPLE));
        }
        return Err(RateError::unmodelled(format!("unknown term `{p}`")));
    }
    if code != currency {
        return Err(RateError::invalid(
            format!("amount in {code} in a {currency} tariff: `{p}`"),
            UK_EXAMPLE,
        ));
    }
    let after = rest[3..].trim_start();
    match after.strip_prefix('/') {
        Some(unit) => Ok(specific(amount, parse_unit(unit)?)),
        None => Err(RateError::invalid(
            format!("amount without a unit: `{p}`"),
            UK_EXAMPLE,
        )),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Australia

/// Example of a valid AU rate, for error messages.
pub const AU_EXAMPLE: &str = "`Free`, `5%`, `5% CAFree` or `$0.526/L NZ/PG/FI/DC/LDC/SG $0.526/L`";

/// Country-group prefixes that start the preferential part of an AU rate string.
const AU_GROUPS: [&str; 11] = [
    "NZ", "DCS", "DCT", "DTC", "DC", "CA", "MY", "SG", "PG", "FI", "LDC",
];

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Parses an AU Schedule 3 rate (column 3): the general rate in force on `as_of`, ignoring country-group rates.
pub fn parse_au(text: &str, as_of: Date) -> Result<DutyExpr, RateError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(RateError::invalid("empty rate", AU_EXAMPLE));
    }
    let segment = au_phase(t, as_of)?;
    let (terms, max) = au_general(segment)?;
    Ok(DutyExpr {
        text: text.to_string(),
        terms,
        min: None,
        max,
        unparsed: false,
        or_lower: Vec::new(),
    })
}

/// The part of a phased rate (`5% From1July2018 3.75% From1July2019 Free`) in force on `as_of`.
fn au_phase(t: &str, as_of: Date) -> Result<&str, RateError> {
    let mut chosen = None;
    let mut pieces = t.split("From");
    let first = pieces.next().unwrap_or("");
    for piece in pieces {
        let (date, rest) =
            au_date(piece).ok_or_else(|| RateError::unmodelled("phasing date not understood"))?;
        if date <= as_of {
            chosen = Some(rest);
        }
    }
    Ok(chosen.unwrap_or(first))
}

/// Reads `1July2018`, `1 July 2018`, `1 January 2015` at the start of `s`.
fn au_date(s: &str) -> Option<(Date, &str)> {
    let s = s.trim_start();
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let day: u8 = s.get(..digits)?.parse().ok()?;
    let s = s.get(digits..)?.trim_start();
    let (month, s) = MONTHS
        .iter()
        .zip(1u8..)
        .find_map(|(name, n)| s.strip_prefix(name).map(|r| (n, r)))?;
    let s = s.trim_start();
    let year: u16 = s.get(..4)?.parse().ok()?;
    Some((Date::new(year, month, day)?, s.get(4..)?))
}

fn au_general(seg: &str) -> Result<(Vec<DutyTerm>, Option<DutyTerm>), RateError> {
    let s = seg.trim().trim_start_matches(';').trim();
    let mut terms = Vec::new();
    let mut max = None;
    let rest: &str;
    if let Some(r) = s.strip_prefix("Free") {
        rest = r;
    } else if let Some(r) = s.strip_prefix('$') {
        let (term, r) = au_specific(r)?;
        terms.push(term);
        rest = r;
    } else if let Some((n, r)) = take_number(s, AU_EXAMPLE)? {
        let Some(r) = r.strip_prefix('%') else {
            return Err(RateError::invalid(format!("bad rate `{s}`"), AU_EXAMPLE));
        };
        if !n.is_zero() {
            terms.push(DutyTerm::AdValorem(n));
        }
        if let Some(r2) = r.strip_prefix(", and $") {
            let (term, r3) = au_specific(r2)?;
            terms.push(term);
            rest = r3;
        } else if let Some(r2) = r.strip_prefix(", or, if lower, $") {
            let (term, r3) = au_specific(r2)?;
            max = Some(term);
            rest = r3;
        } else {
            rest = r;
        }
    } else {
        return Err(RateError::unmodelled(format!("unknown rate `{s}`")));
    }
    let rest = rest.trim_start().trim_start_matches(';');
    if rest.is_empty() || AU_GROUPS.iter().any(|g| rest.starts_with(g)) {
        Ok((terms, max))
    } else {
        Err(RateError::unmodelled(format!(
            "unexpected text after the general rate: `{rest}`"
        )))
    }
}

/// `0.526/L NZ/...` (after the `$`) -> the specific term and the text after its unit.
fn au_specific(s: &str) -> Result<(DutyTerm, &str), RateError> {
    let Some((amount, r)) = take_number(s, AU_EXAMPLE)? else {
        return Err(RateError::invalid(format!("bad amount `${s}`"), AU_EXAMPLE));
    };
    let Some(r) = r.strip_prefix('/') else {
        return Err(RateError::invalid(
            format!("amount without a unit `${s}`"),
            AU_EXAMPLE,
        ));
    };
    let end = AU_GROUPS
        .iter()
        .filter_map(|g| r.find(&format!(" {g}")))
        .min()
        .unwrap_or(r.len());
    let unit = r[..end].trim();
    if unit.contains(',') || unit.contains(" plus ") || unit.contains('(') {
        return Err(RateError::unmodelled(format!("formula rate `{unit}`")));
    }
    Ok((specific(amount, parse_unit(unit)?), &r[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("test decimal")
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("1,024.00"), Some(d("1024")));
        assert_eq!(parse_number("0.526"), Some(d("0.526")));
        assert_eq!(parse_number("1,02"), None);
        assert_eq!(parse_number("1.2.3"), None);
        assert_eq!(parse_number("-1"), None);
    }

    #[test]
    fn us_terms() {
        let e = parse_usitc("41 cents/kg + 16.3%").expect("parses");
        assert_eq!(
            e.terms,
            vec![
                DutyTerm::Specific {
                    amount: d("0.41"),
                    per: Decimal::ONE,
                    unit: QuantityUnit::Kg
                },
                DutyTerm::AdValorem(d("16.3"))
            ]
        );
        assert!(matches!(
            parse_usitc("2.5% on the value of the lead content"),
            Err(RateError::Unmodelled(_))
        ));
    }

    #[test]
    fn au_phases() {
        let as_of = Date::new(2026, 4, 17).expect("date");
        let e = parse_au("5% From1July2018 3.75% From1July2019 Free", as_of).expect("parses");
        assert!(e.terms.is_empty() && !e.unparsed);
        let e = parse_au("10% DC5% From 1 January 2015 5%", as_of).expect("parses");
        assert_eq!(e.terms, vec![DutyTerm::AdValorem(d("5"))]);
    }
}

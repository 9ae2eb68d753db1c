//! Rate texts of Japan's customs tariff schedule (実行関税率表) -> [`DutyExpr`].
//!
//! Understood, after full-width forms are folded (`（）％＋−` to ASCII) and line breaks and spaces dropped:
//!
//! * `無税` free; `3.9%`; specific duties `123.20円/kg`, `4,800円/足` (pair), `/個` `/本` `/頭` `/枚` (items),
//!   `/1,000本` (per 1,000 items), `/ダース` (dozen), `/l` `/kl` (litres), `/kg` `/t` `/MT` (kilograms); `㎡` is a
//!   unit the engine cannot measure ([`QuantityUnit::Other`]); `170万円/頭` is 1,700,000 yen per head;
//! * compound `A+B` (terms added);
//! * `A又はBのうちいずれか高い税率` (the higher: terms A with B as the minimum; A must be one term when B is not);
//! * `A又はBのうちいずれか低い税率` (the lower: A with B as an `or_lower` alternative);
//! * the wine clause `…のうちいずれか低い税率ただしその税率がXを下回る場合はX` (a floor X on the lower of A and B, taken
//!   only when X is below B in the same unit, where floor-then-lower equals the statute's lower-then-floor) and the cap
//!   `…のうちいずれか高い税率(ただしその税率がXを上回る場合はXとする)`.
//!
//! Everything else is [`RateError::Unmodelled`] (the rate is unknown, never guessed): marks referring to notes
//! (`◎` quota, `●` partial concessions, `*`, `※`, `◆`), ranges (`無税〜5%`), "not bound" (`非譲許`), gate-price
//! formulas on the customs value (`(73.70円−課税価格)/kg`), conditional multi-line texts (`関税割当数量以内のもの　無税`)
//! and choices among more than two rates. A text wholly in parentheses (`(3.9%)`, `(無税)〜(5%)`, `*(361円/kg)`) is
//! a rate the schedule shows but does not apply ([`Cell::NotApplied`]).

use landed::pack::{DutyExpr, DutyTerm, QuantityUnit};
use rust_decimal::Decimal;

use super::duty_text::{parse_number, RateError};

/// What a cell of the schedule says.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// The rate, operative where the column applies.
    Rate(DutyExpr),
    /// A rate shown in parentheses: not applied (the general or temporary rate is equal or lower).
    NotApplied,
}

const HIGHER: &str = "のうちいずれか高い税率";
const LOWER: &str = "のうちいずれか低い税率";
const MARKS: [char; 7] = ['◎', '●', '*', '※', '◆', '＊', '◇'];

fn unmodelled(why: impl Into<String>) -> RateError {
    RateError::Unmodelled(why.into())
}

/// Folds full-width forms to ASCII and drops line breaks and spaces (none is meaningful in a rate).
pub fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '％' => '%',
            '＋' => '+',
            '−' | '－' => '-',
            '～' => '〜',
            '，' => ',',
            '．' => '.',
            other => other,
        })
        .collect()
}

/// Reads one cell: empty is `None`, a wholly parenthesised rate is [`Cell::NotApplied`], anything else a rate.
pub fn parse_cell(text: &str) -> Result<Option<Cell>, RateError> {
    let t = normalise(text);
    if t.is_empty() {
        return Ok(None);
    }
    if wholly_parenthesised(&t) {
        return Ok(Some(Cell::NotApplied));
    }
    parse_normalised(text.trim(), &t).map(|e| Some(Cell::Rate(e)))
}

/// Parses a rate text that must be operative (no parentheses around it).
pub fn parse(text: &str) -> Result<DutyExpr, RateError> {
    let t = normalise(text);
    if t.is_empty() {
        return Err(unmodelled("empty rate"));
    }
    parse_normalised(text.trim(), &t)
}

/// True when every rate in `t` is in parentheses: what is left outside the groups is only marks and separators.
fn wholly_parenthesised(t: &str) -> bool {
    let mut depth = 0usize;
    let mut outside = String::new();
    let mut groups = 0;
    for c in t.chars() {
        match c {
            '(' => {
                if depth == 0 {
                    groups += 1;
                }
                depth += 1;
            }
            ')' => {
                if depth == 0 {
                    return false;
                }
                depth -= 1;
            }
            c if depth == 0 => outside.push(c),
            _ => {}
        }
    }
    if depth != 0 || groups == 0 {
        return false;
    }
    let rest = outside.replace("又は", "");
    rest.chars().all(|c| matches!(c, '*' | '＊' | '〜' | '、'))
}

fn parse_normalised(original: &str, t: &str) -> Result<DutyExpr, RateError> {
    if t.contains(MARKS) {
        return Err(unmodelled("a mark referring to a note of the schedule"));
    }
    if t.contains("課税価格") || t.contains("基準輸入価格") || t.contains("含有") {
        return Err(unmodelled("a formula on the customs value or the content"));
    }
    if t.contains('〜') || t.contains("非譲許") || t.contains("免税") {
        return Err(unmodelled("a range, an unbound or a conditional exemption"));
    }
    if t == "無税" {
        return Ok(expr(original, Vec::new(), None, None, Vec::new()));
    }
    let (head, clause) = match t.find("ただしその税率が") {
        // The cap comes in parentheses: `…高い税率(ただしその税率が…とする)`.
        Some(i) => (
            t[..i].strip_suffix('(').unwrap_or(&t[..i]),
            Some(clause(&t[i + "ただしその税率が".len()..])?),
        ),
        None => (t, None),
    };
    if let Some(body) = head.strip_suffix(HIGHER) {
        let (a, b) = two_parts(body)?;
        let (terms, min) = match (terms_of(a)?, terms_of(b)?) {
            (a, b) if b.len() == 1 => (a, b),
            (a, b) if a.len() == 1 => (b, a),
            _ => return Err(unmodelled("the higher of two compound rates")),
        };
        let min = min.into_iter().next();
        let max = match clause {
            None => None,
            Some(Clause::Cap(x)) => Some(x),
            Some(Clause::Floor(_)) => return Err(unmodelled("a floor on the higher of two rates")),
        };
        return Ok(expr(original, terms, min, max, Vec::new()));
    }
    if let Some(body) = head.strip_suffix(LOWER) {
        let (a, b) = two_parts(body)?;
        let alt_terms = terms_of(b)?;
        let min = match clause {
            None => None,
            Some(Clause::Floor(x)) if floor_below(&x, &alt_terms) => Some(x),
            Some(_) => return Err(unmodelled("a bound the lower-of form cannot carry exactly")),
        };
        let alternative = expr(b, alt_terms, None, None, Vec::new());
        return Ok(expr(original, terms_of(a)?, min, None, vec![alternative]));
    }
    if clause.is_some() || head.contains("又は") {
        return Err(unmodelled("a choice the schedule does not qualify"));
    }
    Ok(expr(original, terms_of(head)?, None, None, Vec::new()))
}

/// A bound after `ただしその税率が`.
enum Clause {
    /// `Xを下回る場合はX`: the duty is at least X.
    Floor(DutyTerm),
    /// `Xを上回る場合はXとする`: the duty is at most X.
    Cap(DutyTerm),
}

fn clause(s: &str) -> Result<Clause, RateError> {
    let s = s.strip_suffix(')').unwrap_or(s);
    let s = s.strip_suffix("とする").unwrap_or(s);
    let parse_pair = |sep: &str| -> Result<Option<DutyTerm>, RateError> {
        let Some((x, y)) = s.split_once(sep) else {
            return Ok(None);
        };
        if x != y {
            return Err(unmodelled("a bound whose threshold and rate differ"));
        }
        Ok(Some(term(x)?))
    };
    if let Some(x) = parse_pair("を下回る場合は")? {
        return Ok(Clause::Floor(x));
    }
    if let Some(x) = parse_pair("を上回る場合は")? {
        return Ok(Clause::Cap(x));
    }
    Err(unmodelled("an unknown proviso"))
}

/// Whether the floor is below the alternative it bounds (same unit): then floor-then-lower is exact.
fn floor_below(floor: &DutyTerm, alternative: &[DutyTerm]) -> bool {
    match (floor, alternative) {
        (
            DutyTerm::Specific {
                amount: fa,
                per: fp,
                unit: fu,
            },
            [DutyTerm::Specific {
                amount: aa,
                per: ap,
                unit: au,
            }],
        ) => fu == au && fp == ap && fa <= aa,
        (DutyTerm::AdValorem(f), [DutyTerm::AdValorem(a)]) => f <= a,
        _ => false,
    }
}

fn two_parts(body: &str) -> Result<(&str, &str), RateError> {
    let parts: Vec<&str> = body.split("又は").collect();
    match parts.as_slice() {
        [a, b] if !a.is_empty() && !b.is_empty() => Ok((a, b)),
        _ => Err(unmodelled("a choice among other than two rates")),
    }
}

/// The terms of a sum `A+B+…`; `無税` alone is no term.
fn terms_of(s: &str) -> Result<Vec<DutyTerm>, RateError> {
    if s == "無税" {
        return Ok(Vec::new());
    }
    s.split('+').map(term).collect()
}

fn term(s: &str) -> Result<DutyTerm, RateError> {
    if let Some(pct) = s.strip_suffix('%') {
        return number(pct).map(DutyTerm::AdValorem);
    }
    let (amount, unit) = if let Some((a, u)) = s.split_once("万円/") {
        (number(a)? * Decimal::from(10_000), u)
    } else if let Some((a, u)) = s.split_once("円/") {
        (number(a)?, u)
    } else {
        return Err(unmodelled(format!("not a rate: `{s}`")));
    };
    let (per, unit) = unit_of(unit)?;
    Ok(DutyTerm::Specific {
        amount: amount.normalize(),
        per: per.normalize(),
        unit,
    })
}

fn number(s: &str) -> Result<Decimal, RateError> {
    parse_number(s).ok_or_else(|| unmodelled(format!("not a number: `{s}`")))
}

/// `kg`, `1,000本`, `ダース`… -> (per, unit).
fn unit_of(s: &str) -> Result<(Decimal, QuantityUnit), RateError> {
    let split = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == ',' || *c == '.'))
        .map_or(s.len(), |(i, _)| i);
    let (n, name) = s.split_at(split);
    let per = if n.is_empty() {
        Decimal::ONE
    } else {
        match parse_number(n) {
            Some(d) if !d.is_zero() => d,
            _ => return Err(unmodelled(format!("bad quantity in `{s}`"))),
        }
    };
    let thousand = Decimal::ONE_THOUSAND;
    Ok(match name {
        "kg" | "KG" => (per, QuantityUnit::Kg),
        "g" => (per, QuantityUnit::Gram),
        "t" | "MT" => (per * thousand, QuantityUnit::Kg),
        "l" | "L" | "ℓ" => (per, QuantityUnit::Litre),
        "kl" | "KL" => (per * thousand, QuantityUnit::Litre),
        "足" => (per, QuantityUnit::Pair),
        "個" | "本" | "頭" | "枚" => (per, QuantityUnit::Item),
        "ダース" => (per, QuantityUnit::Dozen),
        "㎡" | "m2" | "m²" => (per, QuantityUnit::Other),
        _ => return Err(unmodelled(format!("unknown unit `{name}`"))),
    })
}

/// A parsed expression with its source text.
pub(crate) fn expr(
    text: &str,
    terms: Vec<DutyTerm>,
    min: Option<DutyTerm>,
    max: Option<DutyTerm>,
    or_lower: Vec<DutyExpr>,
) -> DutyExpr {
    DutyExpr {
        text: text.to_string(),
        terms,
        min,
        max,
        or_lower,
        unparsed: false,
    }
}

/// A plain ad valorem rate in percent (`Some(0)` for free), for comparisons; `None` for anything else.
pub fn plain_ad_valorem(e: &DutyExpr) -> Option<Decimal> {
    if e.unparsed || e.min.is_some() || e.max.is_some() || !e.or_lower.is_empty() {
        return None;
    }
    match e.terms.as_slice() {
        [] => Some(Decimal::ZERO),
        [DutyTerm::AdValorem(p)] => Some(*p),
        _ => None,
    }
}

#[cfg(test)]
#[path = "jp_rate_tests.rs"]
mod tests;

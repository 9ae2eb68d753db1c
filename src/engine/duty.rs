//! Evaluation of tariff duty expressions on a line.

use crate::pack::model::{DutyExpr, DutyTerm, QuantityUnit};
use rust_decimal::Decimal;

/// What a line offers to measure a specific duty against.
pub struct LineQuantities {
    /// Customs value of the line, destination currency.
    pub customs_value: Decimal,
    /// Number of articles.
    pub quantity: Decimal,
    /// Net weight of the line in kg, if known.
    pub weight_kg: Option<Decimal>,
    /// Destination-currency units per unit of the tariff's currency.
    pub tariff_fx: Decimal,
}

/// Why an expression could not be evaluated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unknown {
    /// The source rate text could not be parsed.
    Unparsed,
    /// A per-kg duty on a line without weight.
    WeightMissing,
    /// A unit the basket cannot measure (litres, m², % vol, ...).
    UnsupportedUnit,
}

/// Evaluates a duty expression on a line; exact, unrounded.
pub fn evaluate(expr: &DutyExpr, q: &LineQuantities) -> Result<Decimal, Unknown> {
    if expr.unparsed {
        return Err(Unknown::Unparsed);
    }
    let mut duty = Decimal::ZERO;
    for t in &expr.terms {
        duty += term(t, q)?;
    }
    if let Some(min) = &expr.min {
        duty = duty.max(term(min, q)?);
    }
    if let Some(max) = &expr.max {
        duty = duty.min(term(max, q)?);
    }
    for alt in &expr.or_lower {
        duty = duty.min(evaluate(alt, q)?);
    }
    Ok(duty)
}

fn term(t: &DutyTerm, q: &LineQuantities) -> Result<Decimal, Unknown> {
    match t {
        DutyTerm::AdValorem(pct) => Ok(q.customs_value * pct / Decimal::ONE_HUNDRED),
        DutyTerm::Specific { amount, per, unit } => {
            let measured = match unit {
                QuantityUnit::Kg => q.weight_kg.ok_or(Unknown::WeightMissing)?,
                QuantityUnit::Gram => {
                    q.weight_kg.ok_or(Unknown::WeightMissing)? * Decimal::ONE_THOUSAND
                }
                QuantityUnit::Item | QuantityUnit::Pair => q.quantity,
                QuantityUnit::Dozen => q.quantity / Decimal::from(12),
                QuantityUnit::Litre | QuantityUnit::Other => return Err(Unknown::UnsupportedUnit),
            };
            if per.is_zero() {
                return Err(Unknown::Unparsed);
            }
            Ok(amount * q.tariff_fx * measured / per)
        }
    }
}

/// Human text of an expression for formulas: the source's own text.
pub fn describe(expr: &DutyExpr) -> &str {
    if expr.text.is_empty() {
        "free"
    } else {
        &expr.text
    }
}

//! Line taxes: the rate (by region, else a reduced rate by HS prefix, else the standard rate), the
//! base, and who collects it (the border, or the seller at the point of sale). Run again when a
//! measure tests the tax amounts.

use super::texts::Rule;
use super::{Engine, TaxFigures};
use crate::date::Date;
use crate::error::{Error, Result};
use crate::pack::model::{DatedValue, TaxBase, TaxEffect, TaxSpec};
use crate::quote::Collection;
use rust_decimal::Decimal;

/// How a line's tax is levied, before the rate is applied.
pub(super) struct Levy<'a> {
    /// The value taxed, exact.
    pub base: Decimal,
    /// Multiplier on the statutory amount.
    pub factor: Decimal,
    /// Who collects it (before a zero amount makes it nobody).
    pub collected: Collection,
    /// The rule that decided it.
    pub rule: Rule<'a>,
    /// Legal reference of the rule applied (for the explain trail).
    pub reference: &'a str,
    /// First day the rule applied is in force (for the explain trail).
    pub effective: Date,
    /// What the base adds up, in words (for the explain trail).
    pub parts: &'static str,
}

impl<'a> Engine<'a> {
    /// The tax of every line.
    pub(super) fn taxes(&mut self) -> Result<()> {
        let dest = self.dest;
        let Some(spec) = &dest.tax else {
            return Ok(());
        };
        let val = &self.valuation.value;
        for i in 0..self.work.len() {
            let (pct, rate_rule, rate_value) = self.tax_rate(spec, self.work[i].hs)?;
            let w = &self.work[i];
            let levy = match &w.tax_effect {
                Some((TaxEffect::Waive, mi)) => {
                    let m = &dest.measures[*mi];
                    Levy {
                        base: Decimal::ZERO,
                        factor: Decimal::ZERO,
                        collected: Collection::None,
                        rule: Rule::Id(&m.id),
                        reference: &m.reference,
                        effective: m.from,
                        parts: "relief",
                    }
                }
                Some((TaxEffect::PointOfSale { base, factor }, mi)) => {
                    let m = &dest.measures[*mi];
                    let (b, parts) = self.base_of(i, w.goods, base);
                    Levy {
                        base: b,
                        factor: *factor,
                        collected: Collection::PointOfSale,
                        rule: Rule::Id(&m.id),
                        reference: &m.reference,
                        effective: m.from,
                        parts,
                    }
                }
                other => {
                    let factor = match other {
                        Some((TaxEffect::Border { factor }, _)) => *factor,
                        _ => Decimal::ONE,
                    };
                    let goods_cv = w.customs_value
                        - if val.include_shipping {
                            w.shipping
                        } else {
                            Decimal::ZERO
                        }
                        - if val.include_insurance {
                            w.insurance
                        } else {
                            Decimal::ZERO
                        };
                    let (b, parts) = self.base_of(i, goods_cv, &spec.base);
                    Levy {
                        base: b,
                        factor,
                        collected: Collection::Border,
                        rule: rate_rule,
                        reference: &rate_value.reference,
                        effective: rate_value.from,
                        parts,
                    }
                }
            };
            let amount = self.round_line(levy.base * pct / Decimal::ONE_HUNDRED * levy.factor);
            let collected = if amount.is_zero() {
                Collection::None
            } else {
                levy.collected
            };
            let shown_base = self.round(levy.base);
            if self.explaining {
                self.explain_tax(i, &levy, pct, shown_base, amount);
            }
            self.work[i].tax = TaxFigures {
                amount,
                rate: pct,
                base: shown_base,
                rule: levy.rule,
                collected,
            };
        }
        Ok(())
    }

    /// The tax rate for a line: region, else reduced by HS prefix, else standard.
    fn tax_rate(
        &self,
        spec: &'a TaxSpec,
        hs: Option<&'a str>,
    ) -> Result<(Decimal, Rule<'a>, &'a DatedValue<Decimal>)> {
        let out = || Error::DateOutOfCoverage {
            path: "date".into(),
            date: self.date,
            destination: self.dest.code.clone(),
            from: self.dest.coverage.from,
            refuse_from: self.dest.coverage.refuse_from,
        };
        if !spec.regions.is_empty() {
            let regions = || {
                spec.regions
                    .iter()
                    .map(|r| r.region.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let Some(region) = &self.basket.destination_region else {
                return Err(Error::InvalidRegion {
                    path: "destination_region".into(),
                    message: format!(
                        "{} taxes imports by region: give destination_region, one of {}",
                        self.dest.code,
                        regions()
                    ),
                });
            };
            let Some(r) = spec.regions.iter().find(|r| &r.region == region) else {
                return Err(Error::InvalidRegion {
                    path: "destination_region".into(),
                    message: format!(
                        "unknown region `{region}` for {}: expected one of {}",
                        self.dest.code,
                        regions()
                    ),
                });
            };
            let v = r.rate.at(self.date).ok_or_else(out)?;
            return Ok((v.value, Rule::TaxRegion(&r.region), v));
        }
        let reduced = hs.and_then(|h| {
            spec.reduced
                .iter()
                .filter_map(|r| {
                    r.hs_prefixes
                        .iter()
                        .filter(|p| h.starts_with(p.as_str()))
                        .map(|p| (p.len(), r))
                        .max_by_key(|x| x.0)
                })
                .max_by_key(|x| x.0)
                .and_then(|(_, r)| r.rate.at(self.date).map(|v| (v.value, Rule::Id(&r.id), v)))
        });
        if let Some(r) = reduced {
            return Ok(r);
        }
        let v = spec.standard.at(self.date).ok_or_else(out)?;
        Ok((v.value, Rule::TaxStandard, v))
    }

    /// A tax base: goods plus the parts the base lists, and the names of what it adds up.
    fn base_of(&self, i: usize, goods: Decimal, b: &TaxBase) -> (Decimal, &'static str) {
        let w = &self.work[i];
        let (ship, ins, duty) = (
            b.shipping && !w.shipping.is_zero(),
            b.insurance && !w.insurance.is_zero(),
            b.duty && !w.duty.amount.is_zero(),
        );
        let mut total = goods;
        for (on, v) in [
            (ship, w.shipping),
            (ins, w.insurance),
            (duty, w.duty.amount),
        ] {
            if on {
                total += v;
            }
        }
        let names = match (ship, ins, duty) {
            (false, false, false) => "goods",
            (true, false, false) => "goods + shipping",
            (false, true, false) => "goods + insurance",
            (false, false, true) => "goods + duty",
            (true, true, false) => "goods + shipping + insurance",
            (true, false, true) => "goods + shipping + duty",
            (false, true, true) => "goods + insurance + duty",
            (true, true, true) => "goods + shipping + insurance + duty",
        };
        (total, names)
    }
}

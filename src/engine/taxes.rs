//! Line taxes: the rate (by region, else a reduced rate by HS prefix, else the standard rate), the
//! base, and who collects it (the border, or the seller at the point of sale). Run again when a
//! measure tests the tax amounts.

use super::texts::Rule;
use super::{Engine, TaxFigures};
use crate::date::Date;
use crate::error::{Error, Result};
use crate::money;
use crate::pack::model::{DatedValue, ReducedRate, TaxBase, TaxEffect, TaxSpec, TaxSplit};
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

/// A line's split tax (`TaxSplit`): the national part before and after its truncation, and the
/// local part (from the truncated national part).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct LineSplit {
    pub national_exact: Decimal,
    pub national: Decimal,
    pub local: Decimal,
}

impl LineSplit {
    /// Japan Customs' computation of one line (Customs Answer 1111): the base truncated to
    /// `base_increment`; the national part (`national_share` of `pct` percent) truncated to
    /// `tax_increment`; the local part `local_numerator / local_denominator` of that truncated
    /// national part, made whole by `to_unit`. Returns the truncated base too; `None` on overflow.
    pub(super) fn of(
        base: Decimal,
        pct: Decimal,
        s: &TaxSplit,
        to_unit: impl Fn(Decimal) -> Decimal,
    ) -> Option<(Decimal, LineSplit)> {
        let base = money::truncate_to_increment(base, s.base_increment)?;
        let national_exact = base
            .checked_mul(pct)?
            .checked_div(Decimal::ONE_HUNDRED)?
            .checked_mul(s.national_share)?;
        let national = money::truncate_to_increment(national_exact, s.tax_increment)?;
        let local = to_unit(
            national
                .checked_mul(s.local_numerator)?
                .checked_div(s.local_denominator)?,
        );
        Some((
            base,
            LineSplit {
                national_exact,
                national,
                local,
            },
        ))
    }
}

impl<'a> Engine<'a> {
    /// The tax of every line.
    pub(super) fn taxes(&mut self) -> Result<()> {
        let dest = self.dest;
        let Some(spec) = &dest.tax else {
            return Ok(());
        };
        let val = &self.valuation.value;
        let split = spec.split.at(self.date);
        for i in 0..self.work.len() {
            let (pct, rate_rule, rate_value) = self.tax_rate(spec, self.work[i].reduced)?;
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
                    // A relieved part of the value is not taxed either.
                    let goods_cv = (w.customs_value
                        - w.relieved
                        - if val.include_shipping {
                            w.shipping
                        } else {
                            Decimal::ZERO
                        }
                        - if val.include_insurance {
                            w.insurance
                        } else {
                            Decimal::ZERO
                        })
                    .max(Decimal::ZERO);
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
            // A split tax is levied at the border only.
            let split = split.filter(|_| levy.collected == Collection::Border);
            let (amount, shown_base, parts) = match split {
                Some(s) => {
                    let (base, parts) = self.split_levy(&s.value, &levy, pct)?;
                    (parts.national + parts.local, base, Some(parts))
                }
                None => (
                    self.round_line(levy.base * pct / Decimal::ONE_HUNDRED * levy.factor),
                    self.round(levy.base),
                    None,
                ),
            };
            let collected = if amount.is_zero() {
                Collection::None
            } else {
                levy.collected
            };
            if self.explaining {
                self.explain_tax(i, &levy, pct, shown_base, amount, split.zip(parts.as_ref()));
            }
            self.work[i].tax = TaxFigures {
                amount,
                rate: pct,
                base: shown_base,
                rule: levy.rule,
                collected,
                parts,
            };
        }
        Ok(())
    }

    /// A line's tax levied in two parts (`TaxSplit`); the local part in whole currency units by
    /// the destination's rounding. Returns the truncated base.
    fn split_levy(
        &self,
        s: &TaxSplit,
        levy: &Levy<'_>,
        pct: Decimal,
    ) -> Result<(Decimal, LineSplit)> {
        LineSplit::of(levy.base, pct * levy.factor, s, |v| self.round(v)).ok_or_else(|| {
            Error::Overflow {
                path: "items".into(),
            }
        })
    }

    /// The tax rate for a line: region, else its reduced rate (by HS prefix), else standard.
    pub(super) fn tax_rate(
        &self,
        spec: &'a TaxSpec,
        reduced: Option<&'a ReducedRate>,
    ) -> Result<(Decimal, Rule<'a>, &'a DatedValue<Decimal>)> {
        let out = || self.out_of_coverage();
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
        let reduced =
            reduced.and_then(|r| r.rate.at(self.date).map(|v| (v.value, Rule::Id(&r.id), v)));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::model::RoundingStrategy;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    /// Whole yen, truncated (JP.yaml's rounding).
    fn yen(v: Decimal) -> Decimal {
        money::round(v, 0, RoundingStrategy::ToZero)
    }

    /// JP.yaml's split: 7.8 of the 10 % national, local 22/78 of it, 1,000 and 100 yen.
    fn japan() -> TaxSplit {
        TaxSplit {
            national_share: d("0.78"),
            local_numerator: d("22"),
            local_denominator: d("78"),
            base_increment: d("1000"),
            tax_increment: d("100"),
        }
    }

    /// Japan Customs' worked example (Customs Answer 1111,
    /// https://www.customs.go.jp/english/c-answer_e/imtsukan/1111_e.htm): two lines, each taxed on
    /// CIF + duty (duty already truncated to 100 yen), one at the standard 10 % (7.8 national), one
    /// at the reduced 8 % (6.24 national); the declaration pays 56,400 + 15,900 yen.
    #[test]
    fn japan_customs_worked_example() {
        let split = japan();
        // (CIF, duty after truncation, rate %) -> (base, national before and after truncation, local)
        let table = [
            (
                ("534795", "74700", "10"),
                ("609000", "47502", "47500", "13397"),
            ),
            (
                ("126258", "17600", "8"),
                ("143000", "8923.2", "8900", "2510"),
            ),
        ];
        let (mut national, mut local) = (Decimal::ZERO, Decimal::ZERO);
        for ((cif, duty, pct), (base, exact, truncated, loc)) in table {
            let (b, l) = LineSplit::of(d(cif) + d(duty), d(pct), &split, yen).unwrap();
            assert_eq!(b, d(base), "base of {cif}");
            assert_eq!(
                l,
                LineSplit {
                    national_exact: d(exact),
                    national: d(truncated),
                    local: d(loc),
                },
                "line of {cif}"
            );
            national += l.national_exact;
            local += l.local;
        }
        // The declaration: each part's sum truncated to 100 yen (56,425 -> 56,400; 15,907 -> 15,900).
        assert_eq!(
            money::truncate_to_increment(national, d("100")),
            Some(d("56400"))
        );
        assert_eq!(
            money::truncate_to_increment(local, d("100")),
            Some(d("15900"))
        );
    }

    #[test]
    fn bases_and_taxes_under_an_increment_are_dropped() {
        let split = japan();
        // 999 yen of base is no base (Art. 118); 1,000 yen gives 78 yen of national tax: none (Art. 119).
        let (b, l) = LineSplit::of(d("999.99"), d("10"), &split, yen).unwrap();
        assert_eq!(
            (b, l.national, l.local),
            (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO)
        );
        let (b, l) = LineSplit::of(d("1000"), d("10"), &split, yen).unwrap();
        assert_eq!(
            (b, l.national_exact, l.national),
            (d("1000"), d("78"), Decimal::ZERO)
        );
        assert_eq!(money::truncate_to_increment(d("5"), Decimal::ZERO), None);
    }
}

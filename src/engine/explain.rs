//! The explain trail ([`crate::quote::Explain`]): one entry per figure with its formula, rule,
//! reference and effective date. Rendered only for [`super::Detail::Full`]; the engine calls
//! these where each figure is decided, so the trail lists figures in the order they were last
//! computed (a re-run duty or tax replaces its entries).

use super::duties::Decision;
use super::taxes::{Levy, LineSplit};
use super::texts::Rule;
use super::Engine;
use crate::pack::model::{DatedValue, Fee, FeeRate, Measure, TaxSplit};
use crate::quote::Explain;
use rust_decimal::Decimal;

impl Engine<'_> {
    /// The customs value: the valuation basis and what it adds up.
    pub(super) fn explain_customs_value(
        &mut self,
        factor: Option<Decimal>,
        shipping: Decimal,
        insurance: Decimal,
    ) {
        let v = &self.valuation.value;
        let cv_total: Decimal = self.work.iter().map(|w| w.customs_value).sum();
        let formula = format!(
            "{} basis: goods {}{}{}{}",
            v.basis,
            self.round(self.work.iter().map(|w| w.goods).sum()),
            factor
                .map(|f| format!(" × {f} (consumer share of the retail price)"))
                .unwrap_or_default(),
            if v.include_shipping {
                format!(" + shipping {}", self.round(shipping))
            } else {
                String::new()
            },
            if v.include_insurance {
                format!(" + insurance {}", self.round(insurance))
            } else {
                String::new()
            },
        );
        self.explain.push(Explain {
            figure: "totals.customs_value".into(),
            amount: self.round(cv_total),
            formula,
            rule: self.rule_id(Rule::Valuation),
            reference: self.valuation.reference.clone(),
            effective: self.valuation.from,
        });
    }

    /// Fee `idx`, charged by measure `m`: its amount, count and conversion, and the tax it bears
    /// (amount, rate) where it is priced net.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn explain_fee(
        &mut self,
        idx: usize,
        m: &Measure,
        fee: &Fee,
        (fixed, rate): (Option<&DatedValue<Decimal>>, Option<&DatedValue<FeeRate>>),
        count: usize,
        conv: Decimal,
        value_base: Decimal,
        tax: Option<(Decimal, Decimal)>,
    ) {
        let mut parts = Vec::new();
        if let Some(a) = fixed {
            parts.push(format!(
                "{} {} × {} × FX {}",
                a.value,
                fee.currency,
                count,
                conv.normalize()
            ));
        }
        if let Some(r) = rate {
            let mut p = format!("{}% × {}", r.value.percent, self.round(value_base));
            if let Some(min) = r.value.min {
                p.push_str(&format!(", at least {min} {}", fee.currency));
            }
            if let Some(max) = r.value.max {
                p.push_str(&format!(", at most {max} {}", fee.currency));
            }
            if r.value.min.is_some() || r.value.max.is_some() {
                p.push_str(&format!(" (FX {})", conv.normalize()));
            }
            parts.push(p);
        }
        let (reference, effective) = match (rate, fixed) {
            (Some(r), _) => (r.reference.clone(), r.from),
            (None, Some(a)) => (a.reference.clone(), a.from),
            (None, None) => (m.reference.clone(), m.from),
        };
        let mut formula = parts.join(" + ");
        if let (Some((t, pct)), Some(spec)) = (tax, &self.dest.tax) {
            let net = self.fees[idx].amount - t;
            formula = format!(
                "({formula}) = {net} net + {} {}% × {net} = {t}",
                spec.name,
                pct.normalize()
            );
        }
        self.explain.push(Explain {
            figure: format!("fees[{idx}]"),
            amount: self.fees[idx].amount,
            formula,
            rule: m.id.clone(),
            reference,
            effective,
        });
    }

    /// Line `i`'s duty (`total`, surcharges included and rounded) and each surcharge it pays,
    /// replacing the entries of an earlier run.
    pub(super) fn explain_duty(&mut self, i: usize, d: &Decision<'_>, total: Decimal) {
        let figure = format!("lines[{i}].duty");
        let mut formula = format!(
            "{} on {}",
            self.duty_rate_text(d.rate),
            self.duty_basis_text(d.basis)
        );
        let customs_value = self.work[i].customs_value;
        let mut surcharges = Vec::new();
        for (k, s) in self.surcharges_due(i).enumerate() {
            formula.push_str(&format!(
                " + {}% surcharge × {}",
                s.pct,
                self.round(customs_value)
            ));
            surcharges.push(Explain {
                figure: format!("{figure}.surcharge[{k}]"),
                amount: self.round_line(customs_value * s.pct / Decimal::ONE_HUNDRED),
                formula: "surcharge on the customs value".into(),
                rule: self.dest.measures[s.measure].id.clone(),
                reference: s.reference.to_owned(),
                effective: s.from,
            });
        }
        self.explain.retain(|e| !e.figure.starts_with(&figure));
        self.explain.push(Explain {
            figure,
            amount: total,
            formula,
            rule: self.rule_id(d.rule),
            reference: d.reference.to_owned(),
            effective: d.effective,
        });
        self.explain.extend(surcharges);
    }

    /// Line `i`'s tax: rate, shown base and factor, replacing the entry of an earlier run.
    pub(super) fn explain_tax(
        &mut self,
        i: usize,
        levy: &Levy<'_>,
        pct: Decimal,
        shown_base: Decimal,
        amount: Decimal,
        split: Option<(&DatedValue<TaxSplit>, &LineSplit)>,
    ) {
        // The split's own reference (the truncations) is on the total's entry; this one cites the rate.
        let parts = levy.parts;
        let factor = if levy.factor == Decimal::ONE {
            String::new()
        } else {
            format!(" × {}", levy.factor)
        };
        let formula = match split {
            None => format!("{pct}% × {shown_base} ({parts}){factor}"),
            Some((s, l)) => {
                let v = &s.value;
                format!(
                    "national {}% × {shown_base} ({parts}, {} truncated to a multiple of {}){factor} = {} → {} (to a multiple of {}) + local {}/{} of it = {}",
                    (pct * v.national_share).normalize(),
                    self.round(levy.base),
                    v.base_increment,
                    l.national_exact.normalize(),
                    l.national,
                    v.tax_increment,
                    v.local_numerator,
                    v.local_denominator,
                    l.local,
                )
            }
        };
        let figure = format!("lines[{i}].tax");
        self.explain.retain(|e| e.figure != figure);
        self.explain.push(Explain {
            figure,
            amount,
            formula,
            rule: self.rule_id(levy.rule),
            reference: levy.reference.to_owned(),
            effective: levy.effective,
        });
    }

    /// The rounded totals of duty, tax and the landed cost, with the rounding rule; the duty and
    /// the landed cost say so when `duty_unknown` lines' duty is left out.
    pub(super) fn explain_totals(
        &mut self,
        duty: Decimal,
        tax: Decimal,
        landed_cost: Decimal,
        mut tax_split: Option<Explain>,
        duty_unknown: u32,
    ) {
        let (reference, effective) = self
            .dest
            .rounding
            .at(self.date)
            .map_or((String::new(), self.date), |v| {
                (v.reference.clone(), v.from)
            });
        let inc = self.increments();
        let duty_formula = match inc {
            Some(i) => format!(
                "sum of the line duties before truncation, truncated to a multiple of {} ({})",
                i.value.duty_increment, i.reference
            ),
            None => "sum of line duties".to_owned(),
        };
        for (figure, amount, formula) in [
            ("totals.duty", duty, duty_formula.as_str()),
            ("totals.tax", tax, "sum of line taxes"),
            (
                "totals.landed_cost",
                landed_cost,
                "goods + shipping + insurance + duty + tax + fees",
            ),
        ] {
            if figure == "totals.tax" {
                if let Some(split) = tax_split.take() {
                    self.explain.push(split);
                    continue;
                }
            }
            let left_out = if duty_unknown > 0 && figure != "totals.tax" {
                let lines = if duty_unknown == 1 { "line" } else { "lines" };
                format!(" (the duty of {duty_unknown} {lines} is unknown and not included)")
            } else {
                String::new()
            };
            self.explain.push(Explain {
                figure: figure.into(),
                amount,
                formula: format!(
                    "{formula}{left_out}, rounded {:?} to {} places ({:?})",
                    self.rounding.strategy, self.rounding.scale, self.rounding.at
                ),
                rule: self.rule_id(Rule::Rounding),
                reference: reference.clone(),
                effective,
            });
        }
    }
}

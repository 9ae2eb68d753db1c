//! Line duties: a relief, a flat duty per distinct tariff line, or the destination's tariff (the
//! longest listed prefix of the code, or the dearest line beneath a broad code); then the
//! surcharges measures put on the line. Run again when a measure tests the duty amounts.

use super::duty;
use super::texts::{DutyBasis, DutyRate, Rule, TariffLineRef};
use super::{DutyFigures, Engine, Surcharge};
use crate::date::Date;
use crate::error::{Error, Result};
use crate::pack::format::PackError;
use crate::pack::lookup::{line_code, TariffMatch};
use crate::pack::model::{Dated, DutyEffect, Tariff, TariffBinding, TariffLine};
use crate::quote::Collection;
use rust_decimal::Decimal;

/// Tariff data older than this many days before the import date is flagged in the quote.
const TARIFF_STALE_AFTER_DAYS: i64 = 365;

/// How a line's duty was decided, before surcharges and rounding.
pub(super) struct Decision<'a> {
    /// The duty, exact.
    pub amount: Decimal,
    /// The rate as the quote states it.
    pub rate: DutyRate<'a>,
    /// What the rate was applied to.
    pub basis: DutyBasis<'a>,
    /// The rule that decided it.
    pub rule: Rule<'a>,
    /// Legal reference of the value applied (for the explain trail).
    pub reference: &'a str,
    /// First day the value applied is in force (for the explain trail).
    pub effective: Date,
    /// Who collects it (before a zero amount makes it nobody).
    pub collected: Collection,
}

impl<'a> Decision<'a> {
    /// No duty can be computed: an unknown rate on the customs value.
    fn unknown(rule: Rule<'a>, reference: &'a str, effective: Date) -> Decision<'a> {
        Decision {
            amount: Decimal::ZERO,
            rate: DutyRate::Unknown,
            basis: DutyBasis::CustomsValue,
            rule,
            reference,
            effective,
            collected: Collection::None,
        }
    }
}

impl<'a> Engine<'a> {
    /// The duty of every line.
    pub(super) fn duties(&mut self) -> Result<()> {
        for i in 0..self.work.len() {
            self.work[i].tariff_line = None;
            let decision = match self.work[i].duty_effect {
                Some((DutyEffect::Waive, mi)) => {
                    let m = &self.dest.measures[mi];
                    Decision {
                        amount: Decimal::ZERO,
                        rate: DutyRate::Relief,
                        basis: DutyBasis::Waived,
                        rule: Rule::Id(&m.id),
                        reference: &m.reference,
                        effective: m.from,
                        collected: Collection::None,
                    }
                }
                Some((
                    DutyEffect::FlatPerDistinctLine {
                        amount,
                        currency,
                        digits,
                    },
                    mi,
                )) => match self.flat_duty(i, mi, amount, currency, usize::from(*digits))? {
                    Some(d) => d,
                    // No amount in force: the line keeps the duty it had.
                    None => continue,
                },
                _ => self.tariff_duty(i)?,
            };
            let w = &self.work[i];
            let mut total = decision.amount;
            for s in self.surcharges_due(i) {
                total += w.customs_value * s.pct / Decimal::ONE_HUNDRED;
            }
            let total = self.round_line(total);
            let collected = if total.is_zero() && decision.collected == Collection::Border {
                Collection::None
            } else {
                decision.collected
            };
            if self.explaining {
                self.explain_duty(i, &decision, total);
            }
            self.work[i].duty = DutyFigures {
                amount: total,
                rate: decision.rate,
                basis: decision.basis,
                rule: decision.rule,
                collected,
            };
        }
        Ok(())
    }

    /// The surcharges line `i` pays: all of them, but under a relief only those its own measure
    /// imposes (a relief waives the tariff duty and every other surcharge).
    pub(super) fn surcharges_due(&self, i: usize) -> impl Iterator<Item = &Surcharge<'a>> + '_ {
        let w = &self.work[i];
        let waived_by = match w.duty_effect {
            Some((DutyEffect::Waive, mi)) => Some(mi),
            _ => None,
        };
        w.surcharges
            .iter()
            .filter(move |s| waived_by.is_none_or(|m| m == s.measure))
    }

    /// A flat amount per distinct classification (`digits` HS digits), carried by one line of
    /// each (see [`Engine::flat_carrier`]); `None` when no amount is in force on the date.
    fn flat_duty(
        &mut self,
        i: usize,
        mi: usize,
        amount: &'a Dated<Decimal>,
        currency: &'a str,
        digits: usize,
    ) -> Result<Option<Decision<'a>>> {
        let m = &self.dest.measures[mi];
        let Some(a) = amount.at(self.date) else {
            return Ok(None);
        };
        let group = TariffLineRef::Group { item: i, digits };
        self.work[i].tariff_line = Some(group);
        if self.work[i].hs.is_none() {
            self.warn(
                "hs_code_missing",
                "without an HS code the item counts as its own tariff line".into(),
                Some(i),
            );
        }
        let conv = self.fx.rate(currency, &self.dest.currency, "destination")?;
        let carrier = self.flat_carrier(i, digits);
        let (amount, rate) = if carrier == i {
            (
                a.value * conv,
                DutyRate::Flat {
                    amount: a.value,
                    currency,
                },
            )
        } else {
            (
                Decimal::ZERO,
                DutyRate::IncludedIn {
                    carrier,
                    line: group,
                },
            )
        };
        Ok(Some(Decision {
            amount,
            rate,
            basis: DutyBasis::Flat(group),
            rule: Rule::Id(&m.id),
            reference: &a.reference,
            effective: a.from,
            collected: Collection::Border,
        }))
    }

    /// The destination's tariff, decoded when a line first needs it.
    fn tariff(&mut self, binding: &TariffBinding) -> Result<&'a Tariff> {
        if let Some(t) = self.tariff {
            return Ok(t);
        }
        let pack = self.pack;
        let Some(tariff) = pack.tariff_checked(&binding.tariff_id)? else {
            return Err(Error::Pack(PackError::Malformed("tariff missing".into())));
        };
        self.tariff = Some(tariff);
        Ok(tariff)
    }

    /// Duty from the destination's tariff.
    fn tariff_duty(&mut self, i: usize) -> Result<Decision<'a>> {
        let dest = self.dest;
        let Some(binding) = &dest.tariff else {
            let (reason, reference) = dest.no_tariff.as_ref().map_or((String::new(), ""), |n| {
                (n.reason.clone(), n.reference.as_str())
            });
            self.warn("duty_rate_unavailable", reason, Some(i));
            return Ok(Decision::unknown(
                Rule::DutyUnavailable,
                reference,
                dest.coverage.from,
            ));
        };
        let tariff = self.tariff(binding)?;
        let rule = Rule::Id(&tariff.id);
        let reference = binding.reference.as_str();
        let as_of = tariff.rates_as_of;
        if !self.tariff_vintage_checked
            && self.date.days_since_epoch() - as_of.days_since_epoch() > TARIFF_STALE_AFTER_DAYS
        {
            self.warn(
                "data_stale",
                format!(
                    "duty rates come from {} (rates as of {}), older than the import date {} by over a year",
                    tariff.dataset, as_of, self.date
                ),
                None,
            );
        }
        self.tariff_vintage_checked = true;
        let Some(hs) = self.work[i].hs else {
            return Ok(Decision::unknown(rule, reference, as_of));
        };
        let item = &self.basket.items[i];
        let q = duty::LineQuantities {
            customs_value: self.work[i].customs_value,
            quantity: Decimal::from(item.quantity),
            weight_kg: item
                .unit_weight_kg
                .map(|w| w * Decimal::from(item.quantity)),
            tariff_fx: self
                .fx
                .rate(&tariff.currency, &dest.currency, "destination")?,
        };
        let (line, amount) = match tariff.lookup(hs) {
            TariffMatch::Exact(line) => match duty::evaluate(&tariff.exprs[line.expr as usize], &q)
            {
                Ok(a) => (line, a),
                Err(why) => {
                    self.warn_unknown(
                        i,
                        &why,
                        &tariff.exprs[line.expr as usize].text,
                        &line_code(line),
                    );
                    return Ok(Decision::unknown(rule, reference, as_of));
                }
            },
            TariffMatch::Candidates(lines) => {
                let mut best: Option<(&TariffLine, Decimal)> = None;
                for l in &lines {
                    match duty::evaluate(&tariff.exprs[l.expr as usize], &q) {
                        Ok(a) if best.is_none_or(|b| a > b.1) => best = Some((l, a)),
                        Ok(_) => {}
                        Err(why) => self.warn_unknown(
                            i,
                            &why,
                            &tariff.exprs[l.expr as usize].text,
                            &line_code(l),
                        ),
                    }
                }
                let Some((line, amount)) = best else {
                    return Ok(Decision::unknown(rule, reference, as_of));
                };
                self.warn(
                    "hs_code_ambiguous",
                    format!(
                        "{} national tariff lines under {hs} carry different rates; the highest ({}, line {}) is collected — give the full code for an exact figure",
                        lines.len(),
                        duty::describe(&tariff.exprs[line.expr as usize]),
                        line_code(line)
                    ),
                    Some(i),
                );
                (line, amount)
            }
            TariffMatch::Unmapped => {
                self.warn(
                    "hs_code_unmapped",
                    format!(
                        "HS 2022 subheading {} has no counterpart in {} (HS {})",
                        &hs[..6],
                        tariff.dataset,
                        tariff.hs_edition
                    ),
                    Some(i),
                );
                return Ok(Decision::unknown(rule, reference, as_of));
            }
            TariffMatch::NotFound => {
                let chapter: u8 = hs[..2].parse().unwrap_or(0);
                let msg = if tariff.uncovered_chapters.contains(&chapter) {
                    format!(
                        "chapter {:02} is not covered by {}",
                        chapter, tariff.dataset
                    )
                } else {
                    format!("no line for {hs} in {}", tariff.dataset)
                };
                self.warn("duty_rate_unavailable", msg, Some(i));
                return Ok(Decision::unknown(rule, reference, as_of));
            }
        };
        self.work[i].tariff_line = Some(TariffLineRef::Line(line));
        Ok(Decision {
            amount,
            rate: DutyRate::Tariff(duty::describe(&tariff.exprs[line.expr as usize])),
            basis: DutyBasis::TariffLine {
                customs_value: q.customs_value,
                line,
            },
            rule,
            reference,
            effective: as_of,
            collected: Collection::Border,
        })
    }

    fn warn_unknown(&mut self, i: usize, why: &duty::Unknown, text: &str, code: &str) {
        let (c, m) = match why {
            duty::Unknown::WeightMissing => (
                "weight_missing",
                format!(
                    "line {code} has a per-weight duty ({text}) and the item has no unit_weight_kg"
                ),
            ),
            duty::Unknown::UnsupportedUnit => (
                "duty_rate_unavailable",
                format!("line {code} has a duty in a unit a basket cannot measure ({text})"),
            ),
            duty::Unknown::Unparsed => (
                "duty_rate_unavailable",
                format!("line {code} has a rate the pack could not parse ({text})"),
            ),
        };
        self.warn(c, m, Some(i));
    }
}

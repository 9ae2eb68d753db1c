//! Line duties: a relief, a flat duty per distinct tariff line, or the destination's tariff (the
//! longest listed prefix of the code, or the dearest line beneath a broad code); then the
//! surcharges measures put on the line. Run again when a measure tests the duty amounts.

use super::duty;
use super::texts::{DutyBasis, DutyRate, Rule, TariffLineRef};
use super::{DutyFigures, Engine, Surcharge};
use crate::date::Date;
use crate::error::{Error, Result};
use crate::money::truncate_to_increment;
use crate::pack::format::PackError;
use crate::pack::lookup::{line_code, TariffMatch};
use crate::pack::model::{Comparison, Scope, TestedValue};
use crate::pack::model::{
    Dated, DatedValue, DutyEffect, DutyIncrements, Programme, ProgrammeRate, RateEntry, Tariff,
    TariffBinding, TariffLine, TariffSource,
};
use crate::quote::{Collection, ThresholdOutcome};
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
                Some((DutyEffect::RateTable { entries, .. }, mi)) => {
                    match self.table_duty(i, mi, entries)? {
                        Some(d) => d,
                        None => self.tariff_duty(i)?,
                    }
                }
                _ => self.tariff_duty(i)?,
            };
            if self.surcharges_due(i).any(|s| s.on_metal)
                && self.basket.items[i].unit_metal_value.is_none()
            {
                self.warn(
                    "surcharge_base_assumed",
                    "a duty levied on the value of the metal content is applied to the whole customs value: give unit_metal_value for the exact figure".into(),
                    Some(i),
                );
            }
            let mut total = decision.amount;
            for s in self.surcharges_due(i) {
                total += self.surcharge_base(i, s) * s.pct / Decimal::ONE_HUNDRED;
            }
            // Where the law truncates the duty (Japan), the line shows its duty truncated (the
            // figure the tax base takes) and the total truncates the exact sum once (finish.rs).
            let exact = total;
            let total = self.round_line(self.truncate_duty(total));
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
                exact,
                rate: decision.rate,
                basis: decision.basis,
                rule: decision.rule,
                collected,
            };
        }
        self.waive_small_table_duties()
    }

    /// A rate table's duty on the consignment (its lines' duties, surcharges included) that comes
    /// to its `waive_at_most` or less is not collected; an unknown duty among them keeps it.
    fn waive_small_table_duties(&mut self) -> Result<()> {
        let dest = self.dest;
        // Only the measures the lines' duty effects name: a quote pays nothing for the others.
        let mut tables: Vec<usize> = Vec::new();
        for w in &self.work {
            if let Some((
                DutyEffect::RateTable {
                    waive_at_most: Some(_),
                    ..
                },
                mi,
            )) = w.duty_effect
            {
                if !tables.contains(&mi) {
                    tables.push(mi);
                }
            }
        }
        for mi in tables {
            let m = &dest.measures[mi];
            let Some(DutyEffect::RateTable {
                waive_at_most: Some(w),
                ..
            }) = &m.effect.duty
            else {
                continue;
            };
            let lines: Vec<usize> = (0..self.work.len())
                .filter(|&i| {
                    self.work[i].duty_effect.is_some_and(|(_, k)| k == mi)
                        && matches!(self.work[i].duty.rule, Rule::Id(id) if id == m.id)
                })
                .collect();
            let Some(th) = w.amount.at(self.date) else {
                continue;
            };
            if lines.is_empty()
                || lines
                    .iter()
                    .any(|&i| matches!(self.work[i].duty.rate, DutyRate::Unknown))
            {
                continue;
            }
            let conv = self.fx.rate(&w.currency, &dest.currency, "destination")?;
            let sum: Decimal = lines.iter().map(|&i| self.work[i].duty.amount).sum();
            let ceiling = th.value * conv;
            let passed = sum <= ceiling;
            // Duty may be computed more than once: the outcome of an earlier run is replaced.
            let rule = format!("{}.waive_at_most", m.id);
            self.thresholds.retain(|t| t.rule != rule);
            self.thresholds.push(ThresholdOutcome {
                rule,
                value: TestedValue::DutyAmount,
                scope: Scope::Consignment,
                item: None,
                compared: self.round(sum),
                comparison: Comparison::Lte,
                threshold: th.value,
                threshold_currency: w.currency.clone(),
                threshold_converted: self.round(ceiling),
                passed,
                reference: th.reference.clone(),
            });
            if !passed {
                continue;
            }
            for &i in &lines {
                let decision = Decision {
                    amount: Decimal::ZERO,
                    rate: DutyRate::Relief,
                    basis: DutyBasis::Waived,
                    rule: Rule::Id(&m.id),
                    reference: &th.reference,
                    effective: th.from,
                    collected: Collection::None,
                };
                let zero = self.round_line(Decimal::ZERO);
                if self.explaining {
                    self.explain_duty(i, &decision, zero);
                }
                self.work[i].duty = DutyFigures {
                    amount: zero,
                    exact: Decimal::ZERO,
                    rate: decision.rate,
                    basis: decision.basis,
                    rule: decision.rule,
                    collected: Collection::None,
                };
            }
        }
        Ok(())
    }

    /// What surcharge `s` of line `i` is levied on: the customs value, or the metal content's value
    /// (converted like the goods) where the item gives it.
    pub(super) fn surcharge_base(&self, i: usize, s: &Surcharge<'_>) -> Decimal {
        let item = &self.basket.items[i];
        match (s.on_metal, item.unit_metal_value) {
            (true, Some(v)) => v * Decimal::from(item.quantity) * self.rate,
            _ => self.work[i].customs_value - self.work[i].relieved,
        }
    }

    /// The destination's duty increments in force, if any.
    pub(super) fn increments(&self) -> Option<&'a DatedValue<DutyIncrements>> {
        self.dest.duty_rounding.at(self.date)
    }

    /// A category's rate from a rate table; `None` when no category covers the line (or it claims
    /// a preference, which the tariff decides).
    fn table_duty(
        &mut self,
        i: usize,
        mi: usize,
        entries: &'a [RateEntry],
    ) -> Result<Option<Decision<'a>>> {
        let m = &self.dest.measures[mi];
        let item = &self.basket.items[i];
        let Some(hs) = self.work[i].hs else {
            return Ok(None);
        };
        if item.preference.is_some() {
            return Ok(None);
        }
        let covers = |list: &[String]| list.iter().any(|p| hs.starts_with(p.as_str()));
        let Some(entry) = entries
            .iter()
            .find(|e| covers(&e.hs_prefixes) && !covers(&e.not_hs_prefixes))
        else {
            return Ok(None);
        };
        let q = self.quantities(i, Decimal::ONE);
        match duty::evaluate(&entry.expr, &q) {
            Ok(a) => Ok(Some(Decision {
                amount: a,
                rate: DutyRate::Labeled {
                    text: duty::describe(&entry.expr),
                    label: &entry.label,
                },
                basis: DutyBasis::CustomsValue,
                rule: Rule::Id(&m.id),
                reference: &entry.reference,
                effective: m.from,
                collected: Collection::Border,
            })),
            Err(why) => {
                self.warn_unknown(i, &why, &entry.expr.text, &entry.label);
                Ok(Some(Decision::unknown(
                    Rule::Id(&m.id),
                    &entry.reference,
                    m.from,
                )))
            }
        }
    }

    /// What line `i` offers to measure a duty against; its value truncated to the destination's
    /// increment where the law truncates it.
    fn quantities(&self, i: usize, tariff_fx: Decimal) -> duty::LineQuantities {
        let item = &self.basket.items[i];
        let mut customs_value = self.work[i].customs_value - self.work[i].relieved;
        if let Some(inc) = self.increments() {
            customs_value = truncate_to_increment(customs_value, inc.value.base_increment)
                .unwrap_or(customs_value);
        }
        duty::LineQuantities {
            customs_value,
            quantity: Decimal::from(item.quantity),
            weight_kg: item
                .unit_weight_kg
                .map(|w| w * Decimal::from(item.quantity)),
            tariff_fx,
        }
    }

    /// A line's duty truncated to the destination's increment, where the law truncates it.
    pub(super) fn truncate_duty(&self, duty: Decimal) -> Decimal {
        match self.increments() {
            Some(inc) => truncate_to_increment(duty, inc.value.duty_increment).unwrap_or(duty),
            None => duty,
        }
    }

    /// Checks every preference claim against the destination's programmes: the programme exists,
    /// covers the item's origin and is in force on the date.
    pub(super) fn check_claims(&self) -> Result<()> {
        for (i, item) in self.basket.items.iter().enumerate() {
            let Some(id) = &item.preference else { continue };
            let p = self.programme(id).ok_or_else(|| Error::PreferenceUnknown {
                path: format!("items[{i}].preference.programme"),
                value: id.clone(),
                destination: self.dest.code.clone(),
                known: if self.dest.programmes.is_empty() {
                    "none".into()
                } else {
                    self.dest
                        .programmes
                        .iter()
                        .map(|p| p.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            })?;
            let origin_err = |when: String| Error::PreferenceOrigin {
                path: format!("items[{i}].origin"),
                programme: id.clone(),
                origin: item.origin.clone(),
                when,
            };
            if p.origins.binary_search(&item.origin).is_err() {
                return Err(origin_err(String::new()));
            }
            if self.date < p.from || p.until.is_some_and(|u| self.date >= u) {
                let range = match p.until {
                    Some(u) => format!("in force from {} until {u}", p.from),
                    None => format!("in force from {}", p.from),
                };
                return Err(origin_err(format!(" on {}: {range}", self.date)));
            }
        }
        Ok(())
    }

    fn programme(&self, id: &str) -> Option<&'a Programme> {
        let list = &self.dest.programmes;
        list.binary_search_by(|p| p.id.as_str().cmp(id))
            .ok()
            .map(|k| &list[k])
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
        let source = dest
            .tariff
            .at(self.date)
            .ok_or_else(|| self.out_of_coverage())?;
        let binding = match &source.value {
            TariffSource::Schedule(b) => b,
            TariffSource::None(n) => {
                self.warn("duty_rate_unavailable", n.reason.clone(), Some(i));
                return Ok(Decision::unknown(
                    Rule::DutyUnavailable,
                    &n.reference,
                    source.from,
                ));
            }
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
                    "duty rates come from {} (dataset {}, rates as of {}), older than the import date {} by over a year",
                    tariff.id, tariff.dataset, as_of, self.date
                ),
                None,
            );
        }
        self.tariff_vintage_checked = true;
        let Some(hs) = self.work[i].hs else {
            return Ok(Decision::unknown(rule, reference, as_of));
        };
        let fx = self
            .fx
            .rate(&tariff.currency, &dest.currency, "destination")?;
        let q = self.quantities(i, fx);
        // A code with national digits the destination's tariff does not have (a US HTS 8 code
        // quoted to Japan): the lines under its HS 6 subheading answer, the dearest where they
        // differ, and the quote says so.
        let mut found = tariff.lookup(hs);
        let mut looked = hs;
        if found == TariffMatch::NotFound && hs.len() > 6 {
            let broad = tariff.lookup(&hs[..6]);
            if broad != TariffMatch::NotFound {
                self.warn(
                    "hs_code_national_mismatch",
                    format!(
                        "{} has no line {hs}: its national digits are not this tariff's; the lines under HS {} are used",
                        tariff.dataset,
                        &hs[..6]
                    ),
                    Some(i),
                );
                found = broad;
                looked = &hs[..6];
            }
        }
        let (line, amount, rate, pref) = match found {
            TariffMatch::Exact(line) => match self.line_duty(i, tariff, line, &q) {
                Ok((amount, rate, pref)) => (line, amount, rate, pref),
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
                type Best<'b> = (&'b TariffLine, Decimal, DutyRate<'b>, Option<&'b Programme>);
                let mut best: Option<Best<'a>> = None;
                // Whether the candidates' duties differ (rates may differ and amounts agree).
                let mut differ = false;
                for l in lines.iter().copied() {
                    match self.line_duty(i, tariff, l, &q) {
                        Ok((a, r, rf)) if best.as_ref().is_none_or(|b| a > b.1) => {
                            differ |= best.is_some();
                            best = Some((l, a, r, rf))
                        }
                        Ok((a, ..)) => differ |= best.as_ref().is_some_and(|b| a != b.1),
                        Err(why) => self.warn_unknown(
                            i,
                            &why,
                            &tariff.exprs[l.expr as usize].text,
                            &line_code(l),
                        ),
                    }
                }
                let Some((line, amount, rate, rf)) = best else {
                    return Ok(Decision::unknown(rule, reference, as_of));
                };
                if differ {
                    let sources = hs[..6]
                        .parse()
                        .map_or(0, |h6| tariff.hs2022_sources(h6).len());
                    let msg = if sources > 1 {
                        format!(
                            "HS 2022 subheading {} draws on {sources} HS {} subheadings of {} with different rates; the highest ({}, line {}) is collected until a tariff in HS 2022 is in the pack",
                            &hs[..6],
                            tariff.hs_edition,
                            tariff.dataset,
                            self.duty_rate_text(rate),
                            line_code(line)
                        )
                    } else {
                        format!(
                            "{} national tariff lines under {looked} carry different rates; the highest ({}, line {}) is collected — give the full code for an exact figure",
                            lines.len(),
                            self.duty_rate_text(rate),
                            line_code(line)
                        )
                    };
                    self.warn("hs_code_ambiguous", msg, Some(i));
                }
                (line, amount, rate, rf)
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
        let (rule, reference, effective) = match pref {
            Some(p) => (Rule::Id(&p.id), p.reference.as_str(), p.from),
            None => (rule, reference, as_of),
        };
        Ok(Decision {
            amount,
            rate,
            basis: DutyBasis::TariffLine {
                customs_value: q.customs_value,
                line,
            },
            rule,
            reference,
            effective,
            collected: Collection::Border,
        })
    }

    /// The duty of tariff line `line` for item `i`: MFN, or the rate of the preference the item
    /// claims where the pack has one and it is lower, with the programme's id and reference when
    /// its rate applies.
    fn line_duty(
        &mut self,
        i: usize,
        tariff: &'a Tariff,
        line: &'a TariffLine,
        q: &duty::LineQuantities,
    ) -> Result<(Decimal, DutyRate<'a>, Option<&'a Programme>), duty::Unknown> {
        let mfn_expr = &tariff.exprs[line.expr as usize];
        let mfn = duty::evaluate(mfn_expr, q);
        let mfn_rate = DutyRate::Tariff(duty::describe(mfn_expr));
        let Some(id) = self.basket.items[i].preference.as_deref() else {
            return mfn.map(|a| (a, mfn_rate, None));
        };
        // check_claims has refused unknown programmes.
        let Some(p) = self.programme(id) else {
            return mfn.map(|a| (a, mfn_rate, None));
        };
        let pref = match p.rate {
            ProgrammeRate::Free => Some(Ok((Decimal::ZERO, "free"))),
            ProgrammeRate::Column => tariff
                .preferences
                .iter()
                .find(|c| c.programme == p.id)
                .and_then(|c| {
                    let idx = u32::try_from(
                        tariff
                            .lines
                            .binary_search_by(|l| (l.digits, l.code).cmp(&(line.digits, line.code)))
                            .ok()?,
                    )
                    .ok()?;
                    let k = c.lines.binary_search_by_key(&idx, |x| x.0).ok()?;
                    let e = tariff.exprs.get(c.lines[k].1 as usize)?;
                    Some(duty::evaluate(e, q).map(|a| (a, duty::describe(e))))
                }),
        };
        let code = line_code(line);
        match pref {
            Some(Ok((a, text))) if mfn.as_ref().is_err() || mfn.as_ref().is_ok_and(|m| a < *m) => {
                self.warn(
                    "proof_of_origin",
                    format!("{} ({}) claimed: {}", p.name, p.id, p.proof),
                    Some(i),
                );
                Ok((
                    a,
                    DutyRate::Labeled {
                        text,
                        label: &p.name,
                    },
                    Some(p),
                ))
            }
            Some(Ok(_)) => {
                self.warn(
                    "preference_not_lower",
                    format!(
                        "the {} rate for line {code} is not lower than the MFN rate, which applies",
                        p.name
                    ),
                    Some(i),
                );
                mfn.map(|a| (a, mfn_rate, None))
            }
            Some(Err(why)) => {
                self.warn(
                    "preference_rate_unavailable",
                    format!(
                        "the {} rate for line {code} cannot be evaluated ({why:?}); the MFN rate applies",
                        p.name
                    ),
                    Some(i),
                );
                mfn.map(|a| (a, mfn_rate, None))
            }
            None => {
                self.warn(
                    "preference_rate_unavailable",
                    format!(
                        "the pack has no {} rate for line {code}; the MFN rate applies",
                        p.name
                    ),
                    Some(i),
                );
                mfn.map(|a| (a, mfn_rate, None))
            }
        }
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

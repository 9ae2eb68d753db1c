//! Measures: which apply to a consignment and its lines, their threshold tests, and how the
//! engine applies their effects (duty and tax effects, surcharges, fees, notices).

use super::texts::GroupKey;
use super::{Engine, Surcharge, Work};
use crate::basket::{Basket, Item};
use crate::date::Date;
use crate::error::{Error, Result};
use crate::pack::format::PackError;
use crate::pack::model::{
    Comparison, Conditions, Counts, DutyEffect, FeeBasis, FeeRateBase, FeeTax, Measure, Relief,
    Scope, SurchargeBase, TestedValue,
};
use crate::pack::SetMatch;
use crate::quote::{Collection, Explain, FeeLine, ThresholdOutcome};
use rust_decimal::Decimal;

/// Whether a measure is in force on `date` (half-open `[from, until)`).
pub fn in_force(m: &Measure, date: Date) -> bool {
    m.from <= date && m.until.is_none_or(|u| date < u)
}

/// Whether the consignment-level filters match; `carrier` is the parcel's carrier as the engine
/// resolved it (the basket's, else the destination's postal operator for a `post` parcel).
pub fn consignment_matches(c: &Conditions, b: &Basket, carrier: Option<&str>) -> bool {
    if !c.carriers.is_empty() && !carrier.is_some_and(|k| c.carriers.iter().any(|x| x == k)) {
        return false;
    }
    let any = |list: &[String], v: &str| list.iter().any(|x| x == v);
    if !c.channels.is_empty() && !c.channels.contains(&b.channel) {
        return false;
    }
    let shipped_from = |pred: &dyn Fn(&str) -> bool| match &b.ship_from {
        Some(s) => pred(s),
        None => b.items.iter().all(|i| pred(&i.origin)),
    };
    if !c.ship_from.is_empty() && !shipped_from(&|s| any(&c.ship_from, s)) {
        return false;
    }
    if !c.not_ship_from.is_empty() && !shipped_from(&|s| !any(&c.not_ship_from, s)) {
        return false;
    }
    if !c.registrations.is_empty() && !c.registrations.iter().any(|r| b.registrations.contains(r)) {
        return false;
    }
    if c.not_registrations
        .iter()
        .any(|r| b.registrations.contains(r))
    {
        return false;
    }
    if c.buyer.is_some_and(|k| k != b.buyer) || c.consignment.is_some_and(|k| k != b.consignment) {
        return false;
    }
    true
}

/// Whether the line-level filters match a line of this origin and HS code: `None` when they do
/// not, `Some(partly)` when they do, `partly` telling that the line's code is too broad to say
/// whether the measure concerns all its goods (it lies above codes of the scope list or of the
/// exclusion list). A code broader than the codes of a scope list (`hs_set`) matches, and one
/// broader than an exclusion list (`not_hs_set`) is not excluded: a line is never spared a measure
/// on a guess.
pub fn line_matches(c: &Conditions, item: &Item, hs: Option<&str>) -> Option<bool> {
    let origin = item.origin.as_str();
    let claimed = |list: &[String]| {
        item.preference
            .as_ref()
            .is_some_and(|p| list.iter().any(|x| x == p))
    };
    let prefixed =
        |list: &[String]| hs.is_some_and(|h| list.iter().any(|p| h.starts_with(p.as_str())));
    let plain = (c.origins.is_empty() || c.origins.iter().any(|o| o == origin))
        && !c.not_origins.iter().any(|o| o == origin)
        && (c.preferences.is_empty() || claimed(&c.preferences))
        && !claimed(&c.not_preferences)
        && (c.hs_prefixes.is_empty() || prefixed(&c.hs_prefixes))
        && !prefixed(&c.not_hs_prefixes);
    if !plain {
        return None;
    }
    let within = match (&c.hs_set, hs) {
        (None, _) => SetMatch::Listed,
        (Some(_), None) => return None,
        (Some(s), Some(h)) => s.matches(h),
    };
    if within == SetMatch::No {
        return None;
    }
    let excluded = match (&c.not_hs_set, hs) {
        (Some(s), Some(h)) => s.matches(h),
        _ => SetMatch::No,
    };
    match excluded {
        SetMatch::Listed => None,
        e => Some(within == SetMatch::Partly || e == SetMatch::Partly),
    }
}

/// Whether a measure needs duty or tax to be computed first: its test's value, or a fee levied
/// on the duty and tax due.
pub fn phase_of(m: &Measure) -> Phase {
    let on_due = m.effect.fee.as_ref().is_some_and(|f| {
        f.only_when_due
            || f.ad_valorem.as_ref().is_some_and(|r| {
                r.values
                    .iter()
                    .any(|v| v.value.base == FeeRateBase::DueAtBorder)
            })
    });
    match m.test.as_ref().map(|t| t.value) {
        Some(TestedValue::TaxAmount | TestedValue::DueAtBorder) => Phase::AfterTax,
        _ if on_due => Phase::AfterTax,
        Some(TestedValue::DutyAmount) => Phase::AfterDuty,
        _ => Phase::Values,
    }
}

/// The duty and tax line `w` owes at the border.
fn due_at_border(w: &Work<'_>) -> Decimal {
    let duty = if w.duty.collected == Collection::Border {
        w.duty.amount
    } else {
        Decimal::ZERO
    };
    let tax = if w.tax.collected == Collection::Border {
        w.tax.amount
    } else {
        Decimal::ZERO
    };
    duty + tax
}

/// When a measure is evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// On prices and customs values, before any duty.
    Values,
    /// After duty is computed.
    AfterDuty,
    /// After tax is computed.
    AfterTax,
}

/// Applies a comparison.
pub fn compare(value: Decimal, cmp: Comparison, threshold: Decimal) -> bool {
    match cmp {
        Comparison::Lt => value < threshold,
        Comparison::Lte => value <= threshold,
        Comparison::Gt => value > threshold,
        Comparison::Gte => value >= threshold,
    }
}

impl<'a> Engine<'a> {
    /// The value a test compares, for the consignment or one line.
    fn tested(
        &self,
        value: TestedValue,
        line: Option<usize>,
        unit: bool,
        counts: Counts,
    ) -> Decimal {
        let pick = |w: &Work| match value {
            TestedValue::Intrinsic => w.goods,
            TestedValue::CustomsValue => w.customs_value,
            TestedValue::TotalPaid => w.goods + w.shipping + w.insurance,
            TestedValue::DutyAmount => w.duty.amount,
            TestedValue::TaxAmount => w.tax.amount,
            TestedValue::DueAtBorder => due_at_border(w),
        };
        match line {
            None => (0..self.work.len())
                .filter(|&i| counts == Counts::All || self.taxable(i))
                .map(|i| pick(&self.work[i]))
                .sum(),
            Some(i) if unit && value == TestedValue::Intrinsic => self.work[i].unit_value,
            Some(i) if unit => pick(&self.work[i]) / Decimal::from(self.basket.items[i].quantity),
            Some(i) => pick(&self.work[i]),
        }
    }

    /// Whether line `i` is liable to import tax: its rate on the date is not zero (a rate that
    /// cannot be told counts it liable).
    fn taxable(&self, i: usize) -> bool {
        self.dest.tax.as_ref().is_some_and(|spec| {
            self.tax_rate(spec, self.work[i].reduced)
                .map_or(true, |(rate, _, _)| !rate.is_zero())
        })
    }

    /// Applies the measures evaluated in `phase`, in the destination's priority order: filters,
    /// then the threshold test (every outcome is recorded), then the effect on the lines that pass.
    pub(super) fn apply_measures(&mut self, phase: Phase) -> Result<()> {
        let dest = self.dest;
        // The lines a measure concerns; one buffer for the phase.
        let mut lines: Vec<usize> = Vec::new();
        // Of those, the lines whose code is too broad to tell (`line_matches`).
        let mut broad: Vec<usize> = Vec::new();
        for (mi, m) in dest.measures.iter().enumerate() {
            if phase_of(m) != phase
                || !in_force(m, self.date)
                || !consignment_matches(&m.when, self.basket, self.carrier)
            {
                continue;
            }
            lines.clear();
            broad.clear();
            for i in 0..self.work.len() {
                if let Some(partly) = line_matches(&m.when, &self.basket.items[i], self.work[i].hs)
                {
                    lines.push(i);
                    if partly {
                        broad.push(i);
                    }
                }
            }
            if lines.is_empty() {
                continue;
            }
            if let Some(t) = &m.test {
                let Some(th) = t.threshold.at(self.date) else {
                    continue;
                };
                let conv = self.fx.rate(&t.currency, &dest.currency, "destination")?;
                let threshold_converted = th.value * conv;
                let outcome = |me: &mut Self, item: Option<usize>| {
                    let compared = me.tested(t.value, item, t.scope == Scope::Unit, t.counts);
                    let passed = compare(compared, t.comparison, threshold_converted);
                    me.thresholds.push(ThresholdOutcome {
                        rule: m.id.clone(),
                        value: t.value,
                        scope: t.scope,
                        item: item.map(|i| me.basket.items[i].id.clone()),
                        compared: me.round(compared),
                        comparison: t.comparison,
                        threshold: th.value,
                        threshold_currency: t.currency.clone(),
                        threshold_converted: me.round(threshold_converted),
                        passed,
                        reference: th.reference.clone(),
                    });
                    passed
                };
                match t.scope {
                    Scope::Consignment => {
                        if !outcome(self, None) {
                            continue;
                        }
                    }
                    Scope::Line | Scope::Unit => {
                        lines.retain(|&i| outcome(self, Some(i)));
                        if lines.is_empty() {
                            continue;
                        }
                    }
                }
            }
            self.apply_effect(mi, m, &lines, &broad, phase)?;
        }
        Ok(())
    }

    fn apply_effect(
        &mut self,
        mi: usize,
        m: &'a Measure,
        lines: &[usize],
        broad: &[usize],
        phase: Phase,
    ) -> Result<()> {
        if let Some(n) = &m.effect.notice {
            let code = if m.effect.uncertain {
                "duty_uncertain"
            } else {
                "rule_notice"
            };
            self.warn(code, format!("{n} ({})", m.reference), None);
        }
        for &i in lines {
            if m.effect.additional_ad_valorem.is_some() && broad.contains(&i) {
                self.warn(
                    "hs_code_ambiguous",
                    format!(
                        "{} lists some goods under {} and not others; it is applied — give the full national code for an exact figure",
                        m.id,
                        self.work[i].hs.unwrap_or_default()
                    ),
                    Some(i),
                );
            }
            let w = &mut self.work[i];
            if let (Some(d), None) = (&m.effect.duty, &w.duty_effect) {
                w.duty_effect = Some((d, mi));
            }
            if let (Some(t), None) = (&m.effect.tax, &w.tax_effect) {
                w.tax_effect = Some((t, mi));
            }
            if let Some(rate) = m
                .effect
                .additional_ad_valorem
                .as_ref()
                .and_then(|r| r.at(self.date))
            {
                w.surcharges.push(Surcharge {
                    measure: mi,
                    pct: rate.value,
                    from: rate.from,
                    reference: &rate.reference,
                    on_metal: m.effect.surcharge_base == SurchargeBase::MetalContent,
                });
            }
        }
        if let Some(r) = &m.effect.relief {
            self.relieve(m, lines, r)?;
        }
        // Effects decided after the amounts exist are applied to them now (a duty effect tested on
        // duty and tax together, `due_at_border`, recomputes the duty before the tax). A measure
        // that only adds a fee or a notice changes no amount: nothing is computed again.
        let e = &m.effect;
        let moves_duty =
            e.duty.is_some() || e.additional_ad_valorem.is_some() || e.relief.is_some();
        if (phase == Phase::AfterDuty && moves_duty)
            || (phase == Phase::AfterTax && e.duty.is_some())
        {
            self.duties()?;
        }
        if phase == Phase::AfterTax && (moves_duty || e.tax.is_some()) {
            self.taxes()?;
        }
        if let Some(fee) = &m.effect.fee {
            let fixed = fee.amount.at(self.date);
            let rate = fee.ad_valorem.as_ref().and_then(|r| r.at(self.date));
            let due = || {
                lines
                    .iter()
                    .any(|&i| !due_at_border(&self.work[i]).is_zero())
            };
            if (fixed.is_some() || rate.is_some()) && (!fee.only_when_due || due()) {
                let count = match fee.per {
                    FeeBasis::Consignment => 1,
                    FeeBasis::Line => lines.len(),
                    FeeBasis::DeclarationLine => self.distinct_groups(lines, 6),
                };
                let conv = self
                    .fx
                    .rate(&fee.currency, &self.dest.currency, "destination")?;
                let mut exact = fixed.map_or(Decimal::ZERO, |a| {
                    a.value * conv * Decimal::from(count as u64)
                });
                // An ad valorem part on the customs value of the lines concerned, or on the duty
                // and tax they owe at the border; the rate's bounds (fee currency) bound the
                // whole fee, fixed part included.
                let value_base: Decimal = match rate.map(|r| r.value.base) {
                    Some(FeeRateBase::DueAtBorder) => {
                        lines.iter().map(|&i| due_at_border(&self.work[i])).sum()
                    }
                    _ => lines.iter().map(|&i| self.work[i].customs_value).sum(),
                };
                if let Some(r) = rate {
                    exact += value_base * r.value.percent / Decimal::ONE_HUNDRED;
                    if let Some(min) = r.value.min {
                        exact = exact.max(min * conv);
                    }
                    if let Some(max) = r.value.max {
                        exact = exact.min(max * conv);
                    }
                }
                let net = self.round_line(exact);
                // A fee priced net bears the destination's tax rate of the date, rounded on its own.
                let tax = match fee.tax_on_fee {
                    Some(FeeTax::Standard) => {
                        let spec = self.dest.tax.as_ref().ok_or_else(|| {
                            Error::Pack(PackError::Malformed(format!(
                                "{}: tax on a fee where {} has no tax",
                                m.id, self.dest.code
                            )))
                        })?;
                        let (pct, _, _) = self.tax_rate(spec, None)?;
                        Some((self.round_line(net * pct / Decimal::ONE_HUNDRED), pct))
                    }
                    None => None,
                };
                let idx = self.fees.len();
                self.fees.push(FeeLine {
                    rule: m.id.clone(),
                    title: m.title.clone(),
                    amount: net + tax.map_or(Decimal::ZERO, |t| t.0),
                    collected: Collection::Border,
                    payee: fee.payee,
                    tax: tax.map(|t| t.0),
                });
                if self.explaining {
                    self.explain_fee(idx, m, fee, (fixed, rate), count, conv, value_base, tax);
                }
            }
        }
        Ok(())
    }

    /// Shares a relieved amount among `lines` by their customs value (the last line takes what the
    /// shares leave, so they add up exactly), never above a line's value.
    fn relieve(&mut self, m: &Measure, lines: &[usize], r: &Relief) -> Result<()> {
        let Some(a) = r.amount.at(self.date) else {
            return Ok(());
        };
        let conv = self
            .fx
            .rate(&r.currency, &self.dest.currency, "destination")?;
        let total: Decimal = lines.iter().map(|&i| self.work[i].customs_value).sum();
        let mut left = (a.value * conv).min(total);
        for (k, &i) in lines.iter().enumerate() {
            let w = &mut self.work[i];
            let share = if k + 1 == lines.len() || total.is_zero() {
                left
            } else {
                (a.value * conv).min(total) * w.customs_value / total
            };
            let share = share.min(w.customs_value).min(left);
            w.relieved = share;
            left -= share;
            if self.explaining {
                let figure = format!("lines[{i}].relieved");
                self.explain.retain(|e| e.figure != figure);
                self.explain.push(Explain {
                    figure,
                    amount: self.round(share),
                    formula: format!(
                        "share by customs value of the {} {} relieved (duty and tax on the excess only)",
                        a.value, r.currency
                    ),
                    rule: m.id.clone(),
                    reference: a.reference.clone(),
                    effective: a.from,
                });
            }
        }
        Ok(())
    }

    /// How many distinct classifications at `digits` HS digits the lines fall in (an item without
    /// a code counts as its own).
    fn distinct_groups(&self, lines: &[usize], digits: usize) -> usize {
        let mut keys: Vec<GroupKey<'_>> =
            lines.iter().map(|&i| self.group_key(i, digits)).collect();
        keys.sort_unstable();
        keys.dedup();
        keys.len()
    }

    /// The line that carries a flat per-tariff-line duty for the group of line `i`: the highest
    /// customs value, then the smallest item id, so that the basket's order does not matter.
    pub(super) fn flat_carrier(&self, i: usize, digits: usize) -> usize {
        (0..self.work.len())
            .filter(|&j| {
                matches!(
                    self.work[j].duty_effect,
                    Some((DutyEffect::FlatPerDistinctLine { .. }, _))
                ) && self.group_key(j, digits) == self.group_key(i, digits)
            })
            .max_by(|&a, &b| {
                self.work[a]
                    .customs_value
                    .cmp(&self.work[b].customs_value)
                    .then_with(|| self.basket.items[b].id.cmp(&self.basket.items[a].id))
            })
            .unwrap_or(0)
    }
}

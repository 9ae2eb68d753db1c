//! The quote engine: a basket and a pack in, a dated, cited quote out. Pure and exact.
//!
//! Order of work: coverage and FX; line values and the customs value (valuation basis); measures
//! tested on values; duty (tariff, relief, flat per line, surcharges); measures tested on duty;
//! tax (rate by region or HS code, base, collection); measures tested on tax; fees; rounding;
//! totals and the checkout/delivery split.

mod classified;
mod duty;
mod measures;

pub use classified::{
    needs_classifier, quote_classified, quote_resolved, quote_resolved_detailed, unresolved,
    CONFIDENT, CONSIDERED,
};

use crate::basket::{Basket, Incoterm, CONTRACT_VERSION};
use crate::date::Date;
use crate::error::{Error, Result};
use crate::money::{self, Fx};
use crate::pack::format::Pack;
use crate::pack::lookup::{line_code, TariffMatch};
use crate::pack::model::*;
use crate::quote::*;
use measures::Phase;
use rust_decimal::Decimal;

/// Decimal places kept when transport and insurance are shared between lines.
const ALLOCATION_SCALE: u32 = 12;

/// Tariff data older than this many days before the import date is flagged in the quote.
const TARIFF_STALE_AFTER_DAYS: i64 = 365;

/// Parses a JSON basket and quotes it. `today` is the default import date.
pub fn quote_json(pack: &Pack, basket_json: &str, today: Date) -> Result<Quote> {
    quote(pack, &Basket::from_json(basket_json)?, today)
}

/// Quotes a validated basket. `today` is the default import date.
pub fn quote(pack: &Pack, basket: &Basket, today: Date) -> Result<Quote> {
    quote_detailed(pack, basket, today, Detail::Full)
}

/// How much of the explain trail a quote carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Every figure with its formula, rule, reference and effective date.
    Full,
    /// Figures only: `explain` is left empty and no formula is rendered. For a caller that shows
    /// the "why" on demand: the same basket quoted again with [`Detail::Full`] gives the trail of
    /// exactly these figures (the engine is deterministic).
    Figures,
}

/// Quotes a validated basket with the explain trail `detail` asks for.
pub fn quote_detailed(pack: &Pack, basket: &Basket, today: Date, detail: Detail) -> Result<Quote> {
    let mut e = Engine::new(pack, basket, today)?;
    e.explaining = detail == Detail::Full;
    e.run()
}

/// Per-line working state.
struct Work<'a> {
    hs: Option<String>,
    goods: Decimal,
    unit_value: Decimal,
    shipping: Decimal,
    insurance: Decimal,
    customs_value: Decimal,
    duty_effect: Option<(&'a DutyEffect, usize)>,
    tax_effect: Option<(&'a TaxEffect, usize)>,
    surcharges: Vec<(usize, Decimal, Date, String)>,
    /// The tariff line (or, for a flat duty, the classification) the duty was taken from.
    tariff_line: Option<String>,
    duty: LineDuty,
    tax: LineTax,
}

struct Engine<'a> {
    pack: &'a Pack,
    dest: &'a Destination,
    basket: &'a Basket,
    date: Date,
    fx: Fx<'a>,
    rate: Decimal,
    rounding: Rounding,
    valuation: &'a DatedValue<Valuation>,
    work: Vec<Work<'a>>,
    fees: Vec<FeeLine>,
    thresholds: Vec<ThresholdOutcome>,
    explain: Vec<Explain>,
    warnings: Vec<Warning>,
    tariff_vintage_checked: bool,
    /// Whether formulas are rendered into `explain`.
    explaining: bool,
}

impl<'a> Engine<'a> {
    fn new(pack: &'a Pack, basket: &'a Basket, today: Date) -> Result<Engine<'a>> {
        let dest =
            pack.destination(&basket.destination)
                .ok_or_else(|| Error::UnsupportedDestination {
                    path: "destination".into(),
                    value: basket.destination.clone(),
                    covered: pack.header.destinations.join(", "),
                })?;
        let date = basket.date.unwrap_or(today);
        let cov = &dest.coverage;
        let out_of_coverage = || Error::DateOutOfCoverage {
            path: "date".into(),
            date,
            destination: dest.code.clone(),
            from: cov.from,
            refuse_from: cov.refuse_from,
        };
        if date < cov.from || date >= cov.refuse_from {
            return Err(out_of_coverage());
        }
        let valuation = dest.valuation.at(date).ok_or_else(out_of_coverage)?;
        let rounding = dest.rounding.at(date).ok_or_else(out_of_coverage)?.value;
        let mut fx = Fx::new(&pack.body.fx, &basket.fx);
        let rate = fx.rate(&basket.currency, &dest.currency, "currency")?;
        let mut e = Engine {
            pack,
            dest,
            basket,
            date,
            fx,
            rate,
            rounding,
            valuation,
            work: Vec::with_capacity(basket.items.len()),
            fees: Vec::new(),
            thresholds: Vec::new(),
            explain: Vec::new(),
            warnings: Vec::new(),
            tariff_vintage_checked: false,
            explaining: true,
        };
        if date > cov.verified_on {
            e.warn(
                "data_stale",
                format!(
                    "the {} rules were last verified on {}; the import date {} is later",
                    dest.code, cov.verified_on, date
                ),
                None,
            );
        }
        Ok(e)
    }

    fn warn(&mut self, code: &str, message: String, item: Option<usize>) {
        let item = item.map(|i| self.basket.items[i].id.clone());
        if !self
            .warnings
            .iter()
            .any(|w| w.code == code && w.item == item && w.message == message)
        {
            self.warnings.push(Warning {
                code: code.into(),
                message,
                item,
            });
        }
    }

    fn round(&self, v: Decimal) -> Decimal {
        money::round_with(v, &self.rounding)
    }

    /// Rounds a line amount when rounding happens per line; keeps it exact otherwise.
    fn round_line(&self, v: Decimal) -> Decimal {
        match self.rounding.at {
            RoundingPoint::Line => self.round(v),
            RoundingPoint::Total => v.normalize(),
        }
    }

    fn run(mut self) -> Result<Quote> {
        self.values()?;
        self.apply_measures(Phase::Values)?;
        self.duties()?;
        self.apply_measures(Phase::AfterDuty)?;
        self.taxes()?;
        self.apply_measures(Phase::AfterTax)?;
        self.finish()
    }

    /// Line values in the destination currency and the customs value.
    fn values(&mut self) -> Result<()> {
        let b = self.basket;
        let v = &self.valuation.value;
        let shipping = money::mul(b.shipping, self.rate, "shipping")?;
        let insurance = money::mul(b.insurance, self.rate, "insurance")?;
        let mut goods_total = Decimal::ZERO;
        let mut goods = Vec::with_capacity(b.items.len());
        for (i, it) in b.items.iter().enumerate() {
            let path = format!("items[{i}].unit_price");
            let unit = money::mul(it.unit_price, self.rate, &path)?;
            let g = self.round(money::mul(unit, Decimal::from(it.quantity), &path)?);
            goods_total = money::add(goods_total, g, &path)?;
            goods.push((unit, g));
        }
        let factor = match (v.consumer_goods_factor, self.basket.buyer) {
            (Some(f), BuyerKind::Consumer) => Some(f),
            _ => None,
        };
        // Transport and insurance are shared pro rata to the goods value (equally if all are free),
        // each share cut to ALLOCATION_SCALE places; the remainder goes to the largest line (then the
        // smallest id), so the shares add up exactly and the basket's order does not matter.
        let n = Decimal::from(b.items.len() as u64);
        let largest = (0..goods.len())
            .max_by(|&a, &c| {
                goods[a]
                    .1
                    .cmp(&goods[c].1)
                    .then_with(|| b.items[c].id.cmp(&b.items[a].id))
            })
            .unwrap_or(0);
        let share_of = |total: Decimal, g: Decimal| {
            let share = if goods_total.is_zero() {
                total / n
            } else {
                total * g / goods_total
            };
            share.round_dp_with_strategy(ALLOCATION_SCALE, rust_decimal::RoundingStrategy::ToZero)
        };
        let mut shares: Vec<(Decimal, Decimal)> = goods
            .iter()
            .map(|&(_, g)| (share_of(shipping, g), share_of(insurance, g)))
            .collect();
        let (given_s, given_i) = shares
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != largest)
            .fold((Decimal::ZERO, Decimal::ZERO), |(a, c), (_, (s, i))| {
                (a + s, c + i)
            });
        shares[largest] = (shipping - given_s, insurance - given_i);
        for (i, (unit, g)) in goods.into_iter().enumerate() {
            let (s, ins) = shares[i];
            let goods_cv = factor.map_or(g, |f| g * f);
            let mut cv = goods_cv;
            if v.include_shipping {
                cv += s;
            }
            if v.include_insurance {
                cv += ins;
            }
            let hs = b.items[i].hs_code.clone();
            self.work.push(Work {
                hs,
                goods: g,
                unit_value: unit,
                shipping: s,
                insurance: ins,
                customs_value: cv,
                duty_effect: None,
                tax_effect: None,
                surcharges: Vec::new(),
                tariff_line: None,
                duty: LineDuty {
                    amount: Decimal::ZERO,
                    rate: String::new(),
                    basis: String::new(),
                    rule: String::new(),
                    collected: Collection::None,
                },
                tax: LineTax {
                    amount: Decimal::ZERO,
                    rate: Decimal::ZERO,
                    base: Decimal::ZERO,
                    rule: format!("{}.tax.none", self.dest.code.to_ascii_lowercase()),
                    collected: Collection::None,
                },
            });
        }
        if self.explaining {
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
                rule: format!("{}.valuation", self.dest.code.to_ascii_lowercase()),
                reference: self.valuation.reference.clone(),
                effective: self.valuation.from,
            });
        }
        for (i, it) in b.items.iter().enumerate() {
            match &it.hs_code {
                None => self.warn(
                    "hs_code_missing",
                    "no HS code given: duty cannot be computed for this item".into(),
                    Some(i),
                ),
                Some(h) => {
                    let hs6: u32 = h[..6].parse().unwrap_or(0);
                    if !self.pack.is_hs2022_subheading(hs6) {
                        self.warn(
                            "hs_code_unknown",
                            format!("{} is not an HS 2022 subheading", &h[..6]),
                            Some(i),
                        );
                    }
                }
            }
        }
        Ok(())
    }

    /// The value a test compares, for the consignment or one line.
    fn tested(&self, value: TestedValue, line: Option<usize>, unit: bool) -> Decimal {
        let pick = |w: &Work| match value {
            TestedValue::Intrinsic => w.goods,
            TestedValue::CustomsValue => w.customs_value,
            TestedValue::TotalPaid => w.goods + w.shipping + w.insurance,
            TestedValue::DutyAmount => w.duty.amount,
            TestedValue::TaxAmount => w.tax.amount,
        };
        match line {
            None => self.work.iter().map(pick).sum(),
            Some(i) if unit && value == TestedValue::Intrinsic => self.work[i].unit_value,
            Some(i) if unit => pick(&self.work[i]) / Decimal::from(self.basket.items[i].quantity),
            Some(i) => pick(&self.work[i]),
        }
    }

    fn apply_measures(&mut self, phase: Phase) -> Result<()> {
        let dest = self.dest;
        for (mi, m) in dest.measures.iter().enumerate() {
            if measures::phase(m.test.as_ref()) != phase
                || !measures::in_force(m, self.date)
                || !measures::consignment_matches(&m.when, self.basket)
            {
                continue;
            }
            let mut lines: Vec<usize> = (0..self.work.len())
                .filter(|&i| {
                    measures::line_matches(
                        &m.when,
                        &self.basket.items[i].origin,
                        self.work[i].hs.as_deref(),
                    )
                })
                .collect();
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
                    let compared = me.tested(t.value, item, t.scope == Scope::Unit);
                    let passed = measures::compare(compared, t.comparison, threshold_converted);
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
            self.apply_effect(mi, m, &lines, phase)?;
        }
        Ok(())
    }

    fn apply_effect(
        &mut self,
        mi: usize,
        m: &'a Measure,
        lines: &[usize],
        phase: Phase,
    ) -> Result<()> {
        if let Some(n) = &m.effect.notice {
            self.warn("rule_notice", format!("{n} ({})", m.reference), None);
        }
        for &i in lines {
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
                w.surcharges
                    .push((mi, rate.value, rate.from, rate.reference.clone()));
            }
        }
        // Effects decided after the amounts exist are applied to them now.
        if phase == Phase::AfterDuty {
            self.duties()?;
        }
        if phase == Phase::AfterTax {
            self.taxes()?;
        }
        if let Some(fee) = &m.effect.fee {
            if let Some(amount) = fee.amount.at(self.date) {
                let count = match fee.per {
                    FeeBasis::Consignment => 1,
                    FeeBasis::Line => lines.len(),
                    FeeBasis::DeclarationLine => {
                        distinct(lines.iter().map(|&i| self.group_key(i, 6)))
                    }
                };
                let conv = self
                    .fx
                    .rate(&fee.currency, &self.dest.currency, "destination")?;
                let value = self.round_line(amount.value * conv * Decimal::from(count as u64));
                let idx = self.fees.len();
                self.fees.push(FeeLine {
                    rule: m.id.clone(),
                    title: m.title.clone(),
                    amount: value,
                    collected: Collection::Border,
                });
                if self.explaining {
                    self.explain.push(Explain {
                        figure: format!("fees[{idx}]"),
                        amount: value,
                        formula: format!(
                            "{} {} × {} × FX {}",
                            amount.value,
                            fee.currency,
                            count,
                            conv.normalize()
                        ),
                        rule: m.id.clone(),
                        reference: amount.reference.clone(),
                        effective: amount.from,
                    });
                }
            }
        }
        Ok(())
    }

    fn group_key(&self, i: usize, digits: usize) -> String {
        match &self.work[i].hs {
            Some(h) => h[..digits.min(h.len())].to_string(),
            None => format!("item:{}", self.basket.items[i].id),
        }
    }

    /// The line that carries a flat per-tariff-line duty for its group: the highest customs value,
    /// then the smallest item id, so that the basket's order does not matter.
    fn flat_carrier(&self, key: &str, digits: usize) -> usize {
        (0..self.work.len())
            .filter(|&j| {
                matches!(
                    self.work[j].duty_effect,
                    Some((DutyEffect::FlatPerDistinctLine { .. }, _))
                ) && self.group_key(j, digits) == key
            })
            .max_by(|&a, &b| {
                self.work[a]
                    .customs_value
                    .cmp(&self.work[b].customs_value)
                    .then_with(|| self.basket.items[b].id.cmp(&self.basket.items[a].id))
            })
            .unwrap_or(0)
    }

    fn duties(&mut self) -> Result<()> {
        for i in 0..self.work.len() {
            self.work[i].tariff_line = None;
            let (amount, rate, basis, rule, reference, effective, collected) =
                match self.work[i].duty_effect {
                    Some((DutyEffect::Waive, mi)) => {
                        let m = &self.dest.measures[mi];
                        (
                            Decimal::ZERO,
                            "relief".into(),
                            "none".into(),
                            m.id.clone(),
                            m.reference.clone(),
                            m.from,
                            Collection::None,
                        )
                    }
                    Some((
                        DutyEffect::FlatPerDistinctLine {
                            amount,
                            currency,
                            digits,
                        },
                        mi,
                    )) => {
                        let m = &self.dest.measures[mi];
                        let Some(a) = amount.at(self.date) else {
                            continue;
                        };
                        let key = self.group_key(i, usize::from(*digits));
                        self.work[i].tariff_line = Some(key.clone());
                        if self.work[i].hs.is_none() {
                            self.warn(
                                "hs_code_missing",
                                "without an HS code the item counts as its own tariff line".into(),
                                Some(i),
                            );
                        }
                        let conv = self.fx.rate(currency, &self.dest.currency, "destination")?;
                        let carrier = self.flat_carrier(&key, usize::from(*digits));
                        let (amt, rate) = if carrier == i {
                            (
                                a.value * conv,
                                format!("{} {} per distinct tariff line", a.value, currency),
                            )
                        } else {
                            (
                                Decimal::ZERO,
                                format!(
                                    "included in item {} (same tariff line {key})",
                                    self.basket.items[carrier].id
                                ),
                            )
                        };
                        (
                            amt,
                            rate,
                            format!("tariff line {key}"),
                            m.id.clone(),
                            a.reference.clone(),
                            a.from,
                            Collection::Border,
                        )
                    }
                    _ => self.tariff_duty(i)?,
                };
            let mut total = amount;
            let mut formula = if self.explaining {
                format!("{rate} on {basis}")
            } else {
                String::new()
            };
            let w = &self.work[i];
            // A relief waives the tariff duty and every surcharge but those its own measure imposes.
            let waived_by = match w.duty_effect {
                Some((DutyEffect::Waive, mi)) => Some(mi),
                _ => None,
            };
            let mut surcharge_rules = Vec::new();
            {
                for (mi, pct, from, reference) in w
                    .surcharges
                    .iter()
                    .filter(|s| waived_by.is_none_or(|m| m == s.0))
                {
                    let s = w.customs_value * pct / Decimal::ONE_HUNDRED;
                    total += s;
                    if self.explaining {
                        formula.push_str(&format!(
                            " + {pct}% surcharge × {}",
                            self.round(w.customs_value)
                        ));
                    }
                    surcharge_rules.push((
                        self.dest.measures[*mi].id.clone(),
                        s,
                        *from,
                        reference.clone(),
                    ));
                }
            }
            let total = self.round_line(total);
            let collected = if total.is_zero() && collected == Collection::Border {
                Collection::None
            } else {
                collected
            };
            if self.explaining {
                let figure = format!("lines[{i}].duty");
                self.explain.retain(|e| !e.figure.starts_with(&figure));
                self.explain.push(Explain {
                    figure: figure.clone(),
                    amount: total,
                    formula,
                    rule: rule.clone(),
                    reference,
                    effective,
                });
                for (k, (rule, s, from, reference)) in surcharge_rules.into_iter().enumerate() {
                    self.explain.push(Explain {
                        figure: format!("{figure}.surcharge[{k}]"),
                        amount: self.round_line(s),
                        formula: "surcharge on the customs value".into(),
                        rule,
                        reference,
                        effective: from,
                    });
                }
            }
            self.work[i].duty = LineDuty {
                amount: total,
                rate,
                basis,
                rule,
                collected,
            };
        }
        Ok(())
    }

    /// Duty from the destination's tariff.
    #[allow(clippy::type_complexity)]
    fn tariff_duty(
        &mut self,
        i: usize,
    ) -> Result<(Decimal, String, String, String, String, Date, Collection)> {
        let dest = self.dest;
        let unknown = |rule: String, reference: String, effective: Date| {
            (
                Decimal::ZERO,
                "unknown".to_string(),
                "customs value".to_string(),
                rule,
                reference,
                effective,
                Collection::None,
            )
        };
        let Some(binding) = &dest.tariff else {
            let (reason, reference) = dest
                .no_tariff
                .as_ref()
                .map(|n| (n.reason.clone(), n.reference.clone()))
                .unwrap_or_default();
            self.warn("duty_rate_unavailable", reason, Some(i));
            return Ok(unknown(
                format!("{}.duty.unavailable", dest.code.to_ascii_lowercase()),
                reference,
                dest.coverage.from,
            ));
        };
        let pack = self.pack;
        let Some(tariff) = pack.tariff_checked(&binding.tariff_id)? else {
            return Err(Error::Pack(crate::pack::format::PackError::Malformed(
                "tariff missing".into(),
            )));
        };
        let rule = tariff.id.clone();
        let reference = binding.reference.clone();
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
        let Some(hs) = self.work[i].hs.clone() else {
            return Ok(unknown(rule, reference, as_of));
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
        let basis = format!("customs value {}", self.round(q.customs_value));
        let (line, amount) = match tariff.lookup(&hs) {
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
                    return Ok(unknown(rule, reference, as_of));
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
                    return Ok(unknown(rule, reference, as_of));
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
                return Ok(unknown(rule, reference, as_of));
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
                return Ok(unknown(rule, reference, as_of));
            }
        };
        let text = duty::describe(&tariff.exprs[line.expr as usize]).to_string();
        let tl = line_code(line);
        self.work[i].tariff_line = Some(tl.clone());
        Ok((
            amount,
            text,
            format!("{basis} (tariff line {tl})"),
            rule,
            reference,
            as_of,
            Collection::Border,
        ))
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

    /// The tax rate for a line: region, else reduced by HS prefix, else standard.
    fn tax_rate(
        &self,
        spec: &'a TaxSpec,
        hs: Option<&str>,
    ) -> Result<(Decimal, String, &'a DatedValue<Decimal>)> {
        let code = self.dest.code.to_ascii_lowercase();
        let out = || Error::DateOutOfCoverage {
            path: "date".into(),
            date: self.date,
            destination: self.dest.code.clone(),
            from: self.dest.coverage.from,
            refuse_from: self.dest.coverage.refuse_from,
        };
        if !spec.regions.is_empty() {
            let regions: Vec<&str> = spec.regions.iter().map(|r| r.region.as_str()).collect();
            let Some(region) = &self.basket.destination_region else {
                return Err(Error::InvalidRegion {
                    path: "destination_region".into(),
                    message: format!(
                        "{} taxes imports by region: give destination_region, one of {}",
                        self.dest.code,
                        regions.join(", ")
                    ),
                });
            };
            let Some(r) = spec.regions.iter().find(|r| &r.region == region) else {
                return Err(Error::InvalidRegion {
                    path: "destination_region".into(),
                    message: format!(
                        "unknown region `{region}` for {}: expected one of {}",
                        self.dest.code,
                        regions.join(", ")
                    ),
                });
            };
            let v = r.rate.at(self.date).ok_or_else(out)?;
            return Ok((
                v.value,
                format!("{code}.tax.region.{}", r.region.to_ascii_lowercase()),
                v,
            ));
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
                .and_then(|(_, r)| r.rate.at(self.date).map(|v| (v.value, r.id.clone(), v)))
        });
        if let Some(r) = reduced {
            return Ok(r);
        }
        let v = spec.standard.at(self.date).ok_or_else(out)?;
        Ok((v.value, format!("{code}.tax.standard"), v))
    }

    fn taxes(&mut self) -> Result<()> {
        let Some(spec) = &self.dest.tax else {
            return Ok(());
        };
        let val = &self.valuation.value;
        for i in 0..self.work.len() {
            let (pct, rate_rule, rate_value) = self.tax_rate(spec, self.work[i].hs.as_deref())?;
            let w = &self.work[i];
            let (base, factor, collected, rule, reference, effective, parts) = match &w.tax_effect {
                Some((TaxEffect::Waive, mi)) => {
                    let m = &self.dest.measures[*mi];
                    (
                        Decimal::ZERO,
                        Decimal::ZERO,
                        Collection::None,
                        m.id.clone(),
                        m.reference.clone(),
                        m.from,
                        "relief",
                    )
                }
                Some((TaxEffect::PointOfSale { base, factor }, mi)) => {
                    let m = &self.dest.measures[*mi];
                    let (b, parts) = self.base_of(i, w.goods, base);
                    (
                        b,
                        *factor,
                        Collection::PointOfSale,
                        m.id.clone(),
                        m.reference.clone(),
                        m.from,
                        parts,
                    )
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
                    (
                        b,
                        factor,
                        Collection::Border,
                        rate_rule.clone(),
                        rate_value.reference.clone(),
                        rate_value.from,
                        parts,
                    )
                }
            };
            let amount = self.round_line(base * pct / Decimal::ONE_HUNDRED * factor);
            let collected = if amount.is_zero() {
                Collection::None
            } else {
                collected
            };
            let shown_base = self.round(base);
            if self.explaining {
                let formula = if factor == Decimal::ONE {
                    format!("{pct}% × {shown_base} ({parts})")
                } else {
                    format!("{pct}% × {shown_base} ({parts}) × {factor}")
                };
                let figure = format!("lines[{i}].tax");
                self.explain.retain(|e| e.figure != figure);
                self.explain.push(Explain {
                    figure,
                    amount,
                    formula,
                    rule: rule.clone(),
                    reference,
                    effective,
                });
            }
            self.work[i].tax = LineTax {
                amount,
                rate: pct,
                base: shown_base,
                rule,
                collected,
            };
        }
        Ok(())
    }

    /// A tax base: goods plus the parts the base lists, with a readable sum.
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

    fn finish(mut self) -> Result<Quote> {
        let r = |v: Decimal| money::round_with(v, &self.rounding);
        let sum = |f: &dyn Fn(&Work) -> Decimal| self.work.iter().map(f).sum::<Decimal>();
        let goods = r(sum(&|w| w.goods));
        let shipping = r(sum(&|w| w.shipping));
        let insurance = r(sum(&|w| w.insurance));
        let customs_value = r(sum(&|w| w.customs_value));
        let duty = r(sum(&|w| w.duty.amount));
        let tax = r(sum(&|w| w.tax.amount));
        let fees = r(self.fees.iter().map(|f| f.amount).sum());
        let landed_cost = goods + shipping + insurance + duty + tax + fees;
        let pos = r(sum(&|w| {
            if w.tax.collected == Collection::PointOfSale {
                w.tax.amount
            } else {
                Decimal::ZERO
            }
        }) + sum(&|w| {
            if w.duty.collected == Collection::PointOfSale {
                w.duty.amount
            } else {
                Decimal::ZERO
            }
        }));
        let (due_at_checkout, due_at_delivery) = match self.basket.incoterm {
            Incoterm::Ddp => (landed_cost, Decimal::ZERO),
            Incoterm::Dap => (
                goods + shipping + insurance + pos,
                landed_cost - goods - shipping - insurance - pos,
            ),
        };
        let rs = |v: Decimal| money::round_with(v, &self.rounding);
        let (due_at_checkout, due_at_delivery) = (rs(due_at_checkout), rs(due_at_delivery));
        let totals = Totals {
            goods,
            shipping,
            insurance,
            customs_value,
            duty,
            tax,
            fees,
            landed_cost,
            due_at_checkout,
            due_at_delivery,
        };
        if self.explaining {
            for (figure, amount, formula) in [
                ("totals.duty", duty, "sum of line duties"),
                ("totals.tax", tax, "sum of line taxes"),
                (
                    "totals.landed_cost",
                    landed_cost,
                    "goods + shipping + insurance + duty + tax + fees",
                ),
            ] {
                let (reference, effective) = self
                    .dest
                    .rounding
                    .at(self.date)
                    .map_or((String::new(), self.date), |v| {
                        (v.reference.clone(), v.from)
                    });
                self.explain.push(Explain {
                    figure: figure.into(),
                    amount,
                    formula: format!(
                        "{formula}, rounded {:?} to {} places ({:?})",
                        self.rounding.strategy, self.rounding.scale, self.rounding.at
                    ),
                    rule: format!("{}.rounding", self.dest.code.to_ascii_lowercase()),
                    reference,
                    effective,
                });
            }
        }
        let display = match &self.basket.display_currency {
            Some(c) if c != &self.dest.currency => {
                let rate = self.fx.rate(&self.dest.currency, c, "display_currency")?;
                let s = money::minor_units(c);
                let strategy = self.rounding.strategy;
                let cv = |v: Decimal| {
                    money::mul(v, rate, "display_currency").map(|x| money::round(x, s, strategy))
                };
                // What the shopper typed in the display currency is shown as typed, not converted
                // there and back; the total is the sum of the shown parts.
                let b = self.basket;
                let as_given = b.currency == *c;
                let given = |v: Decimal| money::round(v, s, strategy);
                let goods = if as_given {
                    given(
                        b.items
                            .iter()
                            .map(|i| i.unit_price * Decimal::from(i.quantity))
                            .sum(),
                    )
                } else {
                    cv(totals.goods)?
                };
                let shipping = if as_given {
                    given(b.shipping)
                } else {
                    cv(totals.shipping)?
                };
                let insurance = if as_given {
                    given(b.insurance)
                } else {
                    cv(totals.insurance)?
                };
                let (duty, tax, fees) = (cv(totals.duty)?, cv(totals.tax)?, cv(totals.fees)?);
                let landed_cost = goods + shipping + insurance + duty + tax + fees;
                let due_at_delivery = cv(totals.due_at_delivery)?;
                Some(DisplayTotals {
                    currency: c.clone(),
                    rate,
                    totals: Totals {
                        goods,
                        shipping,
                        insurance,
                        customs_value: cv(totals.customs_value)?,
                        duty,
                        tax,
                        fees,
                        landed_cost,
                        due_at_checkout: landed_cost - due_at_delivery,
                        due_at_delivery,
                    },
                })
            }
            _ => None,
        };
        if let Some(used) = self.fx_stale_warning() {
            self.warn("fx_date_differs", used, None);
        }
        let lines = self
            .work
            .iter()
            .zip(&self.basket.items)
            .map(|(w, it)| Line {
                id: it.id.clone(),
                hs_code: w.hs.clone(),
                hs_source: if w.hs.is_some() {
                    HsSource::Merchant
                } else {
                    HsSource::Missing
                },
                hs_confidence: None,
                hs_confirmed: None,
                hs_candidates: Vec::new(),
                tariff_line: w.tariff_line.clone(),
                goods_value: w.goods,
                customs_value: self.round_line(w.customs_value),
                duty: w.duty.clone(),
                tax: w.tax.clone(),
            })
            .collect();
        let region = if self
            .dest
            .tax
            .as_ref()
            .is_some_and(|t| !t.regions.is_empty())
        {
            self.basket.destination_region.clone()
        } else {
            None
        };
        Ok(Quote {
            contract_version: CONTRACT_VERSION.into(),
            pack: PackRef {
                id: self.pack.header.pack_id.clone(),
                version: self.pack.header.pack_version.clone(),
                build_date: self.pack.header.build_date,
            },
            destination: self.dest.code.clone(),
            destination_region: region,
            date: self.date,
            currency: self.dest.currency.clone(),
            incoterm: self.basket.incoterm,
            totals,
            display,
            lines,
            fees: self.fees,
            thresholds: self.thresholds,
            explain: self.explain,
            warnings: self.warnings,
            fx: self.fx.into_used(),
        })
    }

    fn fx_stale_warning(&self) -> Option<String> {
        let t = &self.pack.body.fx;
        let converted = self.basket.currency != self.dest.currency
            || self
                .basket
                .display_currency
                .as_ref()
                .is_some_and(|c| c != &self.dest.currency);
        (converted && t.date != self.date && self.basket.fx.is_empty()).then(|| {
            format!("{} of {} used; customs convert at the rate their own rules set for the import date {}", t.source, t.date, self.date)
        })
    }
}

fn distinct(keys: impl Iterator<Item = String>) -> usize {
    let mut v: Vec<String> = keys.collect();
    v.sort();
    v.dedup();
    v.len()
}

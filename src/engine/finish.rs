//! Assembling the quote: totals (each rounded once), the checkout/delivery split, totals in the
//! display currency, and the lines with their texts rendered.

use super::texts::Rule;
use super::{Engine, Work};
use crate::basket::{Incoterm, CONTRACT_VERSION};
use crate::error::{Error, Result};
use crate::money;
use crate::quote::{
    Collection, DisplayTotals, Explain, HsSource, Line, LineDuty, LineTax, PackRef, Quote, Totals,
};
use rust_decimal::Decimal;

/// The lines' amounts added up, exact, each in basket order.
#[derive(Default)]
struct Sums {
    goods: Decimal,
    shipping: Decimal,
    insurance: Decimal,
    customs_value: Decimal,
    duty: Decimal,
    /// The lines' duties before the statutory truncation (`DutyIncrements`).
    duty_exact: Decimal,
    tax: Decimal,
    /// Tax collected at the point of sale.
    tax_at_sale: Decimal,
    /// Duty collected at the point of sale.
    duty_at_sale: Decimal,
    /// Lines whose tax is split (`TaxSplit`), when there are any: their national parts before
    /// truncation and their local parts.
    split: Option<(Decimal, Decimal)>,
}

impl Sums {
    fn of(work: &[Work<'_>]) -> Sums {
        let mut s = Sums::default();
        for w in work {
            s.goods += w.goods;
            s.shipping += w.shipping;
            s.insurance += w.insurance;
            s.customs_value += w.customs_value;
            s.duty += w.duty.amount;
            s.duty_exact += w.duty.exact;
            match w.tax.parts {
                Some(p) => {
                    let (national, local) = s.split.get_or_insert_default();
                    *national += p.national_exact;
                    *local += p.local;
                }
                None => s.tax += w.tax.amount,
            }
            if w.tax.collected == Collection::PointOfSale {
                s.tax_at_sale += w.tax.amount;
            }
            if w.duty.collected == Collection::PointOfSale {
                s.duty_at_sale += w.duty.amount;
            }
        }
        s
    }
}

impl Engine<'_> {
    pub(super) fn finish(mut self) -> Result<Quote> {
        let sums = Sums::of(&self.work);
        let r = |v: Decimal| money::round_with(v, &self.rounding);
        let goods = r(sums.goods);
        let shipping = r(sums.shipping);
        let insurance = r(sums.insurance);
        let customs_value = r(sums.customs_value);
        // Where the law truncates the duty, the declaration's duty is the lines' exact sum
        // truncated once (Japan: 26,565 + 40,446 = 67,011 -> 67,000), not the sum of the lines'
        // truncated duties.
        let duty = match self.increments() {
            Some(_) => r(self.truncate_duty(sums.duty_exact)),
            None => r(sums.duty),
        };
        let (tax, tax_split) = self.split_total(&sums)?;
        let tax = r(tax);
        let fees = r(self.fees.iter().map(|f| f.amount).sum());
        let landed_cost = goods + shipping + insurance + duty + tax + fees;
        let pos = r(sums.tax_at_sale + sums.duty_at_sale);
        let (due_at_checkout, due_at_delivery) = match self.basket.incoterm {
            Incoterm::Ddp => (landed_cost, Decimal::ZERO),
            Incoterm::Dap => (
                goods + shipping + insurance + pos,
                landed_cost - goods - shipping - insurance - pos,
            ),
        };
        let (due_at_checkout, due_at_delivery) = (r(due_at_checkout), r(due_at_delivery));
        let unknowns = self.unknowns();
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
            complete: unknowns.complete(),
            duty_unknown_lines: unknowns.lines,
            duty_unknown_customs_value: r(unknowns.customs_value),
        };
        if self.explaining {
            self.explain_totals(duty, tax, landed_cost, tax_split, unknowns.lines);
        }
        self.warn_incomplete(&unknowns);
        let display = self.display_totals(&totals)?;
        if let Some(used) = self.fx_stale_warning() {
            self.warn("fx_date_differs", used, None);
        }
        let lines = self
            .work
            .iter()
            .zip(&self.basket.items)
            .zip(unknowns.status)
            .map(|((w, it), (status, unknown_reason))| Line {
                id: it.id.clone(),
                hs_code: w.hs.map(str::to_owned),
                hs_source: if w.hs.is_some() {
                    HsSource::Merchant
                } else {
                    HsSource::Missing
                },
                hs_confidence: None,
                hs_confirmed: None,
                hs_candidates: Vec::new(),
                tariff_line: w.tariff_line.map(|l| self.tariff_line_text(l)),
                goods_value: w.goods,
                customs_value: self.round_line(w.customs_value),
                duty: LineDuty {
                    amount: w.duty.amount,
                    rate: self.duty_rate_text(w.duty.rate),
                    basis: self.duty_basis_text(w.duty.basis),
                    rule: self.rule_id(w.duty.rule),
                    collected: w.duty.collected,
                    status,
                    unknown_reason,
                },
                tax: LineTax {
                    amount: w.tax.amount,
                    rate: w.tax.rate,
                    base: w.tax.base,
                    rule: self.rule_id(w.tax.rule),
                    collected: w.tax.collected,
                },
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

    /// The totals in the basket's display currency, when it asks for one other than the
    /// destination's.
    fn display_totals(&mut self, totals: &Totals) -> Result<Option<DisplayTotals>> {
        let c = match &self.basket.display_currency {
            Some(c) if c != &self.dest.currency => c,
            _ => return Ok(None),
        };
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
        Ok(Some(DisplayTotals {
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
                complete: totals.complete,
                duty_unknown_lines: totals.duty_unknown_lines,
                duty_unknown_customs_value: cv(totals.duty_unknown_customs_value)?,
            },
        }))
    }

    /// The tax total: the lines' taxes added up; where the tax is split (`TaxSplit`), the
    /// national parts' exact sum and the local parts' sum each truncated to the increment, added
    /// to the other lines' taxes, with its explain entry (when explaining).
    fn split_total(&self, sums: &Sums) -> Result<(Decimal, Option<Explain>)> {
        let split = self.dest.tax.as_ref().and_then(|t| t.split.at(self.date));
        let (Some(s), Some((national_exact, local_sum))) = (split, sums.split) else {
            return Ok((sums.tax, None));
        };
        let overflow = || Error::Overflow {
            path: "items".into(),
        };
        let inc = s.value.tax_increment;
        let national = money::truncate_to_increment(national_exact, inc).ok_or_else(overflow)?;
        let local = money::truncate_to_increment(local_sum, inc).ok_or_else(overflow)?;
        let tax = sums.tax + national + local;
        let explain = self.explaining.then(|| {
            let others = if sums.tax.is_zero() {
                String::new()
            } else {
                format!(" + other lines {}", sums.tax)
            };
            Explain {
                figure: "totals.tax".into(),
                amount: self.round(tax),
                formula: format!(
                    "national parts {} → {national} + local parts {} → {local}, each truncated to a multiple of {inc}{others}",
                    national_exact.normalize(),
                    local_sum,
                ),
                rule: self.rule_id(Rule::TaxSplit),
                reference: s.reference.clone(),
                effective: s.from,
            }
        });
        Ok((tax, explain))
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

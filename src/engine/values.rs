//! Line values in the destination currency, the sharing of transport and insurance between lines,
//! and the customs value per the destination's valuation basis.

use super::texts::{DutyBasis, DutyRate, Rule};
use super::{DutyFigures, Engine, TaxFigures, Work};
use crate::error::{Error, Result};
use crate::money;
use crate::pack::model::{BuyerKind, ReducedRate, RoundingStrategy, TaxSpec};
use crate::quote::Collection;
use rust_decimal::Decimal;

/// Decimal places kept when transport and insurance are shared between lines.
const ALLOCATION_SCALE: u32 = 12;

impl<'a> Work<'a> {
    /// A line valued at `goods` (`unit` each), with no share of transport or insurance yet and no
    /// duty or tax decided.
    fn new(
        hs: Option<&'a str>,
        reduced: Option<&'a ReducedRate>,
        unit: Decimal,
        goods: Decimal,
    ) -> Work<'a> {
        Work {
            hs,
            reduced,
            goods,
            unit_value: unit,
            shipping: Decimal::ZERO,
            insurance: Decimal::ZERO,
            customs_value: Decimal::ZERO,
            relieved: Decimal::ZERO,
            duty_effect: None,
            tax_effect: None,
            surcharges: Vec::new(),
            tariff_line: None,
            duty: DutyFigures {
                amount: Decimal::ZERO,
                exact: Decimal::ZERO,
                rate: DutyRate::Unset,
                basis: DutyBasis::Unset,
                rule: Rule::Unset,
                collected: Collection::None,
            },
            tax: TaxFigures {
                amount: Decimal::ZERO,
                rate: Decimal::ZERO,
                base: Decimal::ZERO,
                rule: Rule::TaxNone,
                collected: Collection::None,
                parts: None,
            },
        }
    }
}

impl Engine<'_> {
    /// Line values in the destination currency and the customs value.
    pub(super) fn values(&mut self) -> Result<()> {
        let b = self.basket;
        let v = &self.valuation.value;
        let shipping = money::mul(b.shipping, self.rate, "shipping")?;
        let insurance = money::mul(b.insurance, self.rate, "insurance")?;
        let mut goods_total = Decimal::ZERO;
        for (i, it) in b.items.iter().enumerate() {
            let path = || format!("items[{i}].unit_price");
            let unit = money::mul_at(it.unit_price, self.rate, path)?;
            let g = self.round(money::mul_at(unit, Decimal::from(it.quantity), path)?);
            goods_total = money::add_at(goods_total, g, path)?;
            let hs = it.hs_code.as_deref();
            let reduced = self.dest.tax.as_ref().and_then(|t| reduced_rate(t, hs));
            self.work.push(Work::new(hs, reduced, unit, g));
        }
        let factor = match (v.consumer_goods_factor, self.basket.buyer) {
            (Some(f), BuyerKind::Consumer) => Some(f),
            _ => None,
        };
        // Transport and insurance are shared pro rata to the goods value (equally if all are free),
        // each share cut to ALLOCATION_SCALE places; the remainder goes to the largest line (then the
        // smallest id), so the shares add up exactly and the basket's order does not matter.
        let n = Decimal::from(b.items.len() as u64);
        let work = &mut self.work;
        let largest = (0..work.len())
            .max_by(|&a, &c| {
                work[a]
                    .goods
                    .cmp(&work[c].goods)
                    .then_with(|| b.items[c].id.cmp(&b.items[a].id))
            })
            .unwrap_or(0);
        let share_of = |total: Decimal, g: Decimal| {
            let share = if goods_total.is_zero() {
                total / n
            } else {
                match total.checked_mul(g) {
                    Some(product) => product / goods_total,
                    // Beyond the exact range (amounts near the basket's limits after conversion:
                    // found by fuzzing): the line's fraction first, exact to 28 significant digits,
                    // far finer than ALLOCATION_SCALE; the remainder still goes to the largest line.
                    None => total * (g / goods_total),
                }
            };
            money::round_dp(share, ALLOCATION_SCALE, RoundingStrategy::ToZero)
        };
        let (mut given_s, mut given_i) = (Decimal::ZERO, Decimal::ZERO);
        for (i, w) in work.iter_mut().enumerate() {
            if i != largest {
                w.shipping = share_of(shipping, w.goods);
                w.insurance = share_of(insurance, w.goods);
                given_s += w.shipping;
                given_i += w.insurance;
            }
        }
        if let Some(w) = work.get_mut(largest) {
            w.shipping = shipping - given_s;
            w.insurance = insurance - given_i;
        }
        for w in work.iter_mut() {
            let mut cv = factor.map_or(w.goods, |f| w.goods * f);
            if v.include_shipping {
                cv += w.shipping;
            }
            if v.include_insurance {
                cv += w.insurance;
            }
            w.customs_value = cv;
        }
        if self.explaining {
            self.explain_customs_value(factor, shipping, insurance);
        }
        for (i, it) in b.items.iter().enumerate() {
            match &it.hs_code {
                None => self.warn(
                    "hs_code_missing",
                    "no HS code given: duty cannot be computed for this item".into(),
                    Some(i),
                ),
                // A code that names no subheading is bad input, not a line to price at zero.
                Some(h) => {
                    let hs6: u32 = h[..6].parse().unwrap_or(0);
                    if !self.pack.is_hs2022_subheading(hs6) {
                        return Err(Error::HsCodeUnknown {
                            path: format!("items[{i}].hs_code"),
                            value: h.clone(),
                            edition: 2022,
                        });
                    }
                }
            }
        }
        Ok(())
    }
}

/// The reduced rate whose longest HS prefix covers `hs`, if any.
fn reduced_rate<'a>(spec: &'a TaxSpec, hs: Option<&str>) -> Option<&'a ReducedRate> {
    let h = hs?;
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
        .map(|(_, r)| r)
}

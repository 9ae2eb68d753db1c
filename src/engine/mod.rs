//! The quote engine: a basket and a pack in, a dated, cited quote out. Pure and exact.
//!
//! Order of work: coverage and FX; line values and the customs value (valuation basis:
//! `values.rs`); measures tested on values (`measures.rs`); duty (tariff, relief, flat per line,
//! surcharges: `duties.rs`); measures tested on duty; tax (rate by region or HS code, base,
//! collection: `taxes.rs`); measures tested on tax; fees; rounding; totals and the
//! checkout/delivery split (`finish.rs`).
//!
//! While it works the engine keeps figures and borrows: rule ids, rate texts and references stay
//! in the pack and the basket (`texts.rs`) until the quote is assembled, so that duty and tax,
//! which measures testing their amounts run again, build no text. The explain trail is rendered
//! only when asked for (`explain.rs`).

pub(crate) mod classified;
mod complete;
mod duties;
mod duty;
mod explain;
mod finish;
mod measures;
mod taxes;
mod texts;
mod values;

pub use classified::CONFIDENT;

use crate::basket::Basket;
use crate::date::Date;
use crate::error::{Error, Result};
use crate::money::{self, Fx};
use crate::pack::format::Pack;
use crate::pack::model::{
    Channel, DatedValue, Destination, DutyEffect, ReducedRate, Rounding, RoundingPoint, Tariff,
    TaxEffect, Valuation,
};
use crate::quote::{Collection, Explain, FeeLine, Quote, ThresholdOutcome, Warning};
use measures::Phase;
use rust_decimal::Decimal;
use texts::{DutyBasis, DutyRate, Rule, TariffLineRef};

/// How much of the explain trail a quote carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Detail {
    /// Every figure with its formula, rule, reference and effective date.
    Full,
    /// Figures only: `explain` is left empty and no formula is rendered. For a caller that shows
    /// the "why" on demand: the same basket quoted again with [`Detail::Full`] gives the trail of
    /// exactly these figures (the engine is deterministic).
    Figures,
}

/// Quotes a validated basket with the explain trail `detail` asks for.
pub(crate) fn quote_detailed(
    pack: &Pack,
    basket: &Basket,
    today: Date,
    detail: Detail,
) -> Result<Quote> {
    let mut e = Engine::new(pack, basket, today)?;
    e.explaining = detail == Detail::Full;
    e.run()
}

/// Per-line working state, in the destination currency, exact unless stated.
struct Work<'a> {
    /// The item's HS code, if given.
    hs: Option<&'a str>,
    /// Goods value of the line, rounded.
    goods: Decimal,
    /// Value of one unit.
    unit_value: Decimal,
    /// The line's share of transport.
    shipping: Decimal,
    /// The line's share of insurance.
    insurance: Decimal,
    customs_value: Decimal,
    /// The part of the customs value a relief exempts (duty and tax are levied on the rest).
    relieved: Decimal,
    /// The first duty effect of a measure that applies, with the measure's index.
    duty_effect: Option<(&'a DutyEffect, usize)>,
    /// The first tax effect of a measure that applies, with the measure's index.
    tax_effect: Option<(&'a TaxEffect, usize)>,
    /// The reduced tax rate whose longest HS prefix covers the code, looked up once per quote.
    reduced: Option<&'a ReducedRate>,
    surcharges: Vec<Surcharge<'a>>,
    /// The tariff line (or, for a flat duty, the classification) the duty was taken from.
    tariff_line: Option<TariffLineRef<'a>>,
    duty: DutyFigures<'a>,
    tax: TaxFigures<'a>,
}

/// An extra ad valorem duty a measure puts on a line.
struct Surcharge<'a> {
    /// The measure imposing it.
    measure: usize,
    /// Percent of the customs value.
    pct: Decimal,
    /// First day the rate applies.
    from: Date,
    /// Legal reference of the rate.
    reference: &'a str,
    /// Levied on the line's metal content rather than its customs value.
    on_metal: bool,
}

/// A line's duty as computed; rendered into a [`crate::quote::LineDuty`] with the quote.
struct DutyFigures<'a> {
    /// Surcharges included; rounded when rounding is per line, truncated where the law
    /// truncates each line's duty.
    amount: Decimal,
    /// The same before the statutory truncation (`DutyIncrements`), which the total truncates
    /// once.
    exact: Decimal,
    rate: DutyRate<'a>,
    basis: DutyBasis<'a>,
    rule: Rule<'a>,
    collected: Collection,
}

/// A line's tax as computed; rendered into a [`crate::quote::LineTax`] with the quote.
struct TaxFigures<'a> {
    /// Rounded when rounding is per line.
    amount: Decimal,
    /// Percent.
    rate: Decimal,
    /// The base as shown: rounded.
    base: Decimal,
    rule: Rule<'a>,
    collected: Collection,
    /// The national and local parts, where the tax is split (`TaxSplit`): the quote's total adds
    /// each part up and truncates it.
    parts: Option<taxes::LineSplit>,
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
    /// The destination's tariff, once a line has needed it.
    tariff: Option<&'a Tariff>,
    work: Vec<Work<'a>>,
    fees: Vec<FeeLine>,
    thresholds: Vec<ThresholdOutcome>,
    explain: Vec<Explain>,
    warnings: Vec<Warning>,
    tariff_vintage_checked: bool,
    /// Whether formulas are rendered into `explain`.
    explaining: bool,
    /// The parcel's carrier as far as the destination knows it: the basket's (when it serves the
    /// destination), else for a `post` parcel the destination's postal operator.
    carrier: Option<&'a str>,
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
        if let Some(w) = cov.refused_at(date) {
            return Err(Error::DateRefused {
                path: "date".into(),
                date,
                destination: dest.code.clone(),
                window: Box::new(w.clone()),
            });
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
            tariff: None,
            work: Vec::with_capacity(basket.items.len()),
            fees: Vec::new(),
            thresholds: Vec::new(),
            explain: Vec::new(),
            warnings: Vec::new(),
            tariff_vintage_checked: false,
            explaining: true,
            carrier: None,
        };
        e.resolve_carrier();
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

    /// The error for a date the destination's dated data does not reach.
    fn out_of_coverage(&self) -> Error {
        Error::DateOutOfCoverage {
            path: "date".into(),
            date: self.date,
            destination: self.dest.code.clone(),
            from: self.dest.coverage.from,
            refuse_from: self.dest.coverage.refuse_from,
        }
    }

    /// Adds a warning about the quote or one item, unless the same one is already there (duty and
    /// tax may be computed more than once).
    fn warn(&mut self, code: &str, message: String, item: Option<usize>) {
        let item = item.map(|i| self.basket.items[i].id.as_str());
        if !self
            .warnings
            .iter()
            .any(|w| w.code == code && w.item.as_deref() == item && w.message == message)
        {
            self.warnings.push(Warning {
                code: code.into(),
                message,
                item: item.map(str::to_owned),
            });
        }
    }

    /// Which carrier's fees apply: the basket's, if it serves the destination (else a
    /// `carrier_not_serving` warning and none); without one, a `post` parcel's is the destination's
    /// postal operator, and a courier parcel's fees are not included (`carrier_fees_not_included`)
    /// where the pack has carrier fees for the destination. A carrier whose fees the pack neither
    /// holds nor knows to be none warns `carrier_fees_unknown`.
    fn resolve_carrier(&mut self) {
        let dest = self.dest;
        let carrier = match self.basket.carrier.as_deref() {
            Some(c) => match dest.carriers.iter().find(|k| k.id == c) {
                Some(k) => Some((k, "")),
                None => {
                    self.warn(
                        "carrier_not_serving",
                        format!(
                            "the pack has no record of {c} delivering to {}: its fees are not included",
                            dest.code
                        ),
                        None,
                    );
                    None
                }
            },
            None if self.basket.channel == Channel::Post => {
                dest.carriers.iter().find(|k| k.default_post).map(|k| {
                    (
                        k,
                        " (the postal operator of a post parcel naming no carrier)",
                    )
                })
            }
            None => {
                if dest.measures.iter().any(|m| !m.when.carriers.is_empty()) {
                    self.warn(
                        "carrier_fees_not_included",
                        "no carrier named: the courier's clearance or disbursement fees are not included".into(),
                        None,
                    );
                }
                None
            }
        };
        let Some((k, why)) = carrier else {
            return;
        };
        self.carrier = Some(&k.id);
        let scheduled = dest
            .measures
            .iter()
            .any(|m| m.when.carriers.contains(&k.id) && measures::in_force(m, self.date));
        let none = k.no_fee.as_ref().is_some_and(|n| n.from <= self.date);
        if !scheduled && !none {
            self.warn(
                "carrier_fees_unknown",
                format!(
                    "the pack has no fee schedule of {}{why} for {}: its fees are not included",
                    k.name, dest.code
                ),
                None,
            );
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
        self.check_claims()?;
        self.values()?;
        self.apply_measures(Phase::Values)?;
        self.duties()?;
        self.apply_measures(Phase::AfterDuty)?;
        self.taxes()?;
        self.apply_measures(Phase::AfterTax)?;
        self.finish()
    }
}

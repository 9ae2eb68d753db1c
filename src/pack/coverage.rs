//! What a pack holds per destination, on a given date: where duty rates come from and how old
//! they are, the import tax, thresholds, extra duty layers, fees and preference programmes. One
//! summary read by `packInfo()` (WASM), `tariff-pack inspect --coverage` and the README's table.

use super::format::Pack;
use super::model::{Destination, Effect, Measure, ProgrammeRate, TariffSource};
use crate::date::Date;
use serde::Serialize;

/// One destination's holdings.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Holdings {
    /// ISO 3166-1 alpha-2 code.
    pub code: String,
    /// English name.
    pub name: String,
    /// Customs territory (`EU` for member states).
    pub customs_territory: String,
    /// The import dates the rules cover.
    pub dates: DatesHolding,
    /// Where duty rates come from on the date.
    pub duty: DutySource,
    /// The import tax: name and standard rate on the date (percent), with the number of reduced
    /// rates; `None` where there is none.
    pub tax: Option<TaxHolding>,
    /// Measures with a value test in force on the date: id and threshold.
    pub thresholds: Vec<Threshold>,
    /// Extra duty layers in force on the date (surcharges, notices): measure ids.
    pub layers: Vec<String>,
    /// Fees in force on the date: measure ids.
    pub fees: Vec<String>,
    /// Preference programmes in force on the date.
    pub preferences: Vec<PreferenceHolding>,
    /// Statutory duty truncations in force on the date.
    pub duty_truncation: bool,
}

/// The import dates a destination's rules cover.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DatesHolding {
    /// First covered day.
    pub from: Date,
    /// First refused day after coverage.
    pub refuse_from: Date,
    /// Windows refused inside coverage.
    pub refused: Vec<RefusedHolding>,
    /// Periods whose duty comes from another source than on the date.
    pub duty_periods: Vec<DutyPeriod>,
}

/// A refused window.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RefusedHolding {
    /// First refused day.
    pub from: Date,
    /// First day covered again.
    pub until: Date,
    /// Why.
    pub reason: String,
}

/// A period with its own duty source.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DutyPeriod {
    /// First day.
    pub from: Date,
    /// First day of the next source; `None` when open.
    pub until: Option<Date>,
    /// Tariff id, or `None` where duty is unknown.
    pub tariff: Option<String>,
}

/// Where a destination's duty rates come from.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DutySource {
    /// A national tariff.
    Tariff {
        /// Tariff id.
        tariff: String,
        /// Dataset id it was compiled from.
        dataset: String,
        /// Date the rates are known to be in force.
        rates_as_of: Date,
        /// HS edition of its codes.
        hs_edition: u16,
        /// Number of tariff lines.
        lines: usize,
    },
    /// No tariff: duty above the thresholds is unknown (`duty_unknown`).
    None {
        /// Why.
        reason: String,
    },
}

/// The import tax.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TaxHolding {
    /// `VAT`, `GST`, ...
    pub name: String,
    /// Standard rate in percent on the date, as a string.
    pub standard: Option<String>,
    /// Reduced rates by HS scope.
    pub reduced: usize,
    /// Sub-national rates.
    pub regions: usize,
}

/// A threshold test.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Threshold {
    /// Measure id.
    pub rule: String,
    /// Amount and currency, e.g. `150 EUR`.
    pub amount: String,
}

/// A preference programme.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PreferenceHolding {
    /// Its id, as a basket claims it.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Origins it covers.
    pub origins: Vec<String>,
    /// `free` or `column` (rates per tariff line).
    pub rate: String,
}

impl Pack {
    /// Every destination's holdings on `date`, in code order.
    pub fn holdings(&self, date: Date) -> Vec<Holdings> {
        self.body
            .destinations
            .iter()
            .map(|d| self.holdings_of(d, date))
            .collect()
    }

    /// One destination's holdings on `date`.
    pub fn holdings_of(&self, d: &Destination, date: Date) -> Holdings {
        let values = &d.tariff.values;
        // The source in force on the date (the first where the date precedes them all).
        let current = values.iter().rposition(|v| v.from <= date).unwrap_or(0);
        let duty = match values.get(current).map(|s| &s.value) {
            Some(TariffSource::Schedule(b)) => match self.tariff(&b.tariff_id) {
                Some(t) => DutySource::Tariff {
                    tariff: t.id.clone(),
                    dataset: t.dataset.clone(),
                    rates_as_of: t.rates_as_of,
                    hs_edition: t.hs_edition,
                    lines: t.lines.len(),
                },
                None => DutySource::None {
                    reason: format!("tariff {} cannot be read", b.tariff_id),
                },
            },
            Some(TariffSource::None(n)) => DutySource::None {
                reason: n.reason.clone(),
            },
            None => DutySource::None {
                reason: String::new(),
            },
        };
        let duty_periods = values
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != current)
            .map(|(i, v)| DutyPeriod {
                from: v.from,
                until: values.get(i + 1).map(|n| n.from),
                tariff: v.value.binding().map(|b| b.tariff_id.clone()),
            })
            .collect();
        let dates = DatesHolding {
            from: d.coverage.from,
            refuse_from: d.coverage.refuse_from,
            refused: d
                .coverage
                .refused
                .iter()
                .map(|w| RefusedHolding {
                    from: w.from,
                    until: w.until,
                    reason: w.reason.clone(),
                })
                .collect(),
            duty_periods,
        };
        let tax = d.tax.as_ref().map(|t| TaxHolding {
            name: t.name.clone(),
            standard: t.standard.at(date).map(|v| v.value.normalize().to_string()),
            reduced: t.reduced.len(),
            regions: t.regions.len(),
        });
        let in_force = |m: &&Measure| m.from <= date && m.until.is_none_or(|u| date < u);
        let measures: Vec<&Measure> = d.measures.iter().filter(in_force).collect();
        let thresholds = measures
            .iter()
            .filter_map(|m| {
                let t = m.test.as_ref()?;
                let v = t.threshold.at(date)?;
                Some(Threshold {
                    rule: m.id.clone(),
                    amount: format!("{} {}", v.value.normalize(), t.currency),
                })
            })
            .collect();
        let layer = |e: &Effect| e.additional_ad_valorem.is_some() || e.notice.is_some();
        Holdings {
            code: d.code.clone(),
            name: d.name.clone(),
            customs_territory: d.customs_territory.clone(),
            dates,
            duty,
            tax,
            thresholds,
            layers: ids(&measures, |m| layer(&m.effect)),
            fees: ids(&measures, |m| m.effect.fee.is_some()),
            preferences: d
                .programmes
                .iter()
                .filter(|p| p.from <= date && p.until.is_none_or(|u| date < u))
                .map(|p| PreferenceHolding {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    origins: p.origins.clone(),
                    rate: match p.rate {
                        ProgrammeRate::Free => "free".into(),
                        ProgrammeRate::Column => "column".into(),
                    },
                })
                .collect(),
            duty_truncation: d.duty_rounding.at(date).is_some(),
        }
    }
}

fn ids(measures: &[&Measure], keep: impl Fn(&Measure) -> bool) -> Vec<String> {
    measures
        .iter()
        .filter(|m| keep(m))
        .map(|m| m.id.clone())
        .collect()
}

/// The holdings as a Markdown table, one row per customs territory (the EU's members together,
/// their standard tax rates as a range), for the README.
pub fn markdown_table(holdings: &[Holdings]) -> String {
    let mut territories: Vec<(&str, Vec<&Holdings>)> = Vec::new();
    for h in holdings {
        match territories.iter_mut().find(|t| t.0 == h.customs_territory) {
            Some(t) => t.1.push(h),
            None => territories.push((&h.customs_territory, vec![h])),
        }
    }
    let mut out = String::from(
        "| Destination | Dates | Duty rates | Import tax | Thresholds | Extra duty layers | Fees | Preferences |\n|---|---|---|---|---|---|---|---|\n",
    );
    for (_, members) in territories {
        let h = members[0];
        let codes: Vec<&str> = members.iter().map(|m| m.code.as_str()).collect();
        let duty = match &h.duty {
            DutySource::Tariff {
                tariff,
                dataset,
                rates_as_of,
                hs_edition,
                lines,
            } => format!(
                "`{tariff}` from {dataset} (HS {hs_edition}, {lines} lines, rates as of {rates_as_of})"
            ),
            DutySource::None { reason } => duty_none_cell(reason),
        };
        let mut dates = format!("{} to {}", h.dates.from, day_before(h.dates.refuse_from));
        for w in &h.dates.refused {
            dates.push_str(&format!(
                "<br>refused {} to {}",
                w.from,
                day_before(w.until)
            ));
        }
        let mut duty = duty;
        for p in &h.dates.duty_periods {
            let span = match p.until {
                Some(u) => format!("{} to {}", p.from, day_before(u)),
                None => format!("from {}", p.from),
            };
            duty.push_str(&match &p.tariff {
                Some(t) => format!("<br>{span}: `{t}`"),
                None => format!("<br>{span}: none (`duty_unknown`)"),
            });
        }
        let tax = h.tax.as_ref().map_or("none".to_owned(), |t| {
            let mut rates: Vec<rust_decimal::Decimal> = members
                .iter()
                .filter_map(|m| m.tax.as_ref()?.standard.as_ref()?.parse().ok())
                .collect();
            rates.sort();
            let mut s = match (rates.first(), rates.last()) {
                (Some(a), Some(b)) if a != b => format!("{} {a}–{b}% by member", t.name),
                (Some(a), _) => format!("{} {a}%", t.name),
                _ => t.name.clone(),
            };
            let reduced: usize = members
                .iter()
                .filter_map(|m| m.tax.as_ref())
                .map(|t| t.reduced)
                .sum();
            if reduced > 0 {
                s.push_str(&format!(", {reduced} reduced by HS scope"));
            }
            if t.regions > 0 {
                s.push_str(&format!(", {} regional", t.regions));
            }
            s
        });
        let list = |v: &[String]| {
            if v.is_empty() {
                "—".to_owned()
            } else {
                v.iter()
                    .map(|x| format!("`{x}`"))
                    .collect::<Vec<_>>()
                    .join("<br>")
            }
        };
        let thresholds: Vec<String> = h
            .thresholds
            .iter()
            .map(|t| format!("{} {}", t.amount, t.rule))
            .collect();
        let prefs: Vec<String> = h.preferences.iter().map(|p| p.id.clone()).collect();
        let mut layers = h.layers.clone();
        if h.duty_truncation {
            layers.push("duty truncation".into());
        }
        out.push_str(&format!(
            "| {} | {dates} | {duty} | {tax} | {} | {} | {} | {} |\n",
            codes.join(", "),
            list(&thresholds),
            list(&layers),
            list(&h.fees),
            list(&prefs)
        ));
    }
    out
}

/// The day before `d`, for closed ranges in the table (`d` itself at the calendar's start).
fn day_before(d: Date) -> Date {
    Date::from_days_since_epoch(d.days_since_epoch() - 1).unwrap_or(d)
}

/// The "Duty rates" cell of a destination without a tariff: the rule file's reason (why there is
/// none, e.g. an official schedule that could not be obtained), on one line, `|` escaped.
fn duty_none_cell(reason: &str) -> String {
    let head = "none: duty above the thresholds is `duty_unknown`";
    let reason = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    if reason.is_empty() {
        head.to_owned()
    } else {
        format!("{head}. {}", reason.replace('|', "\\|"))
    }
}

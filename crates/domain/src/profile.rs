//! Seller credit profile: a score 0–100 from the seller's history on this platform, mapped to the
//! lanes `green`, `standard`, `strict` and `blacklist`, with every component shown.
//!
//! Each component is a share in [0, 1] where 1 is good, smoothed towards a prior (a Beta-style
//! pseudo-count) so that a seller with little history sits near an ordinary seller rather than at
//! either extreme:
//!
//! | component | what is measured | weight |
//! |---|---|---|
//! | `declaration_accuracy` | declared ÷ assessed customs value (capped at 1), per assessed parcel; falls back to prepaid ÷ assessed duty and tax of the quote's clearance | 30 |
//! | `undervaluation_flags` | share of declared lines *not* flagged `high_risk_suspected_undervaluation` | 20 |
//! | `compliance` | share of finished parcels never held nor seized | 20 |
//! | `duties_on_time` | share of parcels that left `awaiting_duty` for `released` within 72 h | 10 |
//! | `returns` | share of finished parcels not returned | 10 |
//! | `complaints` | 1 − complaints per parcel | 10 |
//!
//! Lanes: `blacklist` for [`BLACKLIST_SEIZURES`] seizures or a score below [`BLACKLIST_BELOW`];
//! `strict` for a seizure or a score below [`STRICT_BELOW`]; `green` from [`GREEN_FROM`] with at
//! least [`GREEN_MIN_PARCELS`] finished parcels; `standard` otherwise. The weights and thresholds
//! are model parameters checked on the simulation (`crates/server-sims/SIMULATION.md`).
#![allow(clippy::float_arithmetic)]

use crate::timeline::ParcelStatus;
use serde::Serialize;

/// Two or more seizures: blacklist.
pub const BLACKLIST_SEIZURES: i64 = 2;
/// A score below this: blacklist.
pub const BLACKLIST_BELOW: f64 = 45.0;
/// A score below this (or one seizure): strict.
pub const STRICT_BELOW: f64 = 80.0;
/// From this score (with enough history): green.
pub const GREEN_FROM: f64 = 92.0;
/// Finished parcels needed for green.
pub const GREEN_MIN_PARCELS: i64 = 20;
/// Duty paid within this many hours of `awaiting_duty` is on time.
pub const DUTY_ON_TIME_HOURS: i64 = 72;

/// The lane a seller's parcels go in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Lane {
    /// Trusted: few pre-checks.
    Green,
    /// The default.
    Standard,
    /// Pre-check most parcels.
    Strict,
    /// Do not ship for this seller without a full check.
    Blacklist,
}

impl Lane {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Lane::Green => "green",
            Lane::Standard => "standard",
            Lane::Strict => "strict",
            Lane::Blacklist => "blacklist",
        }
    }

    /// The suggested share of the seller's parcels to pre-check before dispatch, percent.
    pub fn precheck_percent(self) -> u32 {
        match self {
            Lane::Green => 2,
            Lane::Standard => 10,
            Lane::Strict => 50,
            Lane::Blacklist => 100,
        }
    }
}

/// One component of the score.
#[derive(Clone, Debug, Serialize)]
pub struct Component {
    /// Its name.
    pub name: &'static str,
    /// The smoothed share in [0, 1], 1 is good.
    pub value: f64,
    /// Observations behind it.
    pub samples: i64,
    /// Its weight (the weights add up to 100).
    pub weight: f64,
    /// `value × weight`: points of the score.
    pub contribution: f64,
    /// In words.
    pub detail: String,
}

/// A seller's profile.
#[derive(Clone, Debug, Serialize)]
pub struct Profile {
    /// The platform's seller id.
    pub seller_id: String,
    /// The lane.
    pub lane: Lane,
    /// 0–100.
    pub score: f64,
    /// Parcels declared for the seller.
    pub parcels: i64,
    /// Of which in a terminal state.
    pub finished: i64,
    /// Seizures.
    pub seizures: i64,
    /// Complaints.
    pub complaints: i64,
    /// Suggested share of parcels to pre-check, percent.
    pub precheck_percent: u32,
    /// The components, in weight order.
    pub components: Vec<Component>,
    /// Why this lane.
    pub reasons: Vec<String>,
}

/// Prior mean and weight (pseudo-observations) of a component.
struct Prior {
    mean: f64,
    weight: f64,
}

fn smoothed(sum: f64, n: i64, p: &Prior) -> f64 {
    (sum + p.mean * p.weight) / (n as f64 + p.weight)
}

fn ratio_capped(num: i64, den: i64) -> Option<f64> {
    (den > 0 && num >= 0).then(|| (num as f64 / den as f64).min(1.0))
}

/// A seller's parcel with what the profile needs, and its quote's latest clearance if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileParcel {
    /// The platform's parcel id.
    pub id: String,
    /// Its timeline status (wire name).
    pub status: String,
    /// 1 when it was ever held, else 0.
    pub held: i64,
    /// Declared lines flagged as suspected undervaluation.
    pub flagged_lines: i64,
    /// Declared lines.
    pub line_count: i64,
    /// Declared customs value, minor units.
    pub declared_total_minor: i64,
    /// Customs value assessed by customs, minor units.
    pub assessed_value_minor: Option<i64>,
    /// When duty became due (`awaiting_duty`), unix microseconds.
    pub duty_due_at: Option<i64>,
    /// When it was released after duty, unix microseconds.
    pub duty_paid_at: Option<i64>,
    /// Prepaid duty and tax of the quote's latest `cleared` clearance, minor units.
    pub clearance_prepaid_minor: Option<i64>,
    /// Assessed duty and tax of that clearance, minor units.
    pub clearance_assessed_minor: Option<i64>,
}

/// The profile of a seller from their parcels and complaint count, at `now` (unix microseconds).
pub fn profile(seller: &str, parcels: &[ProfileParcel], complaints: i64, now: i64) -> Profile {
    let status = |p: &ProfileParcel| ParcelStatus::parse(&p.status);
    let finished: Vec<&ProfileParcel> = parcels
        .iter()
        .filter(|p| status(p).is_some_and(ParcelStatus::is_terminal))
        .collect();
    let n_finished = finished.len() as i64;
    let seizures = finished
        .iter()
        .filter(|p| status(p) == Some(ParcelStatus::Seized))
        .count() as i64;
    let returned = finished
        .iter()
        .filter(|p| status(p) == Some(ParcelStatus::Returned))
        .count() as i64;
    let clean = finished
        .iter()
        .filter(|p| p.held == 0 && status(p) != Some(ParcelStatus::Seized))
        .count() as i64;

    let accuracy: Vec<f64> = parcels
        .iter()
        .filter_map(|p| {
            p.assessed_value_minor
                .and_then(|a| ratio_capped(p.declared_total_minor, a))
                .or_else(|| ratio_capped(p.clearance_prepaid_minor?, p.clearance_assessed_minor?))
        })
        .collect();
    let lines: i64 = parcels.iter().map(|p| p.line_count).sum();
    let flagged: i64 = parcels.iter().map(|p| p.flagged_lines).sum();

    let on_time_window = DUTY_ON_TIME_HOURS * 3_600_000_000;
    let (mut due, mut on_time) = (0i64, 0i64);
    for p in parcels {
        let Some(from) = p.duty_due_at else { continue };
        match p.duty_paid_at {
            Some(paid) => {
                due += 1;
                on_time += i64::from(paid - from <= on_time_window);
            }
            None if status(p).is_some_and(ParcelStatus::is_terminal)
                || now - from > on_time_window =>
            {
                due += 1;
            }
            None => {}
        }
    }

    let n = parcels.len() as i64;
    let mut components = Vec::new();
    let mut add = |name, sum: f64, samples: i64, prior: Prior, weight: f64, detail: String| {
        let value = smoothed(sum, samples, &prior);
        components.push(Component {
            name,
            value: round(value, 4),
            samples,
            weight,
            contribution: round(value * weight, 2),
            detail,
        });
    };
    let acc_sum: f64 = accuracy.iter().sum();
    add(
        "declaration_accuracy",
        acc_sum,
        accuracy.len() as i64,
        Prior {
            mean: 0.95,
            weight: 3.0,
        },
        30.0,
        if accuracy.is_empty() {
            "no assessed parcel yet".to_string()
        } else {
            format!(
                "declared {:.0}% of the assessed value on average over {} assessed parcels",
                100.0 * acc_sum / accuracy.len() as f64,
                accuracy.len()
            )
        },
    );
    add(
        "undervaluation_flags",
        (lines - flagged) as f64,
        lines,
        Prior {
            mean: 0.97,
            weight: 10.0,
        },
        20.0,
        format!("{flagged} of {lines} declared lines flagged as suspected undervaluation"),
    );
    add(
        "compliance",
        clean as f64,
        n_finished,
        Prior {
            mean: 0.92,
            weight: 5.0,
        },
        20.0,
        format!("{clean} of {n_finished} finished parcels released without hold or seizure"),
    );
    add(
        "duties_on_time",
        on_time as f64,
        due,
        Prior {
            mean: 0.9,
            weight: 5.0,
        },
        10.0,
        format!("{on_time} of {due} duty payments within {DUTY_ON_TIME_HOURS} h"),
    );
    add(
        "returns",
        (n_finished - returned) as f64,
        n_finished,
        Prior {
            mean: 0.95,
            weight: 5.0,
        },
        10.0,
        format!("{returned} of {n_finished} finished parcels returned"),
    );
    let complaint_share = if n > 0 {
        (complaints as f64 / n as f64).min(1.0)
    } else {
        0.0
    };
    add(
        "complaints",
        (1.0 - complaint_share) * n as f64,
        n,
        Prior {
            mean: 0.95,
            weight: 5.0,
        },
        10.0,
        format!("{complaints} complaints over {n} parcels"),
    );
    let score = round(components.iter().map(|c| c.value * c.weight).sum(), 1);

    let mut reasons = Vec::new();
    let lane = if seizures >= BLACKLIST_SEIZURES {
        reasons.push(format!("{seizures} parcels seized by customs"));
        Lane::Blacklist
    } else if score < BLACKLIST_BELOW {
        reasons.push(format!("score {score} below {BLACKLIST_BELOW}"));
        Lane::Blacklist
    } else if seizures > 0 {
        reasons.push("a parcel was seized by customs".to_string());
        Lane::Strict
    } else if score < STRICT_BELOW {
        reasons.push(format!("score {score} below {STRICT_BELOW}"));
        Lane::Strict
    } else if score >= GREEN_FROM && n_finished >= GREEN_MIN_PARCELS {
        reasons.push(format!(
            "score {score} at or above {GREEN_FROM} over {n_finished} finished parcels"
        ));
        Lane::Green
    } else {
        reasons.push(if score >= GREEN_FROM {
            format!("score {score}, but fewer than {GREEN_MIN_PARCELS} finished parcels for green")
        } else {
            format!("score {score} between {STRICT_BELOW} and {GREEN_FROM}")
        });
        Lane::Standard
    };
    for c in &components {
        if c.samples > 0 && c.value < 0.8 {
            reasons.push(format!("weak {}: {}", c.name, c.detail));
        }
    }
    Profile {
        seller_id: seller.to_string(),
        lane,
        score,
        parcels: n,
        finished: n_finished,
        seizures,
        complaints,
        precheck_percent: lane.precheck_percent(),
        components,
        reasons,
    }
}

fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parcel(status: &str, held: i64, declared: i64, assessed: Option<i64>) -> ProfileParcel {
        ProfileParcel {
            id: "p".into(),
            status: status.into(),
            held,
            flagged_lines: 0,
            line_count: 1,
            declared_total_minor: declared,
            assessed_value_minor: assessed,
            duty_due_at: Some(0),
            duty_paid_at: Some(3_600_000_000),
            clearance_prepaid_minor: None,
            clearance_assessed_minor: None,
        }
    }

    #[test]
    fn a_new_seller_is_standard() {
        let p = profile("s", &[], 0, 0);
        assert_eq!(p.lane, Lane::Standard, "{p:?}");
        assert!(p.score > STRICT_BELOW, "{}", p.score);
        let total: f64 = p.components.iter().map(|c| c.weight).sum();
        assert_eq!(total, 100.0);
    }

    #[test]
    fn a_clean_history_is_green_and_seizures_blacklist() {
        let clean: Vec<_> = (0..30).map(|_| parcel("released", 0, 1000, None)).collect();
        let p = profile("s", &clean, 0, 0);
        assert_eq!(p.lane, Lane::Green, "{p:?}");
        assert_eq!(p.precheck_percent, 2);

        let mut seized = clean.clone();
        seized[0] = parcel("seized", 1, 300, Some(1000));
        let p = profile("s", &seized, 0, 0);
        assert_eq!(p.lane, Lane::Strict, "{p:?}");
        seized[1] = parcel("seized", 1, 300, Some(1000));
        let p = profile("s", &seized, 0, 0);
        assert_eq!(p.lane, Lane::Blacklist, "{p:?}");
        assert!(p.reasons[0].contains("2 parcels seized"), "{:?}", p.reasons);
    }

    #[test]
    fn undervaluation_holds_and_complaints_lower_the_score() {
        let honest: Vec<_> = (0..20)
            .map(|_| parcel("released", 0, 1000, Some(1000)))
            .collect();
        let shady: Vec<_> = (0..20)
            .map(|i| {
                if i % 2 == 0 {
                    parcel("returned", 1, 400, Some(1000))
                } else {
                    parcel("released", 0, 1000, None)
                }
            })
            .collect();
        let a = profile("a", &honest, 0, 0);
        let b = profile("b", &shady, 8, 0);
        assert!(a.score > b.score + 20.0, "{} vs {}", a.score, b.score);
        assert!(b.lane == Lane::Strict || b.lane == Lane::Blacklist, "{b:?}");
        let acc = &b.components[0];
        assert_eq!(acc.name, "declaration_accuracy");
        assert_eq!(acc.samples, 10);
        assert!(
            b.reasons.iter().any(|r| r.contains("compliance")),
            "{:?}",
            b.reasons
        );
    }

    #[test]
    fn late_duty_counts_only_once_overdue() {
        let mut p = parcel("awaiting_duty", 0, 1000, None);
        p.duty_paid_at = None;
        let hour = 3_600_000_000;
        let fresh = profile("s", std::slice::from_ref(&p), 0, 10 * hour);
        assert_eq!(fresh.components[3].samples, 0);
        let overdue = profile("s", &[p], 0, 100 * hour);
        assert_eq!(overdue.components[3].samples, 1);
        assert!(overdue.components[3].value < fresh.components[3].value);
    }
}

//! Undervaluation warning: reference unit-value statistics per (destination, HS6, currency) from
//! the platform's own declarations, and the flag `high_risk_suspected_undervaluation` for a line
//! whose declared unit value is far below them.
//!
//! Unit values of similar goods spread multiplicatively, so the statistics are taken on their
//! logarithms: the median, and the spread as 1.4826 × MAD (the median absolute deviation, scaled
//! to estimate a standard deviation under normality), both robust to the very undervaluations
//! they look for. A line is flagged when its value is below `median × ratio`, where
//! `ratio = exp(−ROBUST_Z × spread)` capped at [`MAX_RATIO_PERMILLE`]. The statistics are f64;
//! the amounts compared stay integer minor units (the ratio is rounded to a permille first).
//!
//! The defaults are model parameters chosen on the simulation (`crates/server-sims/SIMULATION.md`), not legal data.
#![allow(clippy::float_arithmetic)]

use serde::Serialize;

/// The code of the flag.
pub const UNDERVALUATION: &str = "high_risk_suspected_undervaluation";
/// Fewer declarations than this give no reference (and no flag): a median of a handful of
/// parcels says little about "similar products".
pub const MIN_REFERENCE_SAMPLES: usize = 30;
/// The reference uses the most recent declarations only, so it follows price changes.
pub const REFERENCE_WINDOW: i64 = 500;
/// How many robust standard deviations (in log space) below the median a value must be.
pub const ROBUST_Z: f64 = 1.5;
/// Never flag a value at or above this share of the median (‰), however tight the spread:
/// small discounts are commerce, not fraud.
pub const MAX_RATIO_PERMILLE: i64 = 600;
/// Never set the threshold below this share of the median (‰), however wide the spread.
pub const MIN_RATIO_PERMILLE: i64 = 100;
/// MAD → standard deviation under normality.
const MAD_SCALE: f64 = 1.4826;

/// Reference figures of one (destination, HS6, currency).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reference {
    /// Declarations used.
    pub n: usize,
    /// Median unit value, minor units.
    pub median_minor: i64,
    /// Robust standard deviation of ln(unit value).
    pub log_spread: f64,
    /// Flag below `median × threshold_permille / 1000`.
    pub threshold_permille: i64,
    /// The threshold, minor units.
    pub threshold_minor: i64,
}

/// The median of sorted values (the lower middle one for an even count).
fn median_sorted<T: Copy>(v: &[T]) -> T {
    v[(v.len() - 1) / 2]
}

/// Reference statistics of `values` (unit values, minor units); `None` below
/// [`MIN_REFERENCE_SAMPLES`] positive values.
pub fn reference(values: &[i64]) -> Option<Reference> {
    let mut v: Vec<i64> = values.iter().copied().filter(|x| *x > 0).collect();
    if v.len() < MIN_REFERENCE_SAMPLES {
        return None;
    }
    v.sort_unstable();
    let median = median_sorted(&v);
    let ln_median = (median as f64).ln();
    let mut dev: Vec<f64> = v
        .iter()
        .map(|x| ((*x as f64).ln() - ln_median).abs())
        .collect();
    dev.sort_unstable_by(f64::total_cmp);
    let spread = MAD_SCALE * median_sorted(&dev);
    let permille = ((-ROBUST_Z * spread).exp() * 1000.0).round() as i64;
    let permille = permille.clamp(MIN_RATIO_PERMILLE, MAX_RATIO_PERMILLE);
    Some(Reference {
        n: v.len(),
        median_minor: median,
        log_spread: spread,
        threshold_permille: permille,
        threshold_minor: mul_permille(median, permille),
    })
}

fn mul_permille(amount: i64, permille: i64) -> i64 {
    i64::try_from(i128::from(amount) * i128::from(permille) / 1000).unwrap_or(i64::MAX)
}

/// Whether a declared unit value is below the reference threshold.
pub fn is_undervalued(unit_minor: i64, r: &Reference) -> bool {
    i128::from(unit_minor) * 1000 < i128::from(r.median_minor) * i128::from(r.threshold_permille)
}

/// Robust z-score of a unit value against the reference (log space); `None` for a zero spread.
pub fn robust_z(unit_minor: i64, r: &Reference) -> Option<f64> {
    (r.log_spread > 0.0 && unit_minor > 0)
        .then(|| ((unit_minor as f64).ln() - (r.median_minor as f64).ln()) / r.log_spread)
}

/// The flag of one line, with the reference figures, as JSON (amounts as decimal strings).
pub fn flag_json(
    line: usize,
    hs6: &str,
    destination: &str,
    currency: &str,
    unit_minor: i64,
    r: &Reference,
) -> serde_json::Value {
    let dec = |m: i64| crate::money::from_minor(m, currency).to_string();
    let z = robust_z(unit_minor, r).map(|z| (z * 100.0).round() / 100.0);
    serde_json::json!({
        "code": UNDERVALUATION,
        "line": line,
        "hs6": hs6,
        "destination": destination,
        "currency": currency,
        "declared_unit_value": dec(unit_minor),
        "reference": {
            "n": r.n,
            "median_unit_value": dec(r.median_minor),
            "threshold_unit_value": dec(r.threshold_minor),
            "threshold_share_of_median": format!("{}.{:03}", r.threshold_permille / 1000, r.threshold_permille % 1000),
            "robust_z": z,
        },
        "message": format!(
            "declared unit value {} {currency} is far below the platform's median {} {currency} for HS {hs6} to {destination} (threshold {}; {} declarations)",
            dec(unit_minor), dec(r.median_minor), dec(r.threshold_minor), r.n
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_few_samples_give_no_reference() {
        assert_eq!(reference(&[1000; MIN_REFERENCE_SAMPLES - 1]), None);
        assert!(reference(&[1000; MIN_REFERENCE_SAMPLES]).is_some());
        // Zero and negative values are not unit values.
        let mut v = vec![0; 100];
        v.extend([1000; MIN_REFERENCE_SAMPLES - 1]);
        assert_eq!(reference(&v), None);
    }

    #[test]
    fn identical_values_use_the_cap() {
        let r = reference(&[2000; 40]).unwrap();
        assert_eq!(r.median_minor, 2000);
        assert_eq!(r.threshold_permille, MAX_RATIO_PERMILLE);
        assert_eq!(r.threshold_minor, 1200);
        assert!(is_undervalued(1199, &r));
        assert!(!is_undervalued(1200, &r));
        assert_eq!(robust_z(1000, &r), None);
    }

    #[test]
    fn the_median_and_spread_resist_the_outliers_they_look_for() {
        // 80 values spread around 10.00 (×/÷ 1.1 and 1.2) and 20 undervalued at 2.00.
        let mut v = Vec::new();
        for i in 0..80 {
            v.push([1000, 1100, 910, 1200, 833][i % 5]);
        }
        v.extend([200; 20]);
        let r = reference(&v).unwrap();
        assert_eq!(r.n, 100);
        assert_eq!(r.median_minor, 910);
        assert!(r.log_spread < 0.35, "{}", r.log_spread);
        assert!(is_undervalued(200, &r));
        assert!(!is_undervalued(833, &r));
        assert!(robust_z(200, &r).unwrap() < -ROBUST_Z);
    }

    #[test]
    fn a_wide_spread_lowers_the_threshold_to_its_floor() {
        let v: Vec<i64> = (0..50)
            .map(|i| [100, 300, 1000, 3000, 10_000][i % 5])
            .collect();
        let r = reference(&v).unwrap();
        assert_eq!(r.threshold_permille, MIN_RATIO_PERMILLE);
    }
}

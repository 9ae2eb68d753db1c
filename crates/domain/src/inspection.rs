//! Inspection-rate alerts. A parcel counts as inspected when its timeline reaches
//! `under_inspection` or `held`. Per destination and HS chapter (2 digits) and heading (4 digits),
//! the inspection rate of the parcels declared in the last [`WINDOW_DAYS`] is compared with the
//! rate of the [`BASELINE_DAYS`] before them by a one-sided Fisher exact test (the exact form of
//! the two-proportion test). A rise with p below [`ALPHA`], on at least the minimum counts, raises an alert for
//! the sellers who shipped that category in the period (the server lists it at `GET /v1/alerts` and
//! sends it to the `inspection_rate_alert` webhooks). One category alerts at most once per [`COOLDOWN_DAYS`].
//!
//! The scan is deterministic: the same parcels and `now` give the same alerts.
#![allow(clippy::float_arithmetic)]

/// The recent window, days.
pub const WINDOW_DAYS: i64 = 7;
/// The baseline: the days before the window.
pub const BASELINE_DAYS: i64 = 56;
/// One-sided significance level. The scan runs daily over every category: about 50 categories
/// a destination × 365 days is some 18,000 tests a year, about 2,600 independent ones since the
/// 7-day windows of consecutive days overlap; at 1e-4 that is about one false alert in four years
/// per destination, where the usual 0.01 would give some 26 a year.
pub const ALPHA: f64 = 1e-4;
/// Fewest parcels in the window for a test.
pub const MIN_WINDOW_PARCELS: i64 = 30;
/// Fewest inspected parcels in the window for an alert.
pub const MIN_WINDOW_INSPECTED: i64 = 5;
/// Fewest parcels in the baseline for a test.
pub const MIN_BASELINE_PARCELS: i64 = 100;
/// A category that alerted stays quiet this long.
pub const COOLDOWN_DAYS: i64 = 7;

/// A day in microseconds.
const DAY: i64 = 86_400_000_000;

/// The period a scan at `now` (unix microseconds) reads: `(from, window_start)`, the baseline
/// being `[from, window_start)` and the window `[window_start, now]`.
pub fn period(now: i64) -> (i64, i64) {
    (
        now - (WINDOW_DAYS + BASELINE_DAYS) * DAY,
        now - WINDOW_DAYS * DAY,
    )
}

/// Whether a category whose last alert was at `last` is still quiet at `now`.
pub fn cooling_down(last: Option<i64>, now: i64) -> bool {
    last.is_some_and(|t| t > now - COOLDOWN_DAYS * DAY)
}

/// Parcels and inspected parcels of a category in the window and the baseline.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Parcels declared in the window.
    pub window_n: i64,
    /// Of which inspected.
    pub window_k: i64,
    /// Parcels declared in the baseline.
    pub baseline_n: i64,
    /// Of which inspected.
    pub baseline_k: i64,
}

impl Counts {
    /// The window's rate.
    pub fn window_rate(&self) -> f64 {
        rate(self.window_k, self.window_n)
    }
    /// The baseline's rate.
    pub fn baseline_rate(&self) -> f64 {
        rate(self.baseline_k, self.baseline_n)
    }
}

fn rate(k: i64, n: i64) -> f64 {
    if n == 0 {
        0.0
    } else {
        k as f64 / n as f64
    }
}

/// The one-sided test of "the window's rate is higher than the baseline's": Fisher's exact test
/// on the 2×2 table (window/baseline × inspected/not), whose p-value is the hypergeometric upper
/// tail; exact, so it stays honest on the small counts of a week (the normal approximation of
/// the two-proportion z-test is too liberal there). Returns `(z, p)`, z being the pooled
/// two-proportion z-score for display, or `None` when the counts are too small for a test.
pub fn rise_test(c: &Counts) -> Option<(f64, f64)> {
    if c.window_n < MIN_WINDOW_PARCELS || c.baseline_n < MIN_BASELINE_PARCELS {
        return None;
    }
    let n = c.window_n + c.baseline_n;
    let k = c.window_k + c.baseline_k;
    let pooled = rate(k, n);
    if pooled <= 0.0 || pooled >= 1.0 {
        return None;
    }
    let se =
        (pooled * (1.0 - pooled) * (1.0 / c.window_n as f64 + 1.0 / c.baseline_n as f64)).sqrt();
    let z = (c.window_rate() - c.baseline_rate()) / se;
    Some((z, fisher_upper_tail(n, k, c.window_n, c.window_k)))
}

/// Whether the counts make an alert.
pub fn is_alert(c: &Counts) -> Option<(f64, f64)> {
    rise_test(c).filter(|(_, p)| *p < ALPHA && c.window_k >= MIN_WINDOW_INSPECTED)
}

/// P(X ≥ x) for X hypergeometric: `draws` out of `total` items of which `marked` are marked.
pub fn fisher_upper_tail(total: i64, marked: i64, draws: i64, x: i64) -> f64 {
    let ln_all = ln_choose(total, draws);
    let hi = marked.min(draws);
    let lo = x.max(0).max(draws - (total - marked));
    let p: f64 = (lo..=hi)
        .map(|i| (ln_choose(marked, i) + ln_choose(total - marked, draws - i) - ln_all).exp())
        .sum();
    p.min(1.0)
}

fn ln_choose(n: i64, k: i64) -> f64 {
    ln_gamma(n as f64 + 1.0) - ln_gamma(k as f64 + 1.0) - ln_gamma((n - k) as f64 + 1.0)
}

/// ln Γ(x) for x ≥ 1 (Lanczos, g = 7, 9 terms; relative error about 1e-15).
fn ln_gamma(x: f64) -> f64 {
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    let x = x - 1.0;
    let t = x + 7.5;
    let a = C[0]
        + C.iter()
            .enumerate()
            .skip(1)
            .map(|(i, c)| c / (x + i as f64))
            .sum::<f64>();
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// The suggested action of an alert.
pub fn suggestion(destination: &str, category: &str, c: &Counts) -> String {
    format!(
        "pre-check documents and declared values for HS {category} to {destination}: inspection rate {:.1}% ({}/{}) in the last {WINDOW_DAYS} days vs {:.1}% ({}/{}) baseline",
        c.window_rate() * 100.0,
        c.window_k,
        c.window_n,
        c.baseline_rate() * 100.0,
        c.baseline_k,
        c.baseline_n
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fisher_matches_the_tea_tasting_table() {
        // Fisher's lady tasting tea: 3 of 4 right out of 8 cups, p = 17/70.
        let p = fisher_upper_tail(8, 4, 4, 3);
        assert!((p - 17.0 / 70.0).abs() < 1e-12, "{p}");
        assert!((fisher_upper_tail(8, 4, 4, 0) - 1.0).abs() < 1e-12);
        assert!((fisher_upper_tail(8, 4, 4, 4) - 1.0 / 70.0).abs() < 1e-12);
        // ln Γ at integers is ln of a factorial.
        assert!((ln_gamma(11.0) - 3_628_800f64.ln()).abs() < 1e-9);
        assert!(ln_gamma(1.0).abs() < 1e-12);
    }

    fn c(window_n: i64, window_k: i64, baseline_n: i64, baseline_k: i64) -> Counts {
        Counts {
            window_n,
            window_k,
            baseline_n,
            baseline_k,
        }
    }

    #[test]
    fn the_period_and_the_cooldown_are_in_days() {
        let now = 100 * DAY;
        assert_eq!(period(now), (37 * DAY, 93 * DAY));
        assert!(!cooling_down(None, now));
        assert!(cooling_down(Some(now - 6 * DAY), now));
        assert!(!cooling_down(Some(now - 7 * DAY), now));
    }

    #[test]
    fn a_clear_rise_alerts_and_noise_does_not() {
        // 5% -> 20% on 100 parcels a week against 800 in the baseline.
        let (z, p) = is_alert(&c(100, 20, 800, 40)).expect("alert");
        assert!(z > 5.0 && p < 1e-5, "z {z} p {p}");
        // The same rate, or a small wobble, or a fall: no alert.
        assert_eq!(is_alert(&c(100, 5, 800, 40)), None);
        assert_eq!(is_alert(&c(100, 9, 800, 40)), None);
        assert_eq!(is_alert(&c(100, 0, 800, 40)), None);
        // Too few parcels in the window or the baseline: no test at all.
        assert_eq!(rise_test(&c(29, 20, 800, 40)), None);
        assert_eq!(rise_test(&c(100, 20, 99, 5)), None);
        // A rise from nothing needs at least MIN_WINDOW_INSPECTED inspections.
        assert!(rise_test(&c(40, 4, 400, 0)).is_some_and(|(_, p)| p < ALPHA));
        assert_eq!(is_alert(&c(40, 4, 400, 0)), None);
    }
}

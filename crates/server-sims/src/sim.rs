//! A seeded simulation of a platform's sellers, parcels and customs, driven through the real
//! server: every declaration and status event is an HTTP request to the router (`oneshot`), the
//! inspection-rate scan is the worker's own function, and the seller profiles are read back from
//! `GET /v1/sellers/{id}/profile`. It measures what the issue asks for: how well the profile
//! ranks sellers by their hidden honesty (AUC), the precision and recall of the undervaluation flag
//! at its defaults, and how many days an injected rise of one category's inspection rate takes to
//! alert while stable categories stay quiet. `tests/sim.rs` asserts bounds on the figures and
//! `examples/simulate.rs` prints them.
//!
//! The random numbers come from SplitMix64 (hand-written, the same on every platform); normal
//! variates are Irwin–Hall sums of 12 uniforms. Amounts are rounded to integer minor units once,
//! when a parcel is generated.
#![allow(clippy::float_arithmetic)]

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use landed_server::AppState;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use tower::ServiceExt;

const DAY: i64 = 86_400_000_000;
const HOUR: i64 = 3_600_000_000;
/// 2026-01-01T00:00:00Z, day 0 of the simulation.
pub const START: i64 = 1_767_225_600_000_000;

/// SplitMix64.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }
    /// Approximately standard normal (Irwin–Hall, 12 uniforms).
    pub fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.uniform()).sum::<f64>() - 6.0
    }
    /// An index drawn with the given weights.
    pub fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.uniform() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
    /// Uniform integer in `[lo, hi]`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + i64::try_from(self.next_u64() % u64::try_from(hi - lo + 1).unwrap_or(1)).unwrap_or(0)
    }
}

/// A product of the simulated catalogue.
struct Product {
    hs6: &'static str,
    /// Median true unit value, EUR cents.
    median: f64,
    /// Spread of ln(unit value) between sellers and listings.
    spread: f64,
    /// Popularity.
    weight: f64,
    /// Base inspection rate.
    inspection: f64,
}

const PRODUCTS: [Product; 8] = [
    Product {
        hs6: "610910",
        median: 1500.0,
        spread: 0.35,
        weight: 3.0,
        inspection: 0.05,
    },
    Product {
        hs6: "610462",
        median: 3500.0,
        spread: 0.30,
        weight: 1.0,
        inspection: 0.04,
    },
    Product {
        hs6: "640399",
        median: 6000.0,
        spread: 0.40,
        weight: 1.0,
        inspection: 0.06,
    },
    Product {
        hs6: "851830",
        median: 4500.0,
        spread: 0.45,
        weight: 1.2,
        inspection: 0.05,
    },
    Product {
        hs6: "420222",
        median: 8000.0,
        spread: 0.50,
        weight: 0.8,
        inspection: 0.08,
    },
    Product {
        hs6: "950300",
        median: 2000.0,
        spread: 0.35,
        weight: 1.0,
        inspection: 0.03,
    },
    Product {
        hs6: "330499",
        median: 2500.0,
        spread: 0.30,
        weight: 1.0,
        inspection: 0.04,
    },
    Product {
        hs6: "711719",
        median: 1200.0,
        spread: 0.40,
        weight: 0.8,
        inspection: 0.05,
    },
];

/// Destinations: (country, currency, price level, share of parcels).
const DESTINATIONS: [(&str, &str, f64, f64); 3] = [
    ("DE", "EUR", 1.0, 0.5),
    ("FR", "EUR", 1.0, 0.3),
    ("GB", "GBP", 0.85, 0.2),
];

/// The simulation's settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// RNG seed.
    pub seed: u64,
    /// Sellers.
    pub sellers: usize,
    /// Days simulated.
    pub days: i64,
    /// Parcels declared per day.
    pub parcels_per_day: usize,
    /// The injected rise: (destination, HS heading, first day, new inspection rate).
    pub injection: Option<(&'static str, &'static str, i64, f64)>,
    /// Also record every line's reference figures, for [`flag_curve`] (one more query a line).
    pub curve: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            seed: 7,
            sellers: 150,
            days: 120,
            parcels_per_day: 60,
            injection: Some(("DE", "6109", 90, 0.20)),
            curve: false,
        }
    }
}

/// A seller with a hidden honesty in [0, 1].
#[derive(Clone, Debug)]
pub struct Seller {
    /// Seller id.
    pub id: String,
    /// Hidden honesty (dishonest: below 0.5).
    pub honesty: f64,
    /// Volume weight.
    weight: f64,
    /// Products sold (indexes into the catalogue).
    catalogue: Vec<usize>,
    /// Price level of the seller's listings.
    price_level: f64,
}

/// The figures of a run.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Sellers and parcels simulated.
    pub sellers: usize,
    /// Parcels declared.
    pub parcels: usize,
    /// HTTP requests made.
    pub requests: usize,
    /// AUC of the profile score separating honest (≥ 0.5) from dishonest sellers.
    pub auc: f64,
    /// Declared lines, undervalued lines, flagged lines, flagged and undervalued.
    pub lines: usize,
    /// Lines truly undervalued.
    pub undervalued: usize,
    /// Lines flagged.
    pub flagged: usize,
    /// Lines flagged that were undervalued.
    pub true_flags: usize,
    /// true_flags / flagged.
    pub precision: f64,
    /// true_flags / undervalued.
    pub recall: f64,
    /// Days from the injection to the first alert of its category (chapter or heading).
    pub days_to_alert: Option<i64>,
    /// Alerts of categories without a rise.
    pub false_alerts: usize,
    /// Every alert: (day, destination, level, category, suggestion).
    pub alerts: Vec<(i64, String, String, String, String)>,
    /// With `curve`: every line with a reference, as (declared unit, reference, undervalued).
    pub references: Vec<(i64, landed_domain::risk::Reference, bool)>,
    /// Seconds spent in the inspection-rate scans.
    pub scan_secs: f64,
    /// Lanes: (lane, honest sellers, dishonest sellers).
    pub lanes: BTreeMap<String, (usize, usize)>,
}

/// One request to the router as the tenant of `key`: (status, body text).
pub async fn call_raw(
    app: &Router,
    key: &str,
    method: &str,
    uri: &str,
    idem: Option<&str>,
    body: Option<Value>,
) -> (u16, String) {
    let mut b = Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {key}"))
        .header("content-type", "application/json");
    if let Some(i) = idem {
        b = b.header("idempotency-key", i);
    }
    let req = b
        .body(Body::from(body.map(|v| v.to_string()).unwrap_or_default()))
        .expect("request");
    let res = app.clone().oneshot(req).await.expect("infallible");
    let status = res.status().as_u16();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// One request to the router as the tenant of `key`: (status, JSON body or null).
pub async fn call(
    app: &Router,
    key: &str,
    method: &str,
    uri: &str,
    idem: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let (status, text) = call_raw(app, key, method, uri, idem, body).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn sellers(rng: &mut Rng, n: usize) -> Vec<Seller> {
    let weights: Vec<f64> = PRODUCTS.iter().map(|p| p.weight).collect();
    (0..n)
        .map(|i| {
            let k = rng.range(1, 3);
            let mut catalogue = Vec::new();
            for _ in 0..k {
                let p = rng.weighted(&weights);
                if !catalogue.contains(&p) {
                    catalogue.push(p);
                }
            }
            Seller {
                id: format!("seller-{i:03}"),
                // Most sellers are honest: 1 − U² puts 29 % of them below 0.5.
                honesty: 1.0 - rng.uniform().powi(2),
                weight: (0.8 * rng.normal()).exp(),
                catalogue,
                price_level: (0.15 * rng.normal()).exp(),
            }
        })
        .collect()
}

/// Mann–Whitney AUC: the probability that a random positive scores above a random negative.
pub fn auc(positives: &[f64], negatives: &[f64]) -> f64 {
    let mut wins = 0.0;
    for p in positives {
        for n in negatives {
            wins += if p > n {
                1.0
            } else if p == n {
                0.5
            } else {
                0.0
            };
        }
    }
    wins / (positives.len() * negatives.len()).max(1) as f64
}

fn minor_str(minor: i64, currency: &str) -> String {
    landed_domain::money::from_minor(minor, currency).to_string()
}

/// Runs the simulation against `app` (built over `state`) as the tenant of `key`.
pub async fn run(state: &AppState, app: &Router, key: &str, tenant: &str, cfg: &Config) -> Report {
    let mut rng = Rng::new(cfg.seed);
    let sellers = sellers(&mut rng, cfg.sellers);
    let seller_weights: Vec<f64> = sellers.iter().map(|s| s.weight).collect();
    let dest_weights: Vec<f64> = DESTINATIONS.iter().map(|d| d.3).collect();
    let mut report = Report {
        sellers: sellers.len(),
        ..Report::default()
    };
    let mut first_alert: Option<i64> = None;
    for day in 0..cfg.days {
        let mut chains = Vec::with_capacity(cfg.parcels_per_day);
        for n in 0..cfg.parcels_per_day {
            let s = &sellers[rng.weighted(&seller_weights)];
            let parcel = format!("P{day:03}-{n:03}");
            let t = START + day * DAY + i64::try_from(n).unwrap_or(0) * (DAY / 100);
            let chain = simulate_parcel(
                &mut rng,
                (state, app, key, tenant),
                cfg,
                s,
                &parcel,
                (day, t),
                &dest_weights,
                &mut report,
            )
            .await;
            chains.push(chain);
        }
        report.requests += post_chains(app, key, chains).await;
        let now = START + (day + 1) * DAY;
        let scan_started = std::time::Instant::now();
        let raised = landed_server::inspection::scan(&state.store, tenant, now)
            .await
            .expect("inspection scan");
        report.scan_secs += scan_started.elapsed().as_secs_f64();
        for a in raised {
            let injected = cfg.injection.is_some_and(|(d, h, from, _)| {
                a.destination == d && h.starts_with(a.category.as_str()) && day >= from
            });
            if injected {
                first_alert.get_or_insert(day);
            } else {
                report.false_alerts += 1;
            }
            report
                .alerts
                .push((day, a.destination, a.level, a.category, a.suggestion));
        }
    }
    report.days_to_alert = match (first_alert, cfg.injection) {
        (Some(d), Some((_, _, from, _))) => Some(d - from + 1),
        _ => None,
    };
    report.precision = report.true_flags as f64 / report.flagged.max(1) as f64;
    report.recall = report.true_flags as f64 / report.undervalued.max(1) as f64;

    state.set_now(START + cfg.days * DAY);
    let (mut honest, mut dishonest) = (Vec::new(), Vec::new());
    for s in &sellers {
        let (st, p) = call(
            app,
            key,
            "GET",
            &format!("/v1/sellers/{}/profile", s.id),
            None,
            None,
        )
        .await;
        report.requests += 1;
        assert_eq!(st, 200, "{p}");
        if p["parcels"].as_i64().unwrap_or(0) == 0 {
            continue;
        }
        let score = p["score"].as_f64().unwrap_or(0.0);
        let lane = p["lane"].as_str().unwrap_or("?").to_string();
        let e = report.lanes.entry(lane).or_default();
        if s.honesty >= 0.5 {
            honest.push(score);
            e.0 += 1;
        } else {
            dishonest.push(score);
            e.1 += 1;
        }
    }
    report.auc = auc(&honest, &dishonest);
    report
}

#[allow(clippy::too_many_arguments)]
async fn simulate_parcel(
    rng: &mut Rng,
    (state, app, key, tenant): (&AppState, &Router, &str, &str),
    cfg: &Config,
    s: &Seller,
    parcel: &str,
    (day, t): (i64, i64),
    dest_weights: &[f64],
    report: &mut Report,
) -> Vec<(String, String, Value)> {
    let (dest, currency, level, _) = DESTINATIONS[rng.weighted(dest_weights)];
    // Dishonest sellers undervalue often, honest ones rarely; by 30 to 80 %.
    let undervalue = rng.chance((0.9 * (1.0 - s.honesty) - 0.05).max(0.0));
    let cut = if undervalue {
        0.3 + 0.5 * rng.uniform()
    } else {
        0.0
    };
    let n_lines = rng.range(1, 2);
    let mut lines = Vec::new();
    let (mut true_total, mut declared_total) = (0i64, 0i64);
    let mut inspection_rate: f64 = 0.0;
    for _ in 0..n_lines {
        let p = &PRODUCTS
            [s.catalogue[rng.range(0, i64::try_from(s.catalogue.len()).unwrap_or(1) - 1) as usize]];
        let true_unit = (p.median * level * s.price_level * (p.spread * rng.normal()).exp())
            .round()
            .max(1.0);
        let declared_unit = (true_unit * (1.0 - cut)).round().max(1.0) as i64;
        let qty = rng.range(1, 3);
        true_total += true_unit as i64 * qty;
        declared_total += declared_unit * qty;
        let mut rate = p.inspection;
        if let Some((d, h, from, r)) = cfg.injection {
            if d == dest && p.hs6.starts_with(h) && day >= from {
                rate = r;
            }
        }
        inspection_rate = inspection_rate.max(rate);
        if cfg.curve {
            let history = state
                .store
                .unit_values(
                    tenant,
                    dest,
                    p.hs6,
                    currency,
                    landed_domain::risk::REFERENCE_WINDOW,
                )
                .await
                .expect("unit values");
            if let Some(r) = landed_domain::risk::reference(&history) {
                report.references.push((declared_unit, r, undervalue));
            }
        }
        lines.push(json!({"hs6": p.hs6, "quantity": qty, "unit_value": minor_str(declared_unit, currency)}));
    }
    // Customs' own risk engine looks at undervalued parcels twice as often.
    let inspected = rng.chance(if undervalue {
        (2.0 * inspection_rate).min(1.0)
    } else {
        inspection_rate
    });
    let at = |h: i64| landed_server::rfc3339(t + h * HOUR);
    let mut seq = 0;
    let mut post = |status: &str, hours: i64, extra: Value| {
        seq += 1;
        let mut body = json!({"status": status, "occurred_at": at(hours)});
        if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
            b.extend(e);
        }
        (
            format!("/v1/parcels/{parcel}/events"),
            format!("sim-{parcel}-{seq}"),
            body,
        )
    };
    let mut events = vec![post(
        "declared",
        0,
        json!({"seller_id": s.id, "destination": dest, "currency": currency, "lines": lines}),
    )];
    let dishonesty = 1.0 - s.honesty;
    let late = rng.chance(0.05 + 0.4 * dishonesty);
    let pay_hours = if late {
        rng.range(80, 200)
    } else {
        rng.range(6, 60)
    };
    let refused = rng.chance(0.02 + 0.08 * dishonesty);
    let prepaid = rng.chance(0.5);
    if inspected {
        events.push(post("under_inspection", 4, json!({})));
        if undervalue {
            events.push(post("held", 20, json!({"reason": "valuation query"})));
            let r = rng.uniform();
            if cut > 0.55 && r < 0.3 {
                events.push(post("seized", 60, json!({"reason": "false declaration"})));
            } else if r < 0.5 {
                events.push(post(
                    "returned",
                    60,
                    json!({"reason": "declaration not corrected"}),
                ));
            } else {
                let assessed = json!({"assessed_value": minor_str(true_total, currency)});
                events.push(post("awaiting_duty", 48, assessed));
                events.push(post("released", 48 + pay_hours, json!({})));
            }
        } else {
            let assessed = json!({"assessed_value": minor_str(declared_total, currency)});
            events.push(post("awaiting_duty", 24, assessed));
            events.push(post("released", 24 + pay_hours, json!({})));
        }
    } else if prepaid {
        // Duty and tax paid at checkout (DDP): released straight away.
        events.push(post("released", 12, json!({})));
    } else {
        // The buyer pays at delivery (DAP): the parcel waits for the duty, or is refused.
        events.push(post("awaiting_duty", 12, json!({})));
        if refused {
            events.push(post(
                "returned",
                12 + pay_hours,
                json!({"reason": "refused by the buyer"}),
            ));
        } else {
            events.push(post("released", 12 + pay_hours, json!({})));
        }
    }
    let mut events = events.into_iter();
    let (uri, idem, body) = events.next().expect("a declared event");
    let (st, v) = call(app, key, "POST", &uri, Some(&idem), Some(body)).await;
    report.requests += 1;
    assert_eq!(st, 201, "{uri}: {v}");
    report.parcels += 1;
    let flagged = v["risk"]["undervaluation"].as_array().map_or(0, Vec::len);
    report.lines += n_lines as usize;
    report.flagged += flagged;
    if undervalue {
        report.undervalued += n_lines as usize;
        report.true_flags += flagged;
    }
    let mut chain: Vec<(String, String, Value)> = events.collect();
    if rng.chance(0.01 + 0.10 * dishonesty) {
        let body =
            json!({"reason": "charged more at delivery than at checkout", "parcel_id": parcel});
        chain.push((
            format!("/v1/sellers/{}/complaints", s.id),
            format!("sim-complaint-{parcel}"),
            body,
        ));
    }
    chain
}

/// Posts the chains of a day, each in order, the chains side by side (they touch different
/// parcels, and nothing order-dependent reads them before the day's scan). Returns the requests.
async fn post_chains(app: &Router, key: &str, chains: Vec<Vec<(String, String, Value)>>) -> usize {
    let mut set = tokio::task::JoinSet::new();
    for chain in chains {
        let (app, key) = (app.clone(), key.to_string());
        set.spawn(async move {
            let n = chain.len();
            for (uri, idem, body) in chain {
                let (st, v) = call(&app, &key, "POST", &uri, Some(&idem), Some(body)).await;
                assert_eq!(st, 201, "{uri}: {v}");
            }
            n
        });
    }
    let mut n = 0;
    while let Some(r) = set.join_next().await {
        n += r.expect("a chain of events");
    }
    n
}

/// Precision and recall of the undervaluation rule at `robust_z` and `max_ratio_permille`, on
/// the lines recorded with `curve` (those that had a reference): (precision, recall, flagged).
pub fn flag_curve(r: &Report, robust_z: f64, max_ratio_permille: i64) -> (f64, f64, usize) {
    let (mut flagged, mut true_flags, mut positives) = (0usize, 0usize, 0usize);
    for (unit, reference, undervalued) in &r.references {
        let permille = ((-robust_z * reference.log_spread).exp() * 1000.0).round() as i64;
        let permille = permille.clamp(landed_domain::risk::MIN_RATIO_PERMILLE, max_ratio_permille);
        let flag =
            i128::from(*unit) * 1000 < i128::from(reference.median_minor) * i128::from(permille);
        flagged += usize::from(flag);
        true_flags += usize::from(flag && *undervalued);
        positives += usize::from(*undervalued);
    }
    (
        true_flags as f64 / flagged.max(1) as f64,
        true_flags as f64 / positives.max(1) as f64,
        flagged,
    )
}

/// The report as Markdown lines (`examples/simulate.rs`, `SIMULATION.md`).
pub fn summary(cfg: &Config, r: &Report) -> String {
    let mut s = format!(
        "seed {} · {} sellers · {} days · {} parcels ({} lines) · {} requests\n",
        cfg.seed, r.sellers, cfg.days, r.parcels, r.lines, r.requests
    );
    s += &format!("profile AUC (honest ≥ 0.5 vs dishonest): {:.3}\n", r.auc);
    s += &format!(
        "undervaluation flag: precision {:.3} ({}/{}), recall {:.3} ({}/{})\n",
        r.precision, r.true_flags, r.flagged, r.recall, r.true_flags, r.undervalued
    );
    s += &format!(
        "inspection-rate alert: {} after the rise; false alerts in stable categories: {}\n",
        r.days_to_alert
            .map_or("none".to_string(), |d| format!("{d} days")),
        r.false_alerts
    );
    s += &format!("inspection scans took {:.1} s in all\n", r.scan_secs);
    for (lane, (h, d)) in &r.lanes {
        s += &format!("lane {lane}: {h} honest, {d} dishonest sellers\n");
    }
    for (day, dest, level, cat, _) in &r.alerts {
        s += &format!("alert day {day}: {dest} {level} {cat}\n");
    }
    s
}

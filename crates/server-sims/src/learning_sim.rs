//! A seeded simulation of the learning loop (issue 8), driven through the real server: a British
//! platform sells a catalogue of SKUs with real product texts whose true UK commodity codes are
//! known; the merchant gives an HS code for some SKUs (some of them wrong), the built-in classifier
//! codes the rest; each parcel is quoted (`POST /v1/quotes`), accepted, and a few days later
//! cleared (`POST /v1/clearances`) with the code customs assessed for every line, the true code.
//! The server records each assessment as a correction and remembers the code in the catalogue,
//! so a repeat SKU is quoted with it. Measured per week of quoting: the share of lines quoted with
//! the assessed HS6, the share answered by the catalogue, and the duty variance
//! (Σ |assessed − quoted line duty|, absolute and relative to the assessed duty).
//!
//! The product texts are the UK Trade Tariff search references (MIT, Crown copyright; see
//! `SOURCE.md` beside them), read at run time from `shared/data`, by default only the rows the
//! classifier never trained on (its own evaluation hold-out, `models/hs-classifier/hsclf/data.py`).
//! Nothing of them is vendored. Random numbers: SplitMix64 ([`crate::sim::Rng`]). Money is exact
//! (decimal strings, minor units); the statistics' shares are floats.
#![allow(clippy::float_arithmetic)]

use crate::sim::{call, Rng};
use axum::Router;
use landed_server::AppState;
use md5::{Digest, Md5};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::path::PathBuf;

const DAY: i64 = 86_400_000_000;
/// 2026-09-07T00:00:00Z, a Monday: day 0 of the simulation.
pub const START: i64 = 1_788_739_200_000_000;
/// Data set of the product texts, under the data directory.
pub const DATASET: &str = "uk-tariff-search-references";

/// The simulation's settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// RNG seed.
    pub seed: u64,
    /// Weeks of quoting.
    pub weeks: i64,
    /// Parcels quoted per week.
    pub parcels_per_week: usize,
    /// Share of SKUs whose listing carries the merchant's HS code.
    pub merchant_share: f64,
    /// Share of the merchants' codes that are wrong (another product's subheading).
    pub merchant_error: f64,
    /// Share of the SKUs on sale from the start; the others arrive evenly over the weeks.
    pub initial_share: f64,
    /// Zipf exponent of the SKUs' popularity.
    pub zipf: f64,
    /// Days from quote to clearance: uniform in this range.
    pub lag_days: (i64, i64),
    /// Only texts of the classifier's evaluation hold-out (never trained on).
    pub holdout_only: bool,
    /// Send the assessed codes with each clearance (the loop). Without them (the control arm)
    /// nothing is learnt and every line is quoted as on its first day.
    pub learn: bool,
    /// Where `uk-tariff-search-references/` is.
    pub data_dir: PathBuf,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            seed: 7,
            weeks: 12,
            parcels_per_week: 150,
            merchant_share: 0.30,
            merchant_error: 0.20,
            initial_share: 0.40,
            zipf: 1.0,
            lag_days: (2, 5),
            holdout_only: true,
            learn: true,
            data_dir: default_data_dir(),
        }
    }
}

/// `$LANDED_SHARED_DATA`, else `shared/data` beside the repository (`../shared/data` from its root).
pub fn default_data_dir() -> PathBuf {
    std::env::var_os("LANDED_SHARED_DATA").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")),
        PathBuf::from,
    )
}

/// Why the simulation could not run.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The product texts are not there (the caller may skip).
    #[error("{0}: not found (the learning simulation reads the UK tariff search references from shared/data; set LANDED_SHARED_DATA)")]
    DataMissing(PathBuf),
    /// Anything else.
    #[error("{0}")]
    Failed(String),
}

/// A labelled product text: the description and its true UK commodity code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Labelled {
    pub description: String,
    pub code: String,
}

/// The classifier's normalised text: lower-case ASCII words joined by one space.
pub fn normkey(text: &str) -> String {
    text.to_lowercase()
        .split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether the classifier held this text out of training (`md5("uk-eval:" + key) % 100 < 10`).
pub fn in_holdout(text: &str) -> bool {
    let d = Md5::digest(format!("uk-eval:{}", normkey(text)).as_bytes());
    u32::from_be_bytes([d[0], d[1], d[2], d[3]]) % 100 < 10
}

/// The product texts whose true code is an HS 2022 subheading with a rate in the pack's British
/// tariff, one per normalised description (the first), in file order.
pub fn load(cfg: &Config, pack: &landed::Pack) -> Result<Vec<Labelled>, SimError> {
    let dir = cfg.data_dir.join(DATASET);
    if !dir.is_dir() {
        return Err(SimError::DataMissing(dir));
    }
    let mut out: Vec<Labelled> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for file in ["search_references.csv", "extra_references.csv"] {
        let path = dir.join(file);
        let mut r =
            csv::Reader::from_path(&path).map_err(|e| SimError::Failed(format!("{file}: {e}")))?;
        for rec in r.deserialize::<std::collections::HashMap<String, String>>() {
            let rec = rec.map_err(|e| SimError::Failed(format!("{file}: {e}")))?;
            let (Some(d), Some(c)) = (rec.get("description"), rec.get("commodity_code")) else {
                return Err(SimError::Failed(format!("{file}: unexpected columns")));
            };
            let key = normkey(d);
            if !key.bytes().any(|b| b.is_ascii_lowercase())
                || (cfg.holdout_only && !in_holdout(d))
                || !seen.insert(key)
                || !rated(pack, c)
            {
                continue;
            }
            out.push(Labelled {
                description: d.trim().to_string(),
                code: c.clone(),
            });
        }
    }
    Ok(out)
}

fn basket(items: &[Value], day: &str) -> Value {
    json!({"destination": "GB", "date": day, "currency": "GBP", "channel": "courier", "incoterm": "DDP", "items": items})
}

/// Whether `code` is an HS 2022 subheading whose line in the British tariff has a known rate.
fn rated(pack: &landed::Pack, code: &str) -> bool {
    if landed::catalogue::checked_code(pack, code, "code").is_err() {
        return false;
    }
    let item = json!({"id": "x", "description": "x", "hs_code": code, "origin": "CN", "quantity": 1, "unit_price": "500.00"});
    let Ok(b) = landed::Basket::from_json(&basket(&[item], "2026-09-07").to_string()) else {
        return false;
    };
    let Some(date) = landed::Date::from_days_since_epoch(START / DAY) else {
        return false;
    };
    landed::Quoter::new(pack).quote(&b, date).is_ok_and(|q| {
        !q.warnings.iter().any(|w| {
            [
                "duty_rate_unavailable",
                "hs_code_unmapped",
                "weight_missing",
            ]
            .contains(&w.code.as_str())
        })
    })
}

/// A SKU on sale.
#[derive(Clone, Debug)]
struct Sku {
    id: String,
    text: Labelled,
    /// The merchant's code in the listing (HS6), right or wrong.
    merchant_code: Option<String>,
    unit_price: Decimal,
    origin: &'static str,
    popularity: f64,
    /// Week it goes on sale.
    arrives: i64,
    quoted: bool,
}

/// One week of quoting.
#[derive(Clone, Debug, Default)]
pub struct Week {
    pub parcels: usize,
    pub lines: usize,
    /// Lines of SKUs quoted for the first time.
    pub new_skus: usize,
    /// Lines quoted with the HS6 customs later assessed.
    pub exact: usize,
    /// Lines whose code came from the catalogue, the classifier, the merchant.
    pub from_catalogue: usize,
    pub from_classifier: usize,
    pub from_merchant: usize,
    /// Lines coded by the classifier, and by the merchant, with the assessed HS6.
    pub classifier_exact: usize,
    pub merchant_exact: usize,
    /// Lines the server recorded as misclassified at clearance.
    pub misclassified: usize,
    /// Σ |assessed − quoted line duty|, GBP.
    pub abs_variance: Decimal,
    /// Σ assessed line duty, GBP.
    pub assessed_duty: Decimal,
}

impl Week {
    fn share(&self, n: usize) -> f64 {
        n as f64 / self.lines.max(1) as f64
    }
    /// Lines quoted with the assessed HS6, as a share.
    pub fn exact_share(&self) -> f64 {
        self.share(self.exact)
    }
    /// Lines answered by the catalogue, as a share.
    pub fn catalogue_share(&self) -> f64 {
        self.share(self.from_catalogue)
    }
    /// Σ |Δ duty| / Σ assessed duty, to 4 places.
    pub fn relative_variance(&self) -> Decimal {
        if self.assessed_duty.is_zero() {
            return Decimal::ZERO;
        }
        (self.abs_variance / self.assessed_duty).round_dp(4)
    }
}

/// The figures of a run.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Labelled texts available, SKUs on sale by the end.
    pub texts: usize,
    pub skus: usize,
    pub weeks: Vec<Week>,
    pub requests: usize,
    /// Lines in `GET /v1/corrections/export` at the end.
    pub exported: usize,
    /// `GET /v1/reports/classification` at the end.
    pub classification: Value,
    /// Assessed lines whose quoted or assessed duty, as the server priced them, differ from the
    /// quote's and the core's (0 when the server prices as the core does).
    pub duty_mismatches: usize,
}

impl Report {
    /// Mean of `f` over weeks `from..to` (0-based), weighting each week by its lines.
    pub fn pooled(&self, from: usize, to: usize) -> (f64, Decimal) {
        let w = &self.weeks[from.min(self.weeks.len())..to.min(self.weeks.len())];
        let lines: usize = w.iter().map(|w| w.lines).sum();
        let exact: usize = w.iter().map(|w| w.exact).sum();
        let abs: Decimal = w.iter().map(|w| w.abs_variance).sum();
        let duty: Decimal = w.iter().map(|w| w.assessed_duty).sum();
        let rel = if duty.is_zero() {
            Decimal::ZERO
        } else {
            (abs / duty).round_dp(4)
        };
        (exact as f64 / lines.max(1) as f64, rel)
    }
}

fn skus(rng: &mut Rng, cfg: &Config, texts: Vec<Labelled>) -> Vec<Sku> {
    let n = texts.len();
    // A random order of popularity, independent of arrival.
    let mut ranks: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = usize::try_from(rng.range(0, i64::try_from(i).unwrap_or(0))).unwrap_or(0);
        ranks.swap(i, j);
    }
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = usize::try_from(rng.range(0, i64::try_from(i).unwrap_or(0))).unwrap_or(0);
        order.swap(i, j);
    }
    let initial = (cfg.initial_share * n as f64).round() as usize;
    let hs6s: Vec<String> = texts.iter().map(|t| t.code[..6].to_string()).collect();
    order
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            let t = &texts[i];
            let merchant_code = rng.chance(cfg.merchant_share).then(|| {
                if rng.chance(cfg.merchant_error) {
                    // Another product's subheading.
                    loop {
                        let j = usize::try_from(rng.range(0, i64::try_from(n - 1).unwrap_or(0)))
                            .unwrap_or(0);
                        if hs6s[j] != hs6s[i] {
                            break hs6s[j].clone();
                        }
                    }
                } else {
                    hs6s[i].clone()
                }
            });
            // Log-normal unit prices around GBP 60, in whole pence.
            let pence = (6000.0 * (0.9 * rng.normal()).exp())
                .round()
                .clamp(200.0, 200_000.0);
            let arrives = if k < initial {
                0
            } else {
                1 + i64::try_from((k - initial) * usize::try_from(cfg.weeks - 1).unwrap_or(1))
                    .unwrap_or(0)
                    / i64::try_from((n - initial).max(1)).unwrap_or(1)
            };
            Sku {
                id: format!("SKU-{i:05}"),
                text: t.clone(),
                merchant_code,
                unit_price: Decimal::new(pence as i64, 2),
                origin: if rng.chance(0.8) { "CN" } else { "US" },
                popularity: 1.0 / ((ranks[i] + 1) as f64).powf(cfg.zipf),
                arrives,
                quoted: false,
            }
        })
        .collect()
}

/// A clearance due on a day.
struct Due {
    day: i64,
    /// The week it was quoted in.
    week: usize,
    quote: String,
    parcel: String,
    body: Value,
    /// Per line, in basket order: the item id, and its (quoted duty, duty with the true code)
    /// from the quote and from the core.
    lines: Vec<(String, (Decimal, Decimal))>,
}

struct Sim<'a> {
    app: &'a Router,
    key: &'a str,
    report: Report,
}

impl Sim<'_> {
    async fn request(
        &mut self,
        method: &str,
        uri: &str,
        idem: Option<&str>,
        body: Option<Value>,
    ) -> Result<Value, SimError> {
        self.report.requests += 1;
        let (st, v) = call(self.app, self.key, method, uri, idem, body).await;
        if (200..300).contains(&st) {
            Ok(v)
        } else {
            Err(SimError::Failed(format!("{method} {uri}: {st} {v}")))
        }
    }

    /// Posts a clearance; checks the server priced each assessed line as the core did.
    async fn clear(&mut self, d: Due) -> Result<(), SimError> {
        let v = self
            .request(
                "POST",
                "/v1/clearances",
                Some(&format!("clear-{}", d.parcel)),
                Some(d.body),
            )
            .await?;
        let lines = v["lines"].as_array().map_or(&[][..], Vec::as_slice);
        if lines.len() != d.lines.len() && !lines.is_empty() {
            return Err(SimError::Failed(format!("clearance of {}: {v}", d.quote)));
        }
        for l in lines {
            let money = |k: &str| -> Result<Decimal, SimError> {
                l[k].as_str().and_then(|s| s.parse().ok()).ok_or_else(|| {
                    SimError::Failed(format!("clearance of {}: no {k}: {l}", d.quote))
                })
            };
            let priced = (money("quoted_duty")?, money("assessed_duty")?);
            // The server answers lines by item id; ours are in basket order.
            let ours = d.lines.iter().find(|(id, _)| l["id"] == id.as_str());
            if ours.map(|o| o.1) != Some(priced) {
                self.report.duty_mismatches += 1;
            }
            self.report.weeks[d.week].misclassified += usize::from(l["misclassified"] == true);
        }
        Ok(())
    }
}

/// Runs the simulation against `app` (built over `state`) as the tenant of `key`.
pub async fn run(
    state: &AppState,
    app: &Router,
    key: &str,
    cfg: &Config,
) -> Result<Report, SimError> {
    let texts = load(cfg, &state.pack)?;
    if texts.len() < 20 {
        return Err(SimError::Failed(format!(
            "only {} usable texts",
            texts.len()
        )));
    }
    let mut rng = Rng::new(cfg.seed);
    let mut skus = skus(&mut rng, cfg, texts);
    let weeks = usize::try_from(cfg.weeks).unwrap_or(0);
    let mut sim = Sim {
        app,
        key,
        report: Report {
            texts: skus.len(),
            weeks: vec![Week::default(); weeks],
            ..Report::default()
        },
    };
    let mut due: VecDeque<Due> = VecDeque::new();
    let per_week = cfg.parcels_per_week;
    let mut parcel_no = 0usize;
    for day in 0..cfg.weeks * 7 {
        let week = usize::try_from(day / 7).unwrap_or(0);
        state.set_now(START + day * DAY + DAY / 2);
        while due.front().is_some_and(|d| d.day <= day) {
            let d = due
                .pop_front()
                .ok_or_else(|| SimError::Failed("queue".into()))?;
            sim.clear(d).await?;
        }
        let date = landed::Date::from_days_since_epoch(START / DAY + day)
            .ok_or_else(|| SimError::Failed("date".into()))?;
        let today = date.to_string();
        let on_sale: Vec<usize> = (0..skus.len())
            .filter(|&i| skus[i].arrives <= day / 7)
            .collect();
        let weights: Vec<f64> = on_sale.iter().map(|&i| skus[i].popularity).collect();
        let d = usize::try_from(day % 7).unwrap_or(0);
        let parcels = (d + 1) * per_week / 7 - d * per_week / 7;
        for _ in 0..parcels {
            parcel_no += 1;
            let parcel = format!("LP{parcel_no:05}");
            let n = rng.range(1, 3);
            let mut picked: Vec<usize> = Vec::new();
            for _ in 0..n {
                let i = on_sale[rng.weighted(&weights)];
                if !picked.contains(&i) {
                    picked.push(i);
                }
            }
            let mut items = Vec::new();
            let mut true_items = Vec::new();
            for &i in &picked {
                let s = &skus[i];
                let mut it = json!({"id": s.id, "description": s.text.description, "origin": s.origin,
                                    "quantity": rng.range(1, 2), "unit_price": s.unit_price.to_string()});
                let mut truth = it.clone();
                truth["hs_code"] = json!(s.text.code);
                if let Some(c) = &s.merchant_code {
                    it["hs_code"] = json!(c);
                }
                items.push(it);
                true_items.push(truth);
            }
            let q = sim
                .request(
                    "POST",
                    // A predicted code may have no rate in the tariff: the simulation measures
                    // classification, so such a quote is signed as an estimate, not refused.
                    "/v1/quotes?allow_estimates=true",
                    Some(&format!("quote-{parcel}")),
                    Some(basket(&items, &today)),
                )
                .await?;
            let quote_id = q["id"].as_str().unwrap_or_default().to_string();
            let quoted_lines = q["quote"]["lines"]
                .as_array()
                .map_or(&[][..], Vec::as_slice);
            if quoted_lines.len() != picked.len() {
                return Err(SimError::Failed(format!("quote {quote_id}: {q}")));
            }
            let w = &mut sim.report.weeks[week];
            w.parcels += 1;
            for (line, &i) in quoted_lines.iter().zip(&picked) {
                w.lines += 1;
                let s = &mut skus[i];
                w.new_skus += usize::from(!s.quoted);
                s.quoted = true;
                let code = line["hs_code"].as_str().unwrap_or("");
                let exact = usize::from(code.get(..6) == Some(&s.text.code[..6]));
                w.exact += exact;
                match line["hs_source"].as_str() {
                    Some("catalogue") => w.from_catalogue += 1,
                    Some("classifier") => {
                        w.from_classifier += 1;
                        w.classifier_exact += exact;
                    }
                    Some("merchant") => {
                        w.from_merchant += 1;
                        w.merchant_exact += exact;
                    }
                    _ => {}
                }
            }
            sim.request(
                "POST",
                &format!("/v1/quotes/{quote_id}/accept"),
                Some(&format!("accept-{parcel}")),
                None,
            )
            .await?;
            // Customs assesses the true codes: the core's quote of the same basket with them.
            let truth = landed::Basket::from_json(&basket(&true_items, &today).to_string())
                .map_err(|e| SimError::Failed(e.to_string()))?;
            let assessed = landed::Quoter::new(&state.pack)
                .quote(&truth, date)
                .map_err(|e| SimError::Failed(e.to_string()))?;
            let w = &mut sim.report.weeks[week];
            let mut lines = Vec::with_capacity(picked.len());
            for ((&i, quoted), a) in picked.iter().zip(quoted_lines).zip(&assessed.lines) {
                let q: Decimal = quoted["duty"]["amount"]
                    .as_str()
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| SimError::Failed(format!("quote {quote_id}: {quoted}")))?;
                w.abs_variance += (a.duty.amount - q).abs();
                w.assessed_duty += a.duty.amount;
                lines.push((skus[i].id.clone(), (q, a.duty.amount)));
            }
            let t = &assessed.totals;
            let mut body = json!({"quote_id": quote_id, "parcel_id": parcel, "currency": "GBP", "status": "cleared",
                                  "assessed": {"duty": t.duty.to_string(), "tax": t.tax.to_string(), "fees": t.fees.to_string()}});
            if cfg.learn {
                body["lines"] = picked
                    .iter()
                    .map(|&i| json!({"id": skus[i].id, "hs_code": skus[i].text.code}))
                    .collect();
            }
            let day_due = day + rng.range(cfg.lag_days.0, cfg.lag_days.1);
            let pos = due.partition_point(|d| d.day <= day_due);
            let quote = quote_id.clone();
            due.insert(
                pos,
                Due {
                    day: day_due,
                    week,
                    quote,
                    parcel,
                    body,
                    lines,
                },
            );
        }
    }
    while let Some(d) = due.pop_front() {
        state.set_now(START + d.day * DAY + DAY / 2);
        sim.clear(d).await?;
    }
    sim.report.skus = skus.iter().filter(|s| s.quoted).count();
    sim.request(
        "PUT",
        "/v1/settings",
        Some("learning-sim-share"),
        Some(json!({"share_corrections": true})),
    )
    .await?;
    sim.report.classification = sim
        .request("GET", "/v1/reports/classification", None, None)
        .await?;
    // The export is JSON lines, not one JSON document: count them through the raw body.
    let (st, text) =
        crate::sim::call_raw(app, key, "GET", "/v1/corrections/export", None, None).await;
    if st != 200 {
        return Err(SimError::Failed(format!("corrections export: {st}")));
    }
    sim.report.requests += 1;
    sim.report.exported = text.lines().count();
    Ok(sim.report)
}

/// The weekly table as Markdown (`examples/learning.rs`, `SIMULATION.md`).
pub fn summary(cfg: &Config, r: &Report) -> String {
    let mut s = format!(
        "seed {} · {} weeks · {} parcels a week · {} labelled texts ({}) · {} SKUs quoted · merchant codes on {:.0} % of SKUs, {:.0} % of them wrong · {} requests\n\n",
        cfg.seed,
        cfg.weeks,
        cfg.parcels_per_week,
        r.texts,
        if cfg.holdout_only { "the classifier's hold-out only" } else { "all" },
        r.skus,
        100.0 * cfg.merchant_share,
        100.0 * cfg.merchant_error,
        r.requests
    );
    s += "| week | parcels | lines | new SKUs | exact HS6 | from catalogue | classifier (exact) | merchant (exact) | misclassified | Σ abs duty variance | Σ assessed duty | relative variance |\n";
    s += "|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (i, w) in r.weeks.iter().enumerate() {
        s += &format!(
            "| {} | {} | {} | {} | {:.1} % | {:.1} % | {} ({}) | {} ({}) | {} | {} | {} | {} |\n",
            i + 1,
            w.parcels,
            w.lines,
            w.new_skus,
            100.0 * w.exact_share(),
            100.0 * w.catalogue_share(),
            w.from_classifier,
            w.classifier_exact,
            w.from_merchant,
            w.merchant_exact,
            w.misclassified,
            w.abs_variance,
            w.assessed_duty,
            w.relative_variance()
        );
    }
    let (e0, v0) = r.pooled(0, 2);
    let (e1, v1) = r.pooled(r.weeks.len().saturating_sub(4), r.weeks.len());
    s += &format!(
        "\nweeks 1–2: exact {:.1} %, relative duty variance {v0}; last 4 weeks: exact {:.1} %, relative duty variance {v1}\n",
        100.0 * e0,
        100.0 * e1
    );
    let (c, ce): (usize, usize) = r.weeks.iter().fold((0, 0), |(a, b), w| {
        (a + w.from_classifier, b + w.classifier_exact)
    });
    s += &format!(
        "the classifier alone: {ce} of {c} lines with the assessed HS6 ({:.1} %)\n",
        100.0 * ce as f64 / c.max(1) as f64
    );
    if !cfg.learn {
        s += "control arm: clearances without assessed codes (nothing learnt)\n";
    }
    s += &format!(
        "assessed lines priced by the server unlike the core: {}\n",
        r.duty_mismatches
    );
    s += &format!(
        "classification report: {} lines assessed, {} misclassified (share {}); {} corrections exported\n",
        r.classification["lines_assessed"],
        r.classification["lines_misclassified"],
        r.classification["share_misclassified"],
        r.exported
    );
    s
}

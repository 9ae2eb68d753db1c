//! Inspection-rate alerts: the scan that reads a tenant's category counts from the store, applies
//! the rise test of [`landed_domain::inspection`] (one-sided Fisher exact test, minimum counts,
//! cooldown) and records the alerts with their `inspection_rate_alert` webhook deliveries; and an
//! alert's JSON as `GET /v1/alerts` lists it.
//!
//! The scan is deterministic: the same parcels and `now` give the same alerts.
#![allow(clippy::float_arithmetic)]

use crate::error::AppError;
use crate::store::{AlertRow, Store};
use landed_domain::inspection::{
    cooling_down, is_alert, period, suggestion, Counts, ALPHA, BASELINE_DAYS, WINDOW_DAYS,
};
use schemars::JsonSchema;
use serde::Serialize;

/// Scans a tenant's inspection rates at `now` (unix microseconds) and records the new alerts
/// (with their webhook deliveries, in one transaction each). Returns the alerts raised.
pub async fn scan(store: &Store, tenant: &str, now: i64) -> Result<Vec<AlertRow>, AppError> {
    let (from, window_start) = period(now);
    let rows = store
        .category_counts(tenant, from, window_start, now)
        .await?;
    let mut raised = Vec::new();
    for row in rows {
        let counts = Counts {
            window_n: row.window_n,
            window_k: row.window_k,
            baseline_n: row.baseline_n,
            baseline_k: row.baseline_k,
        };
        let (destination, level, category) = (row.destination, row.level, row.category);
        let Some((z, p)) = is_alert(&counts) else {
            continue;
        };
        let last = store
            .last_alert_at(tenant, &destination, &level, &category)
            .await?;
        if cooling_down(last, now) {
            continue;
        }
        let sellers = store
            .category_sellers(tenant, &destination, &category, from, now)
            .await?;
        let alert = AlertRow {
            id: uuid::Uuid::now_v7().to_string(),
            destination: destination.clone(),
            level: level.clone(),
            category: category.clone(),
            window_parcels: counts.window_n,
            window_inspected: counts.window_k,
            baseline_parcels: counts.baseline_n,
            baseline_inspected: counts.baseline_k,
            z,
            p_value: p,
            sellers: serde_json::to_string(&sellers)?,
            suggestion: suggestion(&destination, &category, &counts),
            created_at: now,
        };
        let payload = serde_json::json!({
            "id": alert.id, "type": crate::webhook::EVENT_ALERT, "created_at": crate::rfc3339(now),
            "data": alert_json(&alert),
        });
        store
            .insert_alert(tenant, &alert, &payload.to_string(), now)
            .await?;
        raised.push(alert);
    }
    Ok(raised)
}

/// An alert as `GET /v1/alerts` lists it and its webhook delivery carries it.
#[derive(Serialize, JsonSchema)]
pub struct Alert {
    pub id: String,
    pub destination: String,
    /// `chapter` or `heading`.
    pub level: String,
    /// The HS chapter or heading.
    pub category: String,
    /// The last days' inspections.
    pub window: Period,
    /// The days before them.
    pub baseline: Period,
    pub test: RiseTest,
    /// The sellers who shipped the category in the period, as recorded.
    #[schemars(with = "Vec<String>")]
    pub sellers: serde_json::Value,
    pub suggestion: String,
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub created_at: String,
}

/// Inspections in a period.
#[derive(Serialize, JsonSchema)]
pub struct Period {
    pub days: i64,
    pub parcels: i64,
    pub inspected: i64,
    /// `inspected / parcels`, to 4 places.
    pub rate: f64,
}

/// The test that raised an alert.
#[derive(Serialize, JsonSchema)]
pub struct RiseTest {
    pub kind: &'static str,
    /// Pooled two-proportion z-score, to 2 places.
    pub z: f64,
    pub p_value: f64,
    pub alpha: f64,
}

/// An alert as its view.
pub fn alert(a: &AlertRow) -> Alert {
    let c = Counts {
        window_n: a.window_parcels,
        window_k: a.window_inspected,
        baseline_n: a.baseline_parcels,
        baseline_k: a.baseline_inspected,
    };
    Alert {
        id: a.id.clone(),
        destination: a.destination.clone(),
        level: a.level.clone(),
        category: a.category.clone(),
        window: Period {
            days: WINDOW_DAYS,
            parcels: a.window_parcels,
            inspected: a.window_inspected,
            rate: (c.window_rate() * 10_000.0).round() / 10_000.0,
        },
        baseline: Period {
            days: BASELINE_DAYS,
            parcels: a.baseline_parcels,
            inspected: a.baseline_inspected,
            rate: (c.baseline_rate() * 10_000.0).round() / 10_000.0,
        },
        test: RiseTest {
            kind: "one-sided Fisher exact test (z: pooled two-proportion z-score)",
            z: (a.z * 100.0).round() / 100.0,
            p_value: a.p_value,
            alpha: ALPHA,
        },
        sellers: serde_json::from_str(&a.sellers).unwrap_or_default(),
        suggestion: a.suggestion.clone(),
        created_at: crate::rfc3339(a.created_at),
    }
}

/// An alert as JSON (keys in order, as the API renders it).
pub fn alert_json(a: &AlertRow) -> serde_json::Value {
    // Plain data (strings, numbers): it always serializes.
    serde_json::to_value(alert(a)).unwrap_or_default()
}

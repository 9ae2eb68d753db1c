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

/// An alert as JSON.
pub fn alert_json(a: &AlertRow) -> serde_json::Value {
    let sellers: serde_json::Value = serde_json::from_str(&a.sellers).unwrap_or_default();
    let c = Counts {
        window_n: a.window_parcels,
        window_k: a.window_inspected,
        baseline_n: a.baseline_parcels,
        baseline_k: a.baseline_inspected,
    };
    serde_json::json!({
        "id": a.id, "destination": a.destination, "level": a.level, "category": a.category,
        "window": {"days": WINDOW_DAYS, "parcels": a.window_parcels, "inspected": a.window_inspected,
                   "rate": (c.window_rate() * 10_000.0).round() / 10_000.0},
        "baseline": {"days": BASELINE_DAYS, "parcels": a.baseline_parcels, "inspected": a.baseline_inspected,
                     "rate": (c.baseline_rate() * 10_000.0).round() / 10_000.0},
        "test": {"kind": "one-sided Fisher exact test (z: pooled two-proportion z-score)", "z": (a.z * 100.0).round() / 100.0,
                 "p_value": a.p_value, "alpha": ALPHA},
        "sellers": sellers, "suggestion": a.suggestion, "created_at": crate::rfc3339(a.created_at),
    })
}

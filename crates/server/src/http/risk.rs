//! The risk block of a quote and a declaration: undervaluation flags against the platform's
//! history, and the seller's lane from its profile.

use crate::error::AppError;
use crate::http::state::AppState;
use crate::money::to_minor;
use landed_domain::{profile, risk};
use serde_json::{json, Value};

/// Undervaluation flags of one line, against the platform's history.
pub(super) async fn line_flag(
    state: &AppState,
    tenant: &str,
    line: usize,
    (destination, hs6, currency): (&str, &str, &str),
    unit_minor: i64,
) -> Result<Option<Value>, AppError> {
    let values = state
        .store
        .unit_values(tenant, destination, hs6, currency, risk::REFERENCE_WINDOW)
        .await?;
    Ok(risk::reference(&values)
        .filter(|r| risk::is_undervalued(unit_minor, r))
        .map(|r| risk::flag_json(line, hs6, destination, currency, unit_minor, &r)))
}
/// The risk block of a quote: undervaluation flags of its items and the seller's lane, as
/// `{"risk": {...}, "seller_lane": ...}` (stored with the quote, merged into its response).
pub(crate) async fn quote_risk(
    state: &AppState,
    tenant: &str,
    basket: &str,
    quote: &landed::Quote,
    seller: Option<&str>,
    now: i64,
) -> Result<Value, AppError> {
    let basket: Value = serde_json::from_str(basket)?;
    let cur = quote.currency.as_str();
    let mut flags = Vec::new();
    for (i, item) in basket["items"].as_array().into_iter().flatten().enumerate() {
        let hs: String = item["hs_code"]
            .as_str()
            .unwrap_or("")
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        let Some(hs6) = hs.get(..6) else { continue };
        let Some(price) = item["unit_price"]
            .as_str()
            .and_then(|p| p.trim().parse::<rust_decimal::Decimal>().ok())
        else {
            continue;
        };
        let Ok(unit) = to_minor(price, cur, "unit_price") else {
            continue;
        };
        let dest = quote.destination.as_str();
        if let Some(f) = line_flag(state, tenant, i + 1, (dest, hs6, cur), unit).await? {
            flags.push(f);
        }
    }
    let lane = match seller {
        Some(s) => {
            let p = seller_profile_of(state, tenant, s, now).await?;
            json!({"seller_id": s, "lane": p.lane, "score": p.score, "precheck_percent": p.precheck_percent})
        }
        None => Value::Null,
    };
    Ok(json!({
        "risk": {"high_risk": !flags.is_empty(), "undervaluation": flags},
        "seller_lane": lane,
    }))
}
pub(super) async fn seller_profile_of(
    state: &AppState,
    tenant: &str,
    seller: &str,
    now: i64,
) -> Result<profile::Profile, AppError> {
    let parcels = state.store.seller_parcels(tenant, seller).await?;
    let complaints = state.store.complaint_count(tenant, seller).await?;
    Ok(profile::profile(seller, &parcels, complaints, now))
}

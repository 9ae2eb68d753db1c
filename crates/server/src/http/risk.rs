//! The risk block of a quote and a declaration: undervaluation flags against the platform's
//! history, and the seller's lane from its profile.

use crate::error::AppError;
use crate::http::state::AppState;
use crate::http::views::{value, Amount};
use crate::money::to_minor;
use landed_domain::{profile, risk};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

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

/// The risk block stored with a quote (absent on quotes stored before it existed).
#[derive(Serialize, Deserialize, JsonSchema)]
pub(crate) struct QuoteRisk {
    risk: RiskFlags,
    /// The seller's lane; `null` without a seller.
    #[schemars(with = "Option<SellerLane>")]
    seller_lane: Value,
}

/// Undervaluation flags of a basket or a declaration.
#[derive(Serialize, Deserialize, JsonSchema)]
pub(crate) struct RiskFlags {
    high_risk: bool,
    /// One flag per line whose unit value is far below the platform's history for its HS code.
    #[schemars(with = "Vec<UndervaluationFlag>")]
    undervaluation: Vec<Value>,
}

impl RiskFlags {
    /// The flags as stored (served as they were written).
    pub(crate) fn of(flags: Vec<Value>) -> RiskFlags {
        RiskFlags {
            high_risk: !flags.is_empty(),
            undervaluation: flags,
        }
    }
}

/// An undervaluation flag as the domain writes it (`risk::flag_json`) and the store keeps it;
/// schema only: a stored flag is served as it was written.
#[derive(JsonSchema)]
#[allow(dead_code)]
pub(crate) struct UndervaluationFlag {
    /// `high_risk_suspected_undervaluation`.
    code: String,
    /// The line (1-based).
    line: u32,
    hs6: String,
    destination: String,
    currency: String,
    declared_unit_value: Amount,
    reference: FlagReference,
    message: String,
}

/// The platform's history a flag compares with.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct FlagReference {
    /// Declarations used.
    n: u32,
    median_unit_value: Amount,
    threshold_unit_value: Amount,
    /// The threshold as a share of the median, `0.500`.
    threshold_share_of_median: String,
    robust_z: Option<f64>,
}

/// A seller's lane as a quote carries it.
#[derive(Serialize, JsonSchema)]
struct SellerLane<'a> {
    seller_id: &'a str,
    /// `green`, `standard`, `strict` or `blacklist`.
    lane: &'static str,
    /// 0 to 100.
    score: f64,
    precheck_percent: u32,
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
) -> Result<QuoteRisk, AppError> {
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
    let seller_lane = match seller {
        Some(s) => {
            let p = seller_profile_of(state, tenant, s, now).await?;
            value(&SellerLane {
                seller_id: s,
                lane: p.lane.as_str(),
                score: p.score,
                precheck_percent: p.precheck_percent,
            })
        }
        None => Value::Null,
    };
    Ok(QuoteRisk {
        risk: RiskFlags::of(flags),
        seller_lane,
    })
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

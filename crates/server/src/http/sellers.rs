//! `/v1/sellers` and `/v1/alerts`: a seller's credit profile and complaints, inspection-rate alerts.

use crate::error::AppError;
use crate::http::extract::{check_id, stored, Idempotent, SellerId, Tenant};
use crate::http::risk::seller_profile_of;
use crate::http::state::AppState;
use crate::http::views::{value, Reply, Time};
use crate::inspection::{self, Alert};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use landed_domain::profile::Profile;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;
pub(super) async fn list_alerts(
    State(state): State<AppState>,
    tenant: Tenant,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Reply<Alerts>, AppError> {
    let seller = q.get("seller_id");
    let destination = q.get("destination");
    let alerts = state
        .store
        .alerts(&tenant.0)
        .await?
        .iter()
        .filter(|a| destination.is_none_or(|d| *d == a.destination))
        .map(inspection::alert)
        .filter(|a| {
            seller.is_none_or(|s| {
                a.sellers
                    .as_array()
                    .is_some_and(|l| l.iter().any(|x| x == s.as_str()))
            })
        })
        .collect();
    Ok(Reply(Alerts { alerts }))
}

/// Inspection-rate alerts, newest first.
#[derive(Serialize, JsonSchema)]
pub(crate) struct Alerts {
    alerts: Vec<Alert>,
}

/// A seller's credit profile, served as the domain serializes it.
#[derive(Serialize)]
#[serde(transparent)]
pub(crate) struct SellerProfile(Profile);

impl JsonSchema for SellerProfile {
    fn schema_name() -> Cow<'static, str> {
        "SellerProfile".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        ProfileSchema::json_schema(generator)
    }
}

/// A seller's credit profile: score, lane, components and reasons (schema only: the response
/// is `landed_domain::profile::Profile`).
#[derive(JsonSchema)]
#[allow(dead_code)]
struct ProfileSchema {
    seller_id: String,
    #[schemars(extend("enum" = ["green", "standard", "strict", "blacklist"]))]
    lane: String,
    /// 0 to 100.
    score: f64,
    /// Parcels declared for the seller.
    parcels: i64,
    /// Of which in a terminal state.
    finished: i64,
    seizures: i64,
    complaints: i64,
    /// Suggested share of parcels to pre-check, percent.
    precheck_percent: u32,
    /// The components, in weight order.
    components: Vec<ScoreComponent>,
    /// Why this lane.
    reasons: Vec<String>,
}

/// One component of a seller's score (schema only).
#[derive(JsonSchema)]
#[allow(dead_code)]
struct ScoreComponent {
    name: String,
    /// The smoothed share in [0, 1], 1 is good.
    value: f64,
    /// Observations behind it.
    samples: i64,
    /// Its weight (the weights add up to 100).
    weight: f64,
    /// `value × weight`: points of the score.
    contribution: f64,
    detail: String,
}

pub(super) async fn seller_profile(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
) -> Result<Reply<SellerProfile>, AppError> {
    check_id(&id, "seller_id")?;
    let p = seller_profile_of(&state, &tenant.0, &id, state.now()).await?;
    Ok(Reply(SellerProfile(p)))
}
/// A complaint about a seller.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ComplaintBody {
    /// 1 to 2000 characters.
    reason: String,
    /// The parcel it concerns.
    #[serde(default)]
    parcel_id: Option<String>,
}
/// A complaint recorded about a seller.
#[derive(Serialize, JsonSchema)]
pub(crate) struct Complaint {
    id: String,
    seller_id: String,
    parcel_id: Option<String>,
    reason: String,
    created_at: Time,
}

pub(super) async fn add_complaint(
    State(state): State<AppState>,
    tenant: Tenant,
    SellerId(seller): SellerId,
    req: Idempotent<ComplaintBody>,
) -> Result<Response, AppError> {
    let b = &req.body;
    if b.reason.trim().is_empty() || b.reason.len() > 2000 {
        return Err(AppError::invalid(
            "invalid_value",
            "reason",
            "expected 1 to 2000 characters",
        ));
    }
    if let Some(p) = &b.parcel_id {
        check_id(p, "parcel_id")?;
    }
    let now = state.now();
    let render = |id: &str| {
        value(&Complaint {
            id: id.to_string(),
            seller_id: seller.clone(),
            parcel_id: b.parcel_id.clone(),
            reason: b.reason.clone(),
            created_at: Time::at(now),
        })
    };
    let s = state
        .store
        .add_complaint(
            &tenant.0,
            &req.idem,
            &seller,
            b.parcel_id.as_deref(),
            &b.reason,
            &render,
            now,
        )
        .await?;
    Ok(stored(&state, s))
}

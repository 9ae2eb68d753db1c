//! `/v1/sellers` and `/v1/alerts`: a seller's credit profile and complaints, inspection-rate alerts.

use crate::error::AppError;
use crate::http::extract::{check_id, stored, Idempotent, SellerId, Tenant};
use crate::http::risk::seller_profile_of;
use crate::http::state::AppState;
use crate::inspection;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
pub(super) async fn list_alerts(
    State(state): State<AppState>,
    tenant: Tenant,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, AppError> {
    let seller = q.get("seller_id");
    let destination = q.get("destination");
    let alerts: Vec<Value> = state
        .store
        .alerts(&tenant.0)
        .await?
        .iter()
        .filter(|a| destination.is_none_or(|d| *d == a.destination))
        .map(inspection::alert_json)
        .filter(|v| {
            seller.is_none_or(|s| {
                v["sellers"]
                    .as_array()
                    .is_some_and(|l| l.iter().any(|x| x == s.as_str()))
            })
        })
        .collect();
    Ok(Json(json!({"alerts": alerts})))
}
pub(super) async fn seller_profile(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    check_id(&id, "seller_id")?;
    let p = seller_profile_of(&state, &tenant.0, &id, state.now()).await?;
    Ok(Json(serde_json::to_value(p)?))
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ComplaintBody {
    reason: String,
    #[serde(default)]
    parcel_id: Option<String>,
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
        json!({"id": id, "seller_id": seller, "parcel_id": b.parcel_id, "reason": b.reason,
               "created_at": crate::rfc3339(now)})
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

//! `/v1/webhooks`: the platform's webhook endpoints and the outbox of their deliveries.

use crate::error::AppError;
use crate::http::extract::{stored, Idempotent, Tenant, Unread};
use crate::http::state::AppState;
use crate::store::{DeliveryRow, EndpointRow};
use crate::webhook;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WebhookBody {
    url: String,
    #[serde(default)]
    event_types: Option<Vec<String>>,
}
fn endpoint_json(e: &EndpointRow) -> Value {
    json!({"id": e.id, "url": e.url, "event_types": e.event_types.split(' ').collect::<Vec<_>>(),
           "created_at": crate::rfc3339(e.created_at)})
}
pub(super) async fn create_webhook(
    State(state): State<AppState>,
    req: Idempotent<WebhookBody>,
) -> Result<Response, AppError> {
    let b = req.body;
    let url = webhook::check_target(&b.url, state.allow_loopback_webhooks).await?;
    let types = b
        .event_types
        .unwrap_or_else(|| webhook::EVENT_TYPES.map(str::to_string).to_vec());
    if types.is_empty() {
        return Err(AppError::invalid(
            "invalid_value",
            "event_types",
            "subscribe to at least one event type",
        ));
    }
    for (i, t) in types.iter().enumerate() {
        if !webhook::EVENT_TYPES.contains(&t.as_str()) {
            return Err(AppError::invalid(
                "invalid_value",
                format!("event_types[{i}]"),
                format!("`{t}`: expected one of {}", webhook::EVENT_TYPES.join(", ")),
            ));
        }
    }
    let now = state.now();
    let e = EndpointRow {
        id: uuid::Uuid::now_v7().to_string(),
        url: url.to_string(),
        secret: webhook::new_secret(),
        event_types: types.join(" "),
        created_at: now,
    };
    // The secret is in this response only (and its idempotent replays).
    let render = |e: &EndpointRow| {
        let mut v = endpoint_json(e);
        v["secret"] = json!(e.secret);
        v
    };
    let s = state
        .store
        .create_endpoint(&req.tenant.0, &req.idem, &e, &render, now)
        .await?;
    Ok(stored(&state, s))
}
pub(super) async fn list_webhooks(
    State(state): State<AppState>,
    tenant: Tenant,
) -> Result<Json<Value>, AppError> {
    let list = state.store.endpoints(&tenant.0).await?;
    Ok(Json(
        json!({"webhooks": list.iter().map(endpoint_json).collect::<Vec<_>>()}),
    ))
}
fn delivery_json(d: &DeliveryRow) -> Value {
    json!({
        "id": d.id, "webhook_id": d.endpoint_id, "event_id": d.event_id, "event_type": d.event_type,
        "status": d.status, "attempts": d.attempts,
        "next_attempt_at": (d.status == "pending").then(|| crate::rfc3339(d.next_attempt_at)),
        "last_attempt_at": d.last_attempt_at.map(crate::rfc3339), "last_status": d.last_status,
        "last_error": d.last_error, "created_at": crate::rfc3339(d.created_at),
        "delivered_at": d.delivered_at.map(crate::rfc3339),
    })
}
pub(super) async fn list_deliveries(
    State(state): State<AppState>,
    tenant: Tenant,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, AppError> {
    let status = q.get("status").map(String::as_str);
    if let Some(s) = status {
        if !["pending", "delivered", "failed"].contains(&s) {
            return Err(AppError::invalid(
                "invalid_value",
                "status",
                format!("`{s}`: expected pending, delivered or failed"),
            ));
        }
    }
    let list = state.store.deliveries(&tenant.0, status, 200).await?;
    Ok(Json(
        json!({"deliveries": list.iter().map(delivery_json).collect::<Vec<_>>()}),
    ))
}
pub(super) async fn redeliver(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
    req: Idempotent<Unread>,
) -> Result<Response, AppError> {
    let s = state
        .store
        .redeliver(&tenant.0, &req.idem, &id, &delivery_json, state.now())
        .await?;
    Ok(stored(&state, s))
}

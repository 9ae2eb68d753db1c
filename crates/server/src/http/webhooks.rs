//! `/v1/webhooks`: the platform's webhook endpoints and the outbox of their deliveries.

use crate::error::AppError;
use crate::http::extract::{stored, Idempotent, Tenant, Unread};
use crate::http::state::AppState;
use crate::http::views::{value, Reply, Time};
use crate::store::{DeliveryRow, EndpointRow};
use crate::webhook;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
/// A webhook endpoint to register.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct WebhookBody {
    /// https, resolving to public addresses only.
    url: String,
    /// The event types to deliver; omitted: all of them.
    #[serde(default)]
    #[schemars(schema_with = "event_types")]
    event_types: Option<Vec<String>>,
}

/// Event types, by name.
fn event_types(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "array", "items": {"type": "string", "enum": webhook::EVENT_TYPES}})
}
/// A webhook endpoint (without its secret).
#[derive(Serialize, JsonSchema)]
pub(crate) struct Endpoint {
    id: String,
    url: String,
    /// `parcel_event`, `inspection_rate_alert`.
    event_types: Vec<String>,
    created_at: Time,
}

fn endpoint(e: &EndpointRow) -> Endpoint {
    Endpoint {
        id: e.id.clone(),
        url: e.url.clone(),
        event_types: e.event_types.split(' ').map(str::to_string).collect(),
        created_at: Time::at(e.created_at),
    }
}

/// A webhook endpoint just registered, with its signing secret (in this response only).
#[derive(Serialize, JsonSchema)]
pub(crate) struct EndpointCreated {
    #[serde(flatten)]
    endpoint: Endpoint,
    /// The secret that signs its deliveries.
    secret: String,
}

/// The platform's webhook endpoints.
#[derive(Serialize, JsonSchema)]
pub(crate) struct Endpoints {
    webhooks: Vec<Endpoint>,
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
        value(&EndpointCreated {
            endpoint: endpoint(e),
            secret: e.secret.clone(),
        })
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
) -> Result<Reply<Endpoints>, AppError> {
    let list = state.store.endpoints(&tenant.0).await?;
    Ok(Reply(Endpoints {
        webhooks: list.iter().map(endpoint).collect(),
    }))
}
/// A delivery of the outbox.
#[derive(Serialize, JsonSchema)]
pub(crate) struct Delivery {
    id: String,
    webhook_id: String,
    /// The event's id: the same on every attempt and redelivery.
    event_id: String,
    event_type: String,
    /// `pending`, `delivered` or `failed`.
    status: String,
    attempts: i64,
    /// When it is tried next (pending only).
    next_attempt_at: Option<Time>,
    last_attempt_at: Option<Time>,
    /// The HTTP status of the last attempt.
    last_status: Option<i64>,
    last_error: Option<String>,
    created_at: Time,
    delivered_at: Option<Time>,
}

fn delivery(d: &DeliveryRow) -> Delivery {
    Delivery {
        id: d.id.clone(),
        webhook_id: d.endpoint_id.clone(),
        event_id: d.event_id.clone(),
        event_type: d.event_type.clone(),
        status: d.status.clone(),
        attempts: d.attempts,
        next_attempt_at: (d.status == "pending").then(|| Time::at(d.next_attempt_at)),
        last_attempt_at: d.last_attempt_at.map(Time::at),
        last_status: d.last_status,
        last_error: d.last_error.clone(),
        created_at: Time::at(d.created_at),
        delivered_at: d.delivered_at.map(Time::at),
    }
}

/// Outbox deliveries, newest first.
#[derive(Serialize, JsonSchema)]
pub(crate) struct Deliveries {
    deliveries: Vec<Delivery>,
}
pub(super) async fn list_deliveries(
    State(state): State<AppState>,
    tenant: Tenant,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Reply<Deliveries>, AppError> {
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
    Ok(Reply(Deliveries {
        deliveries: list.iter().map(delivery).collect(),
    }))
}
pub(super) async fn redeliver(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
    req: Idempotent<Unread>,
) -> Result<Response, AppError> {
    let s = state
        .store
        .redeliver(
            &tenant.0,
            &req.idem,
            &id,
            &|d| value(&delivery(d)),
            state.now(),
        )
        .await?;
    Ok(stored(&state, s))
}

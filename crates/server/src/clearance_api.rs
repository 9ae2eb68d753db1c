//! Handlers of clearance visibility and risk: parcel timelines, webhook endpoints and deliveries,
//! inspection-rate alerts, seller profiles and complaints, and the risk block of a quote.

use crate::error::AppError;
use crate::money::{parse_amount, to_minor};
use crate::plumbing::{dec, idempotency, parse_body, stored, Tenant};
use crate::state::AppState;
use crate::store::{
    Declaration, DeliveryRow, EndpointRow, EventOutcome, EventReq, EventRow, LineRow, NewLine,
    ParcelRow,
};
use crate::{inspection, webhook};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use landed_domain::timeline::ParcelStatus;
use landed_domain::{profile, risk};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;

/// Longest parcel or seller id.
const MAX_ID_LEN: usize = 200;

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/parcels/{id}", get(get_parcel))
        .route("/v1/parcels/{id}/events", post(post_event))
        .route("/v1/webhooks", post(create_webhook).get(list_webhooks))
        .route("/v1/webhooks/deliveries", get(list_deliveries))
        .route("/v1/webhooks/deliveries/{id}/redeliver", post(redeliver))
        .route("/v1/alerts", get(list_alerts))
        .route("/v1/sellers/{id}/profile", get(seller_profile))
        .route("/v1/sellers/{id}/complaints", post(add_complaint))
}

pub(crate) fn check_id(id: &str, path: &str) -> Result<(), AppError> {
    if id.trim().is_empty() || id.len() > MAX_ID_LEN || id.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "invalid_value",
            path,
            format!("`{id}`: expected 1 to {MAX_ID_LEN} printable characters"),
        ));
    }
    Ok(())
}

/// The seller of a quote request: `Landed-Seller-Id` header or `seller_id` query parameter.
pub(crate) fn seller_of(
    headers: &HeaderMap,
    query: Option<&str>,
) -> Result<Option<String>, AppError> {
    let from_header = headers
        .get("landed-seller-id")
        .map(|v| {
            v.to_str().map(str::trim).map(str::to_string).map_err(|_| {
                AppError::invalid("invalid_value", "Landed-Seller-Id", "not visible ASCII")
            })
        })
        .transpose()?;
    let from_query = query
        .unwrap_or("")
        .split('&')
        .find_map(|p| p.strip_prefix("seller_id="))
        .map(str::to_string);
    let seller = match (from_header, from_query) {
        (Some(h), Some(q)) if h != q => {
            return Err(AppError::invalid(
                "seller_mismatch",
                "seller_id",
                "the Landed-Seller-Id header and the seller_id parameter differ",
            ))
        }
        (h, q) => h.or(q),
    };
    if let Some(s) = &seller {
        check_id(s, "seller_id")?;
    }
    Ok(seller)
}

/// Undervaluation flags of one line, against the platform's history.
async fn line_flag(
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

async fn seller_profile_of(
    state: &AppState,
    tenant: &str,
    seller: &str,
    now: i64,
) -> Result<profile::Profile, AppError> {
    let parcels = state.store.seller_parcels(tenant, seller).await?;
    let complaints = state.store.complaint_count(tenant, seller).await?;
    Ok(profile::profile(seller, &parcels, complaints, now))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventBody {
    status: String,
    occurred_at: String,
    #[serde(default)]
    quote_id: Option<String>,
    #[serde(default)]
    seller_id: Option<String>,
    #[serde(default)]
    destination: Option<String>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    lines: Option<Vec<LineBody>>,
    #[serde(default)]
    assessed_value: Option<String>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    location: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LineBody {
    hs6: String,
    quantity: i64,
    unit_value: String,
}

async fn declaration(
    state: &AppState,
    tenant: &str,
    b: &EventBody,
) -> Result<Declaration, AppError> {
    let quote = match &b.quote_id {
        Some(q) => Some(
            state
                .store
                .quote(tenant, q)
                .await?
                .ok_or(AppError::NotFound("quote"))?,
        ),
        None => None,
    };
    let destination = match (&b.destination, &quote) {
        (Some(d), _) => landed::parse::country(d, "destination")?,
        (None, Some(q)) => q.destination.clone(),
        (None, None) => {
            return Err(AppError::invalid(
                "missing_field",
                "destination",
                "a declaration needs destination (or quote_id)",
            ))
        }
    };
    let currency = match (&b.currency, &quote) {
        (Some(c), _) => landed::parse::currency(c, "currency")?,
        (None, Some(q)) => q.currency.clone(),
        (None, None) => {
            return Err(AppError::invalid(
                "missing_field",
                "currency",
                "a declaration needs currency (or quote_id)",
            ))
        }
    };
    if let Some(s) = &b.seller_id {
        check_id(s, "seller_id")?;
    }
    let body_lines = b.lines.as_deref().unwrap_or_default();
    if body_lines.is_empty() {
        return Err(AppError::invalid(
            "missing_field",
            "lines",
            "a declaration needs at least one line",
        ));
    }
    let mut lines = Vec::with_capacity(body_lines.len());
    for (i, l) in body_lines.iter().enumerate() {
        let path = |f: &str| format!("lines[{i}].{f}");
        if l.hs6.len() != 6 || !l.hs6.bytes().all(|c| c.is_ascii_digit()) {
            return Err(AppError::invalid(
                "invalid_value",
                path("hs6"),
                format!("`{}`: expected 6 digits", l.hs6),
            ));
        }
        if !(1..=1_000_000).contains(&l.quantity) {
            return Err(AppError::invalid(
                "invalid_value",
                path("quantity"),
                "expected 1 to 1000000",
            ));
        }
        let unit = parse_amount(&l.unit_value, &currency, &path("unit_value"))?;
        let flag = line_flag(
            state,
            tenant,
            i + 1,
            (&destination, &l.hs6, &currency),
            unit,
        )
        .await?;
        lines.push(NewLine {
            hs6: l.hs6.clone(),
            quantity: l.quantity,
            unit_value_minor: unit,
            flag,
        });
    }
    Ok(Declaration {
        quote_id: b.quote_id.clone(),
        seller_id: b.seller_id.clone(),
        destination,
        currency,
        lines,
    })
}

fn parcel_json(p: &ParcelRow) -> Value {
    let c = p.currency.as_str();
    json!({
        "parcel_id": p.id, "quote_id": p.quote_id, "seller_id": p.seller_id,
        "destination": p.destination, "currency": p.currency, "status": p.status,
        "declared_value": dec(p.declared_total_minor, c),
        "assessed_value": p.assessed_value_minor.map(|v| dec(v, c)),
        "inspected": p.inspected != 0, "held": p.held != 0,
        "terminal": ParcelStatus::parse(&p.status).is_some_and(ParcelStatus::is_terminal),
        "declared_at": crate::rfc3339(p.declared_at), "updated_at": crate::rfc3339(p.updated_at),
    })
}

fn event_json(e: &EventRow, previous: Option<&str>) -> Value {
    let mut v = json!({
        "event_id": e.id, "parcel_id": e.parcel_id, "seq": e.seq, "status": e.status,
        "previous_status": previous, "occurred_at": crate::rfc3339(e.occurred_at),
        "recorded_at": crate::rfc3339(e.recorded_at),
    });
    if let (Value::Object(out), Ok(Value::Object(detail))) =
        (&mut v, serde_json::from_str::<Value>(&e.detail))
    {
        out.extend(detail);
    }
    v
}

fn line_json(l: &LineRow) -> Value {
    let flag: Option<Value> = l.flag.as_deref().and_then(|f| serde_json::from_str(f).ok());
    json!({"line": l.line_no, "hs6": l.hs6, "quantity": l.quantity, "currency": l.currency,
           "unit_value": dec(l.unit_value_minor, &l.currency), "risk": flag})
}

fn flags_of(lines: &[LineRow]) -> Vec<Value> {
    lines
        .iter()
        .filter_map(|l| l.flag.as_deref().and_then(|f| serde_json::from_str(f).ok()))
        .collect()
}

async fn post_event(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(parcel_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    check_id(&parcel_id, "parcel_id")?;
    let path = format!("/v1/parcels/{parcel_id}/events");
    let (idem, _guard) = idempotency(&state, &tenant, &headers, &Method::POST, &path, &body)?;
    let b: EventBody = parse_body(&body)?;
    let status = ParcelStatus::parse(&b.status).ok_or_else(|| {
        AppError::invalid(
            "invalid_value",
            "status",
            format!(
                "`{}`: expected one of declared, under_inspection, awaiting_duty, released, held, returned, seized",
                b.status
            ),
        )
    })?;
    let occurred_at = crate::parse_rfc3339(&b.occurred_at).ok_or_else(|| {
        AppError::invalid(
            "invalid_date",
            "occurred_at",
            format!(
                "`{}`: expected an RFC 3339 date-time such as 2026-11-25T10:00:00Z",
                b.occurred_at
            ),
        )
    })?;
    let declaring = status == ParcelStatus::Declared;
    if !declaring {
        let extra = [
            ("quote_id", b.quote_id.is_some()),
            ("seller_id", b.seller_id.is_some()),
            ("destination", b.destination.is_some()),
            ("currency", b.currency.is_some()),
            ("lines", b.lines.is_some()),
        ];
        if let Some((f, _)) = extra.iter().find(|(_, present)| *present) {
            return Err(AppError::invalid(
                "field_not_allowed",
                *f,
                format!("`{f}` belongs to the declared event only"),
            ));
        }
    } else if b.assessed_value.is_some() {
        return Err(AppError::invalid(
            "field_not_allowed",
            "assessed_value",
            "a declaration has no assessed value yet",
        ));
    }
    let declaration = if declaring {
        Some(declaration(&state, &tenant.0, &b).await?)
    } else {
        None
    };
    let assessed_value_minor = match (&b.assessed_value, declaring) {
        (Some(v), false) => {
            let cur = state
                .store
                .parcel(&tenant.0, &parcel_id)
                .await?
                .map(|p| p.currency)
                .unwrap_or_default();
            if cur.is_empty() {
                None // no parcel: the state machine refuses the event below
            } else {
                Some(parse_amount(v, &cur, "assessed_value")?)
            }
        }
        _ => None,
    };
    let mut detail = serde_json::Map::new();
    for (k, v) in [
        ("reason", &b.reason),
        ("location", &b.location),
        ("assessed_value", &b.assessed_value),
    ] {
        if let Some(v) = v {
            detail.insert(k.into(), json!(v));
        }
    }
    let req = EventReq {
        parcel_id: parcel_id.clone(),
        status,
        occurred_at,
        detail: Value::Object(detail),
        declaration,
        assessed_value_minor,
    };
    let render = |o: &EventOutcome| {
        let mut v = json!({"event": event_json(&o.event, o.previous.as_deref()), "parcel": parcel_json(&o.parcel)});
        if o.event.status == ParcelStatus::Declared.as_str() {
            let flags = flags_of(&o.lines);
            v["risk"] = json!({"high_risk": !flags.is_empty(), "undervaluation": flags});
        }
        v
    };
    let s = state
        .store
        .record_event(&tenant.0, &idem, &req, &render, state.now())
        .await?;
    Ok(stored(&state, s))
}

async fn get_parcel(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let p = state
        .store
        .parcel(&tenant.0, &id)
        .await?
        .ok_or(AppError::NotFound("parcel"))?;
    let lines = state.store.parcel_lines(&tenant.0, &id).await?;
    let events = state.store.parcel_events(&tenant.0, &id).await?;
    let mut v = parcel_json(&p);
    let flags = flags_of(&lines);
    v["lines"] = Value::Array(lines.iter().map(line_json).collect());
    v["risk"] = json!({"high_risk": !flags.is_empty(), "undervaluation": flags});
    let mut previous: Option<&str> = None;
    let mut timeline = Vec::with_capacity(events.len());
    for e in &events {
        timeline.push(event_json(e, previous));
        previous = Some(&e.status);
    }
    v["timeline"] = Value::Array(timeline);
    Ok(Json(v))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WebhookBody {
    url: String,
    #[serde(default)]
    event_types: Option<Vec<String>>,
}

fn endpoint_json(e: &EndpointRow) -> Value {
    json!({"id": e.id, "url": e.url, "event_types": e.event_types.split(' ').collect::<Vec<_>>(),
           "created_at": crate::rfc3339(e.created_at)})
}

async fn create_webhook(
    State(state): State<AppState>,
    tenant: Tenant,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let (idem, _guard) = idempotency(
        &state,
        &tenant,
        &headers,
        &Method::POST,
        "/v1/webhooks",
        &body,
    )?;
    let b: WebhookBody = parse_body(&body)?;
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
        .create_endpoint(&tenant.0, &idem, &e, &render, now)
        .await?;
    Ok(stored(&state, s))
}

async fn list_webhooks(
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

async fn list_deliveries(
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

async fn redeliver(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let path = format!("/v1/webhooks/deliveries/{id}/redeliver");
    let (idem, _guard) = idempotency(&state, &tenant, &headers, &Method::POST, &path, &body)?;
    let s = state
        .store
        .redeliver(&tenant.0, &idem, &id, &delivery_json, state.now())
        .await?;
    Ok(stored(&state, s))
}

async fn list_alerts(
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

async fn seller_profile(
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
struct ComplaintBody {
    reason: String,
    #[serde(default)]
    parcel_id: Option<String>,
}

async fn add_complaint(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(seller): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    check_id(&seller, "seller_id")?;
    let path = format!("/v1/sellers/{seller}/complaints");
    let (idem, _guard) = idempotency(&state, &tenant, &headers, &Method::POST, &path, &body)?;
    let b: ComplaintBody = parse_body(&body)?;
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
            &idem,
            &seller,
            b.parcel_id.as_deref(),
            &b.reason,
            &render,
            now,
        )
        .await?;
    Ok(stored(&state, s))
}

//! `/v1/parcels`: a parcel's clearance status events (carriers, brokers), its declaration checked
//! for undervaluation, and its timeline.

use crate::error::AppError;
use crate::http::extract::{check_id, dec, stored, Idempotent, ParcelId, Tenant};
use crate::http::risk::line_flag;
use crate::http::state::AppState;
use crate::money::parse_amount;
use crate::store::{Declaration, EventOutcome, EventReq, EventRow, LineRow, NewLine, ParcelRow};
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Json;
use landed_domain::timeline::ParcelStatus;
use serde::Deserialize;
use serde_json::{json, Value};
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EventBody {
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
pub(super) async fn post_event(
    State(state): State<AppState>,
    tenant: Tenant,
    ParcelId(parcel_id): ParcelId,
    req: Idempotent<EventBody>,
) -> Result<Response, AppError> {
    let b = &req.body;
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
        Some(declaration(&state, &tenant.0, b).await?)
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
    let event = EventReq {
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
        .record_event(&tenant.0, &req.idem, &event, &render, state.now())
        .await?;
    Ok(stored(&state, s))
}
pub(super) async fn get_parcel(
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

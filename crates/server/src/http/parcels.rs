//! `/v1/parcels`: a parcel's clearance status events (carriers, brokers), its declaration checked
//! for undervaluation, and its timeline.

use crate::error::AppError;
use crate::http::extract::{check_id, stored, Idempotent, ParcelId, Tenant};
use crate::http::risk::{line_flag, RiskFlags, UndervaluationFlag};
use crate::http::state::AppState;
use crate::http::views::{value, Amount, Reply, Time};
use crate::money::parse_amount;
use crate::store::{Declaration, EventOutcome, EventReq, EventRow, LineRow, NewLine, ParcelRow};
use axum::extract::{Path, State};
use axum::response::Response;
use landed_domain::timeline::ParcelStatus;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use serde_json::Value;
/// A clearance status event. The declared event carries the declaration (lines, seller,
/// destination, currency or quote_id); later events may carry reason, location and
/// assessed_value.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ParcelEventBody")]
pub(super) struct EventBody {
    #[schemars(schema_with = "parcel_status")]
    status: String,
    /// When it happened, from the carrier or broker (RFC 3339).
    #[schemars(extend("format" = "date-time"))]
    occurred_at: String,
    /// The quote the parcel ships (declared only): its destination and currency by default.
    #[serde(default)]
    quote_id: Option<String>,
    /// Declared only.
    #[serde(default)]
    seller_id: Option<String>,
    /// ISO 3166 alpha-2 (declared only; or quote_id).
    #[serde(default)]
    destination: Option<String>,
    /// ISO 4217 (declared only; or quote_id).
    #[serde(default)]
    currency: Option<String>,
    /// The declared lines (declared only, at least one).
    #[serde(default)]
    lines: Option<Vec<LineBody>>,
    /// The customs value assessed (not on the declaration), a decimal amount.
    #[serde(default)]
    assessed_value: Option<String>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    location: Option<String>,
}

/// A declared line.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "DeclaredLineBody")]
struct LineBody {
    #[schemars(extend("pattern" = "^[0-9]{6}$"))]
    hs6: String,
    #[schemars(extend("minimum" = 1, "maximum" = 1_000_000))]
    quantity: i64,
    /// A decimal amount in the declaration's currency.
    unit_value: String,
}

/// A timeline status, by its wire name.
fn parcel_status(_: &mut SchemaGenerator) -> Schema {
    let names = ParcelStatus::ALL.map(ParcelStatus::as_str);
    json_schema!({"type": "string", "enum": names})
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
/// A parcel: its declaration's totals and where it stands.
#[derive(Serialize, JsonSchema)]
pub(crate) struct Parcel {
    parcel_id: String,
    quote_id: Option<String>,
    seller_id: Option<String>,
    destination: String,
    currency: String,
    /// Its timeline status: `declared`, `under_inspection`, `awaiting_duty`, `released`, ...
    status: String,
    declared_value: Amount,
    /// The customs value customs assessed, once an event said so.
    assessed_value: Option<Amount>,
    inspected: bool,
    held: bool,
    /// Released, returned or seized: no event can follow.
    terminal: bool,
    declared_at: Time,
    updated_at: Time,
}

fn parcel(p: &ParcelRow) -> Parcel {
    let c = p.currency.as_str();
    Parcel {
        parcel_id: p.id.clone(),
        quote_id: p.quote_id.clone(),
        seller_id: p.seller_id.clone(),
        destination: p.destination.clone(),
        currency: p.currency.clone(),
        status: p.status.clone(),
        declared_value: Amount::of(p.declared_total_minor, c),
        assessed_value: p.assessed_value_minor.map(|v| Amount::of(v, c)),
        inspected: p.inspected != 0,
        held: p.held != 0,
        terminal: ParcelStatus::parse(&p.status).is_some_and(ParcelStatus::is_terminal),
        declared_at: Time::at(p.declared_at),
        updated_at: Time::at(p.updated_at),
    }
}

/// A status event of a parcel's timeline.
#[derive(Serialize, JsonSchema)]
pub(crate) struct TimelineEvent {
    event_id: String,
    parcel_id: String,
    /// 1 for the declaration, then one more per event.
    seq: i64,
    status: String,
    /// The status before it; `null` for the declaration.
    previous_status: Option<String>,
    occurred_at: Time,
    recorded_at: Time,
    #[serde(flatten)]
    detail: EventDetail,
}

/// What an event carried besides its status, as given (each absent when not given).
#[derive(Default, Serialize, Deserialize, JsonSchema)]
struct EventDetail {
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<String>,
    /// The customs value assessed, as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    assessed_value: Option<String>,
}

fn timeline_event(e: &EventRow, previous: Option<&str>) -> TimelineEvent {
    TimelineEvent {
        event_id: e.id.clone(),
        parcel_id: e.parcel_id.clone(),
        seq: e.seq,
        status: e.status.clone(),
        previous_status: previous.map(str::to_string),
        occurred_at: Time::at(e.occurred_at),
        recorded_at: Time::at(e.recorded_at),
        detail: serde_json::from_str(&e.detail).unwrap_or_default(),
    }
}

/// A declared line with its undervaluation flag.
#[derive(Serialize, JsonSchema)]
pub(crate) struct DeclaredLine {
    /// 1-based.
    line: i64,
    hs6: String,
    quantity: i64,
    currency: String,
    unit_value: Amount,
    /// The flag raised at declaration; `null` when the unit value was not suspect.
    #[schemars(with = "Option<UndervaluationFlag>")]
    risk: Option<Value>,
}

/// A stored flag, served as it was written.
fn stored_flag(l: &LineRow) -> Option<Value> {
    l.flag.as_deref().and_then(|f| serde_json::from_str(f).ok())
}

fn flags_of(lines: &[LineRow]) -> RiskFlags {
    RiskFlags::of(lines.iter().filter_map(stored_flag).collect())
}

/// The response of a recorded event.
#[derive(Serialize, JsonSchema)]
pub(crate) struct EventRecorded {
    event: TimelineEvent,
    parcel: Parcel,
    /// The declaration's undervaluation flags (the declared event only).
    #[serde(skip_serializing_if = "Option::is_none")]
    risk: Option<RiskFlags>,
}

/// A parcel with its declared lines, their flags and its timeline.
#[derive(Serialize, JsonSchema)]
pub(crate) struct ParcelDetail {
    #[serde(flatten)]
    parcel: Parcel,
    lines: Vec<DeclaredLine>,
    risk: RiskFlags,
    timeline: Vec<TimelineEvent>,
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
            detail.insert(k.into(), Value::String(v.clone()));
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
        value(&EventRecorded {
            event: timeline_event(&o.event, o.previous.as_deref()),
            parcel: parcel(&o.parcel),
            risk: (o.event.status == ParcelStatus::Declared.as_str()).then(|| flags_of(&o.lines)),
        })
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
) -> Result<Reply<ParcelDetail>, AppError> {
    let p = state
        .store
        .parcel(&tenant.0, &id)
        .await?
        .ok_or(AppError::NotFound("parcel"))?;
    let lines = state.store.parcel_lines(&tenant.0, &id).await?;
    let events = state.store.parcel_events(&tenant.0, &id).await?;
    let mut previous: Option<&str> = None;
    let mut timeline = Vec::with_capacity(events.len());
    for e in &events {
        timeline.push(timeline_event(e, previous));
        previous = Some(&e.status);
    }
    Ok(Reply(ParcelDetail {
        parcel: parcel(&p),
        lines: lines
            .iter()
            .map(|l| DeclaredLine {
                line: l.line_no,
                hs6: l.hs6.clone(),
                quantity: l.quantity,
                currency: l.currency.clone(),
                unit_value: Amount::of(l.unit_value_minor, &l.currency),
                risk: stored_flag(l),
            })
            .collect(),
        risk: flags_of(&lines),
        timeline,
    }))
}

//! The learning loop's catalogue memory over HTTP: the platform's confirmed HS codes per SKU
//! (`/v1/catalogue`), brokers' corrections, the file the browser and CLI load
//! (`/v1/catalogue/export`, the core's `landed-catalogue` v1), and the tenant's settings. A quote
//! reads the catalogue through [`catalogue_for`].

use crate::error::AppError;
use crate::http::extract::{check_id, stored, Idempotent, Sku, Tenant};
use crate::http::state::AppState;
use crate::store::{CatalogueRow, EntryOutcome, NewEntry, SkuRow};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use landed::catalogue::{Catalogue, Confirmation, Confirmed};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;

/// Default and largest page of `GET /v1/catalogue`.
const PAGE: (usize, usize) = (100, 1000);

/// The routes of this module.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/catalogue", get(list))
        // The export's path would hide a SKU named `export`: PUT still reaches it here.
        .route(
            "/v1/catalogue/export",
            get(export).put(put_sku_named_export),
        )
        .route("/v1/catalogue/{sku}", get(get_sku).put(put_entry))
        .route("/v1/catalogue/{sku}/corrections", post(broker_correction))
}

/// An HS code given in a request, carried onto HS 2022: `(code, edition given, warning)`. The
/// warning (`hs_edition_mapped`) says how a retired HS 2017 code was mapped.
pub(crate) fn checked_hs(
    pack: &landed::Pack,
    value: &str,
    edition: Option<u16>,
    path: &str,
    edition_path: &str,
) -> Result<(String, i64, Option<Value>), AppError> {
    let edition = edition.unwrap_or(landed::hs::CURRENT_EDITION);
    if !landed::hs::EDITIONS.contains(&edition) {
        return Err(AppError::invalid(
            "invalid_value",
            edition_path,
            format!("HS edition {edition} is not supported: expected 2017 or 2022"),
        ));
    }
    let digits = landed::basket::hs_code(value, path)?;
    let current = landed::hs::to_current(pack, &digits, edition, path)?;
    let warning = current
        .mapped
        .map(|m| json!({"code": "hs_edition_mapped", "message": m, "path": path}));
    Ok((current.code, i64::from(edition), warning))
}

/// The wire name of where a quoted line's code came from (`quoted_source`).
pub(crate) fn source_name(s: landed::quote::HsSource) -> &'static str {
    use landed::quote::HsSource;
    match s {
        HsSource::Merchant => "merchant",
        HsSource::Classifier => "classifier",
        HsSource::Catalogue => "catalogue",
        HsSource::Missing => "missing",
    }
}

fn confirmed(r: &CatalogueRow) -> Result<Confirmed, AppError> {
    let bad = |what: &str| AppError::Internal(format!("catalogue entry {}: bad {what}", r.id));
    Ok(Confirmed {
        sku: r.sku.clone(),
        hs_code: r.hs_code.clone(),
        source: Confirmation::parse(&r.source).ok_or_else(|| bad("source"))?,
        confirmed_on: r.confirmed_on.parse().map_err(|_| bad("date"))?,
        destination: (!r.destination.is_empty()).then(|| r.destination.clone()),
    })
}

fn catalogue(
    tenant: &str,
    today: landed::Date,
    entries: Vec<Confirmed>,
) -> Result<Catalogue, AppError> {
    Catalogue::new(tenant.to_string(), today, entries)
        .map_err(|e| AppError::Internal(format!("catalogue: {e}")))
}

/// The platform's catalogue for the SKUs (item ids) of a basket; `None` when it knows none.
pub(crate) async fn catalogue_for(
    state: &AppState,
    tenant: &str,
    basket: &landed::Basket,
    today: landed::Date,
) -> Result<Option<Catalogue>, AppError> {
    let skus: Vec<String> = basket.items.iter().map(|it| it.id.clone()).collect();
    let rows = state.store.catalogue_current(tenant, &skus).await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let entries = rows.iter().map(confirmed).collect::<Result<_, _>>()?;
    catalogue(tenant, today, entries).map(Some)
}

pub(crate) fn entry_json(e: &CatalogueRow) -> Value {
    json!({
        "sku": e.sku, "hs_code": e.hs_code, "source": e.source,
        "destination": (!e.destination.is_empty()).then_some(&e.destination),
        "confirmed_on": e.confirmed_on, "recorded_at": crate::rfc3339(e.recorded_at),
        "given": {"hs_code": e.given_code, "hs_edition": e.given_edition},
        "quote_id": e.quote_id, "parcel_id": e.parcel_id, "note": e.note,
    })
}

fn last_quoted_json(s: &SkuRow) -> Value {
    json!({"quote_id": s.last_quote_id, "destination": s.last_destination, "hs_code": s.last_hs_code,
           "hs_source": s.last_hs_source, "description": s.description,
           "first_quoted_at": crate::rfc3339(s.first_quoted_at), "last_quoted_at": crate::rfc3339(s.last_quoted_at)})
}

/// The server clock's day (catalogue dates are the day a code was recorded).
fn today(state: &AppState) -> Result<landed::Date, AppError> {
    landed::Date::from_days_since_epoch(state.now().div_euclid(86_400_000_000))
        .ok_or_else(|| AppError::Internal("clock out of range".into()))
}

async fn get_sku(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(sku): Path<String>,
) -> Result<Json<Value>, AppError> {
    check_id(&sku, "sku")?;
    let history = state.store.catalogue_history(&tenant.0, &sku).await?;
    let quoted = state.store.sku(&tenant.0, &sku).await?;
    if history.is_empty() && quoted.is_none() {
        return Err(AppError::UnknownSku(sku));
    }
    // Newest first: the first row of each destination is its current entry.
    let mut current: Vec<&CatalogueRow> = Vec::new();
    for e in &history {
        if !current.iter().any(|c| c.destination == e.destination) {
            current.push(e);
        }
    }
    current.sort_by(|a, b| a.destination.cmp(&b.destination));
    Ok(Json(json!({
        "sku": sku,
        "current": current.into_iter().map(entry_json).collect::<Vec<_>>(),
        "history": history.iter().map(entry_json).collect::<Vec<_>>(),
        "last_quoted": quoted.as_ref().map(last_quoted_json),
    })))
}

async fn list(
    State(state): State<AppState>,
    tenant: Tenant,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, AppError> {
    let limit = match q.get("limit") {
        None => PAGE.0,
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=PAGE.1).contains(n))
            .ok_or_else(|| {
                AppError::invalid(
                    "invalid_value",
                    "limit",
                    format!("`{l}`: expected 1 to {}", PAGE.1),
                )
            })?,
    };
    let after = q.get("after").map_or("", String::as_str);
    let mut skus = state
        .store
        .catalogue_skus(
            &tenant.0,
            after,
            i64::try_from(limit + 1).unwrap_or(i64::MAX),
        )
        .await?;
    let more = skus.len() > limit;
    skus.truncate(limit);
    let rows = state.store.catalogue_current(&tenant.0, &skus).await?;
    let items: Vec<Value> = skus
        .iter()
        .map(|s| {
            let entries: Vec<Value> = rows
                .iter()
                .filter(|r| &r.sku == s)
                .map(entry_json)
                .collect();
            json!({"sku": s, "entries": entries})
        })
        .collect();
    Ok(Json(json!({
        "items": items,
        "next_after": if more { skus.last().cloned() } else { None },
    })))
}

async fn export(
    State(state): State<AppState>,
    tenant: Tenant,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, AppError> {
    let destination = q
        .get("destination")
        .map(|d| landed::basket::country(d, "destination").map_err(AppError::Core))
        .transpose()?;
    let rows = state.store.catalogue_all_current(&tenant.0).await?;
    let entries: Vec<Confirmed> = rows.iter().map(confirmed).collect::<Result<_, _>>()?;
    let today = today(&state)?;
    let mut cat = catalogue(&tenant.0, today, entries)?;
    if let Some(d) = destination {
        // For one destination: per SKU the entry a quote there would use, nothing else. The
        // smaller file answers every lookup for that destination as the whole catalogue does.
        let mut skus: Vec<&str> = cat.entries().iter().map(|e| e.sku.as_str()).collect();
        skus.dedup();
        let kept: Vec<Confirmed> = skus
            .iter()
            .filter_map(|s| cat.lookup(s, &d).map(|k| k.entry.clone()))
            .collect();
        cat = catalogue(&tenant.0, today, kept)?;
    }
    Ok(Json(serde_json::to_value(cat.to_input())?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryBody {
    hs_code: String,
    #[serde(default)]
    hs_edition: Option<u16>,
    #[serde(default)]
    destination: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

fn entry_response<'a>(
    sku: &'a str,
    warnings: &'a [Value],
) -> impl Fn(&EntryOutcome) -> (u16, Value) + Sync + 'a {
    move |o: &EntryOutcome| {
        let mut v = json!({"sku": sku, "entry": entry_json(&o.entry), "recorded": o.recorded, "warnings": warnings});
        if let Some(a) = &o.assessment {
            v["correction"] = json!({"quoted_code": a.quoted_code, "quoted_source": a.quoted_source,
                                     "corrected_code": a.assessed_code, "misclassified": a.misclassified != 0});
        }
        (if o.recorded { 201 } else { 200 }, v)
    }
}

/// Records a code for a SKU: the merchant's (`PUT /v1/catalogue/{sku}`) or a broker's correction
/// (`POST /v1/catalogue/{sku}/corrections`, for one destination).
async fn record_entry(
    state: &AppState,
    sku: String,
    req: Idempotent<EntryBody>,
    source: Confirmation,
) -> Result<Response, AppError> {
    let broker = source == Confirmation::BrokerCorrected;
    let (tenant, b) = (&req.tenant, req.body);
    let (hs_code, edition, warning) = checked_hs(
        &state.pack,
        &b.hs_code,
        b.hs_edition,
        "hs_code",
        "hs_edition",
    )?;
    let destination = b
        .destination
        .as_deref()
        .map(|d| landed::basket::country(d, "destination").map_err(AppError::Core))
        .transpose()?;
    if broker && destination.is_none() {
        return Err(AppError::invalid(
            "missing_field",
            "destination",
            "a broker's correction is for the destination whose customs it concerns",
        ));
    }
    if b.note.as_ref().is_some_and(|n| n.len() > 2000) {
        return Err(AppError::invalid(
            "invalid_value",
            "note",
            "at most 2000 characters",
        ));
    }
    let entry = NewEntry {
        sku: sku.clone(),
        destination: destination.unwrap_or_default(),
        hs_code,
        source,
        given_code: b.hs_code.clone(),
        given_edition: edition,
        note: b.note,
    };
    let warnings: Vec<Value> = warning.into_iter().collect();
    let s = state
        .store
        .record_catalogue_entry(
            &tenant.0,
            &req.idem,
            &entry,
            &entry_response(&sku, &warnings),
            state.now(),
        )
        .await?;
    Ok(stored(state, s))
}

async fn put_entry(
    State(state): State<AppState>,
    _: Tenant,
    Sku(sku): Sku,
    req: Idempotent<EntryBody>,
) -> Result<Response, AppError> {
    record_entry(&state, sku, req, Confirmation::MerchantEntered).await
}

/// `PUT /v1/catalogue/{sku}` for the SKU named `export`, whose GET is the export.
async fn put_sku_named_export(
    State(state): State<AppState>,
    req: Idempotent<EntryBody>,
) -> Result<Response, AppError> {
    record_entry(&state, "export".into(), req, Confirmation::MerchantEntered).await
}

async fn broker_correction(
    State(state): State<AppState>,
    _: Tenant,
    Sku(sku): Sku,
    req: Idempotent<EntryBody>,
) -> Result<Response, AppError> {
    record_entry(&state, sku, req, Confirmation::BrokerCorrected).await
}

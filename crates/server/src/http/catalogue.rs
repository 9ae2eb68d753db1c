//! The learning loop's catalogue memory over HTTP: the platform's confirmed HS codes per SKU
//! (`/v1/catalogue`), brokers' corrections, the file the browser and CLI load
//! (`/v1/catalogue/export`, the core's `landed-catalogue` v1), and the tenant's settings. A quote
//! reads the catalogue through [`catalogue_for`].

use crate::error::AppError;
use crate::http::extract::{check_id, stored, Idempotent, Sku, Tenant};
use crate::http::state::AppState;
use crate::http::views::{value, Reply, Time, Warning};
use crate::store::{CatalogueRow, EntryOutcome, NewEntry, SkuRow};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Json;
use landed::catalogue::{Catalogue, Confirmation, Confirmed};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;
use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::HashMap;

/// Default and largest page of `GET /v1/catalogue`.
const PAGE: (usize, usize) = (100, 1000);

/// An HS code given in a request, carried onto HS 2022: `(code, edition given, warning)`. The
/// warning (`hs_edition_mapped`) says how a retired HS 2017 code was mapped.
pub(crate) fn checked_hs(
    pack: &landed::Pack,
    value: &str,
    edition: Option<u16>,
    path: &str,
    edition_path: &str,
) -> Result<(String, i64, Option<Warning>), AppError> {
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
    let warning = current.mapped.map(|message| Warning {
        code: "hs_edition_mapped".into(),
        message,
        path: path.into(),
    });
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

/// A confirmed HS code of a SKU.
#[derive(Serialize, JsonSchema)]
pub(crate) struct CatalogueEntry {
    sku: String,
    /// HS 2022.
    hs_code: String,
    /// `merchant_entered`, `broker_corrected` or `customs_assessed`.
    source: String,
    /// `null`: for every destination.
    destination: Option<String>,
    confirmed_on: String,
    recorded_at: Time,
    /// The code as given, before an HS 2017 code was mapped.
    given: Given,
    quote_id: Option<String>,
    parcel_id: Option<String>,
    note: Option<String>,
}

/// A code as given.
#[derive(Serialize, JsonSchema)]
pub(crate) struct Given {
    hs_code: String,
    hs_edition: i64,
}

fn entry(e: &CatalogueRow) -> CatalogueEntry {
    CatalogueEntry {
        sku: e.sku.clone(),
        hs_code: e.hs_code.clone(),
        source: e.source.clone(),
        destination: (!e.destination.is_empty()).then(|| e.destination.clone()),
        confirmed_on: e.confirmed_on.clone(),
        recorded_at: Time::at(e.recorded_at),
        given: Given {
            hs_code: e.given_code.clone(),
            hs_edition: e.given_edition,
        },
        quote_id: e.quote_id.clone(),
        parcel_id: e.parcel_id.clone(),
        note: e.note.clone(),
    }
}

/// What a SKU was last quoted with.
#[derive(Serialize, JsonSchema)]
pub(crate) struct LastQuoted {
    quote_id: String,
    destination: String,
    hs_code: Option<String>,
    hs_source: String,
    description: String,
    first_quoted_at: Time,
    last_quoted_at: Time,
}

fn last_quoted(s: &SkuRow) -> LastQuoted {
    LastQuoted {
        quote_id: s.last_quote_id.clone(),
        destination: s.last_destination.clone(),
        hs_code: s.last_hs_code.clone(),
        hs_source: s.last_hs_source.clone(),
        description: s.description.clone(),
        first_quoted_at: Time::at(s.first_quoted_at),
        last_quoted_at: Time::at(s.last_quoted_at),
    }
}

/// A SKU: its current codes (one per destination), their history, newest first, and what it
/// was last quoted with.
#[derive(Serialize, JsonSchema)]
pub(crate) struct SkuView {
    sku: String,
    current: Vec<CatalogueEntry>,
    history: Vec<CatalogueEntry>,
    last_quoted: Option<LastQuoted>,
}

/// A page of the catalogue, by SKU.
#[derive(Serialize, JsonSchema)]
pub(crate) struct CataloguePage {
    items: Vec<SkuEntries>,
    /// The `after` of the next page; `null` on the last.
    next_after: Option<String>,
}

/// A SKU's current entries.
#[derive(Serialize, JsonSchema)]
pub(crate) struct SkuEntries {
    sku: String,
    entries: Vec<CatalogueEntry>,
}

/// A code recorded (`recorded: true`, 201) or already current (`recorded: false`, 200).
#[derive(Serialize, JsonSchema)]
pub(crate) struct EntryRecorded {
    sku: String,
    entry: CatalogueEntry,
    recorded: bool,
    warnings: Vec<Warning>,
    /// A broker's correction, compared with the code last quoted.
    #[serde(skip_serializing_if = "Option::is_none")]
    correction: Option<Correction>,
}

/// A broker's correction against the quoted code.
#[derive(Serialize, JsonSchema)]
pub(crate) struct Correction {
    quoted_code: Option<String>,
    quoted_source: String,
    corrected_code: String,
    misclassified: bool,
}

/// The server clock's day (catalogue dates are the day a code was recorded).
fn today(state: &AppState) -> Result<landed::Date, AppError> {
    landed::Date::from_days_since_epoch(state.now().div_euclid(86_400_000_000))
        .ok_or_else(|| AppError::Internal("clock out of range".into()))
}

pub(super) async fn get_sku(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(sku): Path<String>,
) -> Result<Reply<SkuView>, AppError> {
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
    Ok(Reply(SkuView {
        sku,
        current: current.into_iter().map(entry).collect(),
        history: history.iter().map(entry).collect(),
        last_quoted: quoted.as_ref().map(last_quoted),
    }))
}

pub(super) async fn list(
    State(state): State<AppState>,
    tenant: Tenant,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Reply<CataloguePage>, AppError> {
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
    let items = skus
        .iter()
        .map(|s| SkuEntries {
            sku: s.clone(),
            entries: rows.iter().filter(|r| &r.sku == s).map(entry).collect(),
        })
        .collect();
    Ok(Reply(CataloguePage {
        items,
        next_after: if more { skus.last().cloned() } else { None },
    }))
}

pub(super) async fn export(
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

/// An HS code for a SKU: the merchant's, or a broker's correction (`destination` required).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EntryBody {
    /// 6 to 10 digits, dots allowed.
    hs_code: String,
    /// 2017 or 2022 (the default): an HS 2017 code is mapped to HS 2022 (warning
    /// `hs_edition_mapped`) or refused (`hs_edition_ambiguous`, with its successors).
    #[serde(default)]
    hs_edition: Option<u16>,
    /// ISO 3166 alpha-2; omitted: for every destination.
    #[serde(default)]
    destination: Option<String>,
    /// At most 2000 characters.
    #[serde(default)]
    note: Option<String>,
}

/// The body of a broker's correction: an [`EntryBody`] whose `destination` is required
/// (schema only: the handler reads an `EntryBody` and checks it).
pub(crate) enum CorrectionBody {}

impl JsonSchema for CorrectionBody {
    fn schema_name() -> Cow<'static, str> {
        "BrokerCorrectionBody".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let mut schema = EntryBody::json_schema(generator);
        if let Some(Value::Array(required)) = schema.get_mut("required") {
            required.push("destination".into());
        }
        schema
    }
}

fn entry_response<'a>(
    sku: &'a str,
    warnings: &'a [Warning],
) -> impl Fn(&EntryOutcome) -> (u16, Value) + Sync + 'a {
    move |o: &EntryOutcome| {
        let view = EntryRecorded {
            sku: sku.to_string(),
            entry: entry(&o.entry),
            recorded: o.recorded,
            warnings: warnings.to_vec(),
            correction: o.assessment.as_ref().map(|a| Correction {
                quoted_code: a.quoted_code.clone(),
                quoted_source: a.quoted_source.clone(),
                corrected_code: a.assessed_code.clone(),
                misclassified: a.misclassified != 0,
            }),
        };
        (if o.recorded { 201 } else { 200 }, value(&view))
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
    let warnings: Vec<Warning> = warning.into_iter().collect();
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

pub(super) async fn put_entry(
    State(state): State<AppState>,
    _: Tenant,
    Sku(sku): Sku,
    req: Idempotent<EntryBody>,
) -> Result<Response, AppError> {
    record_entry(&state, sku, req, Confirmation::MerchantEntered).await
}

/// `PUT /v1/catalogue/{sku}` for the SKU named `export`, whose GET is the export.
pub(super) async fn put_sku_named_export(
    State(state): State<AppState>,
    req: Idempotent<EntryBody>,
) -> Result<Response, AppError> {
    record_entry(&state, "export".into(), req, Confirmation::MerchantEntered).await
}

pub(super) async fn broker_correction(
    State(state): State<AppState>,
    _: Tenant,
    Sku(sku): Sku,
    req: Idempotent<EntryBody>,
) -> Result<Response, AppError> {
    record_entry(&state, sku, req, Confirmation::BrokerCorrected).await
}

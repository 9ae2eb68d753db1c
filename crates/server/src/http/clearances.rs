//! `POST /v1/clearances`: a customs clearance, settled in the ledger, with the HS codes customs
//! assessed per line. Each assessed line is compared with the code quoted (a misclassification
//! when they differ at the precision both have), priced by re-quoting the same basket with the
//! assessed code, and recorded with the clearance in one transaction, its code in the catalogue.

use crate::error::AppError;
use crate::http::catalogue::checked_hs;
use crate::http::extract::{stored, Idempotent};
use crate::http::quotes::verify_token;
use crate::http::state::AppState;
use crate::http::views::{self, value, AssessedLine, Clearance, Entry, Warning};
use crate::money::{parse_amount, to_minor};
use crate::store::{codes_agree, ClearanceOutcome, ClearanceReq, NewAssessment};
use axum::extract::State;
use axum::response::Response;
use landed_domain::ledger::Status;
use schemars::JsonSchema;
use serde::Deserialize;
use serde::Serialize;
use std::sync::atomic::Ordering;

/// A customs clearance of a parcel shipped with a quote.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ClearanceBody {
    #[serde(default)]
    quote_id: Option<String>,
    /// A quote token instead of (or checked against) quote_id.
    #[serde(default)]
    token: Option<String>,
    parcel_id: String,
    /// What customs assessed (cleared only).
    #[serde(default)]
    assessed: Option<AssessedBody>,
    currency: String,
    #[schemars(extend("enum" = ["cleared", "cancelled"]))]
    status: String,
    /// The HS codes customs assessed, per basket item (cleared only); each is compared with
    /// the quoted code, priced, and recorded in the catalogue.
    #[serde(default)]
    lines: Option<Vec<LineBody>>,
}

/// Decimal amounts in the clearance's currency.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct AssessedBody {
    duty: String,
    tax: String,
    fees: String,
}

/// An assessed line.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "AssessedLineBody")]
struct LineBody {
    /// The basket item's id (its SKU).
    id: String,
    /// 6 to 10 digits, dots allowed.
    hs_code: String,
    /// 2017 or 2022 (the default).
    #[serde(default)]
    hs_edition: Option<u16>,
}

/// Checks the assessed lines against the quote and prices them: the quoted code and source of
/// each line, its duty as quoted and as re-quoted with every assessed code in place (the same
/// basket, date and exchange rates). Returns the lines and the warnings (HS 2017 codes mapped;
/// the pack replaced since the quote).
async fn assessed_lines(
    state: &AppState,
    tenant: &str,
    quote_id: &str,
    lines: &[LineBody],
) -> Result<(Vec<NewAssessment>, Vec<Warning>), AppError> {
    if lines.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let row = state
        .store
        .quote(tenant, quote_id)
        .await?
        .ok_or(AppError::NotFound("quote"))?;
    let text = state
        .store
        .quote_basket(tenant, quote_id)
        .await?
        .ok_or(AppError::NotFound("quote"))?;
    let quote = crate::estimates::read_stored(&row.quote)?;
    let basket = landed::Basket::from_json(&text)?;
    let mut warnings = Vec::new();
    let mut found: Vec<(usize, String, String, i64)> = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        let path = |f: &str| format!("lines[{i}].{f}");
        let Some(at) = basket.items.iter().position(|it| it.id == l.id) else {
            let ids: Vec<&str> = basket
                .items
                .iter()
                .take(20)
                .map(|it| it.id.as_str())
                .collect();
            return Err(AppError::invalid(
                "unknown_item",
                path("id"),
                format!(
                    "`{}` is not an item of quote {quote_id} (its items: {})",
                    l.id,
                    ids.join(", ")
                ),
            ));
        };
        if found.iter().any(|f| f.0 == at) {
            return Err(AppError::invalid(
                "duplicate_entry",
                path("id"),
                format!("item `{}` is assessed twice", l.id),
            ));
        }
        let (code, edition, warning) = checked_hs(
            &state.pack,
            &l.hs_code,
            l.hs_edition,
            &path("hs_code"),
            &path("hs_edition"),
        )?;
        warnings.extend(warning);
        found.push((at, code, l.hs_code.clone(), edition));
    }
    // Re-quote with the codes the quote used, the assessed ones in place, on the quote's import
    // date and at the exchange rates it used (a pack loaded since may carry newer ones).
    let mut b = basket.clone();
    b.date = Some(quote.date);
    b.fx = quote
        .fx
        .iter()
        .map(|u| (u.from.clone(), u.to.clone(), u.rate))
        .collect();
    let header = &state.pack.header;
    if quote.pack.id != header.pack_id || quote.pack.version != header.pack_version {
        // The server holds one pack: rates or rules changed since the quote price the assessed
        // codes with the new data, while the quoted duty stays as quoted. Say so.
        warnings.push(Warning {
            code: "pack_changed".into(),
            message: format!(
                "quote {quote_id} was computed with pack {}@{}; the assessed codes are priced with pack {}@{} (the rates the quote used for currency conversion are kept)",
                quote.pack.id, quote.pack.version, header.pack_id, header.pack_version
            ),
            path: "lines".into(),
        });
    }
    for (item, line) in b.items.iter_mut().zip(&quote.lines) {
        item.hs_code.clone_from(&line.hs_code);
    }
    for (at, code, _, _) in &found {
        b.items[*at].hs_code = Some(code.clone());
    }
    let date = quote.date;
    let assessed = state
        .compute(move |state| {
            landed::Quoter::new(&state.pack)
                .quote(&b, date)
                .map_err(|e| {
                    AppError::invalid(
                        "assessment_not_quotable",
                        "lines",
                        format!("the quote cannot be recomputed with the assessed codes: {e}"),
                    )
                })
        })
        .await?;
    let cur = quote.currency.as_str();
    let mut out = Vec::with_capacity(found.len());
    for (i, (at, code, given, edition)) in found.into_iter().enumerate() {
        let (q, a) = (&quote.lines[at], &assessed.lines[at]);
        let path = format!("lines[{i}]");
        out.push(NewAssessment {
            item_id: basket.items[at].id.clone(),
            description: basket.items[at].description.clone(),
            quoted_code: q.hs_code.clone(),
            quoted_source: crate::http::catalogue::source_name(q.hs_source).into(),
            misclassified: q.hs_code.as_deref().is_none_or(|c| !codes_agree(c, &code)),
            assessed_code: code,
            given_code: given,
            given_edition: edition,
            quoted_duty_minor: to_minor(q.duty.amount, cur, &path)?,
            assessed_duty_minor: to_minor(a.duty.amount, cur, &path)?,
        });
    }
    Ok((out, warnings))
}

/// A clearance recorded (`posted: true`, 201) or found already recorded (`posted: false`, 200).
#[derive(Serialize, JsonSchema)]
pub(crate) struct Cleared {
    clearance: Clearance,
    posted: bool,
    /// The ledger entries it posted.
    entries: Vec<Entry>,
    lines: Vec<AssessedLine>,
    warnings: Vec<Warning>,
}

pub(crate) async fn create_clearance(
    State(state): State<AppState>,
    req: Idempotent<ClearanceBody>,
) -> Result<Response, AppError> {
    let (tenant, b) = (&req.tenant, req.body);
    let status = match b.status.as_str() {
        "cleared" => Status::Cleared,
        "cancelled" => Status::Cancelled,
        other => {
            return Err(AppError::invalid(
                "invalid_value",
                "status",
                format!("`{other}`: expected cleared or cancelled"),
            ))
        }
    };
    let quote_id = match (&b.quote_id, &b.token) {
        (None, None) => {
            return Err(AppError::invalid(
                "missing_field",
                "quote_id",
                "give quote_id or token",
            ))
        }
        (id, Some(token)) => {
            let claims = verify_token(&state, tenant, token, true)
                .await
                .map_err(|(reason, message)| AppError::Token { reason, message })?;
            if id.as_ref().is_some_and(|i| *i != claims.jti) {
                return Err(AppError::invalid(
                    "quote_mismatch",
                    "quote_id",
                    "quote_id differs from the token's jti",
                ));
            }
            claims.jti
        }
        (Some(id), None) => id.clone(),
    };
    if b.parcel_id.trim().is_empty() {
        return Err(AppError::invalid(
            "invalid_value",
            "parcel_id",
            "parcel_id is empty",
        ));
    }
    let currency = landed::parse::currency(&b.currency, "currency")?;
    let cur = currency.as_str();
    let (duty, tax, fees) = match (&b.assessed, status) {
        (Some(a), _) => (
            parse_amount(&a.duty, cur, "assessed.duty")?,
            parse_amount(&a.tax, cur, "assessed.tax")?,
            parse_amount(&a.fees, cur, "assessed.fees")?,
        ),
        (None, Status::Cancelled) => (0, 0, 0),
        (None, Status::Cleared) => {
            return Err(AppError::invalid(
                "missing_field",
                "assessed",
                "a cleared parcel needs assessed amounts",
            ))
        }
    };
    let lines = b.lines.as_deref().unwrap_or_default();
    if status == Status::Cancelled && !lines.is_empty() {
        return Err(AppError::invalid(
            "field_not_allowed",
            "lines",
            "a cancelled parcel was not assessed: no lines",
        ));
    }
    let (assessed, warnings) = assessed_lines(&state, &tenant.0, &quote_id, lines).await?;
    let clearance = ClearanceReq {
        quote_id,
        parcel_id: b.parcel_id,
        status,
        currency,
        duty,
        tax,
        fees,
        assessed,
    };
    let render = move |o: &ClearanceOutcome| {
        value(&Cleared {
            clearance: views::clearance(&o.clearance),
            posted: o.posted,
            entries: views::entries(&o.entries),
            lines: o.assessments.iter().map(views::assessed_line).collect(),
            warnings: warnings.clone(),
        })
    };
    let s = state
        .store
        .clear(&tenant.0, &req.idem, &clearance, render, state.now())
        .await?;
    if !s.replayed && s.status == 201 {
        state
            .metrics
            .clearances_posted
            .fetch_add(1, Ordering::Relaxed);
    }
    Ok(stored(&state, s))
}

//! `/v1/quotes`: create (recomputed by the core, signed), read, accept, verify a token.

use crate::error::AppError;
use crate::money::to_minor;
use crate::sign::{Claims, Key, TokenTotals};
use crate::store::{AcceptOutcome, NewQuote, QuoteRow, QuotedItem};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::sync::atomic::Ordering;

use crate::http::extract::{
    check_id, parse_body, stored, today, Idempotent, RequestBody, Tenant, Unread,
};
use crate::http::risk::QuoteRisk;
use crate::http::state::{AppState, ServerClassifier, QUOTE_TTL_SECS};
use crate::http::views::{self, value, Amount, Clearance, Entry, Reply, Time};
use crate::sign::{self, Invalid};

/// A quote request: the seller and `allow_estimates` from the head (checked before the key,
/// hashed as a normalized query after the path), the basket's text (the core parses it).
pub(crate) struct QuoteRequest {
    seller: Option<String>,
    allow_estimates: bool,
    text: String,
}

impl RequestBody for QuoteRequest {
    type Head = (Option<String>, bool);

    fn head(
        headers: &HeaderMap,
        query: Option<&str>,
    ) -> Result<((Option<String>, bool), String), AppError> {
        // The basket is the core's strict contract: the seller comes in a header or the query.
        let seller = seller_of(headers, query)?;
        let allow_estimates = crate::estimates::allowed(headers, query)?;
        let normalized = match (&seller, allow_estimates) {
            (None, false) => String::new(),
            (Some(s), false) => format!("?seller_id={s}"),
            (None, true) => "?allow_estimates=true".to_string(),
            (Some(s), true) => format!("?seller_id={s}&allow_estimates=true"),
        };
        Ok(((seller, allow_estimates), normalized))
    }

    fn parse(
        (seller, allow_estimates): (Option<String>, bool),
        body: &[u8],
    ) -> Result<QuoteRequest, AppError> {
        let text = std::str::from_utf8(body)
            .map_err(|_| AppError::invalid("invalid_json", "", "the body is not UTF-8"))?;
        Ok(QuoteRequest {
            seller,
            allow_estimates,
            text: text.to_string(),
        })
    }
}

pub(crate) async fn create_quote(
    State(state): State<AppState>,
    headers: HeaderMap,
    req: Idempotent<QuoteRequest>,
) -> Result<Response, AppError> {
    let (tenant, idem) = (&req.tenant, &req.idem);
    let QuoteRequest {
        seller,
        allow_estimates,
        text,
    } = &req.body;
    let (seller, allow_estimates, text) = (seller.clone(), *allow_estimates, text.as_str());
    let today = today(&state, &headers)?;
    let basket = landed::Basket::from_json(text)?;
    // A SKU with a confirmed code in the platform's catalogue is quoted with it; items still
    // without a code are classified by the same model the browser runs (loaded only then), so
    // the server's recomputation matches the quote the shopper saw.
    let catalogue =
        crate::http::catalogue::catalogue_for(&state, &tenant.0, &basket, today).await?;
    let (basket, quote, quote_text) = state
        .compute(move |state| {
            let quote = landed::Quoter::new(&state.pack)
                .catalogue(catalogue.as_ref())
                .classifier(Some(&ServerClassifier(state)))
                .quote(&basket, today)?;
            let text = serde_json::to_string(&quote)?;
            Ok((basket, quote, text))
        })
        .await?;
    // A quote that leaves duty out is signed only as an estimate the request asked for.
    let estimate = crate::estimates::check(&quote, allow_estimates)?;
    let now = state.now();
    let risk =
        crate::http::risk::quote_risk(&state, &tenant.0, text, &quote, seller.as_deref(), now)
            .await?;
    let t = &quote.totals;
    let cur = quote.currency.as_str();
    let m = |d: Decimal, p: &str| to_minor(d, cur, p);
    let prepaid = (t.due_at_checkout - t.goods - t.shipping - t.insurance).max(Decimal::ZERO);
    let key_row = state.store.active_key(now).await?;
    let key = Key::from_seed_b64_cached(&key_row.private_key)
        .ok_or_else(|| AppError::Internal("stored key unreadable".into()))?;
    let id = uuid::Uuid::now_v7().to_string();
    let exp = now + QUOTE_TTL_SECS * 1_000_000;
    let claims = Claims {
        iss: "landed".into(),
        sub: tenant.0.clone(),
        jti: id.clone(),
        iat: now.div_euclid(1_000_000),
        exp: exp.div_euclid(1_000_000),
        destination: quote.destination.clone(),
        currency: quote.currency.clone(),
        totals: TokenTotals {
            duty: t.duty.to_string(),
            tax: t.tax.to_string(),
            fees: t.fees.to_string(),
            landed_cost: t.landed_cost.to_string(),
            due_at_checkout: t.due_at_checkout.to_string(),
            due_at_delivery: t.due_at_delivery.to_string(),
        },
        pack_id: quote.pack.id.clone(),
        pack_version: quote.pack.version.clone(),
        quote_sha256: hex::encode(Sha256::digest(quote_text.as_bytes())),
        estimate,
    };
    let token = key.sign(&claims);
    let row = QuoteRow {
        id: id.clone(),
        tenant_id: tenant.0.clone(),
        quote: quote_text,
        token,
        kid: key.kid.clone(),
        destination: quote.destination.clone(),
        currency: quote.currency.clone(),
        duty_minor: m(t.duty, "totals.duty")?,
        tax_minor: m(t.tax, "totals.tax")?,
        fees_minor: m(t.fees, "totals.fees")?,
        landed_cost_minor: m(t.landed_cost, "totals.landed_cost")?,
        due_at_checkout_minor: m(t.due_at_checkout, "totals.due_at_checkout")?,
        due_at_delivery_minor: m(t.due_at_delivery, "totals.due_at_delivery")?,
        prepaid_minor: m(prepaid, "totals.due_at_checkout")?,
        pack_id: quote.pack.id.clone(),
        pack_version: quote.pack.version.clone(),
        created_at: now,
        expires_at: exp,
        accepted_at: None,
        settled_at: None,
        seller_id: seller,
        risk: Some(value(&risk).to_string()),
    };
    // Fresh or replayed, the response renders from the stored quote text: the same bytes.
    let render = |r: &QuoteRow| -> Result<Value, AppError> {
        Ok(value(&QuoteCreated {
            id: r.id.clone(),
            quote: serde_json::from_str(&r.quote)?,
            token: r.token.clone(),
            expires_at: Time::at(r.expires_at),
            risk: stored_risk(r)?,
        }))
    };
    let items = basket
        .items
        .iter()
        .zip(&quote.lines)
        .map(|(it, l)| QuotedItem {
            sku: it.id.clone(),
            description: it.description.clone(),
            hs_code: l.hs_code.clone(),
            hs_source: crate::http::catalogue::source_name(l.hs_source).into(),
        })
        .collect();
    let s = state
        .store
        .create_quote(
            &tenant.0,
            idem,
            &NewQuote {
                row,
                basket: text.to_string(),
                items,
            },
            &render,
            now,
        )
        .await?;
    if !s.replayed {
        state.metrics.quotes_created.fetch_add(1, Ordering::Relaxed);
    }
    Ok(stored(&state, s))
}

/// A quote, computed, signed and stored (`POST /v1/quotes`).
#[derive(Serialize, JsonSchema)]
pub(crate) struct QuoteCreated {
    id: String,
    /// The core's quote, as stored (its SHA-256 is signed in the token).
    #[schemars(with = "landed::Quote")]
    quote: Value,
    /// The signed quote token (JWS, EdDSA).
    token: String,
    expires_at: Time,
    #[serde(flatten)]
    risk: Option<QuoteRisk>,
}

/// The stored risk block of a quote.
fn stored_risk(r: &QuoteRow) -> Result<Option<QuoteRisk>, AppError> {
    Ok(r.risk.as_deref().map(serde_json::from_str).transpose()?)
}

fn quote_status(q: &QuoteRow) -> &'static str {
    if q.settled_at.is_some() {
        "settled"
    } else if q.accepted_at.is_some() {
        "accepted"
    } else {
        "open"
    }
}

/// A quote's state.
#[derive(Serialize, JsonSchema)]
pub(crate) struct QuoteSummary {
    id: String,
    /// `open`, `accepted` or `settled`.
    status: &'static str,
    currency: String,
    destination: String,
    /// Duty, tax and fees paid at checkout.
    prepaid: Amount,
    created_at: Time,
    expires_at: Time,
    accepted_at: Option<Time>,
    settled_at: Option<Time>,
}

fn quote_summary(q: &QuoteRow) -> QuoteSummary {
    QuoteSummary {
        id: q.id.clone(),
        status: quote_status(q),
        currency: q.currency.clone(),
        destination: q.destination.clone(),
        prepaid: Amount::of(q.prepaid_minor, &q.currency),
        created_at: Time::at(q.created_at),
        expires_at: Time::at(q.expires_at),
        accepted_at: q.accepted_at.map(Time::at),
        settled_at: q.settled_at.map(Time::at),
    }
}

/// A stored quote with its token, state and clearances (`GET /v1/quotes/{id}`).
#[derive(Serialize, JsonSchema)]
pub(crate) struct QuoteDetail {
    #[serde(flatten)]
    summary: QuoteSummary,
    #[schemars(with = "landed::Quote")]
    quote: Value,
    token: String,
    /// Its clearances, oldest first, each with the lines customs assessed.
    clearances: Vec<Clearance>,
    #[serde(flatten)]
    risk: Option<QuoteRisk>,
}

/// An accepted quote and the ledger entries that hold its prepaid amount.
#[derive(Serialize, JsonSchema)]
pub(crate) struct Accepted {
    quote: QuoteSummary,
    entries: Vec<Entry>,
}

pub(crate) async fn get_quote(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
) -> Result<Reply<QuoteDetail>, AppError> {
    let q = state
        .store
        .quote(&tenant.0, &id)
        .await?
        .ok_or(AppError::NotFound("quote"))?;
    let rows = state.store.clearances(&tenant.0, &id).await?;
    let mut clearances = Vec::with_capacity(rows.len());
    for c in &rows {
        let mut view = views::clearance(c);
        let lines = state.store.clearance_assessments(&tenant.0, &c.id).await?;
        view.lines = Some(lines.iter().map(views::assessed_line).collect());
        clearances.push(view);
    }
    Ok(Reply(QuoteDetail {
        summary: quote_summary(&q),
        quote: serde_json::from_str(&q.quote)?,
        token: q.token.clone(),
        clearances,
        risk: stored_risk(&q)?,
    }))
}

pub(crate) async fn accept_quote(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
    req: Idempotent<Unread>,
) -> Result<Response, AppError> {
    let render = |o: &AcceptOutcome| {
        value(&Accepted {
            quote: quote_summary(&o.quote),
            entries: views::entries(&o.entries),
        })
    };
    let s = state
        .store
        .accept(&tenant.0, &req.idem, &id, render, state.now())
        .await?;
    Ok(stored(&state, s))
}

/// A quote token to verify.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct VerifyBody {
    token: String,
}

/// Whether a token verifies: its claims, or why not.
#[derive(Serialize, JsonSchema)]
pub(crate) struct Verification {
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    claims: Option<Claims>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<Rejected>,
}

/// Why a token does not verify.
#[derive(Serialize, JsonSchema)]
pub(crate) struct Rejected {
    /// `malformed`, `unsupported_alg`, `unknown_kid`, `bad_signature`, `expired`, `key_retired`
    /// or `unknown_quote`.
    code: &'static str,
    message: String,
}

pub(crate) async fn verify(
    State(state): State<AppState>,
    tenant: Tenant,
    body: Bytes,
) -> Result<Reply<Verification>, AppError> {
    let b: VerifyBody = parse_body(&body)?;
    let (claims, reason) = match verify_token(&state, &tenant, &b.token, false).await {
        Ok(claims) => (Some(claims), None),
        Err((r, message)) => (
            None,
            Some(Rejected {
                code: r.code(),
                message,
            }),
        ),
    };
    Ok(Reply(Verification {
        valid: claims.is_some(),
        claims,
        reason,
    }))
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

/// Verifies a token for a tenant. `allow_expired` lets an accepted quote settle after its validity.
pub(crate) async fn verify_token(
    state: &AppState,
    tenant: &Tenant,
    token: &str,
    allow_expired: bool,
) -> Result<Claims, (Invalid, String)> {
    let parsed = sign::parse(token).map_err(|r| (r, format!("token rejected: {}", r.code())))?;
    let keys = state
        .store
        .keys()
        .await
        .map_err(|e| (Invalid::UnknownKid, e.to_string()))?;
    let key = keys.iter().find(|k| k.kid == parsed.kid).ok_or_else(|| {
        (
            Invalid::UnknownKid,
            format!("no signing key `{}`", parsed.kid),
        )
    })?;
    let claims: Claims = parsed.verify(&key.public_key).map_err(|r| {
        (
            r,
            format!("the signature does not verify with key `{}`", key.kid),
        )
    })?;
    let now = state.now();
    if !allow_expired && claims.exp <= now.div_euclid(1_000_000) {
        return Err((
            Invalid::Expired,
            format!(
                "the token expired at {}",
                crate::rfc3339(claims.exp * 1_000_000)
            ),
        ));
    }
    let q = state
        .store
        .quote(&tenant.0, &claims.jti)
        .await
        .map_err(|e| (Invalid::UnknownQuote, e.to_string()))?
        .ok_or_else(|| {
            (
                Invalid::UnknownQuote,
                format!("no quote `{}` for this platform", claims.jti),
            )
        })?;
    if key.retired_at.is_some() && q.expires_at <= now && q.settled_at.is_some() {
        return Err((
            Invalid::KeyRetired,
            format!(
                "key `{}` is retired and its quote is expired and settled",
                key.kid
            ),
        ));
    }
    Ok(claims)
}

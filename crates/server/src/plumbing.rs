//! What every handler shares: the tenant from the API key, idempotency keys held in flight and
//! replayed, body parsing with the field at fault, the request's date, amounts as text.

use crate::error::AppError;
use crate::money::from_minor;
use crate::store::{Idem, Stored};
use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::sync::atomic::Ordering;

use crate::sign::{self, Claims, Invalid};
use crate::state::{AppState, InFlight};

/// The caller's tenant, from `Authorization: Bearer <key>`.
#[derive(Clone, Debug)]
pub struct Tenant(pub String);

impl FromRequestParts<AppState> for Tenant {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Tenant, AppError> {
        let key = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(AppError::Unauthorized)?;
        let id = state
            .store
            .tenant_by_key_hash(&crate::hash_api_key(key.trim()))
            .await?
            .ok_or(AppError::Unauthorized)?;
        Ok(Tenant(id))
    }
}

/// The request's idempotency key, claimed in flight.
pub(crate) fn idempotency(
    state: &AppState,
    tenant: &Tenant,
    headers: &HeaderMap,
    method: &Method,
    path: &str,
    body: &[u8],
) -> Result<(Idem, InFlight), AppError> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 255)
        .ok_or(AppError::IdempotencyKeyRequired)?;
    let mut h = Sha256::new();
    h.update(method.as_str().as_bytes());
    h.update(b" ");
    h.update(path.as_bytes());
    h.update(b"\n");
    h.update(body);
    let idem = Idem {
        key: key.to_string(),
        hash: hex::encode(h.finalize()),
    };
    let guard = state
        .claim_key(&tenant.0, key)
        .ok_or(AppError::IdempotencyInFlight)?;
    Ok((idem, guard))
}

pub(crate) fn stored(state: &AppState, s: Stored) -> Response {
    if s.replayed {
        state
            .metrics
            .idempotent_replays
            .fetch_add(1, Ordering::Relaxed);
    }
    let mut res = (
        StatusCode::from_u16(s.status).unwrap_or(StatusCode::OK),
        [(header::CONTENT_TYPE, "application/json")],
        s.body,
    )
        .into_response();
    if s.replayed {
        res.headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    res
}

pub(crate) fn today(state: &AppState, headers: &HeaderMap) -> Result<landed::Date, AppError> {
    if state.test_clock {
        if let Some(v) = headers.get("x-landed-today") {
            let s = v.to_str().unwrap_or("");
            return s.parse().map_err(|_| {
                AppError::invalid(
                    "invalid_date",
                    "X-Landed-Today",
                    format!("`{s}` is not a date: expected YYYY-MM-DD"),
                )
            });
        }
    }
    let days = state.now().div_euclid(86_400_000_000);
    landed::Date::from_days_since_epoch(days)
        .ok_or_else(|| AppError::Internal("clock out of range".into()))
}

pub(crate) fn dec(minor: i64, currency: &str) -> String {
    from_minor(minor, currency).to_string()
}

pub(crate) fn parse_body<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, AppError> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let message = e.into_inner().to_string();
        // A missing field is named in the path, not only in the message.
        match message
            .strip_prefix("missing field `")
            .and_then(|r| r.split_once('`'))
        {
            Some((field, _)) if path.is_empty() => {
                AppError::invalid("missing_field", field, format!("`{field}` is required"))
            }
            Some((field, _)) => AppError::invalid(
                "missing_field",
                format!("{path}.{field}"),
                format!("`{field}` is required"),
            ),
            None => AppError::invalid("invalid_request", path, message),
        }
    })
}

/// Verifies a token for a tenant. `allow_expired` lets an accepted quote settle after its validity.
pub async fn verify_token(
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

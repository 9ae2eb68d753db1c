//! What every handler shares: the tenant from the API key, the idempotent request of every
//! mutating handler ([`Idempotent`]: its key held in flight and replayed, its body parsed with
//! the field at fault), ids checked in the path, the request's date, amounts as text.

use crate::error::AppError;
use crate::money::from_minor;
use crate::store::{Idem, Stored};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, MatchedPath, Path, RawPathParams, Request};
use axum::http::{header, request::Parts, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use std::sync::atomic::Ordering;

use crate::http::state::{AppState, InFlight};

/// The caller's tenant, from `Authorization: Bearer <key>` (looked up once per request: a
/// second extraction, by [`Idempotent`], reads it from the request's extensions).
#[derive(Clone, Debug)]
pub struct Tenant(pub String);

impl FromRequestParts<AppState> for Tenant {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Tenant, AppError> {
        if let Some(t) = parts.extensions.get::<Tenant>() {
            return Ok(t.clone());
        }
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
        parts.extensions.insert(Tenant(id.clone()));
        Ok(Tenant(id))
    }
}

/// A mutating request, idempotent: the tenant, the `Idempotency-Key` claimed in flight (until
/// this value drops) with the hash of the request, and the body parsed as `T`. Errors, in this
/// order: 401, the body's size (413), the head's ([`RequestBody::head`]: a quote's seller and
/// `allow_estimates`), `idempotency_key_required` (400), `idempotency_key_in_flight` (409), then
/// the body's (`invalid_request` or `missing_field` with the field's path). The hash covers the
/// method, the path (its ids percent-decoded, as [`Path`] gives them) with the query the head
/// normalized, and the body's bytes.
pub(crate) struct Idempotent<T> {
    pub tenant: Tenant,
    pub idem: Idem,
    pub body: T,
    _guard: InFlight,
}

/// How a request is read: its head before its idempotency key is claimed, its body after.
pub(crate) trait RequestBody: Sized {
    /// What the body's reader takes from the request's head.
    type Head;
    /// Reads and checks the head (its errors come before the key's) and returns the query the
    /// idempotency hash covers after the path, normalized (`""`: none).
    fn head(headers: &HeaderMap, query: Option<&str>) -> Result<(Self::Head, String), AppError>;
    fn parse(head: Self::Head, body: &[u8]) -> Result<Self, AppError>;
}

impl<T: DeserializeOwned> RequestBody for T {
    type Head = ();
    fn head(_: &HeaderMap, _: Option<&str>) -> Result<((), String), AppError> {
        Ok(((), String::new()))
    }
    fn parse(_: (), body: &[u8]) -> Result<T, AppError> {
        parse_body(body)
    }
}

/// A body the handler does not read (it is hashed all the same): accept, redeliver.
pub(crate) struct Unread;

impl RequestBody for Unread {
    type Head = ();
    fn head(_: &HeaderMap, _: Option<&str>) -> Result<((), String), AppError> {
        Ok(((), String::new()))
    }
    fn parse(_: (), _: &[u8]) -> Result<Unread, AppError> {
        Ok(Unread)
    }
}

/// The route's path with its ids in place (percent-decoded): `/v1/catalogue/a/b` for the SKU
/// `a%2Fb`, as the handlers wrote it before this extractor.
async fn decoded_path(parts: &mut Parts, state: &AppState) -> Result<String, Response> {
    let template = parts
        .extensions
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .ok_or_else(|| AppError::Internal("no matched path".into()).into_response())?;
    let params = RawPathParams::from_request_parts(parts, state)
        .await
        .map_err(IntoResponse::into_response)?;
    let segments: Vec<&str> = template
        .split('/')
        .map(|seg| {
            seg.strip_prefix('{')
                .and_then(|s| s.strip_suffix('}'))
                .and_then(|name| params.iter().find(|(n, _)| *n == name))
                .map_or(seg, |(_, v)| v)
        })
        .collect();
    Ok(segments.join("/"))
}

impl<T: RequestBody> FromRequest<AppState> for Idempotent<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let tenant = Tenant::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let path = decoded_path(&mut parts, state).await?;
        let (method, headers) = (parts.method.clone(), parts.headers.clone());
        let query = parts.uri.query().map(str::to_string);
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        let (head, normalized) =
            T::head(&headers, query.as_deref()).map_err(IntoResponse::into_response)?;
        let path = path + &normalized;
        let (idem, guard) = idempotency(state, &tenant, &headers, &method, &path, &bytes)
            .map_err(IntoResponse::into_response)?;
        let body = T::parse(head, &bytes).map_err(IntoResponse::into_response)?;
        Ok(Idempotent {
            tenant,
            idem,
            body,
            _guard: guard,
        })
    }
}

/// A path id checked by [`check_id`] before the rest of the request is read, named `$field` in
/// its errors.
macro_rules! checked_id {
    ($name:ident, $field:literal) => {
        pub(crate) struct $name(pub String);

        impl FromRequestParts<AppState> for $name {
            type Rejection = Response;

            async fn from_request_parts(
                parts: &mut Parts,
                state: &AppState,
            ) -> Result<$name, Response> {
                let Path(id) = Path::<String>::from_request_parts(parts, state)
                    .await
                    .map_err(IntoResponse::into_response)?;
                check_id(&id, $field).map_err(IntoResponse::into_response)?;
                Ok($name(id))
            }
        }
    };
}
checked_id!(Sku, "sku");
checked_id!(ParcelId, "parcel_id");
checked_id!(SellerId, "seller_id");

/// The request's idempotency key, claimed in flight, with the hash of the request.
fn idempotency(
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

pub(crate) fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
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

/// Longest parcel or seller id.
const MAX_ID_LEN: usize = 200;

/// A parcel, seller or SKU id: 1 to 200 printable characters.
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

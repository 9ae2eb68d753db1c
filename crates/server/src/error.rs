//! The server's one error type. Every variant maps to an HTTP status and a stable `code`; the
//! body is always `{"error": {"code", "message", "path"}}`. Internal errors are logged and
//! reported only as `internal_error`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The core refused the basket (HTTP 422, the core's code and path).
    #[error("{0}")]
    Core(#[from] landed::Error),
    /// A request field is invalid (HTTP 422).
    #[error("{path}: {message}")]
    Invalid {
        /// Stable code.
        code: &'static str,
        /// JSON path of the field.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// No or an unknown API key (HTTP 401).
    #[error("missing or invalid API key")]
    Unauthorized,
    /// The resource does not exist for this tenant (HTTP 404).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A SKU the platform never quoted nor recorded a code for (HTTP 404, `unknown_sku`).
    #[error("unknown SKU `{0}`: this platform never quoted it nor recorded a code for it")]
    UnknownSku(String),
    /// The platform has not allowed this (HTTP 403).
    #[error("{message}")]
    Forbidden {
        /// Stable code.
        code: &'static str,
        /// Why, and how to allow it.
        message: String,
    },
    /// The request conflicts with the resource's state (HTTP 409).
    #[error("{message}")]
    Conflict {
        /// Stable code.
        code: &'static str,
        /// What conflicts.
        message: String,
    },
    /// A parcel event that the clearance state machine does not allow (HTTP 409).
    #[error("parcel {parcel}: cannot go from `{from}` to `{to}`")]
    InvalidTransition {
        /// The platform's parcel id.
        parcel: String,
        /// The current status (`none` before the first event).
        from: &'static str,
        /// The requested status.
        to: &'static str,
    },
    /// A mutating request without an `Idempotency-Key` header (HTTP 400).
    #[error("this request needs an Idempotency-Key header")]
    IdempotencyKeyRequired,
    /// The same idempotency key with a different request body (HTTP 422).
    #[error("the Idempotency-Key was already used with a different request")]
    IdempotencyKeyReused,
    /// The same idempotency key while its first request is still running (HTTP 409).
    #[error("a request with this Idempotency-Key is in progress; retry later")]
    IdempotencyInFlight,
    /// A quote token failed verification (HTTP 422, code `token_<reason>`).
    #[error("{message}")]
    Token {
        /// The verification failure.
        reason: crate::sign::Invalid,
        /// Details.
        message: String,
    },
    /// Over the rate limit of the API key or the client address (HTTP 429, `Retry-After`).
    #[error("rate limit exceeded; retry in {retry_after_secs} s")]
    RateLimited {
        /// Whole seconds until a request would pass.
        retry_after_secs: u64,
    },
    /// The request body is larger than the server accepts (HTTP 413).
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The request took longer than the server allows (HTTP 408).
    #[error("the request did not complete within {secs} s")]
    Timeout {
        /// The limit in seconds.
        secs: u64,
    },
    /// The quote leaves out duty the engine could not compute, and the request did not allow
    /// estimates (HTTP 422, `quote_incomplete`; the body lists the items).
    #[error("{}", incomplete_message(.items))]
    QuoteIncomplete {
        /// The items whose duty is unknown, in basket order (at least one).
        items: Vec<UnknownDuty>,
    },
    /// The quote's duty rests on law no official source settles (a `duty_uncertain` warning), and
    /// the request did not allow estimates (HTTP 422, `quote_uncertain`).
    #[error("the duty of this quote is uncertain: {0}; ask for an estimate (allow_estimates=true) to sign it anyway")]
    QuoteUncertain(String),
    /// The route exists but not for this method (HTTP 405).
    #[error("method not allowed on this route")]
    MethodNotAllowed,
    /// Anything else: logged, reported as `internal_error` (HTTP 500).
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Core(e) if e.is_input_error() => e.code(),
            AppError::Core(_) => "internal_error",
            AppError::Invalid { code, .. }
            | AppError::Conflict { code, .. }
            | AppError::Forbidden { code, .. } => code,
            AppError::UnknownSku(_) => "unknown_sku",
            AppError::Unauthorized => "unauthorized",
            AppError::NotFound(_) => "not_found",
            AppError::InvalidTransition { .. } => "invalid_transition",
            AppError::IdempotencyKeyRequired => "idempotency_key_required",
            AppError::IdempotencyKeyReused => "idempotency_key_reused",
            AppError::IdempotencyInFlight => "idempotency_key_in_flight",
            AppError::Token { reason, .. } => reason.token_code(),
            AppError::RateLimited { .. } => "rate_limited",
            AppError::PayloadTooLarge { .. } => "payload_too_large",
            AppError::Timeout { .. } => "request_timeout",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::QuoteIncomplete { .. } => "quote_incomplete",
            AppError::QuoteUncertain(_) => "quote_uncertain",
            AppError::Internal(_) => "internal_error",
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Core(e) if e.is_input_error() => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Core(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Invalid { .. }
            | AppError::IdempotencyKeyReused
            | AppError::Token { .. }
            | AppError::QuoteIncomplete { .. }
            | AppError::QuoteUncertain(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::NotFound(_) | AppError::UnknownSku(_) => StatusCode::NOT_FOUND,
            AppError::Forbidden { .. } => StatusCode::FORBIDDEN,
            AppError::Conflict { .. }
            | AppError::IdempotencyInFlight
            | AppError::InvalidTransition { .. } => StatusCode::CONFLICT,
            AppError::IdempotencyKeyRequired => StatusCode::BAD_REQUEST,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Timeout { .. } => StatusCode::REQUEST_TIMEOUT,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        }
    }

    /// A 422 for a request field.
    pub fn invalid(
        code: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> AppError {
        AppError::Invalid {
            code,
            path: path.into(),
            message: message.into(),
        }
    }

    /// The body, `{"error": {...}}`.
    pub fn body(&self) -> serde_json::Value {
        let (message, path) = match self {
            AppError::Core(e) if e.is_input_error() => (e.to_string(), e.path().to_string()),
            AppError::Core(_) | AppError::Internal(_) => {
                ("internal error".to_string(), String::new())
            }
            AppError::Invalid { path, .. } => (self.to_string(), path.clone()),
            AppError::Token { .. } => (self.to_string(), "token".to_string()),
            AppError::InvalidTransition { .. } => (self.to_string(), "status".to_string()),
            AppError::UnknownSku(_) => (self.to_string(), "sku".to_string()),
            AppError::QuoteIncomplete { items } => (
                self.to_string(),
                items.first().map(|i| i.path.clone()).unwrap_or_default(),
            ),
            _ => (self.to_string(), String::new()),
        };
        let mut body = json!({"error": {"code": self.code(), "message": message, "path": path}});
        // A retired HS 2017 code with several HS 2022 successors: list them for the caller to pick.
        if let AppError::Core(landed::Error::HsEditionAmbiguous { successors, .. }) = self {
            body["error"]["successors"] = json!(successors);
        }
        // An incomplete quote: every item whose duty is unknown, with its path and why.
        if let AppError::QuoteIncomplete { items } = self {
            body["error"]["items"] = items
                .iter()
                .map(|i| json!({"path": i.path, "id": i.id, "reason": i.reason}))
                .collect();
        }
        body
    }
}

/// The message of [`AppError::QuoteIncomplete`].
fn incomplete_message(items: &[UnknownDuty]) -> String {
    const NAMED: usize = 5;
    let mut list: Vec<String> = items
        .iter()
        .take(NAMED)
        .map(|i| format!("{} ({}): {}", i.path, i.id, i.reason))
        .collect();
    if items.len() > NAMED {
        list.push(format!("{} more in `items`", items.len() - NAMED));
    }
    format!(
        "the duty of {} item(s) cannot be computed, so the quote's totals leave it out: {}; give what is missing (HS code, unit_weight_kg) or ask for an estimate with allow_estimates=true",
        items.len(),
        list.join(", ")
    )
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> AppError {
        AppError::Internal(format!("database: {e}"))
    }
}

impl From<sqlx::migrate::MigrateError> for AppError {
    fn from(e: sqlx::migrate::MigrateError) -> AppError {
        AppError::Internal(format!("migration: {e}"))
    }
}

impl From<landed_domain::timeline::InvalidTransition> for AppError {
    fn from(e: landed_domain::timeline::InvalidTransition) -> AppError {
        AppError::InvalidTransition {
            parcel: e.parcel,
            from: e.from,
            to: e.to,
        }
    }
}

impl From<serde_json::Error> for AppError {
    fn from(e: serde_json::Error) -> AppError {
        AppError::Internal(format!("json: {e}"))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let mut res = (status, axum::Json(self.body())).into_response();
        if let AppError::RateLimited { retry_after_secs } = self {
            res.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(retry_after_secs),
            );
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::AppError;
    use landed_domain::timeline::{check, ParcelStatus};

    #[test]
    fn a_refused_transition_is_a_409_naming_both_ends() {
        let e: AppError = check("P1", Some(ParcelStatus::Released), ParcelStatus::Held)
            .unwrap_err()
            .into();
        assert_eq!(e.code(), "invalid_transition");
        assert_eq!(e.status(), axum::http::StatusCode::CONFLICT);
        assert!(e.to_string().contains("`released` to `held`"), "{e}");
        assert_eq!(e.body()["error"]["path"], "status", "{}", e.body());
    }
}

/// An item whose duty the quote leaves out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownDuty {
    /// Its path in the basket, `items[<index>]`.
    pub path: String,
    /// Its id.
    pub id: String,
    /// Why its duty is unknown (`duty_rate_unavailable`, `hs_code_missing`, ...).
    pub reason: &'static str,
}

//! `/v1/settings`: the platform's settings (whether its corrections may be exported).

use crate::error::AppError;
use crate::http::extract::{stored, Idempotent, Tenant};
use crate::http::state::AppState;
use axum::extract::State;
use axum::response::Response;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::http::views::{value, Reply, Time};
/// The platform's settings.
#[derive(Serialize, JsonSchema)]
pub(crate) struct Settings {
    /// Whether `GET /v1/corrections/export` may export the platform's corrections.
    share_corrections: bool,
    /// `null` until first set.
    updated_at: Option<Time>,
}

fn settings(share: bool, updated_at: Option<i64>) -> Settings {
    Settings {
        share_corrections: share,
        updated_at: updated_at.map(Time::at),
    }
}

pub(super) async fn get_settings(
    State(state): State<AppState>,
    tenant: Tenant,
) -> Result<Reply<Settings>, AppError> {
    let (share, at) = state.store.settings(&tenant.0).await?;
    Ok(Reply(settings(share, at)))
}

/// The settings to set.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SettingsBody {
    share_corrections: bool,
}

pub(super) async fn put_settings(
    State(state): State<AppState>,
    req: Idempotent<SettingsBody>,
) -> Result<Response, AppError> {
    let s = state
        .store
        .put_settings(
            &req.tenant.0,
            &req.idem,
            req.body.share_corrections,
            &|share, at| -> Value { value(&settings(share, Some(at))) },
            state.now(),
        )
        .await?;
    Ok(stored(&state, s))
}

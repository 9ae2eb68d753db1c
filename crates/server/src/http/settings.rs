//! `/v1/settings`: the platform's settings (whether its corrections may be exported).

use crate::error::AppError;
use crate::http::extract::{stored, Idempotent, Tenant};
use crate::http::state::AppState;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/v1/settings", get(get_settings).put(put_settings))
}

fn settings_json(share: bool, updated_at: Option<i64>) -> Value {
    json!({"share_corrections": share, "updated_at": updated_at.map(crate::rfc3339)})
}

async fn get_settings(
    State(state): State<AppState>,
    tenant: Tenant,
) -> Result<Json<Value>, AppError> {
    let (share, at) = state.store.settings(&tenant.0).await?;
    Ok(Json(settings_json(share, at)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsBody {
    share_corrections: bool,
}

async fn put_settings(
    State(state): State<AppState>,
    req: Idempotent<SettingsBody>,
) -> Result<Response, AppError> {
    let s = state
        .store
        .put_settings(
            &req.tenant.0,
            &req.idem,
            req.body.share_corrections,
            &|share, at| settings_json(share, Some(at)),
            state.now(),
        )
        .await?;
    Ok(stored(&state, s))
}

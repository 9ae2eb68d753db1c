//! Webhook delivery from the outbox, at least once. A worker (started by `landed-server` serve,
//! or called directly by tests with a moved clock) claims the due rows, POSTs each payload signed
//! for this attempt, and records the outcome: a 2xx is delivered; anything else (another status,
//! a refused connection, a timeout, a target that now resolves to a forbidden address) is retried
//! on the schedule of [`crate::webhook::next_attempt_at`] and marked `failed` after 3 days.

use crate::error::AppError;
use crate::http::state::AppState;
use crate::store::{Attempt, DeliveryRow};
use crate::webhook;
use std::time::Duration;

/// Rows claimed per round.
pub const BATCH: i64 = 50;
/// A claimed row is not claimed again for this long (a worker that dies mid-send).
pub const LEASE_SECS: i64 = 120;
/// Per-request timeout (the webhook client's).
pub use crate::webhook::TIMEOUT;
/// How often the background worker looks for due rows.
pub const TICK: Duration = Duration::from_secs(5);

/// What a delivery round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Round {
    /// Attempts made.
    pub attempted: usize,
    /// Of which answered 2xx.
    pub delivered: usize,
    /// Of which will be retried.
    pub retrying: usize,
    /// Of which gave up.
    pub failed: usize,
}

/// Sends every delivery due at `now` (unix microseconds), of one tenant or of all.
pub async fn deliver_due(
    state: &AppState,
    tenant: Option<&str>,
    now: i64,
) -> Result<Round, AppError> {
    let mut round = Round::default();
    loop {
        let due = state
            .store
            .claim_due(tenant, now, now + LEASE_SECS * 1_000_000, BATCH)
            .await?;
        if due.is_empty() {
            return Ok(round);
        }
        for d in &due {
            let outcome = attempt(state, d, now).await;
            round.attempted += 1;
            match &outcome {
                Attempt::Delivered { .. } => round.delivered += 1,
                Attempt::Retry { .. } => round.retrying += 1,
                Attempt::Failed { .. } => round.failed += 1,
            }
            state
                .store
                .record_attempt(&d.id, d.attempts + 1, &outcome, now)
                .await?;
        }
        if due.len() < usize::try_from(BATCH).unwrap_or(usize::MAX) {
            return Ok(round);
        }
    }
}

async fn attempt(state: &AppState, d: &DeliveryRow, now: i64) -> Attempt {
    let result = send(state, d, now).await;
    let (status, error) = match result {
        Ok(s) if (200..300).contains(&s) => return Attempt::Delivered { status: s },
        Ok(s) => (Some(s), format!("HTTP {s}")),
        Err(e) => (None, e),
    };
    let n = u32::try_from(d.attempts + 1).unwrap_or(u32::MAX);
    match webhook::next_attempt_at(d.retry_from, now, n, webhook::jitter_seed(&d.id)) {
        Some(next_at) => Attempt::Retry {
            next_at,
            status,
            error,
        },
        None => Attempt::Failed { status, error },
    }
}

/// One POST; the HTTP status, or why there was none.
async fn send(state: &AppState, d: &DeliveryRow, now: i64) -> Result<i64, String> {
    let url = webhook::check_target(&d.url, state.allow_loopback_webhooks)
        .await
        .map_err(|e| e.to_string())?;
    let ts = now.div_euclid(1_000_000);
    let client = state
        .webhooks
        .client(state.allow_loopback_webhooks)
        .map_err(|e| e.to_string())?;
    let res = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(webhook::HEADER_ID, &d.event_id)
        .header(webhook::HEADER_TIMESTAMP, ts.to_string())
        .header(
            webhook::HEADER_SIGNATURE,
            webhook::signature(&d.secret, ts, d.payload.as_bytes()),
        )
        .header("Landed-Webhook-Delivery", &d.id)
        .header("Landed-Webhook-Type", &d.event_type)
        .body(d.payload.clone())
        .send()
        .await
        .map_err(|e| format!("request failed: {e}"))?;
    Ok(i64::from(res.status().as_u16()))
}

/// The background worker: delivers due webhooks every [`TICK`] and scans every tenant's
/// inspection rates every `scan_every`. Errors are logged; the loop never ends.
pub async fn run_worker(state: AppState, scan_every: Duration) {
    let mut last_scan: Option<std::time::Instant> = None;
    loop {
        if last_scan.is_none_or(|t| t.elapsed() >= scan_every) {
            last_scan = Some(std::time::Instant::now());
            match state.store.tenant_ids().await {
                Ok(ids) => {
                    for t in ids {
                        if let Err(e) = crate::inspection::scan(&state.store, &t, state.now()).await
                        {
                            tracing::warn!(error = %e, tenant = %t, "inspection-rate scan failed");
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "listing tenants failed"),
            }
        }
        match deliver_due(&state, None, state.now()).await {
            Ok(r) if r.attempted > 0 => tracing::info!(
                attempted = r.attempted,
                delivered = r.delivered,
                retrying = r.retrying,
                failed = r.failed,
                "webhook deliveries"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "webhook delivery round failed"),
        }
        tokio::time::sleep(TICK).await;
    }
}

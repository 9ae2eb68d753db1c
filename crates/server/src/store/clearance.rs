//! Rows and `Store` methods of clearance visibility and risk: parcel timelines, the webhook
//! outbox, inspection-rate alerts and seller history. The queries are in `sql/clearance.rs`.

use super::{Idem, Store, Stored};
use crate::error::AppError;
use landed_domain::profile::ProfileParcel;
use landed_domain::timeline::ParcelStatus;
use serde_json::Value;

/// A parcel as stored (facts derived from its timeline).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ParcelRow {
    pub id: String,
    pub quote_id: Option<String>,
    pub seller_id: Option<String>,
    pub destination: String,
    pub currency: String,
    pub declared_total_minor: i64,
    pub status: String,
    pub seq: i64,
    pub inspected: i64,
    pub held: i64,
    pub flagged_lines: i64,
    pub line_count: i64,
    pub assessed_value_minor: Option<i64>,
    pub duty_due_at: Option<i64>,
    pub duty_paid_at: Option<i64>,
    pub declared_at: i64,
    pub updated_at: i64,
}

/// A declared line as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LineRow {
    pub line_no: i64,
    pub hs6: String,
    pub quantity: i64,
    pub currency: String,
    pub unit_value_minor: i64,
    /// The undervaluation flag (JSON) raised at declaration.
    pub flag: Option<String>,
}

/// A timeline event as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EventRow {
    pub id: String,
    pub parcel_id: String,
    pub seq: i64,
    pub status: String,
    pub occurred_at: i64,
    pub recorded_at: i64,
    /// JSON: reason, assessed_value, location, ...
    pub detail: String,
}

/// A line to declare.
#[derive(Clone, Debug)]
pub struct NewLine {
    pub hs6: String,
    pub quantity: i64,
    pub unit_value_minor: i64,
    pub flag: Option<Value>,
}

/// What a `declared` event carries.
#[derive(Clone, Debug)]
pub struct Declaration {
    pub quote_id: Option<String>,
    pub seller_id: Option<String>,
    pub destination: String,
    pub currency: String,
    pub lines: Vec<NewLine>,
}

/// A validated parcel event.
#[derive(Clone, Debug)]
pub struct EventReq {
    pub parcel_id: String,
    pub status: ParcelStatus,
    pub occurred_at: i64,
    /// Free details kept with the event (reason, location, assessed value as given).
    pub detail: Value,
    /// Only on `declared`.
    pub declaration: Option<Declaration>,
    /// The customs value customs assessed, minor units of the parcel's currency.
    pub assessed_value_minor: Option<i64>,
}

/// What recording an event did.
#[derive(Clone, Debug)]
pub struct EventOutcome {
    pub parcel: ParcelRow,
    pub event: EventRow,
    pub previous: Option<String>,
    pub lines: Vec<LineRow>,
}

/// A webhook endpoint.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EndpointRow {
    pub id: String,
    pub url: String,
    pub secret: String,
    /// Space-separated event types.
    pub event_types: String,
    pub created_at: i64,
}

/// An outbox row, with its endpoint's URL and secret.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DeliveryRow {
    pub id: String,
    pub endpoint_id: String,
    pub event_id: String,
    pub event_type: String,
    pub payload: String,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub retry_from: i64,
    pub last_attempt_at: Option<i64>,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub delivered_at: Option<i64>,
    pub url: String,
    pub secret: String,
}

/// The result of one delivery attempt.
#[derive(Clone, Debug)]
pub enum Attempt {
    /// A 2xx answer.
    Delivered { status: i64 },
    /// Failed; try again at `next_at`.
    Retry {
        next_at: i64,
        status: Option<i64>,
        error: String,
    },
    /// Failed and out of retries.
    Failed { status: Option<i64>, error: String },
}

/// Parcels and inspected parcels of one (destination, level, category) in the window and the
/// baseline (inspection-rate statistics); a parcel counts once per category.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CategoryCounts {
    pub destination: String,
    /// `chapter` or `heading`.
    pub level: String,
    pub category: String,
    pub window_n: i64,
    pub window_k: i64,
    pub baseline_n: i64,
    pub baseline_k: i64,
}

/// An inspection-rate alert.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AlertRow {
    pub id: String,
    pub destination: String,
    /// `chapter` or `heading`.
    pub level: String,
    pub category: String,
    pub window_parcels: i64,
    pub window_inspected: i64,
    pub baseline_parcels: i64,
    pub baseline_inspected: i64,
    pub z: f64,
    pub p_value: f64,
    /// JSON array of seller ids.
    pub sellers: String,
    pub suggestion: String,
    pub created_at: i64,
}

impl Store {
    /// Records a parcel event (state machine checked), its outbox rows and the idempotency
    /// record in one transaction.
    pub async fn record_event(
        &self,
        tenant: &str,
        idem: &Idem,
        req: &EventReq,
        render: &(dyn Fn(&EventOutcome) -> Value + Sync),
        now: i64,
    ) -> Result<Stored, AppError> {
        dispatch!(self.record_event(tenant, idem, req, render, now))
    }
    /// A tenant's parcel.
    pub async fn parcel(&self, tenant: &str, id: &str) -> Result<Option<ParcelRow>, AppError> {
        dispatch!(self.parcel(tenant, id))
    }
    /// A parcel's declared lines.
    pub async fn parcel_lines(&self, tenant: &str, id: &str) -> Result<Vec<LineRow>, AppError> {
        dispatch!(self.parcel_lines(tenant, id))
    }
    /// A parcel's timeline, in recording order.
    pub async fn parcel_events(&self, tenant: &str, id: &str) -> Result<Vec<EventRow>, AppError> {
        dispatch!(self.parcel_events(tenant, id))
    }
    /// The most recent declared unit values of (destination, HS6, currency), at most `limit`.
    pub async fn unit_values(
        &self,
        tenant: &str,
        destination: &str,
        hs6: &str,
        currency: &str,
        limit: i64,
    ) -> Result<Vec<i64>, AppError> {
        dispatch!(self.unit_values(tenant, destination, hs6, currency, limit))
    }
    /// Registers a webhook endpoint (idempotently).
    pub async fn create_endpoint(
        &self,
        tenant: &str,
        idem: &Idem,
        e: &EndpointRow,
        render: &(dyn Fn(&EndpointRow) -> Value + Sync),
        now: i64,
    ) -> Result<Stored, AppError> {
        dispatch!(self.create_endpoint(tenant, idem, e, render, now))
    }
    /// A tenant's webhook endpoints.
    pub async fn endpoints(&self, tenant: &str) -> Result<Vec<EndpointRow>, AppError> {
        dispatch!(self.endpoints(tenant))
    }
    /// A tenant's deliveries, newest first, optionally of one status.
    pub async fn deliveries(
        &self,
        tenant: &str,
        status: Option<&str>,
        limit: i64,
    ) -> Result<Vec<DeliveryRow>, AppError> {
        dispatch!(self.deliveries(tenant, status, limit))
    }
    /// Claims up to `limit` due deliveries (of one tenant, or all) until `lease_until`, so that
    /// another worker does not send them at the same time.
    pub async fn claim_due(
        &self,
        tenant: Option<&str>,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> Result<Vec<DeliveryRow>, AppError> {
        dispatch!(self.claim_due(tenant, now, lease_until, limit))
    }
    /// Records the outcome of an attempt.
    pub async fn record_attempt(
        &self,
        id: &str,
        attempts: i64,
        outcome: &Attempt,
        now: i64,
    ) -> Result<(), AppError> {
        dispatch!(self.record_attempt(id, attempts, outcome, now))
    }
    /// Puts a delivery back in the queue, due now, with a fresh 3-day retry window.
    pub async fn redeliver(
        &self,
        tenant: &str,
        idem: &Idem,
        id: &str,
        render: &(dyn Fn(&DeliveryRow) -> Value + Sync),
        now: i64,
    ) -> Result<Stored, AppError> {
        dispatch!(self.redeliver(tenant, idem, id, render, now))
    }
    /// Counts per (destination, chapter) and (destination, heading) of the parcels declared in
    /// `[from, window_start)` (baseline) and `[window_start, to)` (window).
    pub async fn category_counts(
        &self,
        tenant: &str,
        from: i64,
        window_start: i64,
        to: i64,
    ) -> Result<Vec<CategoryCounts>, AppError> {
        dispatch!(self.category_counts(tenant, from, window_start, to))
    }
    /// The sellers who shipped HS codes starting with `prefix` to `destination` in `[from, to)`.
    pub async fn category_sellers(
        &self,
        tenant: &str,
        destination: &str,
        prefix: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<String>, AppError> {
        dispatch!(self.category_sellers(tenant, destination, prefix, from, to))
    }
    /// When the category last alerted.
    pub async fn last_alert_at(
        &self,
        tenant: &str,
        destination: &str,
        level: &str,
        category: &str,
    ) -> Result<Option<i64>, AppError> {
        dispatch!(self.last_alert_at(tenant, destination, level, category))
    }
    /// Stores an alert and its webhook deliveries in one transaction.
    pub async fn insert_alert(
        &self,
        tenant: &str,
        alert: &AlertRow,
        payload: &str,
        now: i64,
    ) -> Result<(), AppError> {
        dispatch!(self.insert_alert(tenant, alert, payload, now))
    }
    /// A tenant's alerts, newest first.
    pub async fn alerts(&self, tenant: &str) -> Result<Vec<AlertRow>, AppError> {
        dispatch!(self.alerts(tenant))
    }
    /// Records a complaint about a seller (idempotently).
    #[allow(clippy::too_many_arguments)]
    pub async fn add_complaint(
        &self,
        tenant: &str,
        idem: &Idem,
        seller: &str,
        parcel: Option<&str>,
        reason: &str,
        render: &(dyn Fn(&str) -> Value + Sync),
        now: i64,
    ) -> Result<Stored, AppError> {
        dispatch!(self.add_complaint(tenant, idem, seller, parcel, reason, render, now))
    }
    /// A seller's parcels, for the profile.
    pub async fn seller_parcels(
        &self,
        tenant: &str,
        seller: &str,
    ) -> Result<Vec<ProfileParcel>, AppError> {
        dispatch!(self.seller_parcels(tenant, seller))
    }
    /// How many complaints a seller has.
    pub async fn complaint_count(&self, tenant: &str, seller: &str) -> Result<i64, AppError> {
        dispatch!(self.complaint_count(tenant, seller))
    }
    /// Every tenant id (the background scans).
    pub async fn tenant_ids(&self) -> Result<Vec<String>, AppError> {
        dispatch!(self.tenant_ids())
    }
}

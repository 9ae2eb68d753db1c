//! Persistence: one `Store` over two concrete sqlx backends (no `AnyPool`), selected by the URL
//! scheme. The queries are written once (`$n` placeholders work on both) and
//! compiled per backend (`sql/`, included into `sqlite.rs` and `pg.rs`); only connection setup,
//! migrations and row locking differ.

use crate::error::AppError;
use serde::Serialize;

/// An idempotency key and the hash of the request it came with.
#[derive(Clone, Debug)]
pub struct Idem {
    /// The `Idempotency-Key` header.
    pub key: String,
    /// SHA-256 of method, path and body.
    pub hash: String,
}

/// A stored response: the status and JSON body (fresh or replayed).
#[derive(Clone, Debug)]
pub struct Stored {
    /// HTTP status.
    pub status: u16,
    /// JSON body.
    pub body: String,
    /// Whether this is a replay of an earlier response.
    pub replayed: bool,
}

/// A quote as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct QuoteRow {
    pub id: String,
    pub tenant_id: String,
    pub quote: String,
    pub token: String,
    pub kid: String,
    pub destination: String,
    pub currency: String,
    pub duty_minor: i64,
    pub tax_minor: i64,
    pub fees_minor: i64,
    pub landed_cost_minor: i64,
    pub due_at_checkout_minor: i64,
    pub due_at_delivery_minor: i64,
    pub prepaid_minor: i64,
    pub pack_id: String,
    pub pack_version: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub accepted_at: Option<i64>,
    pub settled_at: Option<i64>,
    /// The seller the quote was made for (`Landed-Seller-Id`).
    #[sqlx(default)]
    pub seller_id: Option<String>,
    /// The risk block of the response (JSON): undervaluation flags and the seller's lane.
    #[sqlx(default)]
    pub risk: Option<String>,
}

/// A new quote to store.
#[derive(Clone, Debug)]
pub struct NewQuote {
    pub row: QuoteRow,
    pub basket: String,
    /// Its lines per SKU (item id), remembered for the catalogue.
    pub items: Vec<QuotedItem>,
}

/// A clearance as stored.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct ClearanceRow {
    pub id: String,
    pub quote_id: String,
    pub seq: i64,
    pub parcel_id: String,
    pub status: String,
    pub currency: String,
    pub duty_minor: i64,
    pub tax_minor: i64,
    pub fees_minor: i64,
    pub assessed_minor: i64,
    pub prepaid_minor: i64,
    pub transfer_id: String,
    pub created_at: i64,
}

/// One ledger entry.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct EntryRow {
    pub transfer_id: String,
    pub quote_id: String,
    pub kind: String,
    pub account: String,
    pub currency: String,
    pub amount_minor: i64,
}

/// A reconciliation row: a parcel's current clearance.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReconRow {
    pub quote_id: String,
    pub parcel_id: String,
    pub destination: String,
    pub status: String,
    pub currency: String,
    pub prepaid_minor: i64,
    pub assessed_minor: i64,
    pub seq: i64,
    pub created_at: i64,
}

/// A clearance request, validated.
#[derive(Clone, Debug)]
pub struct ClearanceReq {
    pub quote_id: String,
    pub parcel_id: String,
    pub status: landed_domain::ledger::Status,
    pub currency: String,
    pub duty: i64,
    pub tax: i64,
    pub fees: i64,
    /// The lines whose code customs assessed (checked and priced by the handler).
    pub assessed: Vec<NewAssessment>,
}

/// What a clearance did.
#[derive(Clone, Debug)]
pub struct ClearanceOutcome {
    pub clearance: ClearanceRow,
    pub entries: Vec<EntryRow>,
    /// False when the same clearance was already recorded (nothing posted).
    pub posted: bool,
    /// The clearance's assessed lines.
    pub assessments: Vec<AssessmentRow>,
}

/// What an acceptance did.
#[derive(Clone, Debug)]
pub struct AcceptOutcome {
    pub quote: QuoteRow,
    pub entries: Vec<EntryRow>,
}

/// A signing key as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct KeyRow {
    pub kid: String,
    pub private_key: String,
    pub public_key: String,
    pub created_at: i64,
    pub retired_at: Option<i64>,
}

/// Prepared statements kept per connection: the group committer's set-based statements have one
/// text per batch size (up to 64 each), beyond sqlx's default of 100.
const STATEMENT_CACHE: usize = 512;

/// How long a process signs with the active key it read before reading it again: a key rotated
/// by another process (`landed-server rotate-key`) is picked up within this time; the rotating
/// process itself switches at once.
const ACTIVE_KEY_TTL: std::time::Duration = std::time::Duration::from_secs(1);
/// Most tenants remembered by key hash (the map is emptied when full).
const MAX_CACHED_TENANTS: usize = 10_000;

/// What a backend remembers between requests: tenants by API key hash (a hash never changes
/// tenant; unknown keys are not remembered) and the active signing key for [`ACTIVE_KEY_TTL`].
#[derive(Debug, Default)]
pub(crate) struct Cache {
    tenants: std::sync::RwLock<std::collections::HashMap<String, String>>,
    key: std::sync::Mutex<Option<(KeyRow, std::time::Instant)>>,
}

impl Cache {
    fn tenant(&self, hash: &str) -> Option<String> {
        self.tenants.read().ok()?.get(hash).cloned()
    }

    fn remember_tenant(&self, hash: &str, id: &str) {
        if let Ok(mut m) = self.tenants.write() {
            if m.len() >= MAX_CACHED_TENANTS {
                m.clear();
            }
            m.insert(hash.to_string(), id.to_string());
        }
    }

    fn key(&self) -> Option<KeyRow> {
        let k = self.key.lock().ok()?;
        k.as_ref()
            .filter(|(_, at)| at.elapsed() < ACTIVE_KEY_TTL)
            .map(|(k, _)| k.clone())
    }

    fn set_key(&self, k: Option<KeyRow>) {
        if let Ok(mut slot) = self.key.lock() {
            *slot = k.map(|k| (k, std::time::Instant::now()));
        }
    }
}

/// What the group committers did so far (`Store::commit_stats`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CommitStats {
    /// Transactions committed (or attempted) by the committer.
    pub batches: u64,
    /// Jobs in them.
    pub jobs: u64,
    /// The most jobs in one of them.
    pub largest: u64,
}

#[derive(Debug, Default)]
struct CommitCounters {
    batches: std::sync::atomic::AtomicU64,
    jobs: std::sync::atomic::AtomicU64,
    largest: std::sync::atomic::AtomicU64,
}

impl CommitCounters {
    fn count(&self, jobs: usize) {
        use std::sync::atomic::Ordering::Relaxed;
        let jobs = u64::try_from(jobs).unwrap_or(u64::MAX);
        self.batches.fetch_add(1, Relaxed);
        self.jobs.fetch_add(jobs, Relaxed);
        self.largest.fetch_max(jobs, Relaxed);
    }

    fn read(&self) -> CommitStats {
        use std::sync::atomic::Ordering::Relaxed;
        CommitStats {
            batches: self.batches.load(Relaxed),
            jobs: self.jobs.load(Relaxed),
            largest: self.largest.load(Relaxed),
        }
    }
}

fn unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}

pub mod migrations;
pub mod pg;
pub mod sqlite;

/// The store, over either backend.
#[derive(Clone, Debug)]
pub enum Store {
    /// SQLite file.
    Sqlite(sqlite::Backend),
    /// PostgreSQL.
    Pg(pg::Backend),
}

macro_rules! dispatch {
    ($self:ident . $m:ident ( $($a:expr),* )) => {
        match $self {
            Store::Sqlite(b) => b.$m($($a),*).await,
            Store::Pg(b) => b.$m($($a),*).await,
        }
    };
}

mod clearance;
pub use clearance::*;
mod learning;
pub use learning::*;

impl Store {
    /// `sqlite://path` (created on first start) or `postgres://...`.
    pub async fn connect(url: &str) -> Result<Store, AppError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Store::Pg(pg::Backend::connect(url).await?))
        } else {
            Ok(Store::Sqlite(sqlite::Backend::connect(url).await?))
        }
    }

    /// What the group committer did so far: batches, jobs, the largest batch.
    pub fn commit_stats(&self) -> CommitStats {
        match self {
            Store::Sqlite(b) => b.commit.stats(),
            Store::Pg(b) => b.commit.stats(),
        }
    }

    /// A new tenant; returns its id.
    pub async fn create_tenant(
        &self,
        name: &str,
        key_hash: &str,
        now: i64,
    ) -> Result<String, AppError> {
        dispatch!(self.create_tenant(name, key_hash, now))
    }
    /// The tenant id of an API key hash.
    pub async fn tenant_by_key_hash(&self, hash: &str) -> Result<Option<String>, AppError> {
        dispatch!(self.tenant_by_key_hash(hash))
    }
    /// The newest unretired signing key, creating one when none exists.
    pub async fn active_key(&self, now: i64) -> Result<KeyRow, AppError> {
        dispatch!(self.active_key(now))
    }
    /// Retires every current key and creates a new one; returns (new kid, retired kids).
    pub async fn rotate_key(&self, now: i64) -> Result<(String, Vec<String>), AppError> {
        dispatch!(self.rotate_key(now))
    }
    /// Every key.
    pub async fn keys(&self) -> Result<Vec<KeyRow>, AppError> {
        dispatch!(self.keys())
    }
    /// Stores a quote (idempotently).
    pub async fn create_quote(
        &self,
        tenant: &str,
        idem: &Idem,
        q: &NewQuote,
        render: &(dyn Fn(&QuoteRow) -> Result<serde_json::Value, AppError> + Sync),
        now: i64,
    ) -> Result<Stored, AppError> {
        dispatch!(self.create_quote(tenant, idem, q, render, now))
    }
    /// A tenant's quote.
    pub async fn quote(&self, tenant: &str, id: &str) -> Result<Option<QuoteRow>, AppError> {
        dispatch!(self.quote(tenant, id))
    }
    /// The clearances of a quote, oldest first.
    pub async fn clearances(
        &self,
        tenant: &str,
        quote_id: &str,
    ) -> Result<Vec<ClearanceRow>, AppError> {
        dispatch!(self.clearances(tenant, quote_id))
    }
    /// Accepts a quote: holds the prepaid amount.
    pub async fn accept(
        &self,
        tenant: &str,
        idem: &Idem,
        id: &str,
        render: impl Fn(&AcceptOutcome) -> serde_json::Value + Send + Sync + 'static,
        now: i64,
    ) -> Result<Stored, AppError> {
        dispatch!(self.accept(tenant, idem, id, render, now))
    }
    /// Records a clearance and posts it.
    pub async fn clear(
        &self,
        tenant: &str,
        idem: &Idem,
        req: &ClearanceReq,
        render: impl Fn(&ClearanceOutcome) -> serde_json::Value + Send + Sync + 'static,
        now: i64,
    ) -> Result<Stored, AppError> {
        dispatch!(self.clear(tenant, idem, req, render, now))
    }
    /// Current clearances created in `[from, to)`, with their quote's destination.
    pub async fn reconciliation(
        &self,
        tenant: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<ReconRow>, AppError> {
        dispatch!(self.reconciliation(tenant, from, to))
    }
    /// Balances per (account, currency) of a tenant, or of every tenant when `tenant` is None.
    pub async fn balances(
        &self,
        tenant: Option<&str>,
    ) -> Result<Vec<(String, String, i64)>, AppError> {
        dispatch!(self.balances(tenant))
    }
    /// Every entry of a tenant, in order.
    pub async fn entries(&self, tenant: &str) -> Result<Vec<EntryRow>, AppError> {
        dispatch!(self.entries(tenant))
    }
    /// The stored response of an idempotency key, as kept (tests and support).
    pub async fn idempotency_response(
        &self,
        tenant: &str,
        key: &str,
    ) -> Result<Option<String>, AppError> {
        dispatch!(self.idempotency_response(tenant, key))
    }
    /// Deletes idempotency records older than `before`.
    pub async fn purge_idempotency(&self, before: i64) -> Result<u64, AppError> {
        dispatch!(self.purge_idempotency(before))
    }
}

//! Persistence: one `Store` over two concrete sqlx backends (no `AnyPool`), selected by the URL
//! scheme. The queries are written once (`store_impl.rs`, `$n` placeholders work on both) and
//! compiled per backend; only connection setup, migrations and row locking differ.

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

fn unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}

/// SQLite: WAL, busy_timeout, one writer connection (money paths `BEGIN IMMEDIATE`), a reader pool.
pub mod sqlite {
    use super::*;
    pub(crate) type Db = sqlx::Sqlite;
    macro_rules! for_update {
        ($s:literal) => {
            $s
        };
    }

    /// The pools.
    #[derive(Clone, Debug)]
    pub struct Backend {
        write: sqlx::Pool<Db>,
        read: sqlx::Pool<Db>,
    }

    impl Backend {
        /// Opens (creating) the database file and migrates it.
        pub async fn connect(url: &str) -> Result<Backend, AppError> {
            use sqlx::sqlite::{
                SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
            };
            use std::str::FromStr;
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(std::time::Duration::from_secs(10))
                .foreign_keys(true);
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(opts.clone())
                .await?;
            sqlx::migrate!("migrations/sqlite").run(&write).await?;
            let read = SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(opts.read_only(true))
                .await?;
            Ok(Backend { write, read })
        }

        async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Db>, AppError> {
            Ok(self.write.begin_with("BEGIN IMMEDIATE").await?)
        }
    }

    /// Serializes key creation; `BEGIN IMMEDIATE` already does on SQLite.
    async fn lock_keys(_tx: &mut sqlx::Transaction<'static, Db>) -> Result<(), AppError> {
        Ok(())
    }

    include!("store_impl.rs");
    include!("store_clearance.rs");
    include!("store_learning.rs");
}

/// PostgreSQL: one pool; money paths lock the quote row (`SELECT ... FOR UPDATE`).
pub mod pg {
    use super::*;
    pub(crate) type Db = sqlx::Postgres;
    macro_rules! for_update {
        ($s:literal) => {
            concat!($s, " FOR UPDATE")
        };
    }

    /// The pool.
    #[derive(Clone, Debug)]
    pub struct Backend {
        write: sqlx::Pool<Db>,
        read: sqlx::Pool<Db>,
    }

    impl Backend {
        /// Connects and migrates.
        pub async fn connect(url: &str) -> Result<Backend, AppError> {
            let pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(16)
                .connect(url)
                .await?;
            sqlx::migrate!("migrations/postgres").run(&pool).await?;
            Ok(Backend {
                write: pool.clone(),
                read: pool,
            })
        }

        async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Db>, AppError> {
            Ok(self.write.begin().await?)
        }
    }

    /// Serializes key creation and rotation across connections and processes.
    async fn lock_keys(tx: &mut sqlx::Transaction<'static, Db>) -> Result<(), AppError> {
        sqlx::query("SELECT pg_advisory_xact_lock(7417)")
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    include!("store_impl.rs");
    include!("store_clearance.rs");
    include!("store_learning.rs");
}

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
        render: &(dyn Fn(&AcceptOutcome) -> serde_json::Value + Sync),
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
        render: &(dyn Fn(&ClearanceOutcome) -> serde_json::Value + Sync),
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

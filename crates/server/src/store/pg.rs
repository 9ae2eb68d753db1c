//! PostgreSQL: one pool; money paths lock the quote row (`SELECT ... FOR UPDATE`).

use super::*;
pub(crate) type Db = sqlx::Postgres;
macro_rules! for_update {
    ($($s:tt)+) => {
        concat!($($s)+, " FOR UPDATE")
    };
}

/// Committer tasks: one batch gathers while others commit (SQLite has one writer, so one).
const PG_COMMITTERS: usize = 4;

/// The pool.
#[derive(Clone, Debug)]
pub struct Backend {
    write: sqlx::Pool<Db>,
    read: sqlx::Pool<Db>,
    /// The group committer of the money paths (`sql/commit.rs`).
    pub(super) commit: Committer,
    cache: std::sync::Arc<Cache>,
}

/// A write transaction.
async fn begin_on(pool: &sqlx::Pool<Db>) -> Result<sqlx::Transaction<'static, Db>, AppError> {
    Ok(pool.begin().await?)
}

impl Backend {
    /// Connects and migrates.
    pub async fn connect(url: &str) -> Result<Backend, AppError> {
        use std::str::FromStr;
        let opts = sqlx::postgres::PgConnectOptions::from_str(url)?
            .statement_cache_capacity(STATEMENT_CACHE);
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(16)
            .connect_with(opts)
            .await?;
        super::migrations::migrator(super::migrations::Dialect::Postgres)
            .run(&pool)
            .await?;
        Ok(Backend {
            commit: Committer::start(pool.clone(), PG_COMMITTERS),
            cache: Default::default(),
            write: pool.clone(),
            read: pool,
        })
    }

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Db>, AppError> {
        begin_on(&self.write).await
    }
}

/// Serializes key creation and rotation across connections and processes.
async fn lock_keys(tx: &mut sqlx::Transaction<'static, Db>) -> Result<(), AppError> {
    sqlx::query("SELECT pg_advisory_xact_lock(7417)")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

include!("sql/core.rs");
include!("sql/clearance.rs");
include!("sql/learning.rs");
include!("sql/commit.rs");

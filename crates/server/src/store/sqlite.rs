//! SQLite: WAL, busy_timeout, one writer connection (money paths `BEGIN IMMEDIATE`), a reader pool.

use super::*;
pub(crate) type Db = sqlx::Sqlite;
macro_rules! for_update {
    ($($s:tt)+) => {
        $($s)+
    };
}

/// The pools.
#[derive(Clone, Debug)]
pub struct Backend {
    write: sqlx::Pool<Db>,
    read: sqlx::Pool<Db>,
    /// The group committer of the money paths (`sql/commit.rs`).
    pub(super) commit: Committer,
    cache: std::sync::Arc<Cache>,
}

/// A write transaction: `BEGIN IMMEDIATE` takes the write lock at once, so a transaction that
/// reads before it writes cannot fail to upgrade its lock.
async fn begin_on(pool: &sqlx::Pool<Db>) -> Result<sqlx::Transaction<'static, Db>, AppError> {
    Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
}

impl Backend {
    /// Opens (creating) the database file and migrates it.
    pub async fn connect(url: &str) -> Result<Backend, AppError> {
        use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
        use std::str::FromStr;
        let (url, synchronous) = split_synchronous(url)?;
        let opts = SqliteConnectOptions::from_str(&url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(synchronous)
            .busy_timeout(std::time::Duration::from_secs(10))
            .foreign_keys(true)
            .statement_cache_capacity(STATEMENT_CACHE);
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts.clone())
            .await?;
        super::migrations::migrator(super::migrations::Dialect::Sqlite)
            .run(&write)
            .await?;
        let read = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts.read_only(true))
            .await?;
        Ok(Backend {
            commit: Committer::start(write.clone(), 1),
            cache: Default::default(),
            write,
            read,
        })
    }

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Db>, AppError> {
        begin_on(&self.write).await
    }
}

/// Takes the server's own `synchronous=full|normal|off` parameter out of a SQLite URL (sqlx
/// refuses parameters it does not know). `full` (the default) makes every acknowledged write
/// durable; `off` exists to measure the ceiling without durability (`scripts/bench.sh`) and
/// must never serve money.
fn split_synchronous(url: &str) -> Result<(String, sqlx::sqlite::SqliteSynchronous), AppError> {
    use sqlx::sqlite::SqliteSynchronous;
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_string(), SqliteSynchronous::Full));
    };
    let mut sync = SqliteSynchronous::Full;
    let mut rest = Vec::new();
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some(("synchronous", v)) => {
                sync = match v.to_ascii_lowercase().as_str() {
                    "full" => SqliteSynchronous::Full,
                    "normal" => SqliteSynchronous::Normal,
                    "off" => SqliteSynchronous::Off,
                    _ => {
                        return Err(AppError::Internal(format!(
                            "DATABASE_URL: synchronous={v} (expected full, normal or off)"
                        )))
                    }
                }
            }
            _ => rest.push(pair),
        }
    }
    let url = if rest.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", rest.join("&"))
    };
    Ok((url, sync))
}

/// Serializes key creation; `BEGIN IMMEDIATE` already does on SQLite.
async fn lock_keys(_tx: &mut sqlx::Transaction<'static, Db>) -> Result<(), AppError> {
    Ok(())
}

include!("sql/core.rs");
include!("sql/clearance.rs");
include!("sql/learning.rs");
include!("sql/commit.rs");

//! The schema's migrations, written once for both databases (`migrations/*.sql`). A line that
//! starts with `@sqlite ` or `@postgres ` belongs to that database only (the marker is removed);
//! `@note ` lines are comments of the source that neither database sees; every other line is
//! shared. Each rendered text is exactly what the earlier per-database folders held, so databases
//! migrated before keep their sqlx checksums (`tests/migrations.rs` holds them).

use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AssertSqlSafe, SqlSafeStr};

/// The database a migration is rendered for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// (version, description, source), in order.
const SOURCES: [(i64, &str, &str); 3] = [
    (1, "init", include_str!("../../migrations/0001_init.sql")),
    (
        2,
        "clearance",
        include_str!("../../migrations/0002_clearance.sql"),
    ),
    (
        3,
        "learning",
        include_str!("../../migrations/0003_learning.sql"),
    ),
];

/// The text of a migration source for `dialect`.
pub fn render(source: &str, dialect: Dialect) -> String {
    let mut out = String::with_capacity(source.len());
    for line in source.split_inclusive('\n') {
        let kept = match (
            line.strip_prefix("@sqlite "),
            line.strip_prefix("@postgres "),
        ) {
            (Some(l), _) => (dialect == Dialect::Sqlite).then_some(l),
            (_, Some(l)) => (dialect == Dialect::Postgres).then_some(l),
            _ if line.starts_with("@note ") => None,
            _ => Some(line),
        };
        out.push_str(kept.unwrap_or(""));
    }
    out
}

/// Every migration, rendered for `dialect`: (version, description, SQL).
pub fn rendered(dialect: Dialect) -> Vec<(i64, &'static str, String)> {
    SOURCES
        .iter()
        .map(|(v, d, src)| (*v, *d, render(src, dialect)))
        .collect()
}

/// The migrator of `dialect`.
pub(crate) fn migrator(dialect: Dialect) -> Migrator {
    Migrator::with_migrations(
        rendered(dialect)
            .into_iter()
            .map(|(v, d, sql)| {
                Migration::new(
                    v,
                    d.into(),
                    MigrationType::Simple,
                    AssertSqlSafe(sql).into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

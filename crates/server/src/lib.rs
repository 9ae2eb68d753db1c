//! `landed-server`: the HTTP face of the landed-cost engine. It recomputes every quote with the
//! core (`landed::quote_json`), signs it (Ed25519 JWS), scopes everything by the API key's tenant
//! and settles clearances in an append-only double-entry ledger. See README.md.

pub mod app;
pub mod error;
pub mod ledger;
pub mod limit;
pub mod metrics;
pub mod money;
pub mod openapi;
pub mod sign;
pub mod store;

pub use app::{app, AppState};
pub use error::AppError;
pub use store::Store;

use sha2::{Digest, Sha256};

/// A fresh API key (`lk_` + 64 hex chars of 32 random bytes) and its stored SHA-256 hash.
pub fn new_api_key() -> (String, String) {
    let mut raw = [0u8; 32];
    getrandom::fill(&mut raw).expect("the OS random source works");
    let key = format!("lk_{}", hex::encode(raw));
    let hash = hash_api_key(&key);
    (key, hash)
}

/// The stored form of an API key.
pub fn hash_api_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// Creates a tenant and returns `(tenant id, API key)`; the key is shown once, only its hash is stored.
pub async fn create_tenant(store: &Store, name: &str) -> Result<(String, String), AppError> {
    let (key, hash) = new_api_key();
    let id = store.create_tenant(name, &hash, now_micros()).await?;
    Ok((id, key))
}

/// Unix time in microseconds.
pub fn now_micros() -> i64 {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

/// `2026-11-25T10:00:00Z` from unix microseconds.
pub fn rfc3339(micros: i64) -> String {
    let secs = micros.div_euclid(1_000_000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let date =
        landed::Date::from_days_since_epoch(days).map_or_else(|| "?".into(), |d| d.to_string());
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

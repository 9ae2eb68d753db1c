//! `landed-server`: the HTTP face of the landed-cost engine. It recomputes every quote with the
//! core (`landed::Quoter`), signs it (Ed25519 JWS), scopes everything by the API key's tenant
//! and settles clearances in an append-only double-entry ledger. Parcels get a clearance timeline
//! with signed webhooks, undervaluation and inspection-rate warnings, and sellers a credit lane.
//! The pure rules (ledger, timeline, undervaluation, seller profile, inspection-rate test) are the
//! `landed-domain` crate; this crate reads and writes what they need and answers over HTTP.
//! See README.md.

pub mod delivery;
pub mod error;
pub mod estimates;
pub mod http;
pub mod inspection;
pub mod limit;
pub mod metrics;
pub mod money;
pub mod netpolicy;
pub mod serve;
pub mod sign;
pub mod store;
pub mod webhook;

pub use error::AppError;
pub use http::state::{self, AppState};
pub use http::{app, openapi};
pub use store::Store;
pub use webhook::verify_webhook;

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

/// Unix microseconds from an RFC 3339 date-time: `2026-11-25T10:00:00Z`, with optional fractional
/// seconds and a `Z` or `±HH:MM` offset. `None` when it is not one.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let (date, rest) = s.split_once(['T', 't', ' '])?;
    let days = date.parse::<landed::Date>().ok()?.days_since_epoch();
    let (time, offset_secs) = if let Some(t) = rest.strip_suffix(['Z', 'z']) {
        (t, 0)
    } else {
        let at = rest.rfind(['+', '-'])?;
        let (t, off) = rest.split_at(at);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (h, m) = off[1..].split_once(':')?;
        let (h, m): (i64, i64) = (num(h, 2)?, num(m, 2)?);
        if h > 23 || m > 59 {
            return None;
        }
        (t, sign * (h * 3600 + m * 60))
    };
    let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
    let mut parts = hms.split(':');
    let (h, m, sec) = (
        num(parts.next()?, 2)?,
        num(parts.next()?, 2)?,
        num(parts.next()?, 2)?,
    );
    if parts.next().is_some() || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let mut micros = 0i64;
    if !frac.is_empty() {
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let digits: String = frac.chars().chain(std::iter::repeat('0')).take(6).collect();
        micros = digits.parse().ok()?;
    }
    let secs = days * 86_400 + h * 3600 + m * 60 + sec - offset_secs;
    secs.checked_mul(1_000_000)?.checked_add(micros)
}

fn num(s: &str, len: usize) -> Option<i64> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_round_trips() {
        let t = super::parse_rfc3339("2026-11-25T10:00:00Z").unwrap();
        assert_eq!(super::rfc3339(t), "2026-11-25T10:00:00Z");
        assert_eq!(super::parse_rfc3339("2026-11-25T11:30:00+01:30"), Some(t));
        assert_eq!(super::parse_rfc3339("2026-11-25T08:00:00-02:00"), Some(t));
        assert_eq!(
            super::parse_rfc3339("2026-11-25T10:00:00.25Z"),
            Some(t + 250_000)
        );
        for bad in [
            "2026-11-25",
            "2026-11-25T10:00Z",
            "2026-13-01T00:00:00Z",
            "2026-11-25T24:00:00Z",
            "2026-11-25T10:00:00",
            "x",
        ] {
            assert_eq!(super::parse_rfc3339(bad), None, "{bad}");
        }
    }
}

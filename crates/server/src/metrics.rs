//! A hand-rolled Prometheus text exposition: request counts by route and status, latency sums,
//! and business counters. Integer arithmetic only (microseconds).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// `(method, route, status)` of a request.
type RequestKey = (String, String, u16);
/// `(count, latency sum in microseconds)`.
type RequestStats = (u64, u64);

/// The counters.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<RequestKey, RequestStats>>,
    /// Quotes signed and stored.
    pub quotes_created: AtomicU64,
    /// Clearances posted to the ledger.
    pub clearances_posted: AtomicU64,
    /// Responses replayed from an idempotency key.
    pub idempotent_replays: AtomicU64,
    /// Requests refused by a rate limit.
    pub rate_limited: AtomicU64,
}

impl Metrics {
    /// Records one request.
    pub fn observe(&self, method: &str, route: &str, status: u16, micros: u64) {
        let mut m = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        let e = m
            .entry((method.to_string(), route.to_string(), status))
            .or_default();
        e.0 += 1;
        e.1 += micros;
    }

    /// The Prometheus text format.
    pub fn render(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let m = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        s.push_str("# HELP landed_http_requests_total HTTP requests by method, route and status.\n# TYPE landed_http_requests_total counter\n");
        for ((method, route, status), (n, _)) in m.iter() {
            let _ = writeln!(s, "landed_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}");
        }
        s.push_str("# HELP landed_http_request_duration_microseconds_sum Total time spent serving requests.\n# TYPE landed_http_request_duration_microseconds_sum counter\n");
        for ((method, route, status), (_, us)) in m.iter() {
            let _ = writeln!(s, "landed_http_request_duration_microseconds_sum{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {us}");
        }
        for (name, help, v) in [
            (
                "landed_quotes_created_total",
                "Signed quotes stored.",
                &self.quotes_created,
            ),
            (
                "landed_clearances_posted_total",
                "Clearances posted to the ledger.",
                &self.clearances_posted,
            ),
            (
                "landed_idempotent_replays_total",
                "Responses replayed for a repeated Idempotency-Key.",
                &self.idempotent_replays,
            ),
            (
                "landed_rate_limited_total",
                "Requests refused with 429 by a rate limit.",
                &self.rate_limited,
            ),
        ] {
            let _ = writeln!(
                s,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                v.load(Ordering::Relaxed)
            );
        }
        s
    }
}

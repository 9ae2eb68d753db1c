//! The server's shared state: the store, the pack, the signing clock, limits and the pool that
//! runs CPU-bound work; the constants of its HTTP face.

use crate::error::AppError;
use crate::limit::{Limiter, Rate};
use crate::metrics::Metrics;
use crate::store::Store;
use std::collections::HashSet;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a quote (and its token) stays valid for acceptance.
pub const QUOTE_TTL_SECS: i64 = 24 * 3600;
/// How long idempotency records are kept.
pub const IDEMPOTENCY_TTL_SECS: i64 = 48 * 3600;
/// Largest request body.
pub const BODY_LIMIT: usize = 1 << 20;
/// Default rate limit per API key (`--rate-limit`).
pub const DEFAULT_KEY_RATE: Rate = Rate {
    per_second: 1000,
    burst: 2000,
};
/// Default rate limit per client address (`--addr-rate-limit`).
pub const DEFAULT_ADDR_RATE: Rate = Rate {
    per_second: 2000,
    burst: 4000,
};

/// Jobs run at once by [`AppState::compute`]: one per core.
fn cpu_slots() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// Shared state.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The tariff pack.
    pub pack: Arc<landed::Pack>,
    /// Honour `X-Landed-Today` (tests, `--test-clock`).
    pub test_clock: bool,
    /// Added to the wall clock (tests move time forward).
    pub clock_offset_micros: Arc<AtomicI64>,
    /// Idempotency keys whose first request is running in this process.
    in_flight: Arc<Mutex<HashSet<(String, String)>>>,
    /// Counters for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// Request timeout.
    pub timeout: Duration,
    /// Rate limit per API key.
    pub key_limiter: Arc<Limiter>,
    /// Rate limit per client address.
    pub addr_limiter: Arc<Limiter>,
    /// Let webhooks go to loopback addresses, over plain http too (tests only).
    pub allow_loopback_webhooks: bool,
    /// The webhook HTTP client.
    pub webhooks: Arc<crate::webhook::Sender>,
    /// The HS classifier, loaded on the first quote with an item that has no HS code.
    classifier: Arc<std::sync::OnceLock<Result<landed::classify::OnnxClassifier, String>>>,
    /// Slots for CPU-bound work (see [`AppState::compute`]).
    cpu: Arc<tokio::sync::Semaphore>,
}

/// The server's classifier as the core asks for it: loaded on a quote's first uncoded item, once
/// per process (a failure to load is an internal error).
pub(crate) struct ServerClassifier<'a>(pub(crate) &'a AppState);

impl landed::ClassifierSource for ServerClassifier<'_> {
    fn classifier(&self) -> landed::Result<&dyn landed::classify::Classify> {
        self.0
            .classifier()
            .map(|c| c as &dyn landed::classify::Classify)
    }
}

impl AppState {
    /// State over a store, with the default pack.
    pub fn new(store: Store, test_clock: bool) -> Result<AppState, AppError> {
        let pack =
            landed::default_pack().map_err(|e| AppError::Internal(format!("default pack: {e}")))?;
        Ok(AppState {
            store,
            pack: Arc::new(pack),
            test_clock,
            clock_offset_micros: Arc::new(AtomicI64::new(0)),
            in_flight: Arc::default(),
            metrics: Arc::default(),
            timeout: Duration::from_secs(30),
            key_limiter: Arc::new(Limiter::new(DEFAULT_KEY_RATE)),
            addr_limiter: Arc::new(Limiter::new(DEFAULT_ADDR_RATE)),
            allow_loopback_webhooks: false,
            webhooks: Arc::default(),
            classifier: Arc::default(),
            cpu: Arc::new(tokio::sync::Semaphore::new(cpu_slots())),
        })
    }

    /// The built-in HS classifier (loaded once, on first use; the load is CPU-bound: call it
    /// inside [`compute`](Self::compute)).
    pub fn classifier(&self) -> landed::Result<&landed::classify::OnnxClassifier> {
        self.classifier
            .get_or_init(|| landed::classify::default_classifier().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| landed::Error::Classifier { message: e.clone() })
    }

    /// Runs CPU-bound work (quoting: the classifier and the figures) on tokio's blocking pool,
    /// at most one job per core at a time, so the async workers stay free: `/healthz` and other
    /// requests are answered while a large basket is quoted, and the request timeout can fire. A
    /// request that times out abandons its job, which finishes (a basket is bounded by
    /// `landed::basket::MAX_ITEMS`) and is dropped, still holding its slot until then, so abandoned
    /// work never piles up beyond the slots.
    pub async fn compute<T, F>(&self, job: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&AppState) -> Result<T, AppError> + Send + 'static,
    {
        let slot = self
            .cpu
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| AppError::Internal("the compute pool is closed".into()))?;
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            job(&state)
        })
        .await
        .map_err(|e| AppError::Internal(format!("a quote computation failed: {e}")))?
    }

    /// Allows webhook targets on loopback addresses, over plain http too (tests only).
    pub fn with_loopback_webhooks(mut self, allow: bool) -> AppState {
        self.allow_loopback_webhooks = allow;
        self
    }

    /// Replaces the rate limits (per API key, per client address).
    pub fn with_rate_limits(mut self, per_key: Rate, per_addr: Rate) -> AppState {
        self.key_limiter = Arc::new(Limiter::new(per_key));
        self.addr_limiter = Arc::new(Limiter::new(per_addr));
        self
    }

    /// Now, unix microseconds.
    pub fn now(&self) -> i64 {
        crate::now_micros() + self.clock_offset_micros.load(Ordering::Relaxed)
    }

    /// Moves this server's clock forward (tests).
    pub fn advance_clock(&self, secs: i64) {
        self.clock_offset_micros
            .fetch_add(secs * 1_000_000, Ordering::Relaxed);
    }

    /// Sets this server's clock to `micros` (unix microseconds; simulations).
    pub fn set_now(&self, micros: i64) {
        self.clock_offset_micros
            .store(micros - crate::now_micros(), Ordering::Relaxed);
    }

    /// Marks an idempotency key as in flight until the guard drops; `None` when it already is.
    pub fn claim_key(&self, tenant: &str, key: &str) -> Option<InFlight> {
        let k = (tenant.to_string(), key.to_string());
        let mut set = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        set.insert(k.clone()).then(|| InFlight {
            set: self.in_flight.clone(),
            key: k,
        })
    }
}

/// An idempotency key held in flight.
pub struct InFlight {
    set: Arc<Mutex<HashSet<(String, String)>>>,
    key: (String, String),
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.set
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.key);
    }
}

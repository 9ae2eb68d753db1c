//! Rate limits: a token bucket per API key (hashed, checked before the database is touched) and
//! one per client address. A request over either limit gets HTTP 429 `rate_limited` with
//! `Retry-After`. Buckets live in memory: limits are per server process.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A limit: `per_second` tokens refill each second, up to `burst`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    /// Sustained requests per second.
    pub per_second: u32,
    /// Largest burst.
    pub burst: u32,
}

impl std::str::FromStr for Rate {
    type Err = String;

    /// `100/s` (burst = 2 × rate) or `100/s,burst=400`; `off` disables (`per_second` 0).
    fn from_str(s: &str) -> Result<Rate, String> {
        let s = s.trim();
        if s == "off" {
            return Ok(Rate {
                per_second: 0,
                burst: 0,
            });
        }
        let (rate, burst) = match s.split_once(",burst=") {
            Some((r, b)) => (r, Some(b)),
            None => (s, None),
        };
        let per_second: u32 = rate
            .strip_suffix("/s")
            .and_then(|n| n.parse().ok())
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("`{s}`: expected N/s, N/s,burst=M or off"))?;
        let burst = match burst {
            Some(b) => b
                .parse()
                .ok()
                .filter(|b| *b >= 1)
                .ok_or_else(|| format!("`{s}`: burst must be a positive integer"))?,
            None => per_second.saturating_mul(2),
        };
        Ok(Rate { per_second, burst })
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.per_second == 0 {
            f.write_str("off")
        } else {
            write!(f, "{}/s,burst={}", self.per_second, self.burst)
        }
    }
}

/// Buckets by key. Tokens are counted in millitokens so refill stays integer arithmetic.
#[derive(Debug)]
pub struct Limiter {
    rate: Rate,
    buckets: Mutex<HashMap<String, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    millitokens: u64,
    at: Instant,
}

/// Buckets kept before idle (full) ones are dropped.
const MAX_BUCKETS: usize = 100_000;

impl Limiter {
    /// A limiter at `rate`.
    pub fn new(rate: Rate) -> Limiter {
        Limiter {
            rate,
            buckets: Mutex::default(),
        }
    }

    /// Takes one token for `key` at `now`; `Err(wait)` when the bucket is empty.
    pub fn check(&self, key: &str, now: Instant) -> Result<(), Duration> {
        if self.rate.per_second == 0 {
            return Ok(());
        }
        let cap = u64::from(self.rate.burst) * 1000;
        let per_sec = u64::from(self.rate.per_second);
        let mut map = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_BUCKETS && !map.contains_key(key) {
            map.retain(|_, b| refill(*b, now, per_sec, cap).millitokens < cap);
        }
        let b = map.entry(key.to_string()).or_insert(Bucket {
            millitokens: cap,
            at: now,
        });
        *b = refill(*b, now, per_sec, cap);
        if b.millitokens >= 1000 {
            b.millitokens -= 1000;
            Ok(())
        } else {
            let missing = 1000 - b.millitokens;
            // Milliseconds until one whole token has refilled, rounded up.
            Err(Duration::from_millis(missing.div_ceil(per_sec)))
        }
    }
}

fn refill(b: Bucket, now: Instant, per_sec: u64, cap: u64) -> Bucket {
    let ms = u64::try_from(now.saturating_duration_since(b.at).as_millis()).unwrap_or(u64::MAX);
    Bucket {
        millitokens: b
            .millitokens
            .saturating_add(ms.saturating_mul(per_sec))
            .min(cap),
        at: if ms > 0 { now } else { b.at },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rates() {
        assert_eq!(
            "10/s".parse(),
            Ok(Rate {
                per_second: 10,
                burst: 20
            })
        );
        assert_eq!(
            "10/s,burst=3".parse(),
            Ok(Rate {
                per_second: 10,
                burst: 3
            })
        );
        assert_eq!("off".parse::<Rate>().map(|r| r.per_second), Ok(0));
        for s in ["off", "7/s,burst=9"] {
            assert_eq!(s.parse::<Rate>().unwrap().to_string(), s);
        }
        for bad in ["", "10", "0/s", "x/s", "10/s,burst=0", "10/m"] {
            assert!(bad.parse::<Rate>().is_err(), "{bad}");
        }
    }

    #[test]
    fn bucket_empties_then_refills() {
        let l = Limiter::new(Rate {
            per_second: 10,
            burst: 3,
        });
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(l.check("k", t0).is_ok());
        }
        let wait = l.check("k", t0).unwrap_err();
        assert_eq!(wait, Duration::from_millis(100));
        // Another key has its own bucket.
        assert!(l.check("other", t0).is_ok());
        // 100 ms later one token is back, and only one.
        let t1 = t0 + Duration::from_millis(100);
        assert!(l.check("k", t1).is_ok());
        assert!(l.check("k", t1).is_err());
        // Long idle refills to the burst, not beyond.
        let t2 = t1 + Duration::from_secs(60);
        for _ in 0..3 {
            assert!(l.check("k", t2).is_ok());
        }
        assert!(l.check("k", t2).is_err());
    }

    #[test]
    fn off_never_limits() {
        let l = Limiter::new("off".parse().unwrap());
        let t = Instant::now();
        assert!((0..10_000).all(|_| l.check("k", t).is_ok()));
    }
}

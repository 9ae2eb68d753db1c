//! Webhook signatures, the retry schedule and the rules for delivery targets. Delivery itself is
//! in `delivery.rs`.
//!
//! Every delivery carries `Landed-Webhook-Id` (the event id: receivers de-duplicate on it),
//! `Landed-Webhook-Timestamp` (unix seconds of this attempt) and
//! `Landed-Webhook-Signature: v1=<hex HMAC-SHA256(secret, "{timestamp}.{body}")>`, where the HMAC
//! key is the endpoint's secret string as given at registration (its UTF-8 bytes). Receivers call
//! [`verify_webhook`] (or do the same in their language) and reject timestamps more than
//! [`SIGNATURE_TOLERANCE_SECS`] away from their clock, so a captured request cannot be replayed later.

use crate::error::AppError;
use sha2::{Digest, Sha256};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, OnceLock};

/// Header: the event id (the same on every attempt and redelivery).
pub const HEADER_ID: &str = "Landed-Webhook-Id";
/// Header: unix seconds at which this attempt was signed.
pub const HEADER_TIMESTAMP: &str = "Landed-Webhook-Timestamp";
/// Header: `v1=<hex>`; several space-separated signatures are allowed (secret rotation).
pub const HEADER_SIGNATURE: &str = "Landed-Webhook-Signature";
/// Largest accepted distance between the signed timestamp and the receiver's clock: 5 minutes.
pub const SIGNATURE_TOLERANCE_SECS: i64 = 300;
/// Deliveries are retried for 3 days after the event, then marked `failed`.
pub const RETRY_WINDOW_SECS: i64 = 3 * 86_400;
/// Delay after the first failed attempt; it doubles after each failure...
pub const FIRST_RETRY_SECS: i64 = 30;
/// ...up to 6 hours, so the 3 days hold about 20 attempts.
pub const MAX_RETRY_DELAY_SECS: i64 = 6 * 3600;
/// Event type of a parcel status event.
pub const EVENT_PARCEL: &str = "parcel_event";
/// Event type of an inspection-rate alert.
pub const EVENT_ALERT: &str = "inspection_rate_alert";
/// Every event type an endpoint may subscribe to.
pub const EVENT_TYPES: [&str; 2] = [EVENT_PARCEL, EVENT_ALERT];

/// HMAC-SHA256 (RFC 2104) of the concatenated `parts`.
pub fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    for p in parts {
        inner.update(p);
    }
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// The `Landed-Webhook-Signature` value of `body` signed at `timestamp` (unix seconds).
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let ts = timestamp.to_string();
    let mac = hmac_sha256(secret.as_bytes(), &[ts.as_bytes(), b".", body]);
    format!("v1={}", hex::encode(mac))
}

/// A fresh endpoint secret: `whsec_` and 64 hex characters (32 random bytes).
pub fn new_secret() -> String {
    let mut raw = [0u8; 32];
    getrandom::fill(&mut raw).expect("the OS random source works");
    format!("whsec_{}", hex::encode(raw))
}

/// Why a received webhook was rejected by [`verify_webhook`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// `Landed-Webhook-Timestamp` is not an integer.
    #[error("the timestamp is not unix seconds")]
    MalformedTimestamp,
    /// The timestamp is more than 5 minutes from the receiver's clock (a replay, or a skewed clock).
    #[error("the timestamp is {skew_secs} s away from now (more than 300 s)")]
    TimestampOutOfTolerance {
        /// Receiver's clock minus the timestamp, seconds.
        skew_secs: i64,
    },
    /// No `v1=` signature in the header.
    #[error("no v1 signature")]
    NoSignature,
    /// No `v1=` signature matches.
    #[error("the signature does not match")]
    BadSignature,
}

/// Verifies a received webhook: `timestamp` and `signature` are the header values, `body` the raw
/// request body, `now` the receiver's clock (unix seconds). Rejects a timestamp more than
/// [`SIGNATURE_TOLERANCE_SECS`] away and compares signatures in constant time.
pub fn verify_webhook(
    secret: &str,
    timestamp: &str,
    body: &[u8],
    signature_header: &str,
    now: i64,
) -> Result<(), VerifyError> {
    let ts: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| VerifyError::MalformedTimestamp)?;
    let skew = now.saturating_sub(ts);
    if skew.saturating_abs() > SIGNATURE_TOLERANCE_SECS {
        return Err(VerifyError::TimestampOutOfTolerance { skew_secs: skew });
    }
    let expected = signature(secret, ts, body);
    let mut any = false;
    for candidate in signature_header
        .split([' ', ','])
        .filter(|s| s.starts_with("v1="))
    {
        any = true;
        if constant_time_eq(candidate.as_bytes(), expected.as_bytes()) {
            return Ok(());
        }
    }
    Err(if any {
        VerifyError::BadSignature
    } else {
        VerifyError::NoSignature
    })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Seconds to wait after the `attempt`-th failed attempt (1-based): 30 s doubling up to 6 h, with
/// ±20 % jitter drawn from `seed` so that endpoints that failed together do not retry together.
pub fn retry_delay_secs(attempt: u32, seed: u64) -> i64 {
    let doublings = attempt.saturating_sub(1).min(20);
    let base = FIRST_RETRY_SECS
        .saturating_mul(1i64 << doublings)
        .min(MAX_RETRY_DELAY_SECS);
    let permille = 800 + i64::try_from(seed % 401).unwrap_or(0);
    base * permille / 1000
}

/// When to try again after the `attempt`-th failure at `failed_at` (unix microseconds), or `None`
/// when that would fall past the 3-day window of an event created at `created_at`: give up.
pub fn next_attempt_at(created_at: i64, failed_at: i64, attempt: u32, seed: u64) -> Option<i64> {
    let at = failed_at + retry_delay_secs(attempt, seed) * 1_000_000;
    (at <= created_at + RETRY_WINDOW_SECS * 1_000_000).then_some(at)
}

/// A 64-bit jitter seed from a delivery id.
pub fn jitter_seed(id: &str) -> u64 {
    let h = Sha256::digest(id.as_bytes());
    u64::from_le_bytes(h[..8].try_into().unwrap_or([0; 8]))
}

/// Whether a webhook may be sent to `ip`. The ranges are data: `data/iana-special-purpose.csv`
/// holds every row of the IANA IPv4 and IPv6 Special-Purpose Address Registries (plus multicast,
/// deprecated site-local and IPv4-compatible IPv6), each with a cited policy, and
/// [`crate::netpolicy`] applies it by longest prefix. Private, shared, link-local, unique-local,
/// documentation, benchmarking, reserved, multicast, tunnel (Teredo, local-use NAT64), anycast
/// service and identifier ranges are refused; loopback only with `allow_loopback` (a test-only
/// setting); IPv4-mapped, NAT64 (`64:ff9b::/96`) and 6to4 (`2002::/16`) addresses are judged by
/// the IPv4 address they carry. Addresses outside every listed range are allowed.
pub fn ip_allowed(ip: IpAddr, allow_loopback: bool) -> bool {
    crate::netpolicy::ip_allowed(ip, allow_loopback)
}

fn target_error(code: &'static str, message: impl Into<String>) -> AppError {
    AppError::invalid(code, "url", message)
}

/// Checks a webhook target: an `https` URL without credentials whose host (an address, or every
/// address its name resolves to) is allowed by [`ip_allowed`]. With `allow_loopback` (tests), a
/// target on a loopback address may also be plain `http`.
pub async fn check_target(url: &str, allow_loopback: bool) -> Result<reqwest::Url, AppError> {
    let u = reqwest::Url::parse(url)
        .map_err(|e| target_error("invalid_url", format!("`{url}` is not a URL: {e}")))?;
    if !u.username().is_empty() || u.password().is_some() {
        return Err(target_error(
            "invalid_url",
            "the URL must not carry credentials",
        ));
    }
    let scheme_ok = match u.scheme() {
        "https" => true,
        "http" => allow_loopback,
        _ => false,
    };
    if !scheme_ok {
        return Err(target_error(
            "webhook_target_not_https",
            format!(
                "the URL scheme is `{}`: webhook targets must be https",
                u.scheme()
            ),
        ));
    }
    let host = u
        .host_str()
        .ok_or_else(|| target_error("invalid_url", "the URL has no host"))?;
    let port = u.port_or_known_default().unwrap_or(443);
    let literal = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<IpAddr> = match literal.parse::<IpAddr>() {
        Ok(ip) => vec![ip],
        Err(_) => tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| {
                target_error(
                    "webhook_target_unresolvable",
                    format!("`{host}` does not resolve: {e}"),
                )
            })?
            .map(|a| a.ip())
            .collect(),
    };
    if addrs.is_empty() {
        return Err(target_error(
            "webhook_target_unresolvable",
            format!("`{host}` has no address"),
        ));
    }
    if let Some(bad) = addrs.iter().find(|ip| !ip_allowed(**ip, allow_loopback)) {
        return Err(target_error(
            "webhook_target_forbidden",
            format!("`{host}` resolves to {bad}, a private, loopback or reserved address"),
        ));
    }
    if u.scheme() == "http" && !addrs.iter().all(IpAddr::is_loopback) {
        return Err(target_error(
            "webhook_target_not_https",
            "webhook targets must be https (plain http only to loopback, in tests)",
        ));
    }
    Ok(u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 1.
        let mac = hmac_sha256(&[0x0b; 20], &[b"Hi There"]);
        assert_eq!(
            hex::encode(mac),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        // Test case 2, the message in two parts.
        let mac = hmac_sha256(b"Jefe", &[b"what do ya want ", b"for nothing?"]);
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than the block.
        let mac = hmac_sha256(
            &[0xaa; 131],
            &[b"Test Using Larger Than Block-Size Key - Hash Key First"],
        );
        assert_eq!(
            hex::encode(mac),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn verify_accepts_within_five_minutes_only() {
        let secret = "whsec_test";
        let body = br#"{"id":"e1"}"#;
        let sig = signature(secret, 1_000_000, body);
        // The same as Python's hmac.new(b"whsec_test", b'1000000.{"id":"e1"}', sha256) (README).
        assert_eq!(
            sig,
            "v1=f5993a12c2d48b75abad61b7c91cc7d702741e95d4f72c4759d6cf7f8e1acdf0"
        );
        assert_eq!(
            verify_webhook(secret, "1000000", body, &sig, 1_000_000),
            Ok(())
        );
        assert_eq!(
            verify_webhook(secret, "1000000", body, &sig, 1_000_300),
            Ok(())
        );
        assert_eq!(
            verify_webhook(secret, "1000000", body, &sig, 1_000_301),
            Err(VerifyError::TimestampOutOfTolerance { skew_secs: 301 })
        );
        assert_eq!(
            verify_webhook(secret, "1000000", body, &sig, 999_699),
            Err(VerifyError::TimestampOutOfTolerance { skew_secs: -301 })
        );
        // A tampered body, another secret, a moved timestamp: all refused.
        assert_eq!(
            verify_webhook(secret, "1000000", br#"{"id":"e2"}"#, &sig, 1_000_000),
            Err(VerifyError::BadSignature)
        );
        assert_eq!(
            verify_webhook("whsec_other", "1000000", body, &sig, 1_000_000),
            Err(VerifyError::BadSignature)
        );
        assert_eq!(
            verify_webhook(secret, "1000001", body, &sig, 1_000_000),
            Err(VerifyError::BadSignature)
        );
        assert_eq!(
            verify_webhook(secret, "soon", body, &sig, 1_000_000),
            Err(VerifyError::MalformedTimestamp)
        );
        assert_eq!(
            verify_webhook(secret, "1000000", body, "sha256=abc", 1_000_000),
            Err(VerifyError::NoSignature)
        );
        // Several signatures (during a secret rotation): one match is enough.
        let both = format!("v1=00 {sig}");
        assert_eq!(
            verify_webhook(secret, "1000000", body, &both, 1_000_000),
            Ok(())
        );
    }

    #[test]
    fn the_retry_schedule_spans_three_days_then_gives_up() {
        let created = 0i64;
        let mut at = created;
        let mut attempts = 1u32;
        while let Some(next) = next_attempt_at(created, at, attempts, jitter_seed("d1")) {
            assert!(next > at);
            at = next;
            attempts += 1;
        }
        assert!(
            (15..=30).contains(&attempts),
            "{attempts} attempts in 3 days"
        );
        assert!(
            at > created + (RETRY_WINDOW_SECS - MAX_RETRY_DELAY_SECS * 3 / 2) * 1_000_000,
            "the last retry falls late in the window"
        );
        assert!(at <= created + RETRY_WINDOW_SECS * 1_000_000);
        for a in 1..40 {
            for seed in [0, 200, 400, u64::MAX] {
                let d = retry_delay_secs(a, seed);
                assert!((24..=MAX_RETRY_DELAY_SECS * 6 / 5).contains(&d), "{a}: {d}");
            }
        }
        assert_eq!(retry_delay_secs(1, 200), 30);
        assert_eq!(retry_delay_secs(2, 200), 60);
    }

    #[test]
    fn private_and_loopback_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
            "64:ff9b::a00:1",
            "2001:db8::1",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert!(!ip_allowed(ip, false), "{ip} must be refused");
        }
        for ip in [
            "93.184.216.34",
            "2606:2800:220:1:248:1893:25c8:1946",
            "1.1.1.1",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert!(ip_allowed(ip, false), "{ip} is public");
        }
        // The test-only setting opens loopback, and nothing else.
        assert!(ip_allowed("127.0.0.1".parse().unwrap(), true));
        assert!(ip_allowed("::1".parse().unwrap(), true));
        assert!(!ip_allowed("10.0.0.1".parse().unwrap(), true));
        assert!(!ip_allowed("fe80::1".parse().unwrap(), true));
    }

    #[tokio::test]
    async fn targets_must_be_https_and_public() {
        for (url, code) in [
            ("http://example.com/hook", "webhook_target_not_https"),
            ("https://127.0.0.1/hook", "webhook_target_forbidden"),
            ("https://10.0.0.1/hook", "webhook_target_forbidden"),
            ("https://[::1]/hook", "webhook_target_forbidden"),
            ("https://[fd00::1]/hook", "webhook_target_forbidden"),
            ("https://localhost/hook", "webhook_target_forbidden"),
            ("https://user:pw@93.184.216.34/", "invalid_url"),
            ("not a url", "invalid_url"),
        ] {
            let e = check_target(url, false).await.unwrap_err();
            assert_eq!(e.code(), code, "{url}: {e}");
        }
        assert!(check_target("https://93.184.216.34/hook", false)
            .await
            .is_ok());
        // Loopback allowed (tests): loopback http and https pass, private ranges still do not.
        assert!(check_target("http://127.0.0.1:9/hook", true).await.is_ok());
        assert!(check_target("https://[::1]:9/hook", true).await.is_ok());
        assert_eq!(
            check_target("http://10.0.0.1/hook", true)
                .await
                .unwrap_err()
                .code(),
            "webhook_target_forbidden"
        );
    }
}

/// Per-request timeout of a webhook delivery.
pub const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The HTTP client for webhooks: rustls, no redirects, no proxy, and a resolver that refuses
/// names resolving to forbidden addresses at connect time (no DNS rebinding after the check).
#[derive(Debug, Default)]
pub struct Sender {
    client: OnceLock<reqwest::Client>,
}

struct GuardedResolver {
    allow_loopback: bool,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_loopback = self.allow_loopback;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if let Some(bad) = addrs.iter().find(|a| !ip_allowed(a.ip(), allow_loopback)) {
                return Err(format!("{host} resolves to forbidden address {}", bad.ip()).into());
            }
            let it: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(it)
        })
    }
}

impl Sender {
    pub(crate) fn client(&self, allow_loopback: bool) -> Result<&reqwest::Client, AppError> {
        if let Some(c) = self.client.get() {
            return Ok(c);
        }
        let c = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(TIMEOUT)
            .user_agent(concat!("landed-webhooks/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(Arc::new(GuardedResolver { allow_loopback }))
            .build()
            .map_err(|e| AppError::Internal(format!("webhook client: {e}")))?;
        Ok(self.client.get_or_init(|| c))
    }
}

//! Compact JWS (RFC 7515) with EdDSA/Ed25519 (RFC 8037), hand-rolled over ed25519-dalek:
//! `base64url(header) . base64url(claims) . base64url(signature)`, header `{"alg":"EdDSA","kid","typ":"JWT"}`.
//! The kid is the key's RFC 7638 thumbprint.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

/// Why a token was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Invalid {
    /// Not three base64url parts of JSON.
    Malformed,
    /// `alg` is not EdDSA.
    UnsupportedAlg,
    /// No key with this `kid`.
    UnknownKid,
    /// The signature does not verify with the key named by `kid`.
    BadSignature,
    /// `exp` has passed.
    Expired,
    /// Signed by a retired key whose quote is both expired and settled.
    KeyRetired,
    /// The quote named by `jti` does not exist for this tenant.
    UnknownQuote,
}

impl Invalid {
    /// `malformed`, `unknown_kid`, ...
    pub fn code(self) -> &'static str {
        match self {
            Invalid::Malformed => "malformed",
            Invalid::UnsupportedAlg => "unsupported_alg",
            Invalid::UnknownKid => "unknown_kid",
            Invalid::BadSignature => "bad_signature",
            Invalid::Expired => "expired",
            Invalid::KeyRetired => "key_retired",
            Invalid::UnknownQuote => "unknown_quote",
        }
    }

    /// The error code when a request carried this token: `token_<reason>`.
    pub fn token_code(self) -> &'static str {
        match self {
            Invalid::Malformed => "token_malformed",
            Invalid::UnsupportedAlg => "token_unsupported_alg",
            Invalid::UnknownKid => "token_unknown_kid",
            Invalid::BadSignature => "token_bad_signature",
            Invalid::Expired => "token_expired",
            Invalid::KeyRetired => "token_key_retired",
            Invalid::UnknownQuote => "token_unknown_quote",
        }
    }
}

/// The claims of a quote token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Claims {
    /// Issuer, `landed`.
    pub iss: String,
    /// Tenant id.
    pub sub: String,
    /// Quote id.
    pub jti: String,
    /// Issued at (unix seconds).
    pub iat: i64,
    /// Expires at (unix seconds).
    pub exp: i64,
    /// Destination country.
    pub destination: String,
    /// Currency of the totals.
    pub currency: String,
    /// Totals, decimal strings.
    pub totals: TokenTotals,
    /// Tariff pack id.
    pub pack_id: String,
    /// Tariff pack version.
    pub pack_version: String,
    /// SHA-256 (hex) of the stored quote JSON.
    pub quote_sha256: String,
    /// Present (and `true`) only when the quote is not complete (`totals.complete: false`): its
    /// totals leave out duty the engine could not compute, and the request allowed estimates.
    /// Signed with the rest, so it cannot be stripped.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub estimate: bool,
}

/// Totals carried in the token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenTotals {
    /// Duty.
    pub duty: String,
    /// Tax.
    pub tax: String,
    /// Fees.
    pub fees: String,
    /// Landed cost.
    pub landed_cost: String,
    /// Due at checkout.
    pub due_at_checkout: String,
    /// Due at delivery.
    pub due_at_delivery: String,
}

/// A signing key pair.
#[derive(Clone)]
pub struct Key {
    /// RFC 7638 thumbprint.
    pub kid: String,
    /// The key.
    pub signing: SigningKey,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Key")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// The RFC 7638 thumbprint of an Ed25519 public key.
pub fn thumbprint(public: &VerifyingKey) -> String {
    let x = B64.encode(public.as_bytes());
    let canonical = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{x}"}}"#);
    B64.encode(Sha256::digest(canonical.as_bytes()))
}

impl Key {
    /// A fresh random key.
    pub fn generate() -> Key {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).expect("the OS random source works");
        Key::from_seed(seed)
    }

    /// The key with this 32-byte seed.
    pub fn from_seed(seed: [u8; 32]) -> Key {
        let signing = SigningKey::from_bytes(&seed);
        Key {
            kid: thumbprint(&signing.verifying_key()),
            signing,
        }
    }

    /// The seed, base64url (as stored).
    pub fn seed_b64(&self) -> String {
        B64.encode(self.signing.to_bytes())
    }

    /// The public key, base64url.
    pub fn public_b64(&self) -> String {
        B64.encode(self.signing.verifying_key().as_bytes())
    }

    /// A key from its stored seed.
    pub fn from_seed_b64(s: &str) -> Option<Key> {
        let bytes: [u8; 32] = B64.decode(s).ok()?.try_into().ok()?;
        Some(Key::from_seed(bytes))
    }

    /// [`Key::from_seed_b64`], remembering the last seed's key: deriving a key costs a scalar
    /// multiplication and a hash, and every quote is signed with the same active key.
    pub fn from_seed_b64_cached(s: &str) -> Option<std::sync::Arc<Key>> {
        static LAST: std::sync::Mutex<Option<(String, std::sync::Arc<Key>)>> =
            std::sync::Mutex::new(None);
        if let Ok(last) = LAST.lock() {
            if let Some((_, key)) = last.as_ref().filter(|(seed, _)| seed == s) {
                return Some(key.clone());
            }
        }
        let key = std::sync::Arc::new(Key::from_seed_b64(s)?);
        if let Ok(mut last) = LAST.lock() {
            *last = Some((s.to_string(), key.clone()));
        }
        Some(key)
    }

    /// Signs `claims` as a compact JWS.
    pub fn sign<T: Serialize>(&self, claims: &T) -> String {
        sign_with_header(
            &self.signing,
            &json!({"alg": "EdDSA", "kid": self.kid, "typ": "JWT"}),
            claims,
        )
    }
}

/// Signs with an explicit header (tests use it to forge tokens).
pub fn sign_with_header<T: Serialize>(
    key: &SigningKey,
    header: &serde_json::Value,
    claims: &T,
) -> String {
    let h = B64.encode(serde_json::to_vec(header).expect("header serializes"));
    let p = B64.encode(serde_json::to_vec(claims).expect("claims serialize"));
    let input = format!("{h}.{p}");
    let sig = key.sign(input.as_bytes());
    format!("{input}.{}", B64.encode(sig.to_bytes()))
}

/// A public signing key as a JWK (RFC 8037: OKP, Ed25519).
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Jwk {
    #[schemars(extend("const" = "OKP"))]
    kty: &'static str,
    #[schemars(extend("const" = "Ed25519"))]
    crv: &'static str,
    #[schemars(extend("const" = "EdDSA"))]
    alg: &'static str,
    #[serde(rename = "use")]
    #[schemars(extend("const" = "sig"))]
    use_: &'static str,
    /// The key id tokens name in their header.
    kid: String,
    /// The public key, base64url without padding.
    x: String,
}

/// The JWK of a public key (base64url `x`).
pub fn jwk(kid: &str, public_b64: &str) -> Jwk {
    Jwk {
        kty: "OKP",
        crv: "Ed25519",
        alg: "EdDSA",
        use_: "sig",
        kid: kid.to_string(),
        x: public_b64.to_string(),
    }
}

/// A token split and decoded, before the signature is checked.
#[derive(Debug)]
pub struct Parsed {
    /// Header `kid`.
    pub kid: String,
    signing_input: String,
    signature: Vec<u8>,
    payload: Vec<u8>,
}

/// Splits a compact JWS and reads its header.
pub fn parse(token: &str) -> Result<Parsed, Invalid> {
    let mut parts = token.trim().split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Invalid::Malformed);
    };
    let header: serde_json::Value =
        serde_json::from_slice(&B64.decode(h).map_err(|_| Invalid::Malformed)?)
            .map_err(|_| Invalid::Malformed)?;
    if header["alg"].as_str() != Some("EdDSA") {
        return Err(Invalid::UnsupportedAlg);
    }
    let kid = header["kid"]
        .as_str()
        .ok_or(Invalid::UnknownKid)?
        .to_string();
    Ok(Parsed {
        kid,
        signing_input: format!("{h}.{p}"),
        signature: B64.decode(s).map_err(|_| Invalid::Malformed)?,
        payload: B64.decode(p).map_err(|_| Invalid::Malformed)?,
    })
}

impl Parsed {
    /// Verifies the signature with `public_b64` (strict Ed25519) and decodes the claims.
    pub fn verify<T: for<'de> Deserialize<'de>>(&self, public_b64: &str) -> Result<T, Invalid> {
        let bytes: [u8; 32] = B64
            .decode(public_b64)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(Invalid::BadSignature)?;
        let key = VerifyingKey::from_bytes(&bytes).map_err(|_| Invalid::BadSignature)?;
        let sig = Signature::from_slice(&self.signature).map_err(|_| Invalid::BadSignature)?;
        key.verify_strict(self.signing_input.as_bytes(), &sig)
            .map_err(|_| Invalid::BadSignature)?;
        serde_json::from_slice(&self.payload).map_err(|_| Invalid::Malformed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8037 Appendix A.4: the Ed25519 JWS test vector.
    #[test]
    fn rfc8037_vector() {
        let seed: [u8; 32] = B64
            .decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A")
            .unwrap()
            .try_into()
            .unwrap();
        let key = SigningKey::from_bytes(&seed);
        assert_eq!(
            B64.encode(key.verifying_key().as_bytes()),
            "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
        );
        let input = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
        let sig = B64.encode(key.sign(input.as_bytes()).to_bytes());
        assert_eq!(
            sig,
            "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
        );
        // RFC 8037 A.3: the thumbprint of that key.
        assert_eq!(
            thumbprint(&key.verifying_key()),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
    }

    #[test]
    fn roundtrip_and_tamper() {
        let k = Key::generate();
        let t = k.sign(&json!({"a": 1}));
        let p = parse(&t).unwrap();
        assert_eq!(p.kid, k.kid);
        let v: serde_json::Value = p.verify(&k.public_b64()).unwrap();
        assert_eq!(v["a"], 1);
        let other = Key::generate();
        assert_eq!(
            p.verify::<serde_json::Value>(&other.public_b64())
                .unwrap_err(),
            Invalid::BadSignature
        );
    }
}

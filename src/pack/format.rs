//! The binary layout of a pack and its reader.
//!
//! ```text
//! offset  size  field
//! 0       8     MAGIC  b"LANDPACK"
//! 8       2     format version, u16 little-endian
//! 10      4     header length H, u32 little-endian
//! 14      H     header (postcard): pack id and version, build date, datasets with vintages,
//!               destinations, body length and SHA-256 of the body
//! 14+H    B     body (postcard): destinations, tariffs (each its own length-prefixed block,
//!               decoded on first use), FX, HS editions
//! ```
//!
//! The reader refuses an unknown magic or version, a truncated file and a body whose hash does not
//! match, each with its own [`PackError`]; it never panics on arbitrary bytes.

use super::model::Body;
use crate::date::Date;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// First eight bytes of every pack.
pub const MAGIC: [u8; 8] = *b"LANDPACK";
/// Version of the layout and of the model this build reads and writes.
pub const FORMAT_VERSION: u16 = 7;
const PREFIX_LEN: usize = 14;

/// Metadata at the head of a pack.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// Pack id, e.g. `landed-all` or `landed-DE`.
    pub pack_id: String,
    /// Data version of the pack (semver of the rules and datasets, not of the format).
    pub pack_version: String,
    /// Day the pack was compiled (the newest `verified_on` of its rule files, so builds are reproducible).
    pub build_date: Date,
    /// Every dataset the body was compiled from.
    pub datasets: Vec<PackDataset>,
    /// Destination codes the pack covers, sorted.
    pub destinations: Vec<String>,
    /// Length of the body in bytes.
    pub body_len: u64,
    /// SHA-256 of the body.
    pub content_hash: [u8; 32],
}

/// A source dataset and its vintage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PackDataset {
    /// Short id, e.g. `usitc-2025`.
    pub id: String,
    /// Title.
    pub title: String,
    /// Vintage: the date or edition of the data.
    pub vintage: String,
    /// Where it came from.
    pub source: String,
    /// Its licence.
    pub licence: String,
}

/// A pack could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PackError {
    /// The bytes do not start with [`MAGIC`]: not a landed pack.
    #[error("not a landed tariff pack (bad magic)")]
    BadMagic,
    /// The pack was written in a format version this build cannot read.
    #[error("pack format version {found} is not supported (this build reads version {supported})")]
    UnsupportedVersion {
        /// Version in the file.
        found: u16,
        /// Version this build reads.
        supported: u16,
    },
    /// The file ends before the length its header announces.
    #[error("pack is truncated: expected {expected} bytes, found {found}")]
    Truncated {
        /// Bytes the header announces.
        expected: u64,
        /// Bytes present.
        found: u64,
    },
    /// The body's SHA-256 differs from the header's: the file is corrupted.
    #[error("pack content hash mismatch: the file is corrupted")]
    HashMismatch,
    /// The header or body does not decode, or decodes to something inconsistent.
    #[error("pack is malformed: {0}")]
    Malformed(String),
}

/// A decoded, validated pack.
#[derive(Clone, Debug, PartialEq)]
pub struct Pack {
    /// Its header.
    pub header: Header,
    /// Its content.
    pub body: Body,
}

impl Pack {
    /// Reads and validates a pack.
    pub fn from_bytes(bytes: &[u8]) -> Result<Pack, PackError> {
        Pack::read(bytes, false)
    }

    /// Reads a pack compiled into this binary (`include_bytes!`) without hashing its body again and
    /// with its tariff schedules decoded (and checked) on first use: those bytes are part of the
    /// program, and the native test suite reads them with `from_bytes`. The rest is checked as in
    /// [`Pack::from_bytes`]. Hashing and decoding 300 KB is most of the load time in WebAssembly.
    pub fn from_embedded(bytes: &'static [u8]) -> Result<Pack, PackError> {
        Pack::read(bytes, true)
    }

    /// `trusted`: skip the hash and defer decoding the tariff schedules.
    fn read(bytes: &[u8], trusted: bool) -> Result<Pack, PackError> {
        if bytes.len() < MAGIC.len() || bytes[..MAGIC.len()] != MAGIC {
            return Err(PackError::BadMagic);
        }
        if bytes.len() < PREFIX_LEN {
            return Err(PackError::Truncated {
                expected: PREFIX_LEN as u64,
                found: bytes.len() as u64,
            });
        }
        let found = u16::from_le_bytes([bytes[8], bytes[9]]);
        if found != FORMAT_VERSION {
            return Err(PackError::UnsupportedVersion {
                found,
                supported: FORMAT_VERSION,
            });
        }
        let header_len = u64::from(u32::from_le_bytes([
            bytes[10], bytes[11], bytes[12], bytes[13],
        ]));
        let header_end = PREFIX_LEN as u64 + header_len;
        if (bytes.len() as u64) < header_end {
            return Err(PackError::Truncated {
                expected: header_end,
                found: bytes.len() as u64,
            });
        }
        let header_end = header_end as usize;
        let header: Header = postcard::from_bytes(&bytes[PREFIX_LEN..header_end])
            .map_err(|e| PackError::Malformed(format!("header: {e}")))?;
        let expected = (header_end as u64).saturating_add(header.body_len);
        if (bytes.len() as u64) < expected {
            return Err(PackError::Truncated {
                expected,
                found: bytes.len() as u64,
            });
        }
        if (bytes.len() as u64) > expected {
            return Err(PackError::Malformed(format!(
                "{} trailing bytes",
                bytes.len() as u64 - expected
            )));
        }
        let body_bytes = &bytes[header_end..];
        if !trusted && <[u8; 32]>::from(Sha256::digest(body_bytes)) != header.content_hash {
            return Err(PackError::HashMismatch);
        }
        let body: Body = postcard::from_bytes(body_bytes)
            .map_err(|e| PackError::Malformed(format!("body: {e}")))?;
        validate(&header, &body)?;
        if !trusted {
            for t in body.tariffs.iter() {
                t?;
            }
        }
        Ok(Pack { header, body })
    }

    /// Encodes a pack; `header.body_len` and `header.content_hash` are filled in here.
    pub fn to_bytes(mut header: Header, body: &Body) -> Result<Vec<u8>, PackError> {
        let body_bytes =
            postcard::to_allocvec(body).map_err(|e| PackError::Malformed(e.to_string()))?;
        header.body_len = body_bytes.len() as u64;
        header.content_hash = Sha256::digest(&body_bytes).into();
        let header_bytes =
            postcard::to_allocvec(&header).map_err(|e| PackError::Malformed(e.to_string()))?;
        let header_len = u32::try_from(header_bytes.len())
            .map_err(|_| PackError::Malformed("header too large".into()))?;
        let mut out = Vec::with_capacity(PREFIX_LEN + header_bytes.len() + body_bytes.len());
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&header_len.to_le_bytes());
        out.extend_from_slice(&header_bytes);
        out.extend_from_slice(&body_bytes);
        Ok(out)
    }

    /// The pack id and version as one string, e.g. `landed-all@2026.11.25`.
    pub fn id(&self) -> String {
        format!("{}@{}", self.header.pack_id, self.header.pack_version)
    }
}

/// Structural checks the engine relies on, so that lookups never index out of bounds.
fn validate(header: &Header, body: &Body) -> Result<(), PackError> {
    let bad = |m: String| Err(PackError::Malformed(m));
    let codes: Vec<&str> = body.destinations.iter().map(|d| d.code.as_str()).collect();
    if codes.windows(2).any(|w| w[0] >= w[1]) {
        return bad("destinations not sorted".into());
    }
    if header
        .destinations
        .iter()
        .map(String::as_str)
        .ne(codes.iter().copied())
    {
        return bad("header destinations differ from body".into());
    }
    let ids: Vec<&str> = body.tariffs.ids().collect();
    if ids.windows(2).any(|w| w[0] >= w[1]) {
        return bad("tariffs not sorted".into());
    }
    for d in &body.destinations {
        for t in d.tariff.values.iter().filter_map(|v| v.value.binding()) {
            if ids.binary_search(&t.tariff_id.as_str()).is_err() {
                return bad(format!(
                    "destination {} names unknown tariff {}",
                    d.code, t.tariff_id
                ));
            }
        }
        let cov = &d.coverage;
        let windows_ok = cov
            .refused
            .iter()
            .all(|w| cov.from < w.from && w.until < cov.refuse_from && w.from < w.until)
            && cov.refused.windows(2).all(|p| p[0].until <= p[1].from);
        if !windows_ok {
            return bad(format!("destination {} has a bad refused window", d.code));
        }
        if d.valuation.values.is_empty() || d.rounding.values.is_empty() {
            return bad(format!(
                "destination {} lacks valuation or rounding",
                d.code
            ));
        }
        if d.rounding.values.iter().any(|r| r.value.scale > 6) {
            return bad(format!("destination {} rounding scale above 6", d.code));
        }
    }
    if body.fx.rates.windows(2).any(|w| w[0].0 >= w[1].0) {
        return bad("fx rates not sorted".into());
    }
    if body.hs.hs2022_subheadings.windows(2).any(|w| w[0] >= w[1]) {
        return bad("hs subheadings not sorted".into());
    }
    Ok(())
}

//! Tariff schedules decoded on first use. A pack stores each tariff as its own length-prefixed
//! block, so that loading a pack costs the destinations, FX and HS tables only: the schedules
//! (most of the bytes: tens of thousands of lines) are decoded and checked when a quote first needs
//! one. A pack read from outside ([`super::Pack::from_bytes`]) still decodes and checks every
//! schedule at load; only the pack compiled into the program is trusted to defer it.

use super::format::PackError;
use super::model::Tariff;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::OnceLock;

/// The tariff schedules of a pack, sorted by id, each decoded on first use.
#[derive(Clone, Default)]
pub struct Tariffs {
    items: Vec<LazyTariff>,
}

#[derive(Clone)]
struct LazyTariff {
    id: String,
    /// The encoded schedule as read from the pack (empty for one built in memory).
    raw: Vec<u8>,
    decoded: OnceLock<Result<Tariff, PackError>>,
}

impl Tariffs {
    /// Schedules built in memory (the pack compiler, tests), already decoded.
    pub fn new(tariffs: Vec<Tariff>) -> Tariffs {
        Tariffs {
            items: tariffs
                .into_iter()
                .map(|t| LazyTariff {
                    id: t.id.clone(),
                    raw: Vec::new(),
                    decoded: OnceLock::from(Ok(t)),
                })
                .collect(),
        }
    }

    /// The schedule with this id, decoding it on first use; `Ok(None)` when there is none.
    pub fn get(&self, id: &str) -> Result<Option<&Tariff>, PackError> {
        match self.items.binary_search_by(|t| t.id.as_str().cmp(id)) {
            Ok(i) => self.items[i].tariff().map(Some),
            Err(_) => Ok(None),
        }
    }

    /// Ids, sorted.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.items.iter().map(|t| t.id.as_str())
    }

    /// Every schedule, decoding each not yet decoded.
    pub fn iter(&self) -> impl Iterator<Item = Result<&Tariff, PackError>> {
        self.items.iter().map(LazyTariff::tariff)
    }

    /// How many schedules.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl LazyTariff {
    fn tariff(&self) -> Result<&Tariff, PackError> {
        self.decoded
            .get_or_init(|| decode(&self.id, &self.raw))
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// Decodes and checks one schedule.
fn decode(id: &str, raw: &[u8]) -> Result<Tariff, PackError> {
    let bad = |m: String| PackError::Malformed(format!("tariff {id}: {m}"));
    let t: Tariff = postcard::from_bytes(raw).map_err(|e| bad(e.to_string()))?;
    if t.id != id {
        return Err(bad(format!("block holds tariff {}", t.id)));
    }
    let n = t.exprs.len() as u64;
    if t.lines.iter().any(|l| u64::from(l.expr) >= n) {
        return Err(bad("a line points past its expressions".into()));
    }
    if t.lines
        .windows(2)
        .any(|w| (w[0].digits, w[0].code) >= (w[1].digits, w[1].code))
    {
        return Err(bad("lines not sorted".into()));
    }
    // A subheading formed from several source subheadings has one pair per source: pairs are sorted
    // and unique, codes may repeat.
    if t.hs2022_map.windows(2).any(|w| w[0] >= w[1])
        || t.hs2022_unmapped.windows(2).any(|w| w[0] >= w[1])
    {
        return Err(bad("HS maps not sorted".into()));
    }
    Ok(t)
}

impl PartialEq for Tariffs {
    /// Equal when they hold the same schedules (decoding both as needed).
    fn eq(&self, other: &Tariffs) -> bool {
        self.items.len() == other.items.len()
            && self
                .items
                .iter()
                .zip(&other.items)
                .all(|(a, b)| a.id == b.id && a.tariff() == b.tariff())
    }
}

impl fmt::Debug for Tariffs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.items.iter().map(|t| match t.decoded.get() {
                Some(Ok(_)) => format!("{} (decoded)", t.id),
                Some(Err(e)) => format!("{} ({e})", t.id),
                None => format!("{} ({} bytes, not decoded)", t.id, t.raw.len()),
            }))
            .finish()
    }
}

/// On disk: a sequence of `(id, bytes)`, the bytes being the postcard encoding of the schedule.
impl Serialize for Tariffs {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.items.len()))?;
        for t in &self.items {
            let raw = match t.decoded.get() {
                Some(Ok(tariff)) => {
                    postcard::to_allocvec(tariff).map_err(serde::ser::Error::custom)?
                }
                _ => t.raw.clone(),
            };
            seq.serialize_element(&(&t.id, Bytes(&raw)))?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for Tariffs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Tariffs, D::Error> {
        struct Seq;
        impl<'de> Visitor<'de> for Seq {
            type Value = Tariffs;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sequence of (tariff id, encoded tariff)")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Tariffs, A::Error> {
                let mut items = Vec::with_capacity(a.size_hint().unwrap_or(0).min(64));
                while let Some((id, raw)) = a.next_element::<(String, ByteBuf)>()? {
                    items.push(LazyTariff {
                        id,
                        raw: raw.0,
                        decoded: OnceLock::new(),
                    });
                }
                Ok(Tariffs { items })
            }
        }
        d.deserialize_seq(Seq)
    }
}

/// Bytes written as one byte string (postcard: length + bytes), not as a sequence of integers.
struct Bytes<'a>(&'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

struct ByteBuf(Vec<u8>);

impl<'de> Deserialize<'de> for ByteBuf {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ByteBuf, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ByteBuf;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<ByteBuf, E> {
                Ok(ByteBuf(v.to_vec()))
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<ByteBuf, E> {
                Ok(ByteBuf(v))
            }
        }
        d.deserialize_bytes(V)
    }
}

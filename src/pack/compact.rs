//! Compact on-disk encodings for the large sorted columns of a pack. Tariff lines are stored
//! column by column as deltas (postcard writes each integer as a varint), which shrinks them and
//! lets gzip find the runs. Decoding checks every step and fails instead of panicking.

use super::model::TariffLine;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

const DIGITS_FACTOR: u64 = 1_000_000_000_000;

/// `Vec<TariffLine>` sorted by `(digits, code)` as four delta-encoded columns.
pub mod lines {
    use super::*;

    #[derive(Serialize, Deserialize)]
    struct Columns {
        keys: Vec<u64>,
        exprs: Vec<u32>,
        rows: Vec<i64>,
    }

    /// Writes the columns.
    pub fn serialize<S: Serializer>(lines: &[TariffLine], s: S) -> Result<S::Ok, S::Error> {
        let mut keys = Vec::with_capacity(lines.len());
        let mut rows = Vec::with_capacity(lines.len());
        let (mut prev_key, mut prev_row) = (0u64, 0i64);
        for l in lines {
            let key = u64::from(l.digits) * DIGITS_FACTOR + l.code;
            keys.push(key.wrapping_sub(prev_key));
            rows.push(i64::from(l.source_row) - prev_row);
            prev_key = key;
            prev_row = i64::from(l.source_row);
        }
        Columns {
            keys,
            exprs: lines.iter().map(|l| l.expr).collect(),
            rows,
        }
        .serialize(s)
    }

    /// Reads the columns back, refusing inconsistent ones.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<TariffLine>, D::Error> {
        let c = Columns::deserialize(d)?;
        if c.keys.len() != c.exprs.len() || c.keys.len() != c.rows.len() {
            return Err(D::Error::custom("tariff line columns differ in length"));
        }
        let mut out = Vec::with_capacity(c.keys.len());
        let (mut key, mut row) = (0u64, 0i64);
        for i in 0..c.keys.len() {
            key = key
                .checked_add(c.keys[i])
                .ok_or_else(|| D::Error::custom("tariff line key overflows"))?;
            row = row
                .checked_add(c.rows[i])
                .ok_or_else(|| D::Error::custom("tariff line row overflows"))?;
            let digits = u8::try_from(key / DIGITS_FACTOR)
                .map_err(|_| D::Error::custom("tariff line digits"))?;
            let source_row =
                u32::try_from(row).map_err(|_| D::Error::custom("tariff line row out of range"))?;
            out.push(TariffLine {
                code: key % DIGITS_FACTOR,
                digits,
                expr: c.exprs[i],
                source_row,
            });
        }
        Ok(out)
    }
}

/// A module (de)serializing a sorted `Vec<$t>` as deltas.
macro_rules! sorted_deltas {
    ($name:ident, $t:ty, $doc:literal) => {
        #[doc = $doc]
        pub mod $name {
            use super::*;

            /// Writes the deltas.
            pub fn serialize<S: Serializer>(v: &[$t], s: S) -> Result<S::Ok, S::Error> {
                let mut prev: $t = 0;
                let deltas: Vec<$t> = v
                    .iter()
                    .map(|&x| {
                        let d = x.wrapping_sub(prev);
                        prev = x;
                        d
                    })
                    .collect();
                deltas.serialize(s)
            }

            /// Reads the deltas back.
            pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<$t>, D::Error> {
                let deltas = Vec::<$t>::deserialize(d)?;
                let mut acc: $t = 0;
                deltas
                    .into_iter()
                    .map(|x| {
                        acc = acc
                            .checked_add(x)
                            .ok_or_else(|| D::Error::custom("sorted list overflows"))?;
                        Ok(acc)
                    })
                    .collect()
            }
        }
    };
}

sorted_deltas!(sorted_u32, u32, "A sorted `Vec<u32>` as deltas.");
sorted_deltas!(
    sorted_u64,
    u64,
    "A sorted `Vec<u64>` as deltas (code sets)."
);

/// A sorted `Vec<(u32, u32)>` (HS 2022 subheading, source subheading) as two delta columns: the
/// first code's delta (0 when it repeats), and the second code's delta from the previous pair's
/// when the first repeats (absolute otherwise). Several sources of one subheading then cost a byte
/// or two each, and identical source lists (the six e-waste subheadings share 1,019) gzip away.
pub mod sorted_pairs {
    use super::*;

    #[derive(Serialize, Deserialize)]
    struct Columns {
        firsts: Vec<u32>,
        seconds: Vec<u32>,
    }

    /// Writes the columns.
    pub fn serialize<S: Serializer>(pairs: &[(u32, u32)], s: S) -> Result<S::Ok, S::Error> {
        let mut prev = (0u32, 0u32);
        let (mut firsts, mut seconds) = (Vec::new(), Vec::new());
        for &(a, b) in pairs {
            firsts.push(a.wrapping_sub(prev.0));
            seconds.push(if a == prev.0 {
                b.wrapping_sub(prev.1)
            } else {
                b
            });
            prev = (a, b);
        }
        Columns { firsts, seconds }.serialize(s)
    }

    /// Reads the columns back, refusing inconsistent ones.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(u32, u32)>, D::Error> {
        let c = Columns::deserialize(d)?;
        if c.firsts.len() != c.seconds.len() {
            return Err(D::Error::custom("pair columns differ in length"));
        }
        let overflow = || D::Error::custom("sorted pairs overflow");
        let mut prev = (0u32, 0u32);
        let mut out = Vec::with_capacity(c.firsts.len());
        for (&da, &db) in c.firsts.iter().zip(&c.seconds) {
            let a = prev.0.checked_add(da).ok_or_else(overflow)?;
            let b = if da == 0 {
                prev.1.checked_add(db).ok_or_else(overflow)?
            } else {
                db
            };
            prev = (a, b);
            out.push(prev);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Pairs(#[serde(with = "super::sorted_pairs")] Vec<(u32, u32)>);

    #[test]
    fn sorted_pairs_round_trip() {
        for pairs in [
            vec![],
            vec![(851713, 851712)],
            vec![
                (854921, 841311),
                (854921, 841319),
                (854929, 841311),
                (854929, 841319),
            ],
            vec![
                (0, u32::MAX),
                (0, u32::MAX),
                (u32::MAX, 0),
                (u32::MAX, u32::MAX),
            ],
        ] {
            let bytes = postcard::to_allocvec(&Pairs(pairs.clone())).unwrap();
            assert_eq!(postcard::from_bytes::<Pairs>(&bytes).unwrap(), Pairs(pairs));
        }
        // Repeated codes cost one byte for the code and a small delta for the source.
        let many: Vec<(u32, u32)> = (0..100).map(|i| (854921, 841311 + i)).collect();
        assert!(postcard::to_allocvec(&Pairs(many)).unwrap().len() < 2 * 100 + 10);
    }

    #[test]
    fn sorted_pairs_refuse_bad_columns() {
        #[derive(Serialize)]
        struct Raw(Vec<u32>, Vec<u32>);
        let bad = |firsts: Vec<u32>, seconds: Vec<u32>| {
            let bytes = postcard::to_allocvec(&Raw(firsts, seconds)).unwrap();
            postcard::from_bytes::<Pairs>(&bytes).is_err()
        };
        assert!(bad(vec![1, 0], vec![1]));
        assert!(bad(vec![u32::MAX, 1], vec![0, 0]));
        assert!(bad(vec![5, 0], vec![u32::MAX, 1]));
    }
}

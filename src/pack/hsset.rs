//! Membership of a code in an [`HsSet`]: listed (the code or one of its prefixes is in the set),
//! partly listed (the code is broader than listed codes beneath it) or not listed.

use super::model::HsSet;
use serde::{Deserialize, Serialize};

const DIGITS_FACTOR: u64 = 1_000_000_000_000;

/// Powers of ten up to 10^10.
const POW10: [u64; 11] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    10_000_000_000,
];

/// What a pack stores of an [`HsSet`]: its keys as deltas.
#[derive(Serialize, Deserialize)]
pub struct HsSetKeys(#[serde(with = "super::compact::sorted_u64")] Vec<u64>);

impl From<HsSetKeys> for HsSet {
    fn from(k: HsSetKeys) -> HsSet {
        HsSet::from_keys(k.0)
    }
}

impl From<HsSet> for HsSetKeys {
    fn from(s: HsSet) -> HsSetKeys {
        HsSetKeys(s.keys)
    }
}

/// How a code relates to a set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetMatch {
    /// The code or a prefix of it is listed.
    Listed,
    /// The code is broader than some listed codes: some goods it covers are listed, maybe not all.
    Partly,
    /// Neither.
    No,
}

fn key(digits: &str) -> Option<u64> {
    let len = u64::try_from(digits.len()).ok()?;
    if !(2..=10).contains(&len) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(len * DIGITS_FACTOR + digits.parse::<u64>().ok()?)
}

impl HsSet {
    /// A set of codes of 2 to 10 digits (dots and spaces ignored); `Err` names the first code that
    /// is not one.
    pub fn from_codes<'s>(codes: impl IntoIterator<Item = &'s str>) -> Result<HsSet, String> {
        let mut keys = Vec::new();
        for c in codes {
            let digits: String = c.chars().filter(|ch| *ch != '.' && *ch != ' ').collect();
            keys.push(key(&digits).ok_or_else(|| c.to_owned())?);
        }
        keys.sort_unstable();
        keys.dedup();
        Ok(HsSet::from_keys(keys))
    }

    /// A set of sorted keys, with the lengths they have.
    fn from_keys(keys: Vec<u64>) -> HsSet {
        let lengths = keys
            .iter()
            .map(|k| k / DIGITS_FACTOR)
            .filter(|d| *d <= 15)
            .fold(0u16, |m, d| m | 1 << d);
        HsSet { keys, lengths }
    }

    /// Number of codes.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// How a code (digits only, 2 to 10 of them) relates to the set. Only the lengths the set has
    /// are searched: one binary search per length.
    pub fn matches(&self, code: &str) -> SetMatch {
        let n = code.len().min(10);
        let Some(v) = code
            .get(..n)
            .filter(|c| c.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|c| c.parse::<u64>().ok())
        else {
            return SetMatch::No;
        };
        let has = |d: usize| self.lengths & (1 << d) != 0;
        for len in (2..=n).filter(|&l| has(l)) {
            let k = len as u64 * DIGITS_FACTOR + v / POW10[n - len];
            if self.keys.binary_search(&k).is_ok() {
                return SetMatch::Listed;
            }
        }
        for d in ((n + 1)..=10).filter(|&d| has(d)) {
            let scale = POW10[d - n];
            let lo = d as u64 * DIGITS_FACTOR + v * scale;
            let start = self.keys.partition_point(|&k| k < lo);
            if self.keys.get(start).is_some_and(|&k| k < lo + scale) {
                return SetMatch::Partly;
            }
        }
        SetMatch::No
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_by_prefix_and_partly_beneath() {
        let s = HsSet::from_codes(["6109.10.00", "8471", "39269099", "0101210010"]).unwrap();
        assert_eq!(s.len(), 4);
        assert_eq!(s.matches("6109100012"), SetMatch::Listed);
        assert_eq!(s.matches("61091000"), SetMatch::Listed);
        assert_eq!(s.matches("610910"), SetMatch::Partly);
        assert_eq!(s.matches("610990"), SetMatch::No);
        assert_eq!(s.matches("847130"), SetMatch::Listed);
        assert_eq!(s.matches("392690"), SetMatch::Partly);
        assert_eq!(s.matches("39269010"), SetMatch::No);
        assert_eq!(s.matches("01012100"), SetMatch::Partly);
        assert_eq!(s.matches("0101210010"), SetMatch::Listed);
        assert_eq!(s.matches("0101210020"), SetMatch::No);
        assert_eq!(s.lengths, 1 << 4 | 1 << 8 | 1 << 10);
        // Through the pack's encoding and back, the lengths are derived again.
        let bytes = postcard::to_allocvec(&s).unwrap();
        assert_eq!(postcard::from_bytes::<HsSet>(&bytes).unwrap(), s);
        assert_eq!(s.matches("61a9"), SetMatch::No);
    }

    #[test]
    fn bad_codes_are_refused_by_name() {
        assert_eq!(HsSet::from_codes(["61a9"]), Err("61a9".to_owned()));
        assert_eq!(HsSet::from_codes(["6"]), Err("6".to_owned()));
        assert_eq!(
            HsSet::from_codes(["12345678901"]),
            Err("12345678901".to_owned())
        );
    }
}

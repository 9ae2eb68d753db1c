//! Membership of a code in an [`HsSet`]: listed (the code or one of its prefixes is in the set),
//! partly listed (the code is broader than listed codes beneath it) or not listed.

use super::model::HsSet;

const DIGITS_FACTOR: u64 = 1_000_000_000_000;

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
        Ok(HsSet { keys })
    }

    /// Number of codes.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// How a code (digits only, 2 to 10 of them) relates to the set.
    pub fn matches(&self, code: &str) -> SetMatch {
        let n = code.len().min(10);
        for len in 2..=n {
            if key(&code[..len]).is_some_and(|k| self.keys.binary_search(&k).is_ok()) {
                return SetMatch::Listed;
            }
        }
        let Ok(base) = code[..n].parse::<u64>() else {
            return SetMatch::No;
        };
        for d in (n + 1)..=10 {
            let scale = 10u64.pow((d - n) as u32);
            let lo = d as u64 * DIGITS_FACTOR + base * scale;
            let hi = lo + scale;
            let start = self.keys.partition_point(|&k| k < lo);
            if self.keys.get(start).is_some_and(|&k| k < hi) {
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

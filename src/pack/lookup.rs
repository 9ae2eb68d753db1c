//! Lookups in a pack: destinations, tariffs, and tariff lines by HS code.
//!
//! A code is matched against the tariff's lines by longest prefix (10 → 8 → 6 digits). A code
//! shorter than the tariff's lines (an HS 6 code against 8-digit national lines) matches the lines
//! beneath it: if they share one rate that rate is exact, otherwise the caller gets every candidate
//! and must not under-collect. HS 2022 codes are first mapped onto a tariff kept in an older edition;
//! a subheading formed from several older subheadings answers with the lines of all of them (one rate
//! among them is exact, otherwise they are candidates and the dearest is charged).

use super::format::Pack;
use super::model::{Destination, Tariff, TariffLine};
use std::ops::RangeInclusive;

/// The outcome of looking a code up in a tariff.
#[derive(Debug, PartialEq)]
pub enum TariffMatch<'a> {
    /// One line applies: the code itself or its longest listed ancestor.
    Exact(&'a TariffLine),
    /// The code is broader than the tariff's lines: these lines lie beneath it.
    Candidates(Vec<&'a TariffLine>),
    /// The HS 2022 code cannot be mapped onto the tariff's HS edition.
    Unmapped,
    /// No line covers the code.
    NotFound,
}

impl Pack {
    /// The destination with this code.
    pub fn destination(&self, code: &str) -> Option<&Destination> {
        let d = &self.body.destinations;
        d.binary_search_by(|x| x.code.as_str().cmp(code))
            .ok()
            .map(|i| &d[i])
    }

    /// The tariff with this id (`None` also when it cannot be decoded: see [`Pack::tariff_checked`]).
    pub fn tariff(&self, id: &str) -> Option<&Tariff> {
        self.body.tariffs.get(id).ok().flatten()
    }

    /// The tariff with this id, decoded on first use; an error when its block is malformed.
    pub fn tariff_checked(&self, id: &str) -> Result<Option<&Tariff>, super::PackError> {
        self.body.tariffs.get(id)
    }

    /// Whether an HS 2022 subheading (6 digits) exists.
    pub fn is_hs2022_subheading(&self, hs6: u32) -> bool {
        self.body.hs.hs2022_subheadings.binary_search(&hs6).is_ok()
    }
}

/// Formats a line's code with its leading zeros.
pub fn line_code(line: &TariffLine) -> String {
    let mut s = String::with_capacity(usize::from(line.digits));
    push_line_code(&mut s, line);
    s
}

/// Appends a line's code with its leading zeros (what [`line_code`] returns) to `out`.
pub(crate) fn push_line_code(out: &mut String, line: &TariffLine) {
    // The digits, right-aligned after zeros; u64::MAX has 20 digits.
    let mut digits = [b'0'; 20];
    let mut n = line.code;
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let width = usize::from(line.digits);
    for _ in digits.len()..width {
        out.push('0');
    }
    let start = start.min(digits.len().saturating_sub(width));
    push_ascii(out, &digits[start..]);
}

/// Appends ASCII bytes (digits) to `out`.
fn push_ascii(out: &mut String, ascii: &[u8]) {
    out.reserve(ascii.len());
    for &b in ascii {
        out.push(char::from(b));
    }
}

/// What an HS 2022 code is in a tariff's own edition.
enum InEdition<'t> {
    /// The same code.
    Same,
    /// The subheadings it was formed from: `(hs2022, source)` pairs of [`Tariff::hs2022_map`].
    Sources(&'t [(u32, u32)]),
    /// No counterpart.
    Unmapped,
}

impl Tariff {
    /// Looks up an HS 2022 code (6 to 10 digits).
    pub fn lookup(&self, hs: &str) -> TariffMatch<'_> {
        let sources = match self.to_edition(hs) {
            InEdition::Unmapped => return TariffMatch::Unmapped,
            InEdition::Same => None,
            InEdition::Sources(s) => Some(s),
        };
        // Only lengths the tariff has lines of are searched (its lines are sorted by length first).
        let (Some(shortest), Some(longest)) = (self.lines.first(), self.lines.last()) else {
            return TariffMatch::NotFound;
        };
        let lengths = usize::from(shortest.digits)..=usize::from(longest.digits);
        match sources {
            None => self.lookup_in_edition(hs, &lengths),
            // National subdivisions below a remapped subheading do not carry over.
            Some([(_, one)]) => self.lookup_in_edition(&format!("{one:06}"), &lengths),
            Some(several) => self.lookup_sources(several, &lengths),
        }
    }

    /// The HS 2017 (or other edition) subheadings an HS 2022 subheading is mapped onto: `(hs2022, source)`
    /// pairs, empty when the code maps to itself or is unmapped.
    pub fn hs2022_sources(&self, hs6: u32) -> &[(u32, u32)] {
        let start = self.hs2022_map.partition_point(|m| m.0 < hs6);
        let len = self.hs2022_map[start..].partition_point(|m| m.0 == hs6);
        &self.hs2022_map[start..start + len]
    }

    /// Looks up a code of the tariff's own edition.
    fn lookup_in_edition(&self, code: &str, lengths: &RangeInclusive<usize>) -> TariffMatch<'_> {
        if let Some(l) = self.covering(code, lengths) {
            return TariffMatch::Exact(l);
        }
        // Descendants of the code: one rate among them is exact; the list is built only when
        // their rates differ.
        let mut beneath = self.descendants(code, lengths);
        let Some(first) = beneath.next() else {
            return TariffMatch::NotFound;
        };
        if beneath.all(|l| l.expr == first.expr) {
            return TariffMatch::Exact(first);
        }
        TariffMatch::Candidates(self.descendants(code, lengths).collect())
    }

    /// Looks up the several subheadings an HS 2022 subheading was formed from: every line covering or
    /// beneath any of them. One rate among them is exact; otherwise they are all candidates.
    fn lookup_sources(
        &self,
        sources: &[(u32, u32)],
        lengths: &RangeInclusive<usize>,
    ) -> TariffMatch<'_> {
        let mut lines: Vec<&TariffLine> = Vec::new();
        for (_, source) in sources {
            let code = format!("{source:06}");
            match self.covering(&code, lengths) {
                Some(l) => lines.push(l),
                None => lines.extend(self.descendants(&code, lengths)),
            }
        }
        lines.sort_unstable_by_key(|l| (l.digits, l.code));
        lines.dedup_by_key(|l| (l.digits, l.code));
        let Some(first) = lines.first().copied() else {
            return TariffMatch::NotFound;
        };
        if lines.iter().all(|l| l.expr == first.expr) {
            return TariffMatch::Exact(first);
        }
        TariffMatch::Candidates(lines)
    }

    /// The line of the code itself or of its longest listed ancestor (6 digits at least).
    fn covering(&self, code: &str, lengths: &RangeInclusive<usize>) -> Option<&TariffLine> {
        (6..=code.len().min(10))
            .rev()
            .filter(|len| lengths.contains(len))
            .find_map(|len| self.find(&code[..len]))
    }

    /// Maps an HS 2022 code onto this tariff's edition.
    fn to_edition(&self, hs: &str) -> InEdition<'_> {
        if self.hs_edition == 2022 || hs.len() < 6 {
            return InEdition::Same;
        }
        let Ok(hs6) = hs[..6].parse::<u32>() else {
            return InEdition::Unmapped;
        };
        if self.hs2022_unmapped.binary_search(&hs6).is_ok() {
            return InEdition::Unmapped;
        }
        match self.hs2022_sources(hs6) {
            [] => InEdition::Same,
            sources => InEdition::Sources(sources),
        }
    }

    fn find(&self, digits: &str) -> Option<&TariffLine> {
        let code: u64 = digits.parse().ok()?;
        let key = (u8::try_from(digits.len()).ok()?, code);
        self.lines
            .binary_search_by(|l| (l.digits, l.code).cmp(&key))
            .ok()
            .map(|i| &self.lines[i])
    }

    /// The lines beneath a code, shorter codes first, then in code order. Lines are sorted by
    /// (digits, code), so for each longer length those beneath the code are one run: found by
    /// one binary search for its start, then read until the run ends. `lengths` are those of the
    /// tariff's lines (at most 10 digits).
    fn descendants<'a>(
        &'a self,
        digits: &str,
        lengths: &RangeInclusive<usize>,
    ) -> impl Iterator<Item = &'a TariffLine> + 'a {
        let base: u64 = digits.parse().unwrap_or(0);
        let len = digits.len() as u8;
        let from = (len + 1).max(*lengths.start() as u8);
        let to = (*lengths.end()).min(10) as u8;
        (from..=to).flat_map(move |d| {
            let scale = 10u64.pow(u32::from(d - len));
            let (lo, hi) = ((d, base * scale), (d, (base + 1) * scale));
            let start = self.lines.partition_point(|l| (l.digits, l.code) < lo);
            self.lines[start..]
                .iter()
                .take_while(move |l| (l.digits, l.code) < hi)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_codes_keep_their_leading_zeros() {
        let line = |code, digits| TariffLine {
            code,
            digits,
            expr: 0,
            source_row: 0,
        };
        for (code, digits) in [
            (1_012_100, 8),
            (61_091_000, 8),
            (101_210_000, 10),
            (0, 6),
            (123, 2),
            (u64::MAX, 10),
            (42, 24),
        ] {
            let l = line(code, digits);
            let expected = format!("{:0width$}", code, width = usize::from(digits));
            assert_eq!(line_code(&l), expected);
        }
    }
}

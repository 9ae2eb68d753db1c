//! Lookups in a pack: destinations, tariffs, and tariff lines by HS code.
//!
//! A code is matched against the tariff's lines by longest prefix (10 → 8 → 6 digits). A code
//! shorter than the tariff's lines (an HS 6 code against 8-digit national lines) matches the lines
//! beneath it: if they share one rate that rate is exact, otherwise the caller gets every candidate
//! and must not under-collect. HS 2022 codes are first mapped onto a tariff kept in an older edition.

use super::format::Pack;
use super::model::{Destination, Tariff, TariffLine};

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
    format!("{:0width$}", line.code, width = usize::from(line.digits))
}

impl Tariff {
    /// Looks up an HS 2022 code (6 to 10 digits).
    pub fn lookup(&self, hs: &str) -> TariffMatch<'_> {
        let Some(code) = self.to_edition(hs) else {
            return TariffMatch::Unmapped;
        };
        // Ancestors and the code itself, longest first.
        for len in (6..=code.len().min(10)).rev() {
            if let Some(l) = self.find(&code[..len]) {
                return TariffMatch::Exact(l);
            }
        }
        // Descendants of the code.
        let found: Vec<&TariffLine> = self.descendants(&code).collect();
        match found.len() {
            0 => TariffMatch::NotFound,
            _ if found.iter().all(|l| l.expr == found[0].expr) => TariffMatch::Exact(found[0]),
            _ => TariffMatch::Candidates(found),
        }
    }

    /// Maps an HS 2022 code onto this tariff's edition; `None` when it cannot be mapped.
    fn to_edition(&self, hs: &str) -> Option<String> {
        if self.hs_edition == 2022 || hs.len() < 6 {
            return Some(hs.to_string());
        }
        let hs6: u32 = hs[..6].parse().ok()?;
        if self.hs2022_unmapped.binary_search(&hs6).is_ok() {
            return None;
        }
        match self.hs2022_map.binary_search_by_key(&hs6, |m| m.0) {
            // National subdivisions below a remapped subheading do not carry over.
            Ok(i) => Some(format!("{:06}", self.hs2022_map[i].1)),
            Err(_) => Some(hs.to_string()),
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

    fn descendants<'a>(&'a self, digits: &str) -> impl Iterator<Item = &'a TariffLine> + 'a {
        let base: u64 = digits.parse().unwrap_or(0);
        let len = digits.len() as u8;
        (len + 1..=10).flat_map(move |d| {
            let scale = 10u64.pow(u32::from(d - len));
            let (lo, hi) = ((d, base * scale), (d, (base + 1) * scale));
            let start = self.lines.partition_point(|l| (l.digits, l.code) < lo);
            let end = self.lines.partition_point(|l| (l.digits, l.code) < hi);
            self.lines[start..end].iter()
        })
    }
}

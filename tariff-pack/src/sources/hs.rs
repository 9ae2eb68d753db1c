//! The HS nomenclature: HS 2022 subheadings for [`HsEditions`], and the HS 2022 -> HS 2017 mapping that lets a
//! tariff in HS 2017 (the UK Global Tariff and EU CET files) answer for an HS 2022 code.
//!
//! The mapping follows the UNSD correlation table ([`super::hs_unsd`]) for every HS 2022 subheading:
//! - a subheading both editions have, whose HS 2017 namesake is among its sources, maps to itself (national digits
//!   carry over); when goods of other HS 2017 subheadings moved into it too, it is still kept as itself and listed
//!   in [`Hs2017Mapping::widened`] (taking the dearest of the incoming lines would overcharge its own goods);
//! - any other subheading (new in HS 2022, or a number HS 2022 gave to other goods) maps to all its HS 2017 sources:
//!   one pair `(hs2022, hs2017)` per source in [`Tariff::hs2022_map`]; the lookup collects the lines of every source
//!   and, where their rates differ, the dearest is charged (the engine's candidates path);
//! - a subheading without sources would be unmapped (none is: the loader requires a row for each).
//!
//! Identities are omitted from `hs2022_map`: a code in neither `hs2022_map` nor `hs2022_unmapped` maps to itself.
//! The curated file `hs-correlation-2017-2022.csv` (columns `hs2022,hs2017,reference,note`, each row cited to the
//! WCO correlation tables) still gives the HS 2017 successors of retired codes ([`HsEditions::hs2017_retired`]),
//! and each of its rows must agree with the UNSD table.

use std::collections::BTreeSet;
use std::path::Path;

use landed::pack::{HsEditions, Tariff};

use super::hs_unsd::{self, Sources};
use super::{column, is_digits, read_csv, SourceError};

const HS_COLUMNS: [&str; 3] = ["hscode", "level", "section"];
const CORR_COLUMNS: [&str; 4] = ["hs2022", "hs2017", "reference", "note"];

/// The UN aggregate code "commodities not specified according to kind": not a real subheading.
const AGGREGATE: &str = "999999";

/// Loads the 6-digit subheadings of a nomenclature file (`section,hscode,description,parent,level`), sorted.
pub fn load_subheadings(path: &Path) -> Result<Vec<u32>, SourceError> {
    let (header, rows) = read_csv(path)?;
    let (c_code, c_level) = (
        column(path, &header, "hscode", &HS_COLUMNS)?,
        column(path, &header, "level", &HS_COLUMNS)?,
    );
    let mut out = BTreeSet::new();
    for (line, rec) in &rows {
        let code = rec.get(c_code).unwrap_or("").trim();
        let level = rec.get(c_level).unwrap_or("").trim();
        if level != "6" || code == AGGREGATE {
            continue;
        }
        if !is_digits(code, 6) {
            return Err(SourceError::row(
                path,
                *line,
                format!("bad level-6 hscode `{code}`"),
                "`010121` (6 digits)",
            ));
        }
        let n: u32 = code.parse().map_err(|_| {
            SourceError::row(path, *line, format!("bad hscode `{code}`"), "`010121`")
        })?;
        if !out.insert(n) {
            return Err(SourceError::row(
                path,
                *line,
                format!("duplicate hscode `{code}`"),
                "each subheading once",
            ));
        }
    }
    Ok(out.into_iter().collect())
}

/// The HS editions table of the pack: HS 2022 subheadings, and the HS 2017 subheadings that HS 2022
/// retired with their curated successors (so a code from the older edition can be mapped or refused).
pub fn editions(data_dir: &Path) -> Result<HsEditions, SourceError> {
    let (hs2022, hs2017, curated) = load_both(data_dir)?;
    Ok(HsEditions {
        hs2017_retired: retired_2017(&hs2022, &hs2017, &curated),
        hs2022_new: hs2022
            .iter()
            .copied()
            .filter(|c| hs2017.binary_search(c).is_err())
            .collect(),
        hs2022_subheadings: hs2022,
    })
}

/// HS 2017 subheadings absent from HS 2022, each with the HS 2022 codes the curated rows derive from it.
pub fn retired_2017(
    hs2022: &[u32],
    hs2017: &[u32],
    curated: &[Correlation],
) -> Vec<(u32, Vec<u32>)> {
    hs2017
        .iter()
        .filter(|c| hs2022.binary_search(c).is_err())
        .map(|&old| {
            let mut next: Vec<u32> = curated
                .iter()
                .filter(|c| c.hs2017 == old)
                .map(|c| c.hs2022)
                .collect();
            next.sort_unstable();
            (old, next)
        })
        .collect()
}

/// One curated correlation row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Correlation {
    /// HS 2022 subheading.
    pub hs2022: u32,
    /// HS 2017 subheading it maps to.
    pub hs2017: u32,
    /// Citation.
    pub reference: String,
    /// What moved.
    pub note: String,
    /// Line in the file.
    pub line: u64,
}

/// Loads the curated correlation file, checking each row against both editions: the HS 2022 code must be new
/// in HS 2022 (absent from HS 2017) and the HS 2017 code must exist in HS 2017.
pub fn load_correlation(
    path: &Path,
    hs2022: &[u32],
    hs2017: &[u32],
) -> Result<Vec<Correlation>, SourceError> {
    let (header, rows) = read_csv(path)?;
    let col = |name| column(path, &header, name, &CORR_COLUMNS);
    let (c22, c17, cref, cnote) = (
        col("hs2022")?,
        col("hs2017")?,
        col("reference")?,
        col("note")?,
    );
    let example = "`851713,851712,https://www.wcoomd.org/...,smartphones split out of 8517.12`";
    let mut out: Vec<Correlation> = Vec::new();
    for (line, rec) in &rows {
        let line = *line;
        let get = |i: usize| rec.get(i).unwrap_or("").trim();
        let (a, b) = (
            six_digits(path, line, get(c22), "hs2022", example)?,
            six_digits(path, line, get(c17), "hs2017", example)?,
        );
        if hs2022.binary_search(&a).is_err() {
            return Err(SourceError::row(
                path,
                line,
                format!("{a:06} is not an HS 2022 subheading"),
                example,
            ));
        }
        if hs2017.binary_search(&a).is_ok() {
            return Err(SourceError::row(
                path,
                line,
                format!("{a:06} exists in HS 2017: it maps to itself"),
                example,
            ));
        }
        if hs2017.binary_search(&b).is_err() {
            return Err(SourceError::row(
                path,
                line,
                format!("{b:06} is not an HS 2017 subheading"),
                example,
            ));
        }
        let reference = get(cref);
        if !reference.starts_with("https://") {
            return Err(SourceError::row(
                path,
                line,
                format!("reference `{reference}` is not a URL"),
                example,
            ));
        }
        if let Some(prev) = out.iter().find(|c| c.hs2022 == a) {
            return Err(SourceError::row(
                path,
                line,
                format!("{a:06} already mapped at line {}", prev.line),
                example,
            ));
        }
        out.push(Correlation {
            hs2022: a,
            hs2017: b,
            reference: reference.to_string(),
            note: get(cnote).to_string(),
            line,
        });
    }
    Ok(out)
}

/// A 6-digit code of a correlation row; `edition` names it in the error.
pub(crate) fn six_digits(
    path: &Path,
    line: u64,
    s: &str,
    edition: &str,
    example: &str,
) -> Result<u32, SourceError> {
    is_digits(s, 6)
        .then(|| s.parse().ok())
        .flatten()
        .ok_or_else(|| SourceError::row(path, line, format!("bad {edition} code `{s}`"), example))
}

/// How HS 2022 subheadings were mapped onto HS 2017.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MappingStats {
    /// Kept as themselves (same six digits in both editions, the HS 2017 namesake among the sources).
    pub identity: u64,
    /// Of the identities, those into which goods of other HS 2017 subheadings also moved.
    pub widened: u64,
    /// Mapped onto one other HS 2017 subheading.
    pub one_source: u64,
    /// Mapped onto several HS 2017 subheadings (the dearest of their lines is charged).
    pub several_sources: u64,
    /// Not mappable.
    pub unmapped: u64,
}

/// The HS 2022 -> HS 2017 mapping.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hs2017Mapping {
    /// `(hs2022, hs2017)` pairs for codes that are not identities, one per source, sorted.
    pub map: Vec<(u32, u32)>,
    /// HS 2022 subheadings that have no HS 2017 source, sorted.
    pub unmapped: Vec<u32>,
    /// Identities into which goods of other HS 2017 subheadings moved: `(code, those other sources)`, sorted.
    /// The goods that moved in are charged at the rate of the code's own lines.
    pub widened: Vec<(u32, Vec<u32>)>,
    /// Counts.
    pub stats: MappingStats,
}

impl Hs2017Mapping {
    /// The HS 2017 sources a non-identity HS 2022 subheading maps to (empty for identities and unmapped codes).
    pub fn sources_of(&self, hs2022: u32) -> Vec<u32> {
        let start = self.map.partition_point(|m| m.0 < hs2022);
        self.map[start..]
            .iter()
            .take_while(|m| m.0 == hs2022)
            .map(|m| m.1)
            .collect()
    }
}

/// Maps every HS 2022 subheading onto HS 2017 with the UNSD sources of each (see the module comment).
pub fn map_2022_to_2017(hs2022: &[u32], hs2017: &[u32], sources: &Sources) -> Hs2017Mapping {
    let mut m = Hs2017Mapping::default();
    for &code in hs2022 {
        let from = sources.get(&code).map_or(&[][..], Vec::as_slice);
        let in_2017 = hs2017.binary_search(&code).is_ok();
        if in_2017 && (from.is_empty() || from.contains(&code)) {
            m.stats.identity += 1;
            let others: Vec<u32> = from.iter().copied().filter(|c| *c != code).collect();
            if !others.is_empty() {
                m.stats.widened += 1;
                m.widened.push((code, others));
            }
        } else if from.is_empty() {
            m.stats.unmapped += 1;
            m.unmapped.push(code);
        } else {
            if from.len() == 1 {
                m.stats.one_source += 1;
            } else {
                m.stats.several_sources += 1;
            }
            m.map.extend(from.iter().map(|&s| (code, s)));
        }
    }
    m.map.sort_unstable();
    m.unmapped.sort_unstable();
    m
}

/// Loads both editions, the UNSD table and the curated file from the data folder and maps HS 2022 onto HS 2017.
pub fn load_mapping(data_dir: &Path) -> Result<Hs2017Mapping, SourceError> {
    let (hs2022, hs2017, curated) = load_both(data_dir)?;
    let path = data_dir.join(super::files::HS_CORRELATION_UNSD);
    let sources = hs_unsd::load(&path, &hs2022, &hs2017)?;
    check_curated(
        &data_dir.join(super::files::HS_CORRELATION),
        &curated,
        &sources,
    )?;
    Ok(map_2022_to_2017(&hs2022, &hs2017, &sources))
}

/// Every curated row (read from `path`) must be a pair the UNSD table states.
pub fn check_curated(
    path: &Path,
    curated: &[Correlation],
    sources: &Sources,
) -> Result<(), SourceError> {
    match curated.iter().find(|c| {
        !sources
            .get(&c.hs2022)
            .is_some_and(|s| s.contains(&c.hs2017))
    }) {
        Some(c) => Err(SourceError::row(
            path,
            c.line,
            format!(
                "{:06} -> {:06} is not in the UNSD correlation table",
                c.hs2022, c.hs2017
            ),
            "a pair the UNSD table lists",
        )),
        None => Ok(()),
    }
}

/// HS 2022 subheadings, HS 2017 subheadings and the curated correlation rows.
type BothEditions = (Vec<u32>, Vec<u32>, Vec<Correlation>);

/// Both editions and the curated correlation rows, from the data folder.
fn load_both(data_dir: &Path) -> Result<BothEditions, SourceError> {
    let hs2022 = load_subheadings(&data_dir.join(super::files::HS2022))?;
    let hs2017 = load_subheadings(&data_dir.join(super::files::HS2017))?;
    let curated = load_correlation(
        &data_dir.join(super::files::HS_CORRELATION),
        &hs2022,
        &hs2017,
    )?;
    Ok((hs2022, hs2017, curated))
}

/// Sets the HS 2022 mapping of a tariff in HS 2017 (no-op for HS 2022 tariffs).
pub fn apply(tariff: &mut Tariff, mapping: &Hs2017Mapping) {
    if tariff.hs_edition == 2017 {
        tariff.hs2022_map = mapping.map.clone();
        tariff.hs2022_unmapped = mapping.unmapped.clone();
    }
}

//! The HS nomenclature: HS 2022 subheadings for [`HsEditions`], and the HS 2022 -> HS 2017 mapping that lets a
//! tariff in HS 2017 (the UK Global Tariff and EU CET files) answer for an HS 2022 code.
//!
//! For each HS 2022 subheading: when the same six digits exist in HS 2017 the mapping is the identity; else when
//! the curated file `hs-correlation-2017-2022.csv` (columns `hs2022,hs2017,reference,note`, each row cited to the
//! WCO correlation tables) lists it, that HS 2017 code; else it is unmapped. [`Tariff::hs2022_map`] holds only the
//! curated entries (codes that differ); identities are omitted: a code in neither `hs2022_map` nor
//! `hs2022_unmapped` maps to itself.

use std::collections::BTreeSet;
use std::path::Path;

use landed::pack::{HsEditions, Tariff};

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
        let code = |s: &str, edition: &str| -> Result<u32, SourceError> {
            if !is_digits(s, 6) {
                return Err(SourceError::row(
                    path,
                    line,
                    format!("bad {edition} code `{s}`"),
                    example,
                ));
            }
            s.parse().map_err(|_| {
                SourceError::row(path, line, format!("bad {edition} code `{s}`"), example)
            })
        };
        let (a, b) = (code(get(c22), "hs2022")?, code(get(c17), "hs2017")?);
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

/// How HS 2022 subheadings were mapped onto HS 2017.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MappingStats {
    /// Same six digits in both editions.
    pub identity: u64,
    /// Mapped by a curated correlation row.
    pub curated: u64,
    /// Not mappable.
    pub unmapped: u64,
}

/// The HS 2022 -> HS 2017 mapping.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hs2017Mapping {
    /// `(hs2022, hs2017)` for curated codes (identities omitted), sorted.
    pub map: Vec<(u32, u32)>,
    /// HS 2022 subheadings that neither exist in HS 2017 nor are curated, sorted.
    pub unmapped: Vec<u32>,
    /// Counts.
    pub stats: MappingStats,
}

/// Maps every HS 2022 subheading onto HS 2017.
pub fn map_2022_to_2017(hs2022: &[u32], hs2017: &[u32], curated: &[Correlation]) -> Hs2017Mapping {
    let mut m = Hs2017Mapping::default();
    for &code in hs2022 {
        if hs2017.binary_search(&code).is_ok() {
            m.stats.identity += 1;
        } else if let Some(c) = curated.iter().find(|c| c.hs2022 == code) {
            m.stats.curated += 1;
            m.map.push((code, c.hs2017));
        } else {
            m.stats.unmapped += 1;
            m.unmapped.push(code);
        }
    }
    m.map.sort_unstable();
    m.unmapped.sort_unstable();
    m
}

/// Loads both editions and the curated file from the data folder and maps HS 2022 onto HS 2017.
pub fn load_mapping(data_dir: &Path) -> Result<Hs2017Mapping, SourceError> {
    let (hs2022, hs2017, curated) = load_both(data_dir)?;
    Ok(map_2022_to_2017(&hs2022, &hs2017, &curated))
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

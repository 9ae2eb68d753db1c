//! The UN Statistics Division's HS 2022 -> HS 2017 correlation table (the WCO correlation tables as one row per
//! overlapping pair of subheadings): for each HS 2022 subheading, every HS 2017 subheading its goods came from.
//!
//! File `hs-correlation-2022-2017/unsd-hs2022-hs2017-correlation.csv`, columns `hs2022,hs2017,relationship`
//! (see its `SOURCE.md`). Every code must be a subheading of its edition (the UN aggregate `999999` row is
//! skipped), every pair appears once, and every HS 2022 subheading has at least one row.

use std::collections::BTreeMap;
use std::path::Path;

use super::{column, read_csv, SourceError};

/// The UNSD workbook the table comes from.
pub const UNSD_URL: &str =
    "https://unstats.un.org/unsd/classifications/Econ/tables/HS2022toHS2017ConversionAndCorrelationTables.xlsx";
/// The WCO correlation tables HS 2017 <-> HS 2022 the workbook implements.
pub const WCO_URL: &str = "https://www.wcoomd.org/en/topics/nomenclature/instrument-and-tools/hs-nomenclature-2022-edition/correlation-tables-hs-2017-2022.aspx";

const COLUMNS: [&str; 3] = ["hs2022", "hs2017", "relationship"];
const RELATIONSHIPS: [&str; 4] = ["1:1", "n:1", "1:n", "n:n"];
const AGGREGATE: &str = "999999";

/// For each HS 2022 subheading, its HS 2017 source subheadings (sorted, each once).
pub type Sources = BTreeMap<u32, Vec<u32>>;

/// Loads the table, checking each row against both editions (sorted subheading lists).
pub fn load(path: &Path, hs2022: &[u32], hs2017: &[u32]) -> Result<Sources, SourceError> {
    let (header, rows) = read_csv(path)?;
    let col = |name| column(path, &header, name, &COLUMNS);
    let (c22, c17, crel) = (col("hs2022")?, col("hs2017")?, col("relationship")?);
    let example = "`851713,851712,1:n`";
    let mut out: Sources = BTreeMap::new();
    for (line, rec) in &rows {
        let line = *line;
        let get = |i: usize| rec.get(i).unwrap_or("").trim();
        let (a, b, rel) = (get(c22), get(c17), get(crel));
        if a == AGGREGATE && b == AGGREGATE {
            continue;
        }
        let code = |s: &str, edition: &str, known: &[u32]| -> Result<u32, SourceError> {
            let n = super::hs::six_digits(path, line, s, edition, example)?;
            if known.binary_search(&n).is_err() {
                return Err(SourceError::row(
                    path,
                    line,
                    format!("{s} is not an {edition} subheading"),
                    example,
                ));
            }
            Ok(n)
        };
        let (a, b) = (code(a, "HS 2022", hs2022)?, code(b, "HS 2017", hs2017)?);
        if !RELATIONSHIPS.contains(&rel) {
            return Err(SourceError::row(
                path,
                line,
                format!("bad relationship `{rel}`"),
                "one of 1:1, n:1, 1:n, n:n",
            ));
        }
        let sources = out.entry(a).or_default();
        if sources.contains(&b) {
            return Err(SourceError::row(
                path,
                line,
                format!("pair {a:06},{b:06} listed twice"),
                "each pair once",
            ));
        }
        sources.push(b);
    }
    if let Some(missing) = hs2022.iter().find(|c| !out.contains_key(c)) {
        return Err(SourceError::file(
            path,
            format!("HS 2022 subheading {missing:06} has no row"),
        ));
    }
    for sources in out.values_mut() {
        sources.sort_unstable();
    }
    Ok(out)
}

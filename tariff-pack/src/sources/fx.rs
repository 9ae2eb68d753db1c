//! ECB euro reference rates (`eurofxref-hist.csv`: `Date` then one column per currency, units per 1 EUR,
//! `N/A` where not quoted) -> the newest day's [`FxTable`].

use std::path::Path;

use landed::date::Date;
use landed::pack::FxTable;
use rust_decimal::Decimal;

use super::{duty_text::parse_number, read_csv, SourceError};

/// Name of the source.
pub const SOURCE: &str = "European Central Bank euro foreign exchange reference rates";
/// URL of the source.
pub const REFERENCE: &str = "https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/html/index.en.html";

/// Loads the newest day of the ECB file.
pub fn load(path: &Path) -> Result<FxTable, SourceError> {
    let (header, rows) = read_csv(path)?;
    if header.get(0).map(str::trim) != Some("Date") {
        return Err(SourceError::row(
            path,
            1,
            "first column is not `Date`",
            "`Date,USD,JPY,...`",
        ));
    }
    let mut newest: Option<(Date, u64, &csv::StringRecord)> = None;
    for (line, rec) in &rows {
        let d = rec.get(0).unwrap_or("").trim();
        let date: Date = d.parse().map_err(|_| {
            SourceError::row(path, *line, format!("bad date `{d}`"), "`2026-04-13`")
        })?;
        if newest.as_ref().is_none_or(|n| date > n.0) {
            newest = Some((date, *line, rec));
        }
    }
    let Some((date, line, rec)) = newest else {
        return Err(SourceError::row(
            path,
            1,
            "no rates",
            "a line such as `2026-04-13,1.1684,186.75,...`",
        ));
    };
    let mut rates = Vec::new();
    for (i, cur) in header.iter().enumerate().skip(1) {
        let cur = cur.trim();
        let v = rec.get(i).unwrap_or("").trim();
        if cur.is_empty() {
            continue;
        }
        if cur.len() != 3 || !cur.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(SourceError::row(
                path,
                1,
                format!("bad currency column `{cur}`"),
                "`USD`",
            ));
        }
        if v == "N/A" || v.is_empty() {
            continue;
        }
        let rate: Decimal = parse_number(v).filter(|r| !r.is_zero()).ok_or_else(|| {
            SourceError::row(path, line, format!("bad {cur} rate `{v}`"), "`1.1684`")
        })?;
        rates.push((cur.to_string(), rate));
    }
    rates.sort();
    Ok(FxTable {
        base: "EUR".into(),
        date,
        source: SOURCE.into(),
        reference: REFERENCE.into(),
        rates,
    })
}

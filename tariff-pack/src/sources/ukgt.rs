//! The UK Global Tariff file -> two tariffs: the UK Global Tariff as of 2021-01-01 (`ukgt_duty_rate`, GBP) and
//! the EU Common External Tariff it replaced, as of 2020-12-31 (`cet_duty_rate`, EUR). Codes are CN8 or CN10 in
//! HS 2017. Seasonal rates, entry prices and agricultural components (EA, AD S/Z) are unparsed (rate unknown).

use std::path::Path;

use landed::pack::Tariff;

use super::duty_text;
use super::{
    build_tariff, column, finish_stats, is_digits, read_csv, uncovered_chapters, ymd, SourceError,
    TariffMeta, TariffStats,
};

/// Id of the UK tariff.
pub const GB_TARIFF_ID: &str = "gb-ukgt-2021";
/// Id of the EU tariff.
pub const EU_TARIFF_ID: &str = "eu-cet-2020";
/// Dataset id (both tariffs come from the same file).
pub const DATASET: &str = "ukgt-2021";

const COLUMNS: [&str; 3] = ["commodity", "cet_duty_rate", "ukgt_duty_rate"];

/// Both tariffs of the file with their stats.
#[derive(Clone, Debug)]
pub struct UkEuTariffs {
    /// The UK Global Tariff (GBP).
    pub gb: Tariff,
    /// What was read for the UK tariff.
    pub gb_stats: TariffStats,
    /// The EU CET (EUR).
    pub eu: Tariff,
    /// What was read for the EU tariff.
    pub eu_stats: TariffStats,
}

/// Loads the UK Global Tariff file.
pub fn load(path: &Path) -> Result<UkEuTariffs, SourceError> {
    let (header, rows) = read_csv(path)?;
    let col = |name| column(path, &header, name, &COLUMNS);
    let (c_code, c_cet, c_uk) = (
        col("commodity")?,
        col("cet_duty_rate")?,
        col("ukgt_duty_rate")?,
    );
    let (mut gb_stats, mut eu_stats) = (TariffStats::default(), TariffStats::default());
    let (mut gb, mut eu) = (Vec::new(), Vec::new());
    for (line, rec) in &rows {
        let line = *line;
        gb_stats.rows_read += 1;
        eu_stats.rows_read += 1;
        let get = |i: usize| rec.get(i).unwrap_or("").trim();
        let code = get(c_code);
        if !(is_digits(code, 8) || is_digits(code, 10))
            || code.starts_with("00")
            || code.starts_with("98")
            || code.starts_with("99")
        {
            return Err(SourceError::row(
                path,
                line,
                format!("bad commodity code `{code}`"),
                "`01012100` (8 or 10 digits, chapters 01-97)",
            ));
        }
        for (text, currency, out) in [(get(c_uk), "GBP", &mut gb), (get(c_cet), "EUR", &mut eu)] {
            let expr = duty_text::or_unparsed(text, duty_text::parse_uk_eu(text, currency))
                .map_err(|(what, example)| SourceError::row(path, line, what, example))?;
            out.push((code.to_string(), expr, line));
        }
    }
    let make = |id,
                currency,
                as_of,
                entries: Vec<(String, landed::pack::DutyExpr, u64)>,
                stats: &mut TariffStats| {
        let uncovered = uncovered_chapters(entries.iter().map(|e| e.0.as_str()));
        let meta = TariffMeta {
            id,
            dataset: DATASET,
            hs_edition: 2017,
            currency,
            rates_as_of: as_of,
            uncovered_chapters: uncovered,
        };
        let t = build_tariff(path, meta, entries)?;
        finish_stats(stats, &t);
        Ok::<_, SourceError>(t)
    };
    let gb = make(GB_TARIFF_ID, "GBP", ymd(2021, 1, 1), gb, &mut gb_stats)?;
    let eu = make(EU_TARIFF_ID, "EUR", ymd(2020, 12, 31), eu, &mut eu_stats)?;
    Ok(UkEuTariffs {
        gb,
        gb_stats,
        eu,
        eu_stats,
    })
}

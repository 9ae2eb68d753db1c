//! Australian Customs Tariff Schedule 3 (partial scrape) -> the AU general-rate tariff.
//!
//! Codes come from `reference_number` (`0101.21.00`, markers `*`, `**`, `#` after the code are dropped); rows
//! with an empty rate are heading rows and are skipped (counted). A line listed several times (one row per
//! statistical code) must carry the same rate each time and is kept once. Only the general rate is kept (see
//! [`super::duty_text::parse_au`]). The scrape follows HS 2022 (`8517.13.00` Smartphones is present).

use std::collections::BTreeMap;
use std::path::Path;

use landed::pack::Tariff;

use super::duty_text;
use super::{
    build_tariff, column, finish_stats, read_csv, uncovered_chapters, ymd, SourceError, TariffMeta,
    TariffStats,
};

/// Tariff id.
pub const TARIFF_ID: &str = "au-schedule3";
/// Dataset id.
pub const DATASET: &str = "au-schedule3";

const COLUMNS: [&str; 2] = ["reference_number", "duty_rate_raw"];
const CODE_EXAMPLE: &str = "`0101.21.00` (8 digits as NNNN.NN.NN, or a 6-digit subheading NNNN.NN)";

/// Loads Schedule 3.
pub fn load(path: &Path) -> Result<(Tariff, TariffStats), SourceError> {
    let (header, rows) = read_csv(path)?;
    let col = |name| column(path, &header, name, &COLUMNS);
    let (c_ref, c_rate) = (col("reference_number")?, col("duty_rate_raw")?);
    let as_of = ymd(2026, 4, 17);
    let mut stats = TariffStats::default();
    // code -> (rate text, first line)
    let mut seen: BTreeMap<String, (String, u64)> = BTreeMap::new();
    let mut entries = Vec::new();
    for (line, rec) in &rows {
        let line = *line;
        stats.rows_read += 1;
        let get = |i: usize| rec.get(i).unwrap_or("").trim();
        let raw = get(c_ref);
        let code_part = raw.trim_end_matches(['*', '#']);
        let digits: String = code_part.chars().filter(|c| *c != '.').collect();
        let well_formed = match digits.len() {
            8 => {
                code_part.len() == 10
                    && code_part.as_bytes()[4] == b'.'
                    && code_part.as_bytes()[7] == b'.'
            }
            6 => code_part.len() == 7 && code_part.as_bytes()[4] == b'.',
            4 | 7 => true,
            _ => false,
        } && digits.bytes().all(|b| b.is_ascii_digit());
        if !well_formed {
            return Err(SourceError::row(
                path,
                line,
                format!("bad reference_number `{raw}`"),
                CODE_EXAMPLE,
            ));
        }
        let text = get(c_rate);
        if text.is_empty() {
            stats.skip("heading row without a rate");
            continue;
        }
        if digits.len() != 8 && digits.len() != 6 {
            return Err(SourceError::row(
                path,
                line,
                format!("rate on a {}-digit reference_number `{raw}`", digits.len()),
                CODE_EXAMPLE,
            ));
        }
        if let Some((prev, first)) = seen.get(&digits) {
            if prev != text {
                return Err(SourceError::row(
                    path,
                    line,
                    format!("{raw} has rate `{text}` but `{prev}` at line {first}"),
                    "the same rate on every row of one tariff line",
                ));
            }
            stats.skip("repeated line (another statistical code)");
            continue;
        }
        seen.insert(digits.clone(), (text.to_string(), line));
        let expr = duty_text::or_unparsed(text, duty_text::parse_au(text, as_of))
            .map_err(|(what, example)| SourceError::row(path, line, what, example))?;
        entries.push((digits, expr, line));
    }
    let uncovered = uncovered_chapters(entries.iter().map(|e| e.0.as_str()));
    let meta = TariffMeta {
        id: TARIFF_ID,
        dataset: DATASET,
        hs_edition: 2022,
        currency: "AUD",
        rates_as_of: as_of,
        uncovered_chapters: uncovered,
    };
    let tariff = build_tariff(path, meta, entries)?;
    finish_stats(&mut stats, &tariff);
    Ok((tariff, stats))
}

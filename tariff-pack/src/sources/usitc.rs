//! The USITC annual tariff database 2025 -> the US column 1 general (MFN) tariff at 8 digits.
//!
//! Rate type codes (`mfn_rate_type_code`, USITC code key, checked against the rows): `0` free, `7` ad valorem,
//! `1`/`2` specific, `3` two specific parts, `4`/`5` specific + ad valorem (compound), `6` specific + ad valorem +
//! other specific, `9` "the rate applicable to ..." (see the HTS), `K` sugar formulas, `X`/`T` rates on part of the
//! goods (watch cases, metal content). For types 0-7 the text rate is parsed for its units and must reproduce the
//! structured columns: `mfn_ad_val_rate` (a fraction: 0.1425 = 14.25 %) and the non-zero `mfn_specific_rate` /
//! `mfn_other_rate` (dollars). Types 9 and K are unparsed (rate unknown); X and T are parsed when their text is plain
//! terms, unparsed otherwise. Chapters 98 and 99 (special provisions, temporary and additional duties) are skipped.

use std::path::Path;

use landed::pack::{DutyExpr, DutyTerm, Tariff};
use rust_decimal::Decimal;

use super::duty_text::{self, RateError};
use super::usitc_special::{self, PROGRAMMES};
use super::{
    build_tariff, column, finish_stats, is_digits, read_csv, uncovered_chapters, ymd, SourceError,
    TariffMeta, TariffStats,
};

/// Tariff id.
pub const TARIFF_ID: &str = "us-usitc-2025";
/// Dataset id.
pub const DATASET: &str = "usitc-2025";

const COLUMNS: [&str; 6] = [
    "hts8",
    "mfn_text_rate",
    "mfn_rate_type_code",
    "mfn_ad_val_rate",
    "mfn_specific_rate",
    "mfn_other_rate",
];
const EXAMPLE_ROW: &str =
    "hts8 `02011050`, mfn_rate_type_code `7`, mfn_text_rate `26.40%`, mfn_ad_val_rate `0.264`";
/// `9999.999999` in the numeric columns means "not computable, see the text".
const NOT_COMPUTABLE: &str = "9999.999999";

/// Loads the USITC file into the US MFN tariff.
pub fn load(path: &Path) -> Result<(Tariff, TariffStats), SourceError> {
    let (header, rows) = read_csv(path)?;
    let col = |name| column(path, &header, name, &COLUMNS);
    let (c_hts, c_text, c_type, c_adv, c_spec, c_other) = (
        col("hts8")?,
        col("mfn_text_rate")?,
        col("mfn_rate_type_code")?,
        col("mfn_ad_val_rate")?,
        col("mfn_specific_rate")?,
        col("mfn_other_rate")?,
    );
    // The Special column and the programmes' columns are optional: without them the tariff has no preferential rates.
    let optional = |name: &str| {
        header
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
    };
    let c_special = optional("col1_special_text");
    let extra_cols: Vec<(String, usize)> = PROGRAMMES
        .iter()
        .flat_map(|p| {
            std::iter::once(p.indicator.to_string())
                .chain(p.columns.map(|c| format!("{c}_ad_val_rate")))
        })
        .filter_map(|name| optional(&name).map(|i| (name, i)))
        .collect();
    let mut stats = TariffStats::default();
    let mut entries = Vec::new();
    let mut special = Vec::new();
    for (line, rec) in &rows {
        let line = *line;
        stats.rows_read += 1;
        let get = |i: usize| rec.get(i).unwrap_or("").trim();
        let hts = get(c_hts);
        if !is_digits(hts, 8) {
            return Err(SourceError::row(
                path,
                line,
                format!("bad hts8 code `{hts}`"),
                "`01012100` (8 digits)",
            ));
        }
        match &hts[..2] {
            "98" => {
                stats.skip("chapter 98 (special classification provisions)");
                continue;
            }
            "99" => {
                stats.skip("chapter 99 (temporary legislation, additional duties)");
                continue;
            }
            "00" => {
                return Err(SourceError::row(
                    path,
                    line,
                    format!("bad chapter in `{hts}`"),
                    "`01012100`",
                ))
            }
            _ => {}
        }
        let text = get(c_text);
        let kind = get(c_type);
        let expr = row_expr(text, kind, get(c_adv), get(c_spec), get(c_other))
            .map_err(|(what, example)| SourceError::row(path, line, what, example))?;
        let by_name = |name: &str| {
            extra_cols
                .iter()
                .find(|(n, _)| n == name)
                .map_or("", |(_, i)| get(*i))
        };
        if let Some(c) = c_special {
            let rates = usitc_special::row_rates(get(c), by_name, &mut stats)
                .map_err(|(what, example)| SourceError::row(path, line, what, example))?;
            if !rates.is_empty() {
                special.push((hts.to_string(), rates));
            }
        }
        entries.push((hts.to_string(), expr, line));
    }
    let uncovered = uncovered_chapters(entries.iter().map(|e| e.0.as_str()));
    let meta = TariffMeta {
        id: TARIFF_ID,
        dataset: DATASET,
        hs_edition: 2022,
        currency: "USD",
        rates_as_of: ymd(2025, 6, 6),
        uncovered_chapters: uncovered,
    };
    let mut tariff = build_tariff(path, meta, entries)?;
    tariff.preferences = usitc_special::columns(&mut tariff, special);
    finish_stats(&mut stats, &tariff);
    Ok((tariff, stats))
}

/// The expression of one row, checked against its structured columns.
fn row_expr(
    text: &str,
    kind: &str,
    adv: &str,
    spec: &str,
    other: &str,
) -> Result<DutyExpr, (String, String)> {
    let ex = || EXAMPLE_ROW.to_string();
    match kind {
        "9" | "K" => return Ok(duty_text::unparsed(text)),
        "X" | "T" => return duty_text::or_unparsed(text, duty_text::parse_usitc(text)),
        "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" => {}
        _ => {
            return Err((
                format!("unknown mfn_rate_type_code `{kind}`"),
                "`0` (free), `7` (ad valorem), `1` (specific), `4` (compound)".into(),
            ))
        }
    }
    let expr = match duty_text::parse_usitc(text) {
        Ok(e) => e,
        Err(RateError::Invalid { what, example }) => return Err((what, example)),
        Err(RateError::Unmodelled(why)) => {
            return Err((
                format!("mfn_text_rate `{text}` not understood for rate type {kind}: {why}"),
                ex(),
            ))
        }
    };
    let num = |name: &str, s: &str| -> Result<Option<Decimal>, (String, String)> {
        if s.is_empty() || s == NOT_COMPUTABLE {
            return Ok(None);
        }
        duty_text::parse_number(s)
            .map(Some)
            .ok_or_else(|| (format!("bad {name} `{s}`"), ex()))
    };
    let adv = num("mfn_ad_val_rate", adv)?;
    let spec = num("mfn_specific_rate", spec)?;
    let other = num("mfn_other_rate", other)?;
    let mut text_adv = Decimal::ZERO;
    // Specific amounts as (amount, amount per single unit): the columns hold either, e.g. `89.6 cents/1000`
    // is 0.000896 per bulb, `10 cents/1,000 pins` is 0.1 per thousand.
    let mut text_amounts: Vec<(Decimal, Decimal)> = Vec::new();
    for t in &expr.terms {
        match t {
            DutyTerm::AdValorem(p) => text_adv += *p,
            DutyTerm::Specific { amount, per, .. } => text_amounts.push((*amount, *amount / *per)),
        }
    }
    let col_adv = adv.unwrap_or(Decimal::ZERO) * Decimal::ONE_HUNDRED;
    let mut col_amounts: Vec<Decimal> = [spec, other]
        .into_iter()
        .flatten()
        .filter(|d| !d.is_zero())
        .collect();
    let mut specific_ok = text_amounts.len() == col_amounts.len();
    for (amount, unit_amount) in &text_amounts {
        match col_amounts
            .iter()
            .position(|c| c == amount || c == unit_amount)
        {
            Some(i) => {
                col_amounts.swap_remove(i);
            }
            None => specific_ok = false,
        }
    }
    if text_adv != col_adv || !specific_ok {
        return Err((
            format!(
                "mfn_text_rate `{text}` does not match the structured columns (ad valorem {col_adv}%, specific {spec:?} / {other:?})"
            ),
            ex(),
        ));
    }
    if kind == "0" && !expr.terms.is_empty() {
        return Err((format!("rate type 0 (free) with rate `{text}`"), ex()));
    }
    Ok(expr)
}

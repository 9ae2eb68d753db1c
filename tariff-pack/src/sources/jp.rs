//! Japan's customs tariff schedule (実行関税率表) of 2026-07-09 -> the JP MFN tariff at nine digits, with one
//! preference column per economic partnership agreement.
//!
//! The vendored file has one row per nine-digit statistical code (HS 2022 subheading + 3 digits) with the general
//! (基本), temporary (暫定) and WTO (WTO協定) rates and the 22 EPA columns, as Japan Customs prints them.
//!
//! **MFN rate** (Basic Circular on the Customs Tariff Act 3-1, under Customs Act Art. 3 proviso, Customs Tariff Act
//! Art. 3 and Act on Temporary Measures concerning Customs Art. 2): the temporary rate replaces the general rate while
//! it is in force; the WTO rate applies where it is lower than that rate. A WTO rate printed in parentheses is not
//! applied (the national rate is equal or lower) and is ignored. Two operative rates of one plain ad valorem kind give
//! the lower; rates of different kinds give the general expression with the WTO rate as an `or_lower` alternative
//! (the lowest applies, which depends on the goods' value and quantity). An unknown general rate, or an unknown WTO
//! rate against a non-free general rate, makes the line unparsed (rate unknown).
//!
//! **Seasonal codes** (bananas, oranges, grapes… appear twice, one row per season of import): the dearer rate is kept
//! when every season's rate is a plain percentage (the text names both), otherwise the line is unparsed.
//!
//! **Preferences**: a cell of an EPA column is the preferential rate for originating goods; a blank cell means no
//! concession (MFN applies). Only rates that can be lower than the line's MFN rate are stored (a rate equal to or above
//! a plain MFN percentage, or any rate where MFN is free, is dropped); cells in parentheses and unparsed cells (quota
//! conditions, ranges, marks, multi-line conditions) are not stored, so MFN applies to them (the engine warns).

use std::collections::BTreeMap;
use std::path::Path;

use landed::pack::{DutyExpr, PreferenceColumn, Tariff};

use super::duty_text;
use super::jp_rate::{self, plain_ad_valorem, Cell};
use super::{
    build_tariff, column, finish_stats, is_digits, read_csv, uncovered_chapters, ymd, ExprTable,
    SourceError, TariffMeta, TariffStats,
};

/// Tariff id.
pub const TARIFF_ID: &str = "jp-customs-2026";
/// Dataset id.
pub const DATASET: &str = "jp-customs-2026";
/// The schedule's edition, which is also the day its rates are known to be in force.
pub const EDITION: (u16, u8, u8) = (2026, 7, 9);

/// EPA columns of the schedule and the programme ids of `tariff-pack/rules/JP.yaml`.
pub const PROGRAMMES: [(&str, &str); 22] = [
    ("EPA_シンガポール", "jp.epa.sg"),
    ("EPA_メキシコ", "jp.epa.mx"),
    ("EPA_マレーシア", "jp.epa.my"),
    ("EPA_チリ", "jp.epa.cl"),
    ("EPA_タイ", "jp.epa.th"),
    ("EPA_インドネシア", "jp.epa.id"),
    ("EPA_ブルネイ", "jp.epa.bn"),
    ("EPA_アセアン", "jp.epa.asean"),
    ("EPA_フィリピン", "jp.epa.ph"),
    ("EPA_スイス", "jp.epa.ch"),
    ("EPA_ベトナム", "jp.epa.vn"),
    ("EPA_インド", "jp.epa.in"),
    ("EPA_ペルー", "jp.epa.pe"),
    ("EPA_豪州", "jp.epa.au"),
    ("EPA_モンゴル", "jp.epa.mn"),
    ("EPA_CPTPP", "jp.epa.cptpp"),
    ("EPA_欧州連合", "jp.epa.eu"),
    ("EPA_英国", "jp.epa.gb"),
    ("EPA_RCEP_アセアン豪州NZ", "jp.epa.rcep.asean_au_nz"),
    ("EPA_RCEP_中国", "jp.epa.rcep.cn"),
    ("EPA_RCEP_韓国", "jp.epa.rcep.kr"),
    ("EPA_日米貿易協定", "jp.epa.us"),
];

const CODE: &str = "stat_code_9";
const GENERAL: &str = "基本";
const TEMPORARY: &str = "暫定";
const WTO: &str = "WTO協定";
const CODE_EXAMPLE: &str = "`640399015` (nine digits: HS subheading and statistical suffix)";

/// One row of the file: its line number and cells.
struct Row {
    line: u64,
    general: String,
    temporary: String,
    wto: String,
    epa: Vec<String>,
}

/// Loads the schedule into the JP MFN tariff with its preference columns.
pub fn load(path: &Path) -> Result<(Tariff, TariffStats), SourceError> {
    let (header, records) = read_csv(path)?;
    let mut expected = vec![CODE, GENERAL, TEMPORARY, WTO];
    expected.extend(PROGRAMMES.iter().map(|p| p.0));
    let col = |name| column(path, &header, name, &expected);
    let (c_code, c_gen, c_tmp, c_wto) = (col(CODE)?, col(GENERAL)?, col(TEMPORARY)?, col(WTO)?);
    let c_epa = PROGRAMMES
        .iter()
        .map(|p| col(p.0))
        .collect::<Result<Vec<_>, _>>()?;
    let mut stats = TariffStats::default();
    // Rows grouped by code, in file order (a seasonal code has several rows).
    let mut groups: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    for (line, rec) in &records {
        stats.rows_read += 1;
        let get = |i: usize| rec.get(i).unwrap_or("").to_string();
        let code = get(c_code).trim().to_string();
        if !is_digits(&code, 9) || code.starts_with("00") {
            return Err(SourceError::row(
                path,
                *line,
                format!("bad {CODE} `{code}`"),
                CODE_EXAMPLE,
            ));
        }
        let row = Row {
            line: *line,
            general: get(c_gen),
            temporary: get(c_tmp),
            wto: get(c_wto),
            epa: c_epa.iter().map(|&i| get(i)).collect(),
        };
        if row.general.trim().is_empty() && row.temporary.trim().is_empty() {
            return Err(SourceError::row(
                path,
                *line,
                format!("{code} has neither a general nor a temporary rate"),
                "a general rate such as `無税` or `3.9%` on every line",
            ));
        }
        let group = groups.entry(code).or_default();
        if !group.is_empty() {
            stats.skip("second row of a seasonal code (the dearer season kept)");
        }
        group.push(row);
    }
    let mut entries = Vec::with_capacity(groups.len());
    let mut mfn_of: BTreeMap<String, DutyExpr> = BTreeMap::new();
    for (code, rows) in &groups {
        let expr = seasons(rows.iter().map(mfn).collect());
        mfn_of.insert(code.clone(), expr.clone());
        entries.push((code.clone(), expr, rows[0].line));
    }
    let uncovered = uncovered_chapters(entries.iter().map(|e| e.0.as_str()));
    let meta = TariffMeta {
        id: TARIFF_ID,
        dataset: DATASET,
        hs_edition: 2022,
        currency: "JPY",
        rates_as_of: ymd(EDITION.0, EDITION.1, EDITION.2),
        uncovered_chapters: uncovered,
    };
    let mut tariff = build_tariff(path, meta, entries)?;
    finish_stats(&mut stats, &tariff);
    add_preferences(&mut tariff, &groups, &mfn_of, &mut stats);
    Ok((tariff, stats))
}

/// The MFN rate of one row.
fn mfn(row: &Row) -> DutyExpr {
    let (general_col, general_text) = if row.temporary.trim().is_empty() {
        (GENERAL, row.general.as_str())
    } else {
        (TEMPORARY, row.temporary.as_str())
    };
    let unknown = || {
        let mut parts = vec![format!("{general_col} {}", general_text.trim())];
        if !row.wto.trim().is_empty() {
            parts.push(format!("{WTO} {}", row.wto.trim()));
        }
        duty_text::unparsed(&parts.join("; "))
    };
    let general = match jp_rate::parse_cell(general_text) {
        Ok(Some(Cell::Rate(e))) => e,
        _ => return unknown(),
    };
    match jp_rate::parse_cell(&row.wto) {
        Ok(None) | Ok(Some(Cell::NotApplied)) => general,
        Ok(Some(Cell::Rate(wto))) => lower(general, wto),
        Err(_) if plain_ad_valorem(&general) == Some(rust_decimal::Decimal::ZERO) => general,
        Err(_) => unknown(),
    }
}

/// The lower of two operative rates: one of them when both are plain percentages (or equal, or one is free), else
/// the general expression with the WTO rate as an alternative.
fn lower(general: DutyExpr, wto: DutyExpr) -> DutyExpr {
    match (plain_ad_valorem(&general), plain_ad_valorem(&wto)) {
        (Some(g), Some(w)) => return if w < g { wto } else { general },
        (Some(g), _) if g.is_zero() => return general,
        (_, Some(w)) if w.is_zero() => return wto,
        _ => {}
    }
    if same_rate(&general, &wto) {
        return general;
    }
    let text = format!(
        "{} or WTO {}, whichever is lower",
        general.text.trim(),
        wto.text.trim()
    );
    let mut e = general;
    e.or_lower.push(wto);
    e.text = text;
    e
}

/// The same rate whatever the text.
fn same_rate(a: &DutyExpr, b: &DutyExpr) -> bool {
    a.terms == b.terms
        && a.min == b.min
        && a.max == b.max
        && a.or_lower == b.or_lower
        && a.unparsed == b.unparsed
}

/// One rate for a code from its rows (several for a seasonal code): the rate when they agree, the dearest plain
/// percentage when they do not, else unparsed.
fn seasons(mut rates: Vec<DutyExpr>) -> DutyExpr {
    if rates.len() == 1 || rates.windows(2).all(|w| same_rate(&w[0], &w[1])) {
        return rates.swap_remove(0);
    }
    let texts: Vec<&str> = rates.iter().map(|e| e.text.trim()).collect();
    let joined = texts.join(" or ");
    let dearest = rates
        .iter()
        .map(|e| plain_ad_valorem(e).filter(|_| !e.unparsed))
        .collect::<Option<Vec<_>>>()
        .and_then(|v| v.into_iter().max());
    match dearest {
        Some(p) => {
            let mut e = jp_rate::expr(
                &format!("{joined} by season of import (the higher is kept)"),
                Vec::new(),
                None,
                None,
                Vec::new(),
            );
            if !p.is_zero() {
                e.terms.push(landed::pack::DutyTerm::AdValorem(p));
            }
            e
        }
        None => duty_text::unparsed(&format!("{joined} by season of import")),
    }
}

/// A preferential rate worth storing: one that can be below the MFN rate.
fn can_be_lower(pref: &DutyExpr, mfn: &DutyExpr) -> bool {
    if same_rate(pref, mfn) {
        return false;
    }
    match (plain_ad_valorem(pref), plain_ad_valorem(mfn)) {
        (_, Some(m)) if m.is_zero() => false,
        (Some(p), Some(m)) => p < m,
        _ => true,
    }
}

/// Builds the preference columns (sorted by line index) and adds their expressions to the tariff's table.
fn add_preferences(
    tariff: &mut Tariff,
    groups: &BTreeMap<String, Vec<Row>>,
    mfn_of: &BTreeMap<String, DutyExpr>,
    stats: &mut TariffStats,
) {
    let mut table = ExprTable::default();
    for e in std::mem::take(&mut tariff.exprs) {
        table.intern(e);
    }
    let index_of: BTreeMap<u64, u32> = tariff
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| (l.code, u32::try_from(i).unwrap_or(u32::MAX)))
        .collect();
    for (p, (_, programme)) in PROGRAMMES.iter().enumerate() {
        let mut lines = Vec::new();
        for (code, rows) in groups {
            let cells: Vec<&str> = rows.iter().map(|r| r.epa[p].as_str()).collect();
            let Some(pref) = preference(&cells, stats) else {
                continue;
            };
            let (Some(mfn), Some(&line)) = (
                mfn_of.get(code),
                code.parse::<u64>().ok().and_then(|c| index_of.get(&c)),
            ) else {
                continue;
            };
            if !can_be_lower(&pref, mfn) {
                stats.skip("preference not below the MFN rate (not stored)");
                continue;
            }
            lines.push((line, table.intern(pref)));
        }
        lines.sort_unstable();
        tariff.preferences.push(PreferenceColumn {
            programme: (*programme).to_string(),
            lines,
        });
    }
    tariff.exprs = table.into_vec();
}

/// The preferential rate of one code in one column, from its rows' cells.
fn preference(cells: &[&str], stats: &mut TariffStats) -> Option<DutyExpr> {
    let mut rates = Vec::with_capacity(cells.len());
    for cell in cells {
        match jp_rate::parse_cell(cell) {
            Ok(None) => return None,
            Ok(Some(Cell::NotApplied)) => {
                stats.skip("preference in parentheses (not applied; MFN)");
                return None;
            }
            Ok(Some(Cell::Rate(e))) => rates.push(e),
            Err(_) => {
                stats
                    .skip("preference unparsed: quota, range, mark or condition (not stored; MFN)");
                return None;
            }
        }
    }
    let e = seasons(rates);
    (!e.unparsed).then_some(e)
}

/// The codes whose MFN rate is free, shortest first where every line beneath a chapter, heading or subheading is
/// free (`84713000x` lines all free -> `847130`). The simplified rates do not apply to duty-free goods (Customs Answer
/// 1001), so `JP.yaml` excludes these from `jp.simplified_rates` (`mfn_free_codes.txt`, kept equal to this by a test).
pub fn mfn_free_codes(tariff: &Tariff) -> Vec<String> {
    let free = |e: u32| {
        tariff
            .exprs
            .get(e as usize)
            .and_then(plain_ad_valorem)
            .is_some_and(|p| p.is_zero())
    };
    let codes: Vec<(String, bool)> = tariff
        .lines
        .iter()
        .map(|l| (line_code(l), free(l.expr)))
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < codes.len() {
        // The shortest prefix (2, 4, 6 or 9 digits) of this line whose lines are all free.
        let mut taken = false;
        for len in [2usize, 4, 6, 9] {
            let prefix = &codes[i].0[..len];
            if i > 0 && codes[i - 1].0.starts_with(prefix) {
                continue; // the prefix began earlier, with a line that is not free
            }
            let end = i + codes[i..]
                .iter()
                .take_while(|(c, _)| c.starts_with(prefix))
                .count();
            if codes[i..end].iter().all(|(_, f)| *f) {
                out.push(prefix.to_string());
                i = end;
                taken = true;
                break;
            }
        }
        if !taken {
            i += 1;
        }
    }
    out
}

fn line_code(l: &landed::pack::TariffLine) -> String {
    landed::pack::lookup::line_code(l)
}

#[cfg(test)]
#[path = "jp_tests.rs"]
mod tests;

//! The USITC "Special" rate column (`col1_special_text`) -> preferential rates per free trade agreement.
//!
//! The text lists rates, each followed by the programme symbols it applies to (HTSUS general note 3(c)(i)):
//! `Free (A+,AU,BH,CL,CO,D,E,IL,JO,KR,MA,OM,P,PA,PE,S,SG) 1.6% (JP)`, `5.7 cents/kg (CO,KR,PA)`,
//! `See 9822.04.15 (AU)`. A `See ...` rate is set by a chapter 98/99 provision (quota, safeguard): no
//! preferential rate is recorded for that line (the quote then uses the MFN rate and says so). Only the
//! programmes in [`PROGRAMMES`] are read; GSP (`A`, `A*`, `A+`), AGOA (`D`), CBI (`E`) and the other
//! unilateral programmes are not (GSP lapsed on 2021-01-01).
//!
//! Each rate read is checked against the programme's indicator column (a line with a rate for the symbol has
//! the indicator set) and, when the programme has structured columns, against its ad valorem fraction.
//! A mismatch is counted in the stats (the text, which is the HTSUS wording, is kept).

use std::collections::HashMap;

use landed::pack::{DutyExpr, DutyTerm, PreferenceColumn, Tariff};
use rust_decimal::Decimal;

use super::duty_text::{self, RateError};
use super::TariffStats;

/// A programme read from the Special column: its id in the rule files, its HTSUS symbol, its indicator
/// column and the prefix of its structured rate columns (`<prefix>_ad_val_rate`), where the file has them.
pub struct Programme {
    /// Id used in `US.yaml` `preferences:` (`rate: column`).
    pub id: &'static str,
    /// Symbol in the Special column.
    pub symbol: &'static str,
    /// Indicator column (non-empty when the line has a rate for the programme).
    pub indicator: &'static str,
    /// Prefix of `_ad_val_rate`, when the file has the structured columns.
    pub columns: Option<&'static str>,
}

/// The free trade agreements read (general note 3(c)(i) symbols). Ordered so that programmes covering nearly the
/// same lines are neighbours: their columns then compress against each other in the gzipped pack.
pub const PROGRAMMES: [Programme; 15] = [
    prog(
        "us.singapore",
        "SG",
        "singapore_indicator",
        Some("singapore"),
    ),
    prog("us.bahrain", "BH", "bahrain_indicator", Some("bahrain")),
    prog("us.chile", "CL", "chile_indicator", Some("chile")),
    prog("us.oman", "OM", "oman_indicator", Some("oman")),
    prog("us.peru", "PE", "peru_indicator", Some("peru")),
    prog("us.morocco", "MA", "morocco_indicator", Some("morocco")),
    prog("us.cafta_dr", "P", "dr_cafta_indicator", Some("dr_cafta")),
    prog("us.jordan", "JO", "jordan_indicator", Some("jordan")),
    prog("us.korus", "KR", "korea_indicator", Some("korea")),
    prog("us.usmca", "S", "usmca_indicator", Some("usmca")),
    prog("us.israel", "IL", "israel_fta_indicator", None),
    prog("us.colombia", "CO", "colombia_indicator", Some("colombia")),
    prog("us.panama", "PA", "panama_indicator", Some("panama")),
    prog("us.ausfta", "AU", "australia_indicator", Some("australia")),
    prog("us.japan", "JP", "japan_indicator", Some("japan")),
];

const fn prog(
    id: &'static str,
    symbol: &'static str,
    indicator: &'static str,
    columns: Option<&'static str>,
) -> Programme {
    Programme {
        id,
        symbol,
        indicator,
        columns,
    }
}

/// One `rate (symbols)` group of the Special column.
#[derive(Debug, PartialEq, Eq)]
pub struct Group<'a> {
    /// The rate text (`Free`, `5.7 cents/kg`, `See 9822.04.15`).
    pub rate: &'a str,
    /// The programme symbols.
    pub symbols: Vec<&'a str>,
}

/// Splits a Special column into its groups; `Err` with the unread tail when the text does not end in a group.
pub fn groups(text: &str) -> Result<Vec<Group<'_>>, String> {
    let mut out = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let (Some(open), Some(close)) = (rest.find('('), rest.find(')')) else {
            return Err(rest.to_string());
        };
        if close < open {
            return Err(rest.to_string());
        }
        let rate = rest[..open].trim();
        let symbols = rest[open + 1..close]
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        // `1.5% (KR) (PA)`: a group with no rate of its own shares the previous one's.
        let rate = if rate.is_empty() {
            out.last().map_or("", |g: &Group<'_>| g.rate)
        } else {
            rate
        };
        out.push(Group { rate, symbols });
        rest = rest[close + 1..].trim_start();
    }
    Ok(out)
}

/// What the Special column says about one programme on one line.
#[derive(Debug, PartialEq)]
pub enum Special {
    /// No rate for the programme (it does not cover the line).
    None,
    /// The rate is set elsewhere (`See 9822.04.15`): no preferential rate is recorded.
    SeeProvision,
    /// A rate the duty parser cannot express: no preferential rate is recorded.
    Unmodelled(String),
    /// The preferential rate.
    Rate(DutyExpr),
}

/// The programme's rate in a Special column.
pub fn rate_for(groups: &[Group<'_>], symbol: &str) -> Result<Special, (String, String)> {
    let Some(g) = groups.iter().find(|g| g.symbols.contains(&symbol)) else {
        return Ok(Special::None);
    };
    if g.rate.starts_with("See ") {
        return Ok(Special::SeeProvision);
    }
    // The Special column writes cents as `¢` (`1.9¢/liter`) where the General column writes `cents`.
    let text = g.rate.replace('¢', " cents");
    match duty_text::parse_usitc(&text) {
        Ok(mut e) => {
            e.text = g.rate.to_string();
            Ok(Special::Rate(e))
        }
        Err(RateError::Unmodelled(why)) => Ok(Special::Unmodelled(why)),
        Err(RateError::Invalid { what, example }) => Err((what, example)),
    }
}

/// Whether a parsed rate agrees with the programme's structured ad valorem fraction (`0.017` = 1.7 %); `None`
/// when the column is empty or not computable.
pub fn agrees_with_column(expr: &DutyExpr, ad_val_fraction: &str) -> Option<bool> {
    let col = duty_text::parse_number(ad_val_fraction.trim())?;
    if ad_val_fraction.trim() == "9999.99" || ad_val_fraction.trim() == "9999.999999" {
        return None;
    }
    let text_adv: Decimal = expr
        .terms
        .iter()
        .map(|t| match t {
            DutyTerm::AdValorem(p) => *p,
            _ => Decimal::ZERO,
        })
        .sum();
    Some(text_adv == col * Decimal::ONE_HUNDRED)
}

/// What one row says for each programme: `(index into PROGRAMMES, rate)`.
pub type RowRates = Vec<(usize, DutyExpr)>;

/// Reads one row's Special column for every programme, counting in `stats` what is not kept and what disagrees
/// with the row's indicator or structured columns; `get` returns a column's value by name.
pub fn row_rates<'r>(
    special: &str,
    get: impl Fn(&str) -> &'r str,
    stats: &mut TariffStats,
) -> Result<RowRates, (String, String)> {
    let groups = groups(special).map_err(|tail| {
        (
            format!("col1_special_text `{special}`: `{tail}` is not a `rate (symbols)` group"),
            "`Free (AU,BH,CL) 1.6% (JP)`".to_string(),
        )
    })?;
    let mut out = Vec::new();
    for (k, p) in PROGRAMMES.iter().enumerate() {
        let special = rate_for(&groups, p.symbol)?;
        let indicated = !get(p.indicator).is_empty();
        match special {
            Special::None => {
                if indicated {
                    stats.preference(&format!(
                        "{}: indicator set, no rate in the Special column",
                        p.id
                    ));
                }
            }
            Special::SeeProvision => stats.preference(&format!(
                "{}: rate set by a chapter 98/99 provision (not kept)",
                p.id
            )),
            Special::Unmodelled(_) => {
                stats.preference(&format!("{}: rate not modelled (not kept)", p.id))
            }
            Special::Rate(expr) => {
                if !indicated {
                    stats.preference(&format!("{}: rate without its indicator (kept)", p.id));
                }
                let col = p.columns.map(|c| get(&format!("{c}_ad_val_rate")));
                if col.and_then(|c| agrees_with_column(&expr, c)) == Some(false) {
                    stats.preference(&format!(
                        "{}: Special text and ad valorem column differ (text kept)",
                        p.id
                    ));
                }
                stats.preference(&format!("{}: rate kept", p.id));
                out.push((k, expr));
            }
        }
    }
    Ok(out)
}

/// The preferential columns of `tariff` from each 8-digit code's rates, the expressions interned in
/// `tariff.exprs`; codes the tariff lacks are ignored.
pub fn columns(tariff: &mut Tariff, rows: Vec<(String, RowRates)>) -> Vec<PreferenceColumn> {
    let mut index: HashMap<DutyExpr, u32> = tariff
        .exprs
        .iter()
        .enumerate()
        .map(|(i, e)| (e.clone(), u32::try_from(i).unwrap_or(u32::MAX)))
        .collect();
    let mut cols: Vec<Vec<(u32, u32)>> = vec![Vec::new(); PROGRAMMES.len()];
    for (code, rates) in rows {
        let Ok(number) = code.parse::<u64>() else {
            continue;
        };
        let Ok(line) = tariff
            .lines
            .binary_search_by(|l| (l.digits, l.code).cmp(&(8, number)))
        else {
            continue;
        };
        let line = u32::try_from(line).unwrap_or(u32::MAX);
        for (k, expr) in rates {
            let next = u32::try_from(tariff.exprs.len()).unwrap_or(u32::MAX);
            let e = *index.entry(expr.clone()).or_insert_with(|| {
                tariff.exprs.push(expr);
                next
            });
            cols[k].push((line, e));
        }
    }
    PROGRAMMES
        .iter()
        .zip(cols)
        .filter(|(_, lines)| !lines.is_empty())
        .map(|(p, mut lines)| {
            lines.sort_unstable();
            PreferenceColumn {
                programme: p.id.to_string(),
                lines,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_groups_and_reads_each_programme() {
        let t = "Free (BH,CL,JO,MA,OM,P,PE,SG) 5.7 cents/kg (CO,KR,PA) See 9822.04.15 (AU) See 9823.02.01-9823.02.04 (S+)";
        let g = groups(t).unwrap();
        assert_eq!(g.len(), 4);
        assert_eq!(g[1].symbols, ["CO", "KR", "PA"]);
        let Special::Rate(free) = rate_for(&g, "SG").unwrap() else {
            panic!("SG is free")
        };
        assert!(free.terms.is_empty() && !free.unparsed);
        let Special::Rate(kr) = rate_for(&g, "KR").unwrap() else {
            panic!("KR has a rate")
        };
        assert_eq!(kr.text, "5.7 cents/kg");
        assert!(
            matches!(kr.terms[0], DutyTerm::Specific { amount, .. } if amount == Decimal::new(57, 3))
        );
        assert_eq!(rate_for(&g, "AU").unwrap(), Special::SeeProvision);
        // `S+` is its own symbol: USMCA (`S`) has no rate on this line.
        assert_eq!(rate_for(&g, "S").unwrap(), Special::None);
    }

    #[test]
    fn cents_sign_and_spaces_in_symbol_lists() {
        let g = groups("Free (A+,AU,BH,CL,CO,D,E, IL,KR,MA, OM,P,PA,PE,S, SG) 1.9¢/liter (JO)")
            .unwrap();
        assert!(matches!(rate_for(&g, "IL").unwrap(), Special::Rate(_)));
        let Special::Rate(jo) = rate_for(&g, "JO").unwrap() else {
            panic!("JO has a rate")
        };
        assert_eq!(jo.text, "1.9¢/liter");
        assert!(
            matches!(jo.terms[0], DutyTerm::Specific { amount, .. } if amount == Decimal::new(19, 3))
        );
    }

    #[test]
    fn shared_rate_group_and_bad_tail() {
        let g = groups("Free (AU) 1.5% (KR) (PA)").unwrap();
        assert_eq!(g[2].rate, "1.5%");
        assert!(groups("Free (AU) 1.5%").is_err());
    }

    #[test]
    fn column_check() {
        let g = groups("1.7% (KR)").unwrap();
        let Special::Rate(e) = rate_for(&g, "KR").unwrap() else {
            panic!()
        };
        assert_eq!(agrees_with_column(&e, "0.017"), Some(true));
        assert_eq!(agrees_with_column(&e, "0.02"), Some(false));
        assert_eq!(agrees_with_column(&e, ""), None);
    }
}

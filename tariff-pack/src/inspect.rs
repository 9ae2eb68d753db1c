//! `tariff-pack inspect`: what a pack says for an HS code in a destination.

use anyhow::{anyhow, Result};
use landed::pack::lookup::{line_code, TariffMatch};
use landed::pack::model::*;
use landed::{Date, Pack};
use std::fmt::Write;

/// The report for `inspect PACK --coverage`: the holdings of every destination on the date (the
/// pack's build date by default), as the README's Markdown table or as JSON.
pub fn coverage(bytes: &[u8], date: Option<&str>, json: bool) -> Result<String> {
    let pack = Pack::from_bytes(bytes)?;
    let date: Date = match date {
        Some(d) => d.parse()?,
        None => pack.header.build_date,
    };
    let holdings = pack.holdings(date);
    if json {
        return Ok(serde_json::to_string_pretty(&holdings)? + "\n");
    }
    Ok(landed::pack::coverage::markdown_table(&holdings))
}

/// How many source subheadings or candidate lines the report lists before it only counts them.
const SHOWN: usize = 25;

/// The report for `inspect PACK --hs CODE --to XX`.
pub fn inspect(bytes: &[u8], hs: &str, to: &str, date: Option<&str>) -> Result<String> {
    let pack = Pack::from_bytes(bytes)?;
    let hs = landed::basket::hs_code(hs, "--hs").map_err(|e| anyhow!("{e}"))?;
    let date: Date = match date {
        Some(d) => d.parse()?,
        None => pack.header.build_date,
    };
    let dest = pack.destination(&to.to_ascii_uppercase()).ok_or_else(|| {
        anyhow!(
            "destination {to} is not in the pack ({})",
            pack.header.destinations.join(", ")
        )
    })?;
    let mut out = String::new();
    writeln!(
        out,
        "pack        {} (built {}, format {})",
        pack.id(),
        pack.header.build_date,
        landed::pack::FORMAT_VERSION
    )?;
    writeln!(
        out,
        "destination {} {} ({}), rules {}..{} verified {}",
        dest.code,
        dest.name,
        dest.currency,
        dest.coverage.from,
        dest.coverage.refuse_from,
        dest.coverage.verified_on
    )?;
    writeln!(
        out,
        "HS code     {hs} (HS 2022 subheading {}: {})",
        &hs[..6],
        if pack.is_hs2022_subheading(hs[..6].parse().unwrap_or(0)) {
            "known"
        } else {
            "NOT in HS 2022"
        }
    )?;
    if let Some(w) = dest.coverage.refused_at(date) {
        writeln!(
            out,
            "refused     {}..{}: {} ({})",
            w.from, w.until, w.reason, w.reference
        )?;
    }
    match dest.tariff.at(date).map(|v| &v.value) {
        Some(TariffSource::Schedule(b)) => {
            let t = pack
                .tariff(&b.tariff_id)
                .ok_or_else(|| anyhow!("tariff {} missing", b.tariff_id))?;
            let dataset = pack.header.datasets.iter().find(|d| d.id == t.dataset);
            writeln!(
                out,
                "tariff      {} from {} (HS {}, rates as of {}, {})",
                t.id,
                dataset.map_or(t.dataset.as_str(), |d| d.title.as_str()),
                t.hs_edition,
                t.rates_as_of,
                t.currency
            )?;
            if t.hs_edition != 2022 {
                let hs6: u32 = hs[..6].parse().unwrap_or(0);
                if t.hs2022_unmapped.binary_search(&hs6).is_ok() {
                    writeln!(
                        out,
                        "mapping     HS 2022 {} cannot be mapped onto HS {}: no rate",
                        &hs[..6],
                        t.hs_edition
                    )?;
                } else if !t.hs2022_sources(hs6).is_empty() {
                    let sources = t.hs2022_sources(hs6);
                    let listed: Vec<String> = sources
                        .iter()
                        .take(SHOWN)
                        .map(|m| format!("{:06}", m.1))
                        .collect();
                    writeln!(
                        out,
                        "mapping     HS 2022 {} → HS {} {}{}{}",
                        &hs[..6],
                        t.hs_edition,
                        listed.join(", "),
                        if sources.len() > SHOWN {
                            format!(" … ({} subheadings)", sources.len())
                        } else {
                            String::new()
                        },
                        if sources.len() > 1 {
                            " (formed from several: the dearest of their lines is collected)"
                        } else {
                            ""
                        }
                    )?;
                } else {
                    writeln!(
                        out,
                        "mapping     HS 2022 {} is unchanged in HS {}",
                        &hs[..6],
                        t.hs_edition
                    )?;
                }
            }
            if !t.uncovered_chapters.is_empty() {
                writeln!(out, "not covered chapters {:?}", t.uncovered_chapters)?;
            }
            let show = |out: &mut String, l: &TariffLine| -> std::fmt::Result {
                let e = &t.exprs[l.expr as usize];
                writeln!(
                    out,
                    "  line {} rate `{}` {}",
                    line_code(l),
                    e.text,
                    if e.unparsed {
                        "(unparsed: rate unknown)"
                    } else {
                        ""
                    }
                )?;
                writeln!(
                    out,
                    "       terms {:?} min {:?} max {:?}",
                    e.terms, e.min, e.max
                )?;
                write!(
                    out,
                    "       source {} row {}",
                    dataset.map_or("?", |d| d.id.as_str()),
                    l.source_row
                )?;
                if let Some(row) = source_row(&t.dataset, l.source_row) {
                    write!(out, ": {row}")?;
                }
                writeln!(out)
            };
            match t.lookup(&hs) {
                TariffMatch::Exact(l) => {
                    writeln!(out, "match       exact (longest prefix)")?;
                    show(&mut out, l)?;
                }
                TariffMatch::Candidates(ls) => {
                    writeln!(out, "match       {} lines beneath {hs} with different rates (a quote collects the highest)", ls.len())?;
                    for l in ls.iter().take(SHOWN) {
                        show(&mut out, l)?;
                    }
                    if ls.len() > SHOWN {
                        writeln!(out, "  … and {} more lines", ls.len() - SHOWN)?;
                    }
                }
                TariffMatch::Unmapped => {
                    writeln!(out, "match       none: unmapped between HS editions")?
                }
                TariffMatch::NotFound => writeln!(out, "match       none: no line covers {hs}")?,
            }
        }
        Some(TariffSource::None(n)) => {
            writeln!(out, "tariff      none: {} ({})", n.reason, n.reference)?
        }
        None => writeln!(out, "tariff      none on {date}: before coverage")?,
    }
    if let Some(tax) = &dest.tax {
        let reduced = tax
            .reduced
            .iter()
            .find(|r| r.hs_prefixes.iter().any(|p| hs.starts_with(p.as_str())));
        match reduced.and_then(|r| r.rate.at(date).map(|v| (r, v))) {
            Some((r, v)) => writeln!(
                out,
                "tax         {} {}% reduced ({}) from {} — {}",
                tax.name, v.value, r.id, v.from, v.reference
            )?,
            None => match tax.standard.at(date) {
                Some(v) => writeln!(
                    out,
                    "tax         {} {}% standard from {} — {}",
                    tax.name, v.value, v.from, v.reference
                )?,
                None => writeln!(out, "tax         {} no rate on {date}", tax.name)?,
            },
        }
        for r in &tax.regions {
            if let Some(v) = r.rate.at(date) {
                writeln!(out, "  region {} {} {}%", r.region, r.name, v.value)?;
            }
        }
    } else {
        writeln!(out, "tax         none at the border")?;
    }
    writeln!(out, "measures on {date}:")?;
    for m in dest
        .measures
        .iter()
        .filter(|m| m.from <= date && m.until.is_none_or(|u| date < u))
    {
        writeln!(
            out,
            "  {} — {} (from {}{}) {}",
            m.id,
            m.title,
            m.from,
            m.until.map(|u| format!(" until {u}")).unwrap_or_default(),
            m.reference
        )?;
    }
    Ok(out)
}

/// The text of a row of a vendored source file, when the file is at hand.
fn source_row(dataset: &str, row: u32) -> Option<String> {
    use crate::sources::{data_dir, files};
    let file = match dataset {
        "usitc-2025" => files::USITC,
        "ukgt-2021" => files::UKGT,
        "au-schedule3" => files::AU_SCHEDULE3,
        _ => return None,
    };
    let text = std::fs::read_to_string(data_dir().join(file)).ok()?;
    let line = text.lines().nth(row.checked_sub(1)? as usize)?;
    Some(if line.len() > 200 {
        format!(
            "{}…",
            &line[..line.char_indices().nth(200).map_or(line.len(), |c| c.0)]
        )
    } else {
        line.to_string()
    })
}

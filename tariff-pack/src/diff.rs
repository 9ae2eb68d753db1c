//! `tariff-pack diff OLD NEW`: rates and rules that changed between two packs, with their dates.

use anyhow::Result;
use landed::pack::lookup::line_code;
use landed::pack::model::*;
use landed::Pack;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The report for `diff OLD NEW`.
pub fn diff(old: &[u8], new: &[u8]) -> Result<String> {
    let (a, b) = (Pack::from_bytes(old)?, Pack::from_bytes(new)?);
    let mut out = String::new();
    writeln!(
        out,
        "old {} built {}\nnew {} built {}",
        a.id(),
        a.header.build_date,
        b.id(),
        b.header.build_date
    )?;
    for d in &b.header.datasets {
        match a.header.datasets.iter().find(|x| x.id == d.id) {
            None => writeln!(out, "dataset added: {} ({})", d.id, d.vintage)?,
            Some(o) if o.vintage != d.vintage => writeln!(
                out,
                "dataset {}: vintage {} → {}",
                d.id, o.vintage, d.vintage
            )?,
            _ => {}
        }
    }
    for d in &a.header.datasets {
        if !b.header.datasets.iter().any(|x| x.id == d.id) {
            writeln!(out, "dataset removed: {}", d.id)?;
        }
    }
    if a.body.fx != b.body.fx {
        writeln!(out, "fx: {} → {}", a.body.fx.date, b.body.fx.date)?;
    }
    for nd in &b.body.destinations {
        let Some(od) = a.destination(&nd.code) else {
            writeln!(out, "destination added: {}", nd.code)?;
            continue;
        };
        let c = &nd.code;
        if od.coverage != nd.coverage {
            writeln!(out, "{c}: coverage {:?} → {:?}", od.coverage, nd.coverage)?;
        }
        dated(
            &mut out,
            &format!("{c}: valuation"),
            &od.valuation,
            &nd.valuation,
        )?;
        dated(
            &mut out,
            &format!("{c}: rounding"),
            &od.rounding,
            &nd.rounding,
        )?;
        match (&od.tax, &nd.tax) {
            (Some(x), Some(y)) => {
                dated(
                    &mut out,
                    &format!("{c}: {} standard rate", y.name),
                    &x.standard,
                    &y.standard,
                )?;
                if x.reduced != y.reduced || x.regions != y.regions || x.base != y.base {
                    writeln!(out, "{c}: reduced rates, regions or tax base changed")?;
                }
            }
            (x, y) if x != y => writeln!(out, "{c}: tax {} → {}", x.is_some(), y.is_some())?,
            _ => {}
        }
        let old_m: BTreeMap<&str, &Measure> =
            od.measures.iter().map(|m| (m.id.as_str(), m)).collect();
        let new_m: BTreeMap<&str, &Measure> =
            nd.measures.iter().map(|m| (m.id.as_str(), m)).collect();
        for (id, m) in &new_m {
            match old_m.get(id) {
                None => writeln!(
                    out,
                    "{c}: measure added {id} (from {}{})",
                    m.from,
                    m.until.map(|u| format!(" until {u}")).unwrap_or_default()
                )?,
                Some(o) if o != m => writeln!(
                    out,
                    "{c}: measure changed {id} (from {} → {})",
                    o.from, m.from
                )?,
                _ => {}
            }
        }
        for id in old_m.keys().filter(|id| !new_m.contains_key(*id)) {
            writeln!(out, "{c}: measure removed {id}")?;
        }
        if od.tariff != nd.tariff {
            writeln!(
                out,
                "{c}: tariff binding {:?} → {:?}",
                od.tariff
                    .values
                    .iter()
                    .map(|v| (v.from, v.value.binding().map(|t| &t.tariff_id)))
                    .collect::<Vec<_>>(),
                nd.tariff
                    .values
                    .iter()
                    .map(|v| (v.from, v.value.binding().map(|t| &t.tariff_id)))
                    .collect::<Vec<_>>()
            )?;
        }
    }
    for od in &a.body.destinations {
        if b.destination(&od.code).is_none() {
            writeln!(out, "destination removed: {}", od.code)?;
        }
    }
    for nt in b.body.tariffs.iter() {
        let nt = nt?;
        let Some(ot) = a.tariff(&nt.id) else {
            writeln!(out, "tariff added: {} ({} lines)", nt.id, nt.lines.len())?;
            continue;
        };
        let text = |t: &Tariff, l: &TariffLine| t.exprs[l.expr as usize].text.clone();
        let old_lines: BTreeMap<(u8, u64), String> = ot
            .lines
            .iter()
            .map(|l| ((l.digits, l.code), text(ot, l)))
            .collect();
        let (mut changed, mut added, mut shown) = (0, 0, 0);
        for l in &nt.lines {
            match old_lines.get(&(l.digits, l.code)) {
                None => added += 1,
                Some(o) if *o != text(nt, l) => {
                    changed += 1;
                    if shown < 20 {
                        shown += 1;
                        writeln!(
                            out,
                            "{}: line {} `{o}` → `{}` (rates as of {} → {})",
                            nt.id,
                            line_code(l),
                            text(nt, l),
                            ot.rates_as_of,
                            nt.rates_as_of
                        )?;
                    }
                }
                _ => {}
            }
        }
        let new_keys: std::collections::BTreeSet<(u8, u64)> =
            nt.lines.iter().map(|l| (l.digits, l.code)).collect();
        let removed = ot
            .lines
            .iter()
            .filter(|l| !new_keys.contains(&(l.digits, l.code)))
            .count();
        if changed + added + removed > 0 {
            writeln!(
                out,
                "{}: {changed} lines changed, {added} added, {removed} removed",
                nt.id
            )?;
        }
    }
    Ok(out)
}

fn dated<T: PartialEq + std::fmt::Debug>(
    out: &mut String,
    what: &str,
    a: &Dated<T>,
    b: &Dated<T>,
) -> std::fmt::Result {
    for v in &b.values {
        match a.values.iter().find(|x| x.from == v.from) {
            None => writeln!(
                out,
                "{what}: from {} {:?} added ({})",
                v.from, v.value, v.reference
            )?,
            Some(o) if o.value != v.value => {
                writeln!(out, "{what}: from {} {:?} → {:?}", v.from, o.value, v.value)?
            }
            _ => {}
        }
    }
    for v in &a.values {
        if !b.values.iter().any(|x| x.from == v.from) {
            writeln!(out, "{what}: from {} {:?} removed", v.from, v.value)?;
        }
    }
    Ok(())
}

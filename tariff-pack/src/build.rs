//! The build: load every source, compile every rule file, write the all-destinations pack and one
//! pack per destination, and report rows, sizes and budgets.

use crate::diag::Diagnostic;
use crate::rules::{self, Datasets};
use crate::sources::{self, au, files, fx, hs, jp, ukgt, usitc, vat, TariffStats};
use anyhow::{anyhow, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use landed::pack::model::*;
use landed::pack::{Header, Pack};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// Gzipped size budget of the all-destinations pack (issue: ≤ 250 KB).
pub const BUDGET_ALL_GZ: usize = 250_000;
/// Gzipped size budget of one destination's pack (issue: ≤ 80 KB).
pub const BUDGET_ONE_GZ: usize = 80_000;
/// Version of the pack data; bump it with every change of rules or sources (see tariff-pack/CHANGELOG.md).
pub const PACK_VERSION: &str = include_str!("../VERSION");

/// The result of a build.
pub struct Built {
    /// The all-destinations pack.
    pub all: Vec<u8>,
    /// `(destination, pack)` for each destination.
    pub per_destination: Vec<(String, Vec<u8>)>,
}

/// The loaded sources.
pub struct Sources {
    /// Tariffs by source id (`usitc-2025`, `ukgt-2021`, `eu-cet-2020`, `au-schedule3`, `jp-customs-2026`).
    pub tariffs: BTreeMap<String, Tariff>,
    /// Read statistics per source id.
    pub stats: BTreeMap<String, TariffStats>,
    /// FX.
    pub fx: FxTable,
    /// HS editions.
    pub hs: HsEditions,
}

impl Datasets for Sources {
    fn standard_rates(&self, dataset: &str, country: &str) -> Result<Dated<Decimal>, String> {
        let ds = match dataset {
            "ibericode" => vat::VatDataset::Ibericode,
            "vatverify" => vat::VatDataset::Vatverify,
            "world" => vat::VatDataset::World,
            other => return Err(format!("unknown VAT dataset `{other}`")),
        };
        vat::standard_rates(ds, country).map_err(|e| e.to_string())
    }
    fn tariff_id(&self, source: &str) -> Option<String> {
        self.tariffs.get(source).map(|t| t.id.clone())
    }
}

/// Loads every source under `tariff-pack/data`.
pub fn load_sources(progress: &ProgressBar) -> Result<Sources> {
    let dir = sources::data_dir();
    let mut tariffs = BTreeMap::new();
    let mut stats = BTreeMap::new();
    progress.set_message("HS nomenclature");
    let mapping = hs::load_mapping(&dir)?;
    let editions = hs::editions(&dir)?;
    progress.inc(1);
    progress.set_message("USITC 2025");
    let (us, us_stats) = usitc::load(&dir.join(files::USITC))?;
    tariffs.insert("usitc-2025".to_string(), us);
    stats.insert("usitc-2025".to_string(), us_stats);
    progress.inc(1);
    progress.set_message("UK Global Tariff / EU CET");
    let uk = ukgt::load(&dir.join(files::UKGT))?;
    let (mut gb, mut eu) = (uk.gb, uk.eu);
    hs::apply(&mut gb, &mapping);
    hs::apply(&mut eu, &mapping);
    tariffs.insert("ukgt-2021".to_string(), gb);
    stats.insert("ukgt-2021".to_string(), uk.gb_stats);
    tariffs.insert("eu-cet-2020".to_string(), eu);
    stats.insert("eu-cet-2020".to_string(), uk.eu_stats);
    progress.inc(1);
    progress.set_message("AU schedule 3");
    let (mut au_t, au_stats) = au::load(&dir.join(files::AU_SCHEDULE3))?;
    if au_t.hs_edition == 2017 {
        hs::apply(&mut au_t, &mapping);
    }
    tariffs.insert("au-schedule3".to_string(), au_t);
    stats.insert("au-schedule3".to_string(), au_stats);
    progress.inc(1);
    progress.set_message("JP schedule");
    let (jp_t, jp_stats) = jp::load(&dir.join(files::JP))?;
    tariffs.insert(jp::TARIFF_ID.to_string(), jp_t);
    stats.insert(jp::TARIFF_ID.to_string(), jp_stats);
    progress.inc(1);
    progress.set_message("ECB FX");
    let fx = fx::load(&dir.join(files::ECB))?;
    progress.inc(1);
    Ok(Sources {
        tariffs,
        stats,
        fx,
        hs: editions,
    })
}

/// Compiles every `*.yaml` rule file in `rules_dir`.
pub fn compile_rules(
    rules_dir: &Path,
    data: &Sources,
) -> Result<(Vec<Destination>, Vec<String>), Diagnostic> {
    let mut files: Vec<_> = std::fs::read_dir(rules_dir)
        .map_err(|e| Diagnostic::new(rules_dir, 0, format!("cannot list rule files: {e}"), ""))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    let mut destinations: Vec<Destination> = Vec::new();
    let mut used = Vec::new();
    for f in &files {
        let c = rules::compile_file(f, data)?;
        for d in c.destinations {
            if destinations.iter().any(|x| x.code == d.code) {
                return Err(Diagnostic::new(
                    f,
                    0,
                    format!("destination {} is defined twice", d.code),
                    "one file per destination",
                ));
            }
            destinations.push(d);
        }
        used.extend(c.tariffs);
    }
    destinations.sort_by(|a, b| a.code.cmp(&b.code));
    let carriers = rules_dir.join("carriers").join("carriers.yaml");
    if carriers.exists() {
        rules::compile_carriers(&carriers, data, &mut destinations)?;
    }
    used.sort();
    used.dedup();
    Ok((destinations, used))
}

fn gz_len(bytes: &[u8]) -> usize {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = e.write_all(bytes);
    e.finish().map(|v| v.len()).unwrap_or(0)
}

fn encode(pack_id: &str, destinations: Vec<Destination>, data: &Sources) -> Result<Vec<u8>> {
    let ids: Vec<String> = destinations
        .iter()
        .flat_map(|d| d.tariff.values.iter())
        .filter_map(|v| v.value.binding().map(|t| t.tariff_id.clone()))
        .collect();
    let mut tariffs: Vec<Tariff> = data
        .tariffs
        .values()
        .filter(|t| ids.contains(&t.id))
        .cloned()
        .collect();
    tariffs.sort_by(|a, b| a.id.cmp(&b.id));
    let build_date = destinations
        .iter()
        .map(|d| d.coverage.verified_on)
        .max()
        .ok_or_else(|| anyhow!("no destinations"))?;
    // Every non-tariff dataset, and the tariff datasets this pack carries.
    let all_tariff_datasets: Vec<&str> =
        data.tariffs.values().map(|t| t.dataset.as_str()).collect();
    let datasets = sources::datasets()
        .into_iter()
        .filter(|d| {
            !all_tariff_datasets.contains(&d.id.as_str())
                || tariffs.iter().any(|t| t.dataset == d.id)
        })
        .collect();
    let header = Header {
        pack_id: pack_id.to_string(),
        pack_version: PACK_VERSION.trim().to_string(),
        build_date,
        datasets,
        destinations: destinations.iter().map(|d| d.code.clone()).collect(),
        body_len: 0,
        content_hash: [0; 32],
    };
    let body = Body {
        destinations,
        tariffs: landed::pack::Tariffs::new(tariffs),
        fx: data.fx.clone(),
        hs: data.hs.clone(),
    };
    let bytes = Pack::to_bytes(header, &body)?;
    Pack::from_bytes(&bytes).context("the freshly built pack does not read back")?;
    Ok(bytes)
}

/// Builds every pack; prints row counts and sizes when `report` is set.
pub fn build(rules_dir: &Path, report: bool) -> Result<Built> {
    let progress = if report {
        ProgressBar::new(8)
    } else {
        ProgressBar::hidden()
    };
    progress.set_style(
        ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let data = load_sources(&progress)?;
    progress.set_message("rule files");
    let (destinations, _used) = compile_rules(rules_dir, &data).map_err(|d| anyhow!("{d}"))?;
    progress.inc(1);
    progress.set_message("encoding");
    let all = encode("landed-all", destinations.clone(), &data)?;
    let mut per_destination = Vec::new();
    for d in &destinations {
        let bytes = encode(&format!("landed-{}", d.code), vec![d.clone()], &data)?;
        per_destination.push((d.code.clone(), bytes));
    }
    progress.inc(1);
    progress.finish_and_clear();
    if report {
        println!("sources:");
        for (id, s) in &data.stats {
            println!("  {id:<13} {s}");
        }
        println!(
            "  {:<13} {} currencies on {}",
            "ecb-fx",
            data.fx.rates.len(),
            data.fx.date
        );
        println!(
            "  {:<13} {} subheadings",
            "hs-2022",
            data.hs.hs2022_subheadings.len()
        );
        for t in data.tariffs.values().filter(|t| t.hs_edition != 2022) {
            let mut codes: Vec<u32> = t.hs2022_map.iter().map(|m| m.0).collect();
            codes.dedup();
            println!(
                "  {:<13} HS 2022 → {}: {} remapped onto {} source subheadings, {} unmapped",
                t.id,
                t.hs_edition,
                codes.len(),
                t.hs2022_map.len(),
                t.hs2022_unmapped.len()
            );
        }
        let gz = gz_len(&all);
        println!("destinations: {}", destinations.len());
        println!(
            "pack landed-all: {} bytes, {} gzipped (budget {}) {}",
            all.len(),
            gz,
            BUDGET_ALL_GZ,
            if gz <= BUDGET_ALL_GZ {
                "ok"
            } else {
                "OVER BUDGET"
            }
        );
        for (code, bytes) in &per_destination {
            let gz = gz_len(bytes);
            let d = destinations.iter().find(|d| &d.code == code);
            println!(
                "pack landed-{code}: {} measures, tariff {}, {} bytes, {} gzipped (budget {}) {}",
                d.map_or(0, |d| d.measures.len()),
                d.map_or("none".to_owned(), tariff_ids),
                bytes.len(),
                gz,
                BUDGET_ONE_GZ,
                if gz <= BUDGET_ONE_GZ {
                    "ok"
                } else {
                    "OVER BUDGET"
                }
            );
        }
    }
    Ok(Built {
        all,
        per_destination,
    })
}

/// Gzipped length of bytes, for budgets and benchmarks.
pub fn gzipped_len(bytes: &[u8]) -> usize {
    gz_len(bytes)
}

/// The tariff ids a destination uses over its dates, or `none`.
fn tariff_ids(d: &Destination) -> String {
    let ids: Vec<&str> = d
        .tariff
        .values
        .iter()
        .filter_map(|v| v.value.binding().map(|b| b.tariff_id.as_str()))
        .collect();
    if ids.is_empty() {
        "none".into()
    } else {
        ids.join("+")
    }
}

//! Standard VAT / GST rates, dated, from three MIT-licensed datasets:
//!
//! * ibericode (`vat-rates.json`): EU-27 + GB with dated periods (`effective_from`, `0000-01-01` meaning "since
//!   before the dataset's records", kept as that date); Greece is `GR`.
//! * vatverify (`rates.json`): 44 European jurisdictions (incl. GB, NO, CH) with one current rate and its
//!   `effective_from`; Greece is `EL` (asking for `GR` finds it).
//! * node-sales-tax (`sales_tax_rates.json`): the rest of the world; `rate` is a fraction (0.1 = 10 %); `before`
//!   maps an instant to the rate in force before it. Instants are local midnights written in UTC
//!   (`2023-12-31T22:00:00.000Z`): a time at or after 12:00 UTC is read as the next day. The oldest rate gets
//!   `0000-01-01`. Canadian provinces (`states`) give [`RegionRate`]s: GST plus the provincial part.
//!
//! All numbers are read from their JSON text (serde_json `RawValue`) into [`Decimal`], never through `f64`.
//! Each value's reference is the dataset's URL.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use landed::date::Date;
use landed::pack::{Dated, DatedValue, RegionRate};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::{data_dir, duty_text::parse_number, files, ymd, SourceError};

/// URL of the ibericode dataset (its `details` field).
pub const IBERICODE_URL: &str = "https://github.com/ibericode/vat-rates";
/// URL of the vatverify dataset.
pub const VATVERIFY_URL: &str = "https://github.com/vatverify/vat-rates-py";
/// URL of the node-sales-tax dataset.
pub const WORLD_URL: &str = "https://github.com/valeriansaliou/node-sales-tax";

/// Which VAT dataset to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VatDataset {
    /// ibericode/vat-rates (EU, dated).
    Ibericode,
    /// vatverify-rates (Europe, current rate).
    Vatverify,
    /// node-sales-tax (world, with `before` history).
    World,
}

impl VatDataset {
    /// The vendored file of the dataset.
    pub fn path(self) -> PathBuf {
        data_dir().join(match self {
            VatDataset::Ibericode => files::VAT_IBERICODE,
            VatDataset::Vatverify => files::VAT_VATVERIFY,
            VatDataset::World => files::VAT_WORLD,
        })
    }
    /// The dataset's URL, used as each value's reference.
    pub fn url(self) -> &'static str {
        match self {
            VatDataset::Ibericode => IBERICODE_URL,
            VatDataset::Vatverify => VATVERIFY_URL,
            VatDataset::World => WORLD_URL,
        }
    }
}

impl std::str::FromStr for VatDataset {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "ibericode" => Ok(VatDataset::Ibericode),
            "vatverify" => Ok(VatDataset::Vatverify),
            "world" => Ok(VatDataset::World),
            _ => Err(format!(
                "unknown VAT dataset `{s}`: expected ibericode, vatverify or world"
            )),
        }
    }
}

/// The standard rate (percent) of `country` (ISO alpha-2) in the vendored file of `dataset`.
pub fn standard_rates(dataset: VatDataset, country: &str) -> Result<Dated<Decimal>, SourceError> {
    standard_rates_from(&dataset.path(), dataset, country)
}

/// As [`standard_rates`], from the file at `path`.
pub fn standard_rates_from(
    path: &Path,
    dataset: VatDataset,
    country: &str,
) -> Result<Dated<Decimal>, SourceError> {
    let text = std::fs::read_to_string(path).map_err(|e| SourceError::file(path, e))?;
    let url = dataset.url();
    match dataset {
        VatDataset::Ibericode => {
            let file: IbFile = parse_json(path, &text)?;
            let key = if country == "EL" { "GR" } else { country };
            let (key, periods) = file
                .items
                .get_key_value(key)
                .ok_or_else(|| missing(path, &text, country))?;
            let line = key_line(&text, key);
            let mut values = Vec::new();
            for p in periods {
                let from = parse_day(&p.effective_from).ok_or_else(|| {
                    SourceError::row(
                        path,
                        line,
                        format!("{key}: bad effective_from `{}`", p.effective_from),
                        "`2021-01-01`",
                    )
                })?;
                let raw = p.rates.get("standard").ok_or_else(|| {
                    SourceError::row(
                        path,
                        line,
                        format!("{key}: period {} has no standard rate", p.effective_from),
                        "`\"standard\": 21`",
                    )
                })?;
                let value = percent(path, line, key, raw.get())?;
                values.push(DatedValue {
                    from,
                    value,
                    reference: url.to_string(),
                });
            }
            finish(path, line, key, values)
        }
        VatDataset::Vatverify => {
            let file: BTreeMap<String, VvEntry> = parse_json(path, &text)?;
            let key = if country == "GR" { "EL" } else { country };
            let (key, e) = file
                .get_key_value(key)
                .ok_or_else(|| missing(path, &text, country))?;
            let line = key_line(&text, key);
            let from = parse_day(&e.effective_from).ok_or_else(|| {
                SourceError::row(
                    path,
                    line,
                    format!("{key}: bad effective_from `{}`", e.effective_from),
                    "`2011-01-04`",
                )
            })?;
            let value = percent(path, line, key, e.standard.get())?;
            finish(
                path,
                line,
                key,
                vec![DatedValue {
                    from,
                    value,
                    reference: url.to_string(),
                }],
            )
        }
        VatDataset::World => {
            let file: BTreeMap<String, WorldEntry> = parse_json(path, &text)?;
            let (key, e) = file
                .get_key_value(country)
                .ok_or_else(|| missing(path, &text, country))?;
            let line = key_line(&text, key);
            world_series(path, line, key, &e.rate, e.before.as_ref())
        }
    }
}

/// Canadian-style regional rates from the world dataset: for each `states` entry, the country rate plus the
/// region's, named `HST`, `GST + PST` or `GST + QST`. Empty when the country has no regions.
pub fn region_rates(country: &str) -> Result<Vec<RegionRate>, SourceError> {
    region_rates_from(&VatDataset::World.path(), country)
}

/// As [`region_rates`], from the file at `path`.
pub fn region_rates_from(path: &Path, country: &str) -> Result<Vec<RegionRate>, SourceError> {
    let text = std::fs::read_to_string(path).map_err(|e| SourceError::file(path, e))?;
    let file: BTreeMap<String, WorldEntry> = parse_json(path, &text)?;
    let (key, e) = file
        .get_key_value(country)
        .ok_or_else(|| missing(path, &text, country))?;
    let line = key_line(&text, key);
    let national = world_series(path, line, key, &e.rate, e.before.as_ref())?;
    let mut out = Vec::new();
    for (region, s) in e.states.iter().flatten() {
        let rline = key_line_after(&text, region, line);
        let regional = world_series(
            path,
            rline,
            &format!("{key}-{region}"),
            &s.rate,
            s.before.as_ref(),
        )?;
        // Combined rate at every date where either part changes.
        let mut dates: Vec<Date> = national
            .values
            .iter()
            .chain(&regional.values)
            .map(|v| v.from)
            .collect();
        dates.sort();
        dates.dedup();
        let mut values: Vec<DatedValue<Decimal>> = Vec::new();
        for d in dates {
            let (Some(n), Some(r)) = (national.at(d), regional.at(d)) else {
                continue;
            };
            let value = (n.value + r.value).normalize();
            if values.last().is_some_and(|v| v.value == value) {
                continue;
            }
            values.push(DatedValue {
                from: d,
                value,
                reference: WORLD_URL.to_string(),
            });
        }
        let name = match s.kind.as_str() {
            "hst" => "HST",
            "qst" => "GST + QST",
            "pst" => "GST + PST",
            other => {
                return Err(SourceError::row(
                    path,
                    rline,
                    format!("{key}-{region}: unknown tax type `{other}`"),
                    "`\"type\": \"hst\"`",
                ))
            }
        };
        out.push(RegionRate {
            region: region.clone(),
            name: name.to_string(),
            rate: Dated { values },
        });
    }
    Ok(out)
}

#[derive(Deserialize)]
struct IbFile {
    items: BTreeMap<String, Vec<IbPeriod>>,
}

#[derive(Deserialize)]
struct IbPeriod {
    effective_from: String,
    rates: BTreeMap<String, Box<RawValue>>,
}

#[derive(Deserialize)]
struct VvEntry {
    standard: Box<RawValue>,
    effective_from: String,
}

#[derive(Deserialize)]
struct WorldEntry {
    rate: Box<RawValue>,
    states: Option<BTreeMap<String, WorldState>>,
    before: Option<BTreeMap<String, WorldBefore>>,
}

#[derive(Deserialize)]
struct WorldState {
    rate: Box<RawValue>,
    #[serde(rename = "type")]
    kind: String,
    before: Option<BTreeMap<String, WorldBefore>>,
}

#[derive(Deserialize)]
struct WorldBefore {
    rate: Box<RawValue>,
}

fn parse_json<'a, T: Deserialize<'a>>(path: &Path, text: &'a str) -> Result<T, SourceError> {
    serde_json::from_str(text).map_err(|e| {
        SourceError::row(
            path,
            e.line() as u64,
            format!("invalid JSON: {e}"),
            "the dataset's documented layout",
        )
    })
}

/// Line of the first `"key":` in `text` (1 when absent).
fn key_line(text: &str, key: &str) -> u64 {
    key_line_after(text, key, 0)
}

fn key_line_after(text: &str, key: &str, after: u64) -> u64 {
    let pat = format!("\"{key}\"");
    text.lines()
        .enumerate()
        .skip(usize::try_from(after).unwrap_or(0))
        .find(|(_, l)| l.trim_start().starts_with(&pat))
        .map_or(1, |(i, _)| i as u64 + 1)
}

fn missing(path: &Path, text: &str, country: &str) -> SourceError {
    let _ = text;
    SourceError::row(
        path,
        1,
        format!("no entry for country `{country}`"),
        "an ISO 3166-1 alpha-2 code present in the file, such as `DE`",
    )
}

/// A `YYYY-MM-DD` day, accepting `0000-01-01`.
fn parse_day(s: &str) -> Option<Date> {
    s.parse().ok()
}

/// A percent from a JSON number text.
fn percent(path: &Path, line: u64, key: &str, raw: &str) -> Result<Decimal, SourceError> {
    parse_number(raw.trim()).ok_or_else(|| {
        SourceError::row(
            path,
            line,
            format!("{key}: bad rate `{raw}`"),
            "`21` or `5.5` (percent)",
        )
    })
}

/// A percent from a JSON fraction text (`0.09975` -> 9.975).
fn fraction_percent(path: &Path, line: u64, key: &str, raw: &str) -> Result<Decimal, SourceError> {
    let f = parse_number(raw.trim()).ok_or_else(|| {
        SourceError::row(
            path,
            line,
            format!("{key}: bad rate `{raw}`"),
            "`0.2` (a fraction)",
        )
    })?;
    if f > Decimal::ONE {
        return Err(SourceError::row(
            path,
            line,
            format!("{key}: rate `{raw}` above 1"),
            "`0.2` (a fraction)",
        ));
    }
    Ok((f * Decimal::ONE_HUNDRED).normalize())
}

/// The day a `before` instant starts: local midnight written in UTC.
fn instant_day(s: &str) -> Option<Date> {
    let day: Date = s.get(..10)?.parse().ok()?;
    if s.as_bytes().get(10) != Some(&b'T') {
        return None;
    }
    let hour: u8 = s.get(11..13)?.parse().ok()?;
    if hour >= 12 {
        Date::from_days_since_epoch(day.days_since_epoch() + 1)
    } else {
        Some(day)
    }
}

fn world_series(
    path: &Path,
    line: u64,
    key: &str,
    rate: &RawValue,
    before: Option<&BTreeMap<String, WorldBefore>>,
) -> Result<Dated<Decimal>, SourceError> {
    let mut changes: Vec<(Date, Decimal)> = Vec::new();
    for (instant, b) in before.into_iter().flatten() {
        let d = instant_day(instant).ok_or_else(|| {
            SourceError::row(
                path,
                line,
                format!("{key}: bad instant `{instant}`"),
                "`2023-12-31T22:00:00.000Z`",
            )
        })?;
        changes.push((d, fraction_percent(path, line, key, b.rate.get())?));
    }
    changes.sort_by_key(|c| c.0);
    let mut values = Vec::new();
    let mut from = ymd(0, 1, 1);
    for (d, r) in changes {
        values.push(DatedValue {
            from,
            value: r,
            reference: WORLD_URL.to_string(),
        });
        from = d;
    }
    values.push(DatedValue {
        from,
        value: fraction_percent(path, line, key, rate.get())?,
        reference: WORLD_URL.to_string(),
    });
    finish(path, line, key, values)
}

/// Sorts by date and checks dates are distinct.
fn finish(
    path: &Path,
    line: u64,
    key: &str,
    mut values: Vec<DatedValue<Decimal>>,
) -> Result<Dated<Decimal>, SourceError> {
    values.sort_by_key(|v| v.from);
    for w in values.windows(2) {
        if let [a, b] = w {
            if a.from == b.from {
                return Err(SourceError::row(
                    path,
                    line,
                    format!("{key}: two rates from {}", a.from),
                    "one rate per effective date",
                ));
            }
        }
    }
    if values.is_empty() {
        return Err(SourceError::row(
            path,
            line,
            format!("{key}: no rate"),
            "`\"standard\": 21`",
        ));
    }
    Ok(Dated { values })
}

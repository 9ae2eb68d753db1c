//! Catalogue memory: the HS codes confirmed for a platform's SKUs, each with who confirmed it
//! (the merchant, customs at clearance, a broker's correction) and when. A quote for a known SKU
//! uses the confirmed code before any classifier and says so (`hs_source: "catalogue"`).
//!
//! The server keeps the catalogue and exports it as a small JSON file (`landed-catalogue`,
//! version 1, HS 2022 codes) that the browser package loads beside the pack, so that repeat items
//! are quoted exactly offline too. The file is parsed as strictly as a basket: unknown fields,
//! malformed codes or dates and duplicate entries are typed errors naming the field.
//!
//! Which entry answers: the one for the quote's destination (its full national code); else the
//! newest entry for any other destination, cut to its six-digit subheading (national digits belong
//! to the tariff that assessed them). Among entries of the same day, customs outranks a broker and a
//! broker the merchant.

use crate::basket::hs_code;
use crate::date::Date;
use crate::error::{Error, Result};
use crate::hs::CURRENT_EDITION;
use crate::pack::format::Pack;
use serde::{Deserialize, Serialize};

/// The `format` field of a catalogue file.
pub const FORMAT: &str = "landed-catalogue";
/// The catalogue file version this build reads and writes.
pub const VERSION: u32 = 1;
/// Most entries in one file.
pub const MAX_ENTRIES: usize = 1_000_000;

/// Who confirmed a code. Ordered by authority: a later variant outranks an earlier one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Confirmation {
    /// Entered by the merchant.
    MerchantEntered,
    /// Corrected by a customs broker after clearance.
    BrokerCorrected,
    /// The code customs applied when it assessed the parcel.
    CustomsAssessed,
}

impl Confirmation {
    /// The wire name (`customs_assessed`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Confirmation::MerchantEntered => "merchant_entered",
            Confirmation::BrokerCorrected => "broker_corrected",
            Confirmation::CustomsAssessed => "customs_assessed",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<Confirmation> {
        [
            Confirmation::MerchantEntered,
            Confirmation::BrokerCorrected,
            Confirmation::CustomsAssessed,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

/// A catalogue file as it arrives (JSON).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(title = "Catalogue"))]
pub struct CatalogueInput {
    /// Always `landed-catalogue`.
    pub format: String,
    /// File version: 1.
    pub version: u32,
    /// The platform (or storefront) whose SKUs these are.
    pub platform: String,
    /// Day the file was exported (`YYYY-MM-DD`).
    pub exported_on: String,
    /// HS edition of every code: 2022.
    pub hs_edition: u16,
    /// The confirmed codes.
    pub entries: Vec<EntryInput>,
}

/// One confirmed code as it arrives.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EntryInput {
    /// The merchant's SKU: a basket item's `id`.
    pub sku: String,
    /// The confirmed HS code, 6 to 10 digits.
    pub hs_code: String,
    /// Who confirmed it.
    pub source: Confirmation,
    /// Day it was confirmed (`YYYY-MM-DD`).
    pub confirmed_on: String,
    /// Destination whose customs assessed it (national digits are that tariff's); absent for a
    /// merchant's code meant for every destination.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
}

/// A confirmed code, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confirmed {
    /// The SKU.
    pub sku: String,
    /// HS 2022 code, digits.
    pub hs_code: String,
    /// Who confirmed it.
    pub source: Confirmation,
    /// When.
    pub confirmed_on: Date,
    /// Destination it was assessed for, if any.
    pub destination: Option<String>,
}

/// A validated catalogue, sorted by SKU then destination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Catalogue {
    /// The platform.
    pub platform: String,
    /// Export day.
    pub exported_on: Date,
    entries: Vec<Confirmed>,
}

/// The answer for one SKU and destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Known<'a> {
    /// The code to quote with: the entry's full code for its own destination, else its subheading.
    pub hs_code: &'a str,
    /// The entry that answered.
    pub entry: &'a Confirmed,
}

impl Catalogue {
    /// Parses and validates a catalogue file against the pack (every code must be an HS 2022
    /// subheading the pack knows).
    pub fn from_json(text: &str, pack: &Pack) -> Result<Catalogue> {
        Catalogue::from_input(crate::basket::parse_json(text)?, pack)
    }

    /// Validates a parsed catalogue file.
    pub fn from_input(c: CatalogueInput, pack: &Pack) -> Result<Catalogue> {
        if c.format != FORMAT {
            return Err(Error::InvalidValue {
                path: "format".into(),
                message: format!(
                    "`{}` is not a catalogue file: expected \"{FORMAT}\"",
                    c.format
                ),
            });
        }
        if c.version != VERSION {
            return Err(Error::InvalidValue {
                path: "version".into(),
                message: format!(
                    "catalogue version {} is not supported: this build reads version {VERSION}",
                    c.version
                ),
            });
        }
        if c.hs_edition != CURRENT_EDITION {
            return Err(Error::InvalidValue {
                path: "hs_edition".into(),
                message: format!(
                    "HS edition {} is not supported in a catalogue file: codes are HS {CURRENT_EDITION} (the server maps older ones when it records them)",
                    c.hs_edition
                ),
            });
        }
        if c.entries.len() > MAX_ENTRIES {
            return Err(Error::InvalidValue {
                path: "entries".into(),
                message: format!("at most {MAX_ENTRIES} entries"),
            });
        }
        let exported_on = date(&c.exported_on, "exported_on")?;
        let mut entries = Vec::with_capacity(c.entries.len());
        for (i, e) in c.entries.into_iter().enumerate() {
            let p = |f: &str| format!("entries[{i}].{f}");
            entries.push(Confirmed {
                hs_code: checked_code(pack, &e.hs_code, &p("hs_code"))?,
                confirmed_on: date(&e.confirmed_on, &p("confirmed_on"))?,
                destination: e
                    .destination
                    .as_deref()
                    .map(|d| crate::basket::country(d, &p("destination")))
                    .transpose()?,
                sku: sku(e.sku, &p("sku"))?,
                source: e.source,
            });
        }
        Catalogue::new(c.platform, exported_on, entries)
    }

    /// Builds a catalogue from validated entries; a SKU twice for the same destination is
    /// [`Error::DuplicateEntry`] (path `entries[i]` of the later one, in the order given).
    pub fn new(platform: String, exported_on: Date, entries: Vec<Confirmed>) -> Result<Catalogue> {
        let mut order: Vec<usize> = (0..entries.len()).collect();
        order.sort_by(|&a, &b| key(&entries[a]).cmp(&key(&entries[b])).then(a.cmp(&b)));
        for w in order.windows(2) {
            if key(&entries[w[0]]) == key(&entries[w[1]]) {
                let e = &entries[w[1]];
                return Err(Error::DuplicateEntry {
                    path: format!("entries[{}]", w[1]),
                    value: format!("{} ({})", e.sku, e.destination.as_deref().unwrap_or("any")),
                });
            }
        }
        let mut sorted: Vec<Option<Confirmed>> = entries.into_iter().map(Some).collect();
        let entries = order.into_iter().filter_map(|i| sorted[i].take()).collect();
        Ok(Catalogue {
            platform,
            exported_on,
            entries,
        })
    }

    /// The entries, sorted by SKU then destination.
    pub fn entries(&self) -> &[Confirmed] {
        &self.entries
    }

    /// The confirmed code for `sku` when quoting to `destination`, if the catalogue knows the SKU.
    pub fn lookup(&self, sku: &str, destination: &str) -> Option<Known<'_>> {
        let start = self.entries.partition_point(|e| e.sku.as_str() < sku);
        let same: &[Confirmed] = &self.entries[start..];
        let n = same.iter().take_while(|e| e.sku == sku).count();
        let same = &same[..n];
        if let Some(e) = same
            .iter()
            .find(|e| e.destination.as_deref() == Some(destination))
        {
            return Some(Known {
                hs_code: &e.hs_code,
                entry: e,
            });
        }
        let e = same
            .iter()
            .max_by_key(|e| (e.confirmed_on, e.source, e.destination.is_none()))?;
        let code = if e.destination.is_none() {
            &e.hs_code
        } else {
            &e.hs_code[..6]
        };
        Some(Known {
            hs_code: code,
            entry: e,
        })
    }

    /// The catalogue as its file (JSON), entries sorted by SKU then destination.
    pub fn to_input(&self) -> CatalogueInput {
        CatalogueInput {
            format: FORMAT.into(),
            version: VERSION,
            platform: self.platform.clone(),
            exported_on: self.exported_on.to_string(),
            hs_edition: CURRENT_EDITION,
            entries: self
                .entries
                .iter()
                .map(|e| EntryInput {
                    sku: e.sku.clone(),
                    hs_code: e.hs_code.clone(),
                    source: e.source,
                    confirmed_on: e.confirmed_on.to_string(),
                    destination: e.destination.clone(),
                })
                .collect(),
        }
    }
}

fn key(e: &Confirmed) -> (&str, Option<&str>) {
    (&e.sku, e.destination.as_deref())
}

fn date(value: &str, path: &str) -> Result<Date> {
    value.parse().map_err(|_| Error::InvalidDate {
        path: path.into(),
        value: value.into(),
    })
}

fn sku(value: String, path: &str) -> Result<String> {
    if value.trim().is_empty() || value.len() > 200 {
        return Err(Error::InvalidValue {
            path: path.into(),
            message: "a SKU is 1 to 200 characters, not blank".into(),
        });
    }
    Ok(value)
}

/// Normalises `value` and checks it is an HS 2022 subheading the pack knows.
pub fn checked_code(pack: &Pack, value: &str, path: &str) -> Result<String> {
    let digits = hs_code(value, path)?;
    Ok(crate::hs::to_current(pack, &digits, CURRENT_EDITION, path)?.code)
}

#[cfg(all(test, feature = "default-pack"))]
mod tests;

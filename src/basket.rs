//! The basket: the public input contract, parsed strictly (unknown fields are errors, amounts are
//! decimal strings) and validated into typed values, each error naming the JSON path at fault.

use crate::date::Date;
use crate::error::{Error, Result};
use crate::vocab::{BuyerKind, Channel, ConsignmentKind};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Version of the basket and quote contract (`schema/basket.schema.json`, `schema/quote.schema.json`).
pub const CONTRACT_VERSION: &str = "1.4.0";

use crate::parse::{amount, country_owned, currency as currency_code};
pub use crate::parse::{country, hs_code, MAX_AMOUNT};
/// Most units on one line.
pub const MAX_QUANTITY: u32 = 1_000_000;
/// Most lines in one basket: a longer one is refused (`too_many_items`) before anything is computed,
/// so the time one quote takes (parse, classification, figures) is bounded alike in the CLI, the
/// browser and the server.
pub const MAX_ITEMS: usize = 1_000;
/// FX overrides must lie within [1/MAX_FX_RATE, MAX_FX_RATE].
pub const MAX_FX_RATE: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);

/// Seller registrations the rules know about.
pub const REGISTRATIONS: &[&str] = &[
    "AU_GST", "CA_GST", "CH_VAT", "CN_CBEC", "EU_IOSS", "GB_VAT", "JP_CT", "NO_VOEC", "NZ_GST",
    "SG_GST",
];

/// Carriers the contract knows, by stable id: the national posts and the express integrators.
/// Which of them deliver to a destination, and their fees, are the pack's data.
pub const CARRIERS: &[&str] = &[
    "australia_post",
    "canada_post",
    "china_post",
    "deutsche_post",
    "dhl_express",
    "fedex",
    "japan_post",
    "la_poste",
    "nz_post",
    "parcelforce",
    "postnl",
    "posten_norge",
    "royal_mail",
    "singpost",
    "swiss_post",
    "ups",
    "usps",
];

/// A basket as it arrives (JSON). See the README for each field.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(title = "Basket"))]
pub struct BasketInput {
    /// Destination country, ISO 3166-1 alpha-2 (each EU member state by its own code).
    pub destination: String,
    /// Region of the destination (a Canadian province), where regional tax rates exist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_region: Option<String>,
    /// Import date whose rules apply (`YYYY-MM-DD`); default: today.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// ISO 4217 currency of every price in the basket.
    pub currency: String,
    /// Currency to show the totals in as well.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_currency: Option<String>,
    /// The goods: 1 to 1,000 lines (`MAX_ITEMS`).
    #[cfg_attr(feature = "schema", schemars(length(max = 1000)))]
    pub items: Vec<ItemInput>,
    /// International transport charged, decimal string; default "0".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping: Option<String>,
    /// Insurance charged, decimal string; default "0".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insurance: Option<String>,
    /// `post` or `courier`.
    pub channel: Channel,
    /// The carrier delivering the parcel, by stable id (`CARRIERS`); its clearance fees are
    /// quoted. Without it a `post` parcel is the destination's postal operator's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    /// Country the parcel leaves from, when it differs from the items' origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_from: Option<String>,
    /// `DDP` (default: the shopper pays everything at checkout) or `DAP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incoterm: Option<Incoterm>,
    /// The seller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller: Option<SellerInput>,
    /// The buyer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer: Option<BuyerInput>,
    /// `sale` (default) or `gift`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consignment: Option<ConsignmentKind>,
    /// FX overrides: `{"USD/EUR": "0.92"}` = units of EUR per 1 USD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fx: Option<std::collections::BTreeMap<String, String>>,
}

/// One basket line as it arrives.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ItemInput {
    /// Merchant's id (SKU), unique in the basket.
    pub id: String,
    /// Product text.
    pub description: String,
    /// HS code, 6 to 10 digits, dots allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hs_code: Option<String>,
    /// Country of origin, ISO 3166-1 alpha-2.
    pub origin: String,
    /// Number of units, at least 1.
    pub quantity: u32,
    /// Price of one unit, decimal string in the basket currency.
    pub unit_price: String,
    /// Net weight of one unit in kg, decimal string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_weight_kg: Option<String>,
    /// Value of the steel, aluminium or copper in one unit, decimal string in the basket currency
    /// (for duties levied on metal content: US Section 232 derivatives).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_metal_value: Option<String>,
    /// A claim to a preferential tariff programme for this line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preference: Option<PreferenceInput>,
}

/// A claim that the goods originate under a preferential programme (free trade agreement, EPA).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PreferenceInput {
    /// The programme's id as the pack names it, e.g. `us.usmca` (see `packInfo()`).
    pub programme: String,
    /// That the goods meet the programme's rules of origin; must be `true` (proof of origin is
    /// the importer's to hold).
    pub originating: bool,
}

/// The seller.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SellerInput {
    /// Tax registrations held, e.g. `EU_IOSS`.
    #[serde(default)]
    pub registrations: Vec<String>,
}

/// The buyer.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BuyerInput {
    /// `consumer` or `business`.
    pub kind: BuyerKind,
}

/// Delivery terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Incoterm {
    /// Delivered duty paid: the shopper pays everything at checkout.
    #[serde(rename = "DDP")]
    Ddp,
    /// Delivered at place: border charges are collected at delivery.
    #[serde(rename = "DAP")]
    Dap,
}

/// A validated basket.
#[derive(Clone, Debug, PartialEq)]
pub struct Basket {
    /// Destination code.
    pub destination: String,
    /// Region, upper case.
    pub destination_region: Option<String>,
    /// Import date, if given.
    pub date: Option<Date>,
    /// Basket currency.
    pub currency: String,
    /// Display currency.
    pub display_currency: Option<String>,
    /// Lines.
    pub items: Vec<Item>,
    /// Transport.
    pub shipping: Decimal,
    /// Insurance.
    pub insurance: Decimal,
    /// Channel.
    pub channel: Channel,
    /// The carrier named, if any.
    pub carrier: Option<String>,
    /// Ship-from country.
    pub ship_from: Option<String>,
    /// Incoterm.
    pub incoterm: Incoterm,
    /// Seller registrations.
    pub registrations: Vec<String>,
    /// Buyer kind.
    pub buyer: BuyerKind,
    /// Consignment kind.
    pub consignment: ConsignmentKind,
    /// FX overrides `(from, to, units of to per from)`.
    pub fx: Vec<(String, String, Decimal)>,
}

/// A validated line.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// Id.
    pub id: String,
    /// Description.
    pub description: String,
    /// HS code digits (6 to 10).
    pub hs_code: Option<String>,
    /// Origin.
    pub origin: String,
    /// Quantity.
    pub quantity: u32,
    /// Unit price in the basket currency.
    pub unit_price: Decimal,
    /// Unit net weight.
    pub unit_weight_kg: Option<Decimal>,
    /// Value of the metal content of one unit, basket currency.
    pub unit_metal_value: Option<Decimal>,
    /// The preference programme claimed, by id.
    pub preference: Option<String>,
}

impl Basket {
    /// Parses and validates a basket from JSON text.
    pub fn from_json(text: &str) -> Result<Basket> {
        Basket::from_input(parse_json(text)?)
    }

    /// Validates a parsed basket.
    pub fn from_input(b: BasketInput) -> Result<Basket> {
        let destination = country(&b.destination, "destination")?;
        let date = match &b.date {
            Some(d) => Some(d.parse().map_err(|_| Error::InvalidDate {
                path: "date".into(),
                value: d.clone(),
            })?),
            None => None,
        };
        let currency = currency_code(&b.currency, "currency")?;
        let display_currency = b
            .display_currency
            .as_deref()
            .map(|c| currency_code(c, "display_currency"))
            .transpose()?;
        if b.items.is_empty() {
            return Err(Error::EmptyBasket {
                path: "items".into(),
            });
        }
        if b.items.len() > MAX_ITEMS {
            return Err(Error::TooManyItems {
                path: "items".into(),
                count: b.items.len(),
                max: MAX_ITEMS,
            });
        }
        let mut items: Vec<Item> = Vec::with_capacity(b.items.len());
        // Ids seen, for a long basket: comparing each id with every earlier one is quadratic
        // (half a million comparisons at MAX_ITEMS); a short one compares without allocating.
        let mut seen: Option<HashSet<String>> = (b.items.len() > 32).then(HashSet::new);
        // The input's strings move into the validated items (no copies on the checkout path).
        for (i, it) in b.items.into_iter().enumerate() {
            let p = |f: &str| format!("items[{i}].{f}");
            let repeated = match &mut seen {
                Some(seen) => !seen.insert(it.id.clone()),
                None => items.iter().any(|x| x.id == it.id),
            };
            if repeated {
                return Err(Error::DuplicateItemId {
                    path: p("id"),
                    value: it.id,
                });
            }
            if it.quantity == 0 || it.quantity > MAX_QUANTITY {
                return Err(Error::InvalidQuantity {
                    path: p("quantity"),
                });
            }
            items.push(Item {
                hs_code: it
                    .hs_code
                    .as_deref()
                    .map(|h| hs_code(h, "").map_err(|e| e.at(|| p("hs_code"))))
                    .transpose()?,
                origin: country_owned(it.origin).map_err(|e| e.at(|| p("origin")))?,
                quantity: it.quantity,
                unit_price: amount(&it.unit_price, "").map_err(|e| e.at(|| p("unit_price")))?,
                unit_weight_kg: it
                    .unit_weight_kg
                    .as_deref()
                    .map(|w| amount(w, "").map_err(|e| e.at(|| p("unit_weight_kg"))))
                    .transpose()?,
                unit_metal_value: it
                    .unit_metal_value
                    .as_deref()
                    .map(|w| amount(w, "").map_err(|e| e.at(|| p("unit_metal_value"))))
                    .transpose()?,
                preference: it
                    .preference
                    .map(|c| preference(c, &|f| p(&format!("preference.{f}"))))
                    .transpose()?,
                id: it.id,
                description: it.description,
            });
        }
        let registrations = b.seller.map(|s| s.registrations).unwrap_or_default();
        for (i, r) in registrations.iter().enumerate() {
            if !REGISTRATIONS.contains(&r.as_str()) {
                return Err(Error::InvalidValue {
                    path: format!("seller.registrations[{i}]"),
                    message: format!(
                        "unknown registration `{r}`: expected one of {}",
                        REGISTRATIONS.join(", ")
                    ),
                });
            }
        }
        let mut fx = Vec::new();
        for (pair, rate) in b.fx.iter().flatten() {
            let path = format!("fx.{pair}");
            let (from, to) = pair.split_once('/').ok_or_else(|| Error::FxUnavailable {
                path: path.clone(),
                message: format!("`{pair}` is not a currency pair: expected e.g. \"USD/EUR\""),
            })?;
            let rate = amount(rate, &path)?;
            if rate > MAX_FX_RATE || rate * MAX_FX_RATE < Decimal::ONE {
                return Err(Error::FxUnavailable {
                    path,
                    message: format!("an FX rate must lie between 0.000001 and {MAX_FX_RATE}"),
                });
            }
            fx.push((currency_code(from, &path)?, currency_code(to, &path)?, rate));
        }
        Ok(Basket {
            destination,
            destination_region: b.destination_region.map(|r| r.to_ascii_uppercase()),
            date,
            currency,
            display_currency,
            items,
            shipping: b
                .shipping
                .as_deref()
                .map(|s| amount(s, "shipping"))
                .transpose()?
                .unwrap_or_default(),
            insurance: b
                .insurance
                .as_deref()
                .map(|s| amount(s, "insurance"))
                .transpose()?
                .unwrap_or_default(),
            channel: b.channel,
            carrier: b
                .carrier
                .map(|c| {
                    if CARRIERS.contains(&c.as_str()) {
                        Ok(c)
                    } else {
                        Err(Error::UnknownCarrier {
                            path: "carrier".into(),
                            value: c.chars().take(64).collect(),
                            known: CARRIERS.join(", "),
                        })
                    }
                })
                .transpose()?,
            ship_from: b
                .ship_from
                .as_deref()
                .map(|c| country(c, "ship_from"))
                .transpose()?,
            incoterm: b.incoterm.unwrap_or(Incoterm::Ddp),
            registrations,
            buyer: b.buyer.map(|b| b.kind).unwrap_or(BuyerKind::Consumer),
            consignment: b.consignment.unwrap_or(ConsignmentKind::Sale),
            fx,
        })
    }
}

/// Checks a preference claim: an id of lowercase letters, digits, dots, `_` and `-`, and goods
/// declared originating.
fn preference(c: PreferenceInput, path: &dyn Fn(&str) -> String) -> Result<String> {
    if !crate::parse::is_programme_id(&c.programme) {
        return Err(Error::InvalidValue {
            path: path("programme"),
            message: format!(
                "`{}` is not a programme id: expected lowercase letters, digits and dots, such as \"us.usmca\"",
                c.programme.chars().take(crate::parse::MAX_PROGRAMME_LEN).collect::<String>()
            ),
        });
    }
    if !c.originating {
        return Err(Error::InvalidValue {
            path: path("originating"),
            message: "a preference applies only to originating goods: set `originating: true` or leave `preference` out".into(),
        });
    }
    Ok(c.programme)
}

/// Parses JSON into `T`. The plain parser runs first; only when it fails does the path-tracking one
/// run again, to name the field at fault (tracking every field costs as much as the parse itself).
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    if let Ok(v) = serde_json::from_str(text) {
        return Ok(v);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(serde_error)?;
    // The plain parse failed but the path-tracking one, which reads one value, did not: what
    // follows the value is the fault (`{...}{...}`, `{...} x`).
    de.end().map_err(|e| Error::InvalidJson {
        path: String::new(),
        message: e.to_string(),
    })?;
    Ok(value)
}

/// Maps a serde error to the typed error with its JSON path.
fn serde_error(e: serde_path_to_error::Error<serde_json::Error>) -> Error {
    let path = e.path().to_string();
    // serde_path_to_error marks a position it cannot name with `?`: keep the part that is known.
    let path = path
        .trim_end_matches(".?")
        .trim_end_matches('?')
        .to_string();
    let path = if path == "." { String::new() } else { path };
    let inner = e.into_inner();
    let msg = inner.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
    if inner.is_syntax() || inner.is_eof() || inner.is_io() {
        return Error::InvalidJson {
            path,
            message: inner.to_string(),
        };
    }
    let quoted = |m: &str| m.split('`').nth(1).unwrap_or_default().to_string();
    if msg.starts_with("unknown field") {
        let field = quoted(&msg);
        let parent = path
            .strip_suffix(&field)
            .unwrap_or(&path)
            .trim_end_matches('.')
            .to_string();
        return Error::UnknownField {
            path: parent,
            field,
        };
    }
    if msg.starts_with("missing field") {
        return Error::MissingField {
            path,
            field: quoted(&msg),
        };
    }
    Error::InvalidValue { path, message: msg }
}

//! The quote: the public output contract. Amounts are decimal strings in the destination currency
//! (written by [`crate::money::serialize_decimal`], the same text as rust_decimal's own, faster).

use crate::basket::Incoterm;
use crate::date::Date;
use crate::vocab::{Comparison, FeePayee, Scope, TestedValue};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A landed-cost quote.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(title = "Quote"))]
pub struct Quote {
    /// Version of the basket/quote contract.
    pub contract_version: String,
    /// The tariff pack used: id and version.
    pub pack: PackRef,
    /// Destination country.
    pub destination: String,
    /// Region, when one applied.
    pub destination_region: Option<String>,
    /// Import date whose rules were applied.
    pub date: Date,
    /// Destination currency: every amount below is in it unless stated.
    pub currency: String,
    /// Delivery terms.
    pub incoterm: Incoterm,
    /// The totals.
    pub totals: Totals,
    /// The totals converted to the display currency, when one was asked.
    pub display: Option<DisplayTotals>,
    /// One entry per basket item, in basket order.
    pub lines: Vec<Line>,
    /// Fees charged.
    pub fees: Vec<FeeLine>,
    /// Every threshold test applied.
    pub thresholds: Vec<ThresholdOutcome>,
    /// One entry per figure: formula, rule, reference, effective date.
    pub explain: Vec<Explain>,
    /// Things the shopper or merchant should know (stale data, unknown rates, ...).
    pub warnings: Vec<Warning>,
    /// Exchange rates used.
    pub fx: Vec<FxUsed>,
}

/// Which pack produced the quote.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PackRef {
    /// Pack id.
    pub id: String,
    /// Pack data version.
    pub version: String,
    /// Build date.
    pub build_date: Date,
}

/// Totals in the destination currency.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Totals {
    /// Price of the goods.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    #[serde(serialize_with = "crate::money::serialize_decimal")]
    pub goods: Decimal,
    /// Transport charged.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    #[serde(serialize_with = "crate::money::serialize_decimal")]
    pub shipping: Decimal,
    /// Insurance charged.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    #[serde(serialize_with = "crate::money::serialize_decimal")]
    pub insurance: Decimal,
    /// Customs value (per the destination's valuation basis).
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    #[serde(serialize_with = "crate::money::serialize_decimal")]
    pub customs_value: Decimal,
    /// Customs duty.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    #[serde(serialize_with = "crate::money::serialize_decimal")]
    pub duty: Decimal,
    /// VAT / GST / sales tax.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    #[serde(serialize_with = "crate::money::serialize_decimal")]
    pub tax: Decimal,
    /// Fees.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    #[serde(serialize_with = "crate::money::serialize_decimal")]
    pub fees: Decimal,
    /// goods + shipping + insurance + duty + tax + fees.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    #[serde(serialize_with = "crate::money::serialize_decimal")]
    pub landed_cost: Decimal,
    /// Paid by the shopper at checkout.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    #[serde(serialize_with = "crate::money::serialize_decimal")]
    pub due_at_checkout: Decimal,
    /// Collected from the shopper at delivery.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    #[serde(serialize_with = "crate::money::serialize_decimal")]
    pub due_at_delivery: Decimal,
    /// Whether every line's duty is known. `false` when some line's duty could not be computed
    /// (`lines[].duty.status` is `unknown`): `duty`, `landed_cost` and what is due leave that duty
    /// out (and `tax` too, where the tax base includes the duty), so they are lower bounds, not
    /// the amount customs will collect; a `duty_unknown` warning says so.
    pub complete: bool,
    /// How many lines' duty is unknown (0 when `complete`).
    pub duty_unknown_lines: u32,
    /// The customs value of those lines: the value no duty figure covers (0 when `complete`).
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    #[serde(serialize_with = "crate::money::serialize_decimal")]
    pub duty_unknown_customs_value: Decimal,
}

/// Totals converted to the display currency.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DisplayTotals {
    /// The display currency.
    pub currency: String,
    /// Units of the display currency per unit of the destination currency.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    #[serde(serialize_with = "crate::money::serialize_decimal")]
    pub rate: Decimal,
    /// The converted totals, each rounded to the display currency's minor unit.
    pub totals: Totals,
}

/// Where an HS code came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum HsSource {
    /// Given by the merchant in the basket.
    Merchant,
    /// Predicted from the item's description by the HS classifier.
    Classifier,
    /// Confirmed for the item's SKU in the platform's catalogue (see `hs_confirmed`).
    Catalogue,
    /// None given.
    Missing,
}

/// The catalogue entry a line's code came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HsConfirmed {
    /// Who confirmed the code.
    pub source: crate::catalogue::Confirmation,
    /// When.
    pub confirmed_on: Date,
    /// The destination whose customs assessed it; the quote uses only its six-digit subheading
    /// when that is another destination.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
}

/// A classifier candidate considered for a line whose code was uncertain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HsCandidate {
    /// HS 2022 subheading.
    pub hs_code: String,
    /// The classifier's calibrated probability.
    pub score: f32,
    /// The line's duty had this code been used.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    #[serde(serialize_with = "crate::money::serialize_decimal")]
    pub duty: Decimal,
}

/// Who collects an amount, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Collection {
    /// Nothing is due.
    None,
    /// The seller or marketplace charges it at the point of sale and remits it.
    PointOfSale,
    /// Customs assess it at the border.
    Border,
}

/// One basket item's figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Line {
    /// Item id.
    pub id: String,
    /// HS code used (digits), if any.
    pub hs_code: Option<String>,
    /// Where the HS code came from.
    pub hs_source: HsSource,
    /// The classifier's confidence in `hs_code` (only when `hs_source` is `classifier`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hs_confidence: Option<f32>,
    /// Who confirmed `hs_code` and when (only when `hs_source` is `catalogue`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hs_confirmed: Option<HsConfirmed>,
    /// When the classifier was unsure: the codes weighed, each with the duty it would give. The
    /// quote uses the one with the highest landed cost, so a prepaid total never under-collects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hs_candidates: Vec<HsCandidate>,
    /// The tariff line whose rate was used, if any.
    pub tariff_line: Option<String>,
    /// Goods value of the line (unit price x quantity, converted).
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    #[serde(serialize_with = "crate::money::serialize_decimal")]
    pub goods_value: Decimal,
    /// Customs value of the line (with its share of transport and insurance where they count).
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    #[serde(serialize_with = "crate::money::serialize_decimal")]
    pub customs_value: Decimal,
    /// The duty.
    pub duty: LineDuty,
    /// The tax.
    pub tax: LineTax,
}

/// Duty of a line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LineDuty {
    /// The amount.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    #[serde(serialize_with = "crate::money::serialize_decimal")]
    pub amount: Decimal,
    /// The rate as the source states it (or the flat amount).
    pub rate: String,
    /// What the rate was applied to.
    pub basis: String,
    /// Id of the rule that decided it.
    pub rule: String,
    /// Who collects it.
    pub collected: Collection,
    /// Whether `amount` is the line's duty: `assessed`, `waived` or `unknown`.
    pub status: DutyStatus,
    /// Why the duty is unknown (only when `status` is `unknown`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown_reason: Option<DutyUnknownReason>,
}

/// Whether a line's duty is a figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum DutyStatus {
    /// Computed from the tariff or a flat duty: zero for a free rate, or for a line whose flat
    /// duty another line of the same tariff line carries.
    Assessed,
    /// Waived by a relief (a de minimis threshold, a gift allowance, a scheme): zero, and known to
    /// be zero.
    Waived,
    /// Not computed (see `unknown_reason`): `amount` holds only the surcharges a measure puts on
    /// the line (usually zero), and the quote's totals are not complete (`totals.complete`).
    Unknown,
}

/// Why a line's duty is unknown. Each is also the code of the warning on the item that explains
/// it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum DutyUnknownReason {
    /// No rate: the pack has no tariff for the destination, the tariff has no line for the code,
    /// a rate the pack could not parse, or a duty in a unit a basket cannot measure.
    DutyRateUnavailable,
    /// The item has no HS code.
    HsCodeMissing,
    /// The HS 2022 code has no counterpart in the edition of the destination's tariff.
    HsCodeUnmapped,
    /// A per-weight duty and the item has no `unit_weight_kg`.
    WeightMissing,
}

impl DutyUnknownReason {
    /// The reason as its stable code (the warning code), as serialized.
    pub fn code(self) -> &'static str {
        match self {
            DutyUnknownReason::DutyRateUnavailable => "duty_rate_unavailable",
            DutyUnknownReason::HsCodeMissing => "hs_code_missing",
            DutyUnknownReason::HsCodeUnmapped => "hs_code_unmapped",
            DutyUnknownReason::WeightMissing => "weight_missing",
        }
    }
}

/// Tax of a line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LineTax {
    /// The amount.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    #[serde(serialize_with = "crate::money::serialize_decimal")]
    pub amount: Decimal,
    /// Rate in percent.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    #[serde(serialize_with = "crate::money::serialize_decimal")]
    pub rate: Decimal,
    /// The value taxed.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    #[serde(serialize_with = "crate::money::serialize_decimal")]
    pub base: Decimal,
    /// Id of the rule that decided it.
    pub rule: String,
    /// Who collects it.
    pub collected: Collection,
}

/// A fee charged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FeeLine {
    /// Rule id.
    pub rule: String,
    /// Title.
    pub title: String,
    /// Amount in the destination currency.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    #[serde(serialize_with = "crate::money::serialize_decimal")]
    pub amount: Decimal,
    /// Who collects it.
    pub collected: Collection,
    /// Who charges it: the state or the carrier.
    pub payee: FeePayee,
    /// The tax charged on a fee priced net, included in `amount` (a carrier's VAT on its service);
    /// absent when the fee bears none of its own.
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::money::serialize_opt_decimal"
    )]
    pub tax: Option<Decimal>,
}

/// A threshold test and its outcome.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ThresholdOutcome {
    /// Rule id.
    pub rule: String,
    /// Which value was compared.
    pub value: TestedValue,
    /// Per unit, line or consignment.
    pub scope: Scope,
    /// The item id for unit/line scope.
    pub item: Option<String>,
    /// The compared value in the destination currency.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    #[serde(serialize_with = "crate::money::serialize_decimal")]
    pub compared: Decimal,
    /// The comparison.
    pub comparison: Comparison,
    /// The threshold in its own currency.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    #[serde(serialize_with = "crate::money::serialize_decimal")]
    pub threshold: Decimal,
    /// The threshold's currency.
    pub threshold_currency: String,
    /// The threshold in the destination currency.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    #[serde(serialize_with = "crate::money::serialize_decimal")]
    pub threshold_converted: Decimal,
    /// Whether the test passed (so the rule applied).
    pub passed: bool,
    /// Legal reference.
    pub reference: String,
}

/// How one figure was computed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Explain {
    /// What the figure is: `lines[0].duty`, `totals.tax`, `fees[0]`, ...
    pub figure: String,
    /// The figure.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    #[serde(serialize_with = "crate::money::serialize_decimal")]
    pub amount: Decimal,
    /// The formula with its numbers.
    pub formula: String,
    /// Rule id.
    pub rule: String,
    /// Legal reference URL.
    pub reference: String,
    /// Date from which the applied value is in force.
    pub effective: Date,
}

/// A warning.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Warning {
    /// Stable code: `data_stale`, `duty_rate_unavailable`, `duty_unknown` (the quote is not
    /// complete: see `totals.complete`), `hs_code_missing`, `hs_code_unknown`,
    /// `hs_code_unmapped`, `weight_missing`, `fx_date_differs`, `fx_override`.
    pub code: String,
    /// Explanation.
    pub message: String,
    /// Item id, when it concerns one.
    pub item: Option<String>,
}

/// An exchange rate used.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FxUsed {
    /// From currency.
    pub from: String,
    /// To currency.
    pub to: String,
    /// Units of `to` per one `from`.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    #[serde(serialize_with = "crate::money::serialize_decimal")]
    pub rate: Decimal,
    /// Source name (or `basket override`).
    pub source: String,
    /// Day of the rate.
    pub date: Option<Date>,
}

//! The contract's vocabulary: the words a basket, a quote and an error share with the rule files
//! (channels, buyer and consignment kinds, what a threshold compares and how, who is paid a fee,
//! a refused window of dates). Defined here, outside the pack's internal model, which uses them.

use crate::date::Date;
use serde::{Deserialize, Serialize};

/// Transport channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Channel {
    /// Postal operator (UPU).
    Post,
    /// Express courier.
    Courier,
}

/// Who buys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum BuyerKind {
    /// A private person (B2C).
    Consumer,
    /// A business (B2B).
    Business,
}

/// Why the goods are sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum ConsignmentKind {
    /// A sale.
    Sale,
    /// A gift.
    Gift,
}

/// Values a threshold can be compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum TestedValue {
    /// Price of the goods alone (no transport or insurance shown separately).
    Intrinsic,
    /// Customs value (per the destination's valuation basis).
    CustomsValue,
    /// Goods plus transport and insurance, whatever the valuation basis.
    TotalPaid,
    /// The duty computed so far.
    DutyAmount,
    /// The tax computed so far.
    TaxAmount,
    /// Duty and tax the border collects (what a carrier advances or collects at delivery).
    DueAtBorder,
}

/// Scope of a threshold test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Scope {
    /// Each unit (one article) separately; the effect applies to lines whose unit passes.
    Unit,
    /// Each basket line separately.
    Line,
    /// The whole consignment.
    Consignment,
}

/// Comparison operator of a threshold test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Comparison {
    /// Strictly below.
    Lt,
    /// At or below.
    Lte,
    /// Strictly above.
    Gt,
    /// At or above.
    Gte,
}

/// Who charges a fee.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum FeePayee {
    /// The state (customs, a border agency).
    #[default]
    State,
    /// The carrier delivering the parcel.
    Carrier,
}

/// Dates inside a destination's coverage that are refused, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedWindow {
    /// First refused day.
    pub from: Date,
    /// First day covered again.
    pub until: Date,
    /// What law of the window the rules do not hold.
    pub reason: String,
    /// Where that law is published.
    pub reference: String,
}

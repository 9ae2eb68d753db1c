//! What a compiled tariff pack holds: destinations with their dated, cited rules, the tariffs
//! they read duty rates from, FX reference rates and the HS editions.
//!
//! These types are written by `tariff-pack` and read by the core. They carry no logic beyond
//! lookups; the engine in [`crate::engine`] interprets them.

use crate::date::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use crate::vocab::{
    BuyerKind, Channel, Comparison, ConsignmentKind, FeePayee, RefusedWindow, Scope, TestedValue,
};

/// Everything in a pack except its header.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Body {
    /// One entry per destination country (each EU member state on its own), sorted by code.
    pub destinations: Vec<Destination>,
    /// Tariff schedules referenced by [`TariffBinding::tariff_id`], sorted by id, each decoded on
    /// first use.
    pub tariffs: super::lazy::Tariffs,
    /// Reference FX rates.
    pub fx: FxTable,
    /// HS 2022 subheadings and their changes since HS 2017.
    pub hs: HsEditions,
}

/// A value in force from `from` until a later entry replaces it, with its legal reference.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DatedValue<T> {
    /// First day the value applies.
    pub from: Date,
    /// The value.
    pub value: T,
    /// URL of the official (or best available) source stating the value.
    pub reference: String,
}

/// A parameter as a dated series, sorted by `from` ascending.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dated<T> {
    /// The entries, oldest first.
    pub values: Vec<DatedValue<T>>,
}

impl<T> Dated<T> {
    /// The entry in force on `date`: the latest whose `from` is on or before it.
    pub fn at(&self, date: Date) -> Option<&DatedValue<T>> {
        self.values.iter().rev().find(|v| v.from <= date)
    }
}

/// A destination country and the rules of its border for low-value consumer parcels.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Destination {
    /// ISO 3166-1 alpha-2 code.
    pub code: String,
    /// English name.
    pub name: String,
    /// ISO 4217 code of the currency customs assess in.
    pub currency: String,
    /// Customs territory the destination belongs to (`EU` for member states, else its own code).
    pub customs_territory: String,
    /// Which dates the rules cover.
    pub coverage: Coverage,
    /// Which costs enter the customs value.
    pub valuation: Dated<Valuation>,
    /// Where duty rates come from, by date: a schedule in the pack or, where none exists, why.
    pub tariff: Dated<TariffSource>,
    /// Import VAT / GST / consumption tax; `None` where there is none (the US).
    pub tax: Option<TaxSpec>,
    /// Thresholds, low-value schemes, flat duties, surcharges and fees, in priority order.
    pub measures: Vec<Measure>,
    /// How and where amounts are rounded.
    pub rounding: Dated<Rounding>,
    /// Statutory truncations of the duty's base and amount (Japan); an empty series elsewhere.
    pub duty_rounding: Dated<DutyIncrements>,
    /// Preferential tariff programmes an item may claim, sorted by id.
    pub programmes: Vec<Programme>,
    /// Carriers that deliver parcels here (their fees are measures filtered on `carriers`).
    pub carriers: Vec<CarrierRef>,
}

/// A carrier delivering to a destination.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CarrierRef {
    /// Stable id (one of [`crate::basket::CARRIERS`]).
    pub id: String,
    /// Name.
    pub name: String,
    /// Whether it is the destination's designated postal operator: the carrier of a `post`
    /// parcel whose basket names none.
    pub default_post: bool,
    /// Where its serving the destination is documented.
    pub reference: String,
    /// Where the carrier states that it charges the recipient nothing for clearing or collecting
    /// import charges here: from when, and where it says so.
    pub no_fee: Option<NoFee>,
}

/// A carrier's statement that it charges no clearance or collection fee.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NoFee {
    /// From this day.
    pub from: Date,
    /// Where it says so.
    pub reference: String,
}

/// Statutory truncations of customs duty: per line the base (customs value) is truncated down to
/// `base_increment` and the duty down to `duty_increment`; the consignment's duty is the lines'
/// exact sum truncated down to `duty_increment` (a duty under it is nil).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DutyIncrements {
    /// Each line's dutiable value is truncated down to a multiple of this.
    pub base_increment: Decimal,
    /// Each line's duty is truncated down to a multiple of this.
    pub duty_increment: Decimal,
}

/// A preferential tariff programme (free trade agreement, EPA): goods originating in one of its
/// partner countries, with proof of origin, pay its rate instead of MFN.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Programme {
    /// Stable id an item claims, e.g. `us.usmca`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Countries of origin it covers (ISO 3166-1 alpha-2), sorted.
    pub origins: Vec<String>,
    /// First day in force.
    pub from: Date,
    /// First day no longer in force, when it ended.
    pub until: Option<Date>,
    /// Legal reference URL.
    pub reference: String,
    /// What the importer must hold to claim it.
    pub proof: String,
    /// Where its rates come from.
    pub rate: ProgrammeRate,
}

/// Where a programme's rates come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProgrammeRate {
    /// Originating goods are free of duty on every line.
    Free,
    /// The tariff's preference column with the programme's id.
    Column,
}

/// The dates a destination's rules cover.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    /// Earliest import date the rules describe; earlier dates are refused.
    pub from: Date,
    /// Last day on which every value was checked against its source; later quotes warn.
    pub verified_on: Date,
    /// Import dates on or after this day are refused: the data is too old to promise anything.
    pub refuse_from: Date,
    /// Windows inside `from .. refuse_from` whose law the rules do not hold, refused like dates
    /// outside coverage; sorted, not overlapping.
    pub refused: Vec<RefusedWindow>,
}

impl Coverage {
    /// The refused window containing `date`, if any.
    pub fn refused_at(&self, date: Date) -> Option<&RefusedWindow> {
        self.refused
            .iter()
            .find(|w| w.from <= date && date < w.until)
    }
}

/// Which costs enter the customs value (CIF vs FOB), and any statutory factor on the goods price.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Valuation {
    /// `CIF` or `FOB` (for display; the flags decide).
    pub basis: String,
    /// International transport enters the customs value.
    pub include_shipping: bool,
    /// Insurance enters the customs value.
    pub include_insurance: bool,
    /// Statutory share of the retail price taken as the goods' value when a consumer imports for
    /// personal use (Japan: 60 %); `None` where the price is taken as it is.
    pub consumer_goods_factor: Option<Decimal>,
}

/// Binds a destination to a tariff schedule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TariffBinding {
    /// Id of a [`Tariff`] in the pack.
    pub tariff_id: String,
    /// Reference for using this schedule for this destination.
    pub reference: String,
}

/// Where a destination's duty rates come from on a date.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TariffSource {
    /// A schedule in the pack.
    Schedule(TariffBinding),
    /// No schedule in the pack: duty above the reliefs is unknown.
    None(NoTariff),
}

impl TariffSource {
    /// The schedule's binding, if there is one.
    pub fn binding(&self) -> Option<&TariffBinding> {
        match self {
            TariffSource::Schedule(b) => Some(b),
            TariffSource::None(_) => None,
        }
    }
}

/// Why a destination has no tariff schedule in the pack.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NoTariff {
    /// Explanation shown in warnings.
    pub reason: String,
    /// Where the official tariff can be consulted.
    pub reference: String,
}

/// The import tax of a destination.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaxSpec {
    /// Its name: `VAT`, `GST`, `consumption tax`, ...
    pub name: String,
    /// The standard rate in percent, by date.
    pub standard: Dated<Decimal>,
    /// Reduced rates selected by HS code prefix; the longest matching prefix wins.
    pub reduced: Vec<ReducedRate>,
    /// Sub-national rates (Canadian provinces); when non-empty a `destination_region` is required
    /// and the region's rate replaces `standard`.
    pub regions: Vec<RegionRate>,
    /// What the tax is levied on at the border.
    pub base: TaxBase,
    /// Where the law levies the tax as a national part and a local part derived from it, each
    /// truncated by statute (Japan); empty elsewhere.
    pub split: Dated<TaxSplit>,
}

/// A border tax levied in two parts with statutory truncations, as Japan's consumption tax on
/// imports: per line, the base is truncated down to `base_increment` and the national part
/// (`national_share` of the line's rate) down to `tax_increment`; the local part is that truncated
/// national part times `local_numerator / local_denominator`, in whole currency units (the
/// destination's rounding). The quote's total is the national parts' exact sum and the local
/// parts' sum, each truncated down to `tax_increment`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaxSplit {
    /// Share of the line's rate levied as the national part (0.78: 7.8 of 10 %).
    pub national_share: Decimal,
    /// The local part per unit of national part: numerator (22 of 22/78).
    pub local_numerator: Decimal,
    /// The local part per unit of national part: denominator (78 of 22/78).
    pub local_denominator: Decimal,
    /// Each line's tax base is truncated down to a multiple of this (1,000 yen).
    pub base_increment: Decimal,
    /// Each line's national part, and each part's total, is truncated down to a multiple of this.
    pub tax_increment: Decimal,
}

/// A reduced rate for goods under some HS codes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReducedRate {
    /// Stable rule id, e.g. `de.vat.reduced.books`.
    pub id: String,
    /// What goods it covers, in words.
    pub description: String,
    /// HS code prefixes (2 to 10 digits) it covers.
    pub hs_prefixes: Vec<String>,
    /// The rate in percent, by date.
    pub rate: Dated<Decimal>,
}

/// A sub-national tax rate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegionRate {
    /// Region code (e.g. `ON`).
    pub region: String,
    /// Name of the combined tax (e.g. `HST`).
    pub name: String,
    /// Combined rate in percent, by date.
    pub rate: Dated<Decimal>,
}

/// Components of a tax base; the goods' customs value is always included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxBase {
    /// Transport cost is taxed (even where it is not in the customs value).
    pub shipping: bool,
    /// Insurance is taxed.
    pub insurance: bool,
    /// Customs duty is taxed (the cascade).
    pub duty: bool,
    /// Taxable fees are taxed.
    pub fees: bool,
}

/// Rounding of money amounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rounding {
    /// Decimal places kept (2 for cents, 0 for yen).
    pub scale: u32,
    /// How a value between two representable ones is rounded.
    pub strategy: RoundingStrategy,
    /// Where rounding happens.
    pub at: RoundingPoint,
}

/// Named rounding strategies (rust_decimal's vocabulary).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoundingStrategy {
    /// 2.5 -> 3, -2.5 -> -3.
    MidpointAwayFromZero,
    /// 2.5 -> 2, 3.5 -> 4 (banker's rounding).
    MidpointNearestEven,
    /// Truncate: 2.9 -> 2.
    ToZero,
    /// 2.1 -> 3.
    AwayFromZero,
}

/// Where rounding is applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoundingPoint {
    /// Each line's duty and tax is rounded, totals are sums of rounded lines.
    Line,
    /// Lines keep full precision; each total is rounded once.
    Total,
}

/// A dated rule of a destination: when it applies (filters and an optional threshold test)
/// and what it does to duty, tax and fees.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measure {
    /// Stable id, e.g. `eu.ioss.vat_at_sale`.
    pub id: String,
    /// One-line title.
    pub title: String,
    /// First day in force.
    pub from: Date,
    /// First day no longer in force (half-open), when the law sets an end.
    pub until: Option<Date>,
    /// Legal reference URL.
    pub reference: String,
    /// Filters on the consignment and its lines.
    pub when: Conditions,
    /// A value test; `None` means the measure applies whenever the filters match.
    pub test: Option<ThresholdTest>,
    /// What the measure changes.
    pub effect: Effect,
}

/// Filters; an empty list means "any".
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Conditions {
    /// Transport channels.
    pub channels: Vec<Channel>,
    /// Countries the parcel is shipped from (the basket's `ship_from`, else each item's origin).
    pub ship_from: Vec<String>,
    /// Countries the parcel must not be shipped from.
    pub not_ship_from: Vec<String>,
    /// Seller registrations of which at least one is required (e.g. `EU_IOSS`).
    pub registrations: Vec<String>,
    /// Seller registrations none of which may be held (a carrier's fee for collecting import
    /// charges from the recipient does not arise where the seller's scheme settles them).
    pub not_registrations: Vec<String>,
    /// Buyer kind, when restricted.
    pub buyer: Option<BuyerKind>,
    /// Consignment kind, when restricted.
    pub consignment: Option<ConsignmentKind>,
    /// Line filter: countries of origin.
    pub origins: Vec<String>,
    /// Line filter: excluded countries of origin.
    pub not_origins: Vec<String>,
    /// Line filter: HS prefixes.
    pub hs_prefixes: Vec<String>,
    /// Line filter: excluded HS prefixes.
    pub not_hs_prefixes: Vec<String>,
    /// Line filter: codes (a scope list such as a Section 301 list); a line matches when its code
    /// or a prefix of it is listed.
    pub hs_set: Option<HsSet>,
    /// Line filter: excluded codes.
    pub not_hs_set: Option<HsSet>,
    /// Line filter: lines claiming one of these preference programmes.
    pub preferences: Vec<String>,
    /// Line filter: lines not claiming any of these preference programmes.
    pub not_preferences: Vec<String>,
    /// Consignment filter: the carrier (the basket's, else the destination's postal operator for a
    /// `post` parcel) is one of these.
    pub carriers: Vec<String>,
}

/// A set of HS / national codes of 2 to 10 digits, each stored as `digits * 10^12 + code`, sorted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "super::hsset::HsSetKeys", into = "super::hsset::HsSetKeys")]
pub struct HsSet {
    /// The keys, sorted ascending, without duplicates.
    pub keys: Vec<u64>,
    /// Bit `d` is set when the set has codes of `d` digits (derived from `keys`, not stored).
    pub lengths: u16,
}

/// A comparison of a value against a threshold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThresholdTest {
    /// Which value is compared.
    pub value: TestedValue,
    /// Per unit, per line or for the whole consignment.
    pub scope: Scope,
    /// The test passes when `value <comparison> threshold`.
    pub comparison: Comparison,
    /// Currency of the threshold.
    pub currency: String,
    /// The threshold amount, by date.
    pub threshold: Dated<Decimal>,
    /// Which lines a consignment-scope test adds up.
    pub counts: Counts,
}

/// Which lines a consignment's value adds up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counts {
    /// Every line the measure concerns.
    #[default]
    All,
    /// Only lines liable to import tax: a non-zero tax rate for their code on the date (a line
    /// whose rate cannot be told counts), as Norway's NOK 350 rule counts only dutiable or
    /// taxable goods.
    Taxable,
}

/// What a measure does. `None` leaves that part to later measures or the default.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Effect {
    /// Effect on the customs duty of the lines concerned.
    pub duty: Option<DutyEffect>,
    /// Effect on the import tax.
    pub tax: Option<TaxEffect>,
    /// An extra ad valorem duty (surcharge) added to the tariff duty, in percent.
    pub additional_ad_valorem: Option<Dated<Decimal>>,
    /// A fee.
    pub fee: Option<Fee>,
    /// A caveat the quote must carry (warning `rule_notice`), e.g. a period whose extra duty layers
    /// no official source confirms.
    pub notice: Option<String>,
    /// What `additional_ad_valorem` is levied on.
    pub surcharge_base: SurchargeBase,
    /// The first part of the value of the lines concerned is relieved: duty and tax are levied on
    /// the excess only (Canada's casual gifts above C$60: Customs Tariff s. 85).
    pub relief: Option<Relief>,
    /// The notice says the duty itself is uncertain (no official source settles what applies):
    /// the quote warns `duty_uncertain` instead of `rule_notice`, and a platform signing it must
    /// accept an estimate.
    pub uncertain: bool,
}

/// A relieved amount of value, shared among the lines concerned by their customs value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Relief {
    /// The amount, by date.
    pub amount: Dated<Decimal>,
    /// Its currency.
    pub currency: String,
}

/// The value an additional ad valorem duty is levied on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SurchargeBase {
    /// The line's customs value.
    #[default]
    CustomsValue,
    /// The value of the steel, aluminium or copper the goods contain (Section 232 derivatives), from
    /// the item's `unit_metal_value`; the customs value, with a warning, where the item gives none.
    MetalContent,
}

/// Effects on duty. The first passing measure that sets a duty effect decides.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum DutyEffect {
    /// No duty (de minimis relief).
    Waive,
    /// Duty from the tariff (explicitly: ends the search for a relief).
    Tariff,
    /// A flat amount per distinct tariff classification in the consignment.
    FlatPerDistinctLine {
        /// Amount per distinct classification, by date.
        amount: Dated<Decimal>,
        /// Its currency.
        currency: String,
        /// How many HS digits make a classification distinct (6, 8 or 10).
        digits: u8,
    },
    /// Rates by category of goods (Japan's simplified rates): the first entry whose prefixes match
    /// the line's code decides; a line no entry matches pays the tariff.
    RateTable {
        /// The categories, in order.
        entries: Vec<RateEntry>,
        /// The duty the table levies on the consignment is not collected when it comes to this
        /// much or less (China's postal articles tax of RMB 50 or less).
        waive_at_most: Option<WaiveAtMost>,
    },
}

/// A ceiling under which a computed duty is not collected.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WaiveAtMost {
    /// The ceiling, by date.
    pub amount: Dated<Decimal>,
    /// Its currency.
    pub currency: String,
}

/// A category of a [`DutyEffect::RateTable`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RateEntry {
    /// The category in words.
    pub label: String,
    /// HS prefixes it covers.
    pub hs_prefixes: Vec<String>,
    /// HS prefixes it leaves out.
    pub not_hs_prefixes: Vec<String>,
    /// Its rate.
    pub expr: DutyExpr,
    /// Legal reference of the rate.
    pub reference: String,
}

/// Effects on the import tax.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TaxEffect {
    /// No import tax.
    Waive,
    /// Collected by the seller or marketplace at the point of sale, on the given base,
    /// times `factor` (1 normally; China's cross-border e-commerce rule uses 0.7).
    PointOfSale {
        /// What the tax is charged on.
        base: TaxBase,
        /// Multiplier on the statutory amount.
        factor: Decimal,
    },
    /// Collected at the border, times `factor`.
    Border {
        /// Multiplier on the statutory amount.
        factor: Decimal,
    },
}

/// A fee charged on import.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fee {
    /// Amount per `per`, by date.
    pub amount: Dated<Decimal>,
    /// Its currency.
    pub currency: String,
    /// What the amount is multiplied by.
    pub per: FeeBasis,
    /// Whether the fee enters the tax base.
    pub taxable: bool,
    /// A percentage of the lines concerned, added to `amount`; its bounds bound the whole fee.
    pub ad_valorem: Option<Dated<FeeRate>>,
    /// Who charges it.
    pub payee: FeePayee,
    /// Charged only when the lines concerned owe duty or tax at the border (a carrier's fee for
    /// advancing or collecting import charges).
    pub only_when_due: bool,
    /// The fee is priced net and a tax is charged on it (a carrier's service priced excluding VAT);
    /// `None` where the amount is what the shopper pays.
    pub tax_on_fee: Option<FeeTax>,
}

/// The tax charged on a fee priced net.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeTax {
    /// The destination's import-tax rate on the date without an HS scope: the standard rate, or
    /// the region's where the destination has regional rates.
    Standard,
}

/// What an ad valorem fee is a percentage of.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeRateBase {
    /// The customs value.
    #[default]
    CustomsValue,
    /// The duty and tax the border collects (an express carrier's disbursement fee).
    DueAtBorder,
}

/// An ad valorem fee with its bounds in the fee's currency.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeeRate {
    /// Percent of `base`.
    pub percent: Decimal,
    /// What the percentage is taken of.
    pub base: FeeRateBase,
    /// Least the whole fee comes to.
    pub min: Option<Decimal>,
    /// Most the whole fee comes to.
    pub max: Option<Decimal>,
}

/// What a fee is counted per.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeBasis {
    /// Once per consignment.
    Consignment,
    /// Per distinct tariff classification (declaration line, 6 digits).
    DeclarationLine,
    /// Per basket line.
    Line,
}

/// A tariff schedule: duty expressions by HS code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tariff {
    /// Id, e.g. `us-usitc-2025`.
    pub id: String,
    /// Dataset id in the pack header it was compiled from.
    pub dataset: String,
    /// HS edition the codes follow (2017 or 2022).
    pub hs_edition: u16,
    /// Currency of specific duties.
    pub currency: String,
    /// Date the rates are known to be in force (the source's vintage).
    pub rates_as_of: Date,
    /// HS chapters (2-digit) the source does not cover.
    pub uncovered_chapters: Vec<u8>,
    /// Distinct duty expressions; lines point into this table.
    pub exprs: Vec<DutyExpr>,
    /// Tariff lines sorted by (digits, code).
    #[serde(with = "super::compact::lines")]
    pub lines: Vec<TariffLine>,
    /// HS 2022 subheadings mapped onto this schedule's edition: `(hs2022, source_code)`,
    /// both 6 digits, sorted. A subheading formed from several source subheadings has one pair
    /// per source (the lookup takes all their lines). Only for schedules not in HS 2022.
    #[serde(with = "super::compact::sorted_pairs")]
    pub hs2022_map: Vec<(u32, u32)>,
    /// HS 2022 subheadings that cannot be mapped onto this schedule's edition.
    #[serde(with = "super::compact::sorted_u32")]
    pub hs2022_unmapped: Vec<u32>,
    /// Preferential rates by programme.
    pub preferences: Vec<PreferenceColumn>,
}

/// The preferential rates of one programme: `(index into Tariff::lines, index into Tariff::exprs)`,
/// sorted by line; a line not listed has no preferential rate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PreferenceColumn {
    /// The programme's id ([`Programme::id`]).
    pub programme: String,
    /// The lines with a preferential rate (the same two delta columns as the HS correlation).
    #[serde(with = "super::compact::sorted_pairs")]
    pub lines: Vec<(u32, u32)>,
}

/// One line of a tariff.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TariffLine {
    /// The code as a number (without leading zeros: use `digits`).
    pub code: u64,
    /// How many digits the code has (6, 8 or 10).
    pub digits: u8,
    /// Index into [`Tariff::exprs`].
    pub expr: u32,
    /// 1-based row (line) number in the source file, for `inspect`.
    pub source_row: u32,
}

/// A duty expression: the sum of its terms, bounded by optional minimum and maximum.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DutyExpr {
    /// The rate as the source writes it (e.g. `10.00% + 77.00 GBP/100kg`).
    pub text: String,
    /// Terms added together. Empty with `unparsed == false` means free.
    pub terms: Vec<DutyTerm>,
    /// Lower bound of the duty.
    pub min: Option<DutyTerm>,
    /// Upper bound of the duty.
    pub max: Option<DutyTerm>,
    /// The source text could not be turned into terms: the rate is unknown.
    pub unparsed: bool,
    /// Alternatives: the duty is the lowest of this expression and each of these.
    pub or_lower: Vec<DutyExpr>,
}

/// One part of a duty expression.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DutyTerm {
    /// Percent of the customs value.
    AdValorem(Decimal),
    /// An amount per quantity of some unit.
    Specific {
        /// Amount in the tariff's currency.
        amount: Decimal,
        /// Per how many units (e.g. 100 for "per 100 kg").
        per: Decimal,
        /// The unit.
        unit: QuantityUnit,
    },
}

/// Units a specific duty may be expressed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuantityUnit {
    /// Kilogram (net weight).
    Kg,
    /// Gram.
    Gram,
    /// Article (number of items).
    Item,
    /// Pair.
    Pair,
    /// Dozen articles.
    Dozen,
    /// Litre.
    Litre,
    /// A unit the engine cannot measure from a basket (m², % vol, ...): the line warns.
    Other,
}

/// ECB-style reference rates: units of each currency per 1 unit of `base`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FxTable {
    /// Base currency (EUR for the ECB).
    pub base: String,
    /// Day the rates were published.
    pub date: Date,
    /// Name of the source.
    pub source: String,
    /// URL of the source.
    pub reference: String,
    /// `(currency, units per base)`, sorted by currency.
    pub rates: Vec<(String, Decimal)>,
}

/// The HS 2022 nomenclature as far as the engine needs it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HsEditions {
    /// Every HS 2022 subheading (6 digits as a number), sorted.
    #[serde(with = "super::compact::sorted_u32")]
    pub hs2022_subheadings: Vec<u32>,
    /// HS 2017 subheadings that HS 2022 no longer has, sorted, each with its HS 2022 successors
    /// as the curated correlation file states them (empty when it states none).
    pub hs2017_retired: Vec<(u32, Vec<u32>)>,
    /// HS 2022 subheadings that HS 2017 did not have, sorted.
    #[serde(with = "super::compact::sorted_u32")]
    pub hs2022_new: Vec<u32>,
}

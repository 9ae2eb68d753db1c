//! Rule files (`tariff-pack/rules/*.yaml`): parsing, validation with file:line diagnostics, and
//! compilation into the core's [`Destination`] model. The format is documented in
//! `tariff-pack/rules/README.md`.

use crate::diag::Diagnostic;
use landed::pack::model::*;
use landed::Date;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

mod carriers;
mod layers;

pub use carriers::compile_carriers;

/// What the compiler needs from the datasets while compiling rules.
pub trait Datasets {
    /// Dated standard rates (percent) of a country from a VAT dataset (`ibericode`, `vatverify`, `world`).
    fn standard_rates(&self, dataset: &str, country: &str) -> Result<Dated<Decimal>, String>;
    /// Whether a tariff with this source id exists (`usitc-2025`, ...), and its pack id.
    fn tariff_id(&self, source: &str) -> Option<String>;
    /// The text of a code list under `tariff-pack/data/` (`hs_set_file`).
    fn code_list(&self, path: &str) -> Result<String, String> {
        let full = crate::sources::data_dir().join(path);
        std::fs::read_to_string(&full).map_err(|e| format!("{}: {e}", full.display()))
    }
}

/// A decimal written as a string in YAML.
#[derive(Clone, Debug)]
pub struct Dec(pub Decimal);

impl<'de> Deserialize<'de> for Dec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_yaml::Value::deserialize(d)?;
        match v {
            serde_yaml::Value::String(s) => s.parse::<Decimal>().map(Dec).map_err(|_| {
                serde::de::Error::custom(format!(
                    "`{s}` is not a decimal; write e.g. \"150\" or \"8.1\""
                ))
            }),
            other => Err(serde::de::Error::custom(format!(
                "amounts and rates are strings, to stay exact: write \"{}\" with quotes",
                serde_yaml::to_string(&other).unwrap_or_default().trim()
            ))),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    destinations: BTreeMap<String, DestDecl>,
    customs_territory: String,
    coverage: CoverageY,
    tariff: TariffsY,
    valuation: Vec<ValuationY>,
    #[serde(default)]
    tax: Option<TaxY>,
    rounding: Vec<RoundingY>,
    #[serde(default)]
    measures: Vec<MeasureY>,
    #[serde(default)]
    preferences: Vec<layers::ProgrammeY>,
    #[serde(default)]
    duty_rounding: Vec<layers::DutyRoundingY>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DestDecl {
    name: String,
    currency: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CoverageY {
    from: Date,
    verified_on: Date,
    refuse_from: Date,
    #[serde(default)]
    refused: Vec<RefusedY>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RefusedY {
    from: Date,
    until: Date,
    reason: String,
    reference: String,
}

/// One tariff source, or several by date (`from` on each; the first from coverage start).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum TariffsY {
    One(TariffY),
    Dated(Vec<TariffY>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TariffY {
    #[serde(default)]
    from: Option<Date>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    none: Option<String>,
    reference: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ValuationY {
    from: Date,
    basis: String,
    include_shipping: bool,
    include_insurance: bool,
    #[serde(default)]
    consumer_goods_factor: Option<Dec>,
    reference: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RateY {
    from: Date,
    rate: Dec,
    reference: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AmountY {
    from: Date,
    amount: Dec,
    reference: String,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum StandardY {
    Values(Vec<RateY>),
    Dataset { dataset: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TaxY {
    name: String,
    standard: StandardY,
    #[serde(default)]
    reduced: Vec<ReducedY>,
    #[serde(default)]
    regions: BTreeMap<String, RegionY>,
    #[serde(default)]
    base: Vec<BasePart>,
    #[serde(default)]
    split: Vec<SplitY>,
}

/// A tax levied in a national and a local part, with statutory truncations (see `TaxSplit`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SplitY {
    from: Date,
    national_share: Dec,
    /// `"22/78"`: the local part per unit of national part.
    local_fraction: String,
    base_increment: Dec,
    tax_increment: Dec,
    reference: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReducedY {
    id: String,
    description: String,
    hs: Vec<String>,
    rates: Vec<RateY>,
    #[serde(default)]
    members: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionY {
    name: String,
    rates: Vec<RateY>,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum BasePart {
    Shipping,
    Insurance,
    Duty,
    Fees,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoundingY {
    from: Date,
    scale: u32,
    strategy: RoundingStrategy,
    at: RoundingAt,
    reference: String,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum RoundingAt {
    Line,
    Total,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MeasureY {
    id: String,
    title: String,
    from: Date,
    #[serde(default)]
    until: Option<Date>,
    reference: String,
    #[serde(default)]
    members: Option<Vec<String>>,
    #[serde(default)]
    when: WhenY,
    #[serde(default)]
    test: Option<TestY>,
    #[serde(default)]
    duty: Option<DutyY>,
    #[serde(default)]
    tax: Option<TaxEffectY>,
    #[serde(default)]
    additional_ad_valorem: Option<Vec<RateY>>,
    #[serde(default)]
    fee: Option<FeeY>,
    #[serde(default)]
    notice: Option<String>,
    #[serde(default)]
    surcharge_base: SurchargeBase,
    #[serde(default)]
    uncertain: bool,
    #[serde(default)]
    relief: Option<ReliefY>,
}

/// A relieved amount of value (`relief:`): duty and tax on the excess only.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReliefY {
    currency: String,
    amount: Vec<AmountY>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct WhenY {
    #[serde(default)]
    channels: Vec<Channel>,
    #[serde(default)]
    ship_from: Vec<String>,
    #[serde(default)]
    not_ship_from: Vec<String>,
    #[serde(default)]
    registrations: Vec<String>,
    #[serde(default)]
    not_registrations: Vec<String>,
    #[serde(default)]
    buyer: Option<BuyerKind>,
    #[serde(default)]
    consignment: Option<ConsignmentKind>,
    #[serde(default)]
    origins: Vec<String>,
    #[serde(default)]
    not_origins: Vec<String>,
    #[serde(default)]
    hs: Vec<String>,
    #[serde(default)]
    not_hs: Vec<String>,
    #[serde(default)]
    hs_set: Vec<String>,
    #[serde(default)]
    hs_set_file: Option<String>,
    #[serde(default)]
    not_hs_set: Vec<String>,
    #[serde(default)]
    not_hs_set_file: Option<String>,
    #[serde(default)]
    preferences: Vec<String>,
    #[serde(default)]
    not_preferences: Vec<String>,
    #[serde(default)]
    carriers: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestY {
    value: TestedValue,
    scope: Scope,
    compare: Comparison,
    currency: String,
    threshold: Vec<AmountY>,
    #[serde(default)]
    counts: Counts,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum DutyY {
    Word(DutyWord),
    Flat {
        flat_per_distinct_line: FlatY,
    },
    Table {
        rate_table: Vec<layers::RateEntryY>,
        #[serde(default)]
        waive_at_most: Option<FlatWaiveY>,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FlatWaiveY {
    currency: String,
    amount: Vec<AmountY>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum DutyWord {
    Waive,
    Tariff,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FlatY {
    currency: String,
    digits: u8,
    amount: Vec<AmountY>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum TaxEffectY {
    Word(TaxWord),
    PointOfSale { point_of_sale: PosY },
    Border { border: BorderY },
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum TaxWord {
    Waive,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PosY {
    #[serde(default)]
    base: Vec<BasePart>,
    factor: Dec,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BorderY {
    factor: Dec,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FeeY {
    currency: String,
    per: FeeBasis,
    taxable: bool,
    #[serde(default)]
    amount: Vec<AmountY>,
    #[serde(default)]
    ad_valorem: Vec<layers::FeeRateY>,
    #[serde(default)]
    payee: FeePayee,
    #[serde(default)]
    only_when_due: bool,
    /// `standard`: the fee is priced net and bears the destination's tax rate.
    #[serde(default)]
    tax_on_fee: Option<FeeTax>,
}

/// A compiled rule file: its destinations and the day its values were verified.
pub struct Compiled {
    /// One per destination code in the file.
    pub destinations: Vec<Destination>,
    /// The tariff source ids it uses.
    pub tariffs: Vec<String>,
}

/// Parses, validates and compiles one rule file.
pub fn compile_file(path: &Path, data: &dyn Datasets) -> Result<Compiled, Diagnostic> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Diagnostic::new(path, 0, format!("cannot read: {e}"), ""))?;
    compile_str(path, &text, data)
}

/// Compiles rule-file text (`path` is used in diagnostics).
pub fn compile_str(path: &Path, text: &str, data: &dyn Datasets) -> Result<Compiled, Diagnostic> {
    let file: RuleFile = serde_yaml::from_str(text).map_err(|e| {
        let line = e.location().map_or(0, |l| l.line());
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        let hint = if msg.contains("untagged") {
            "e.g. `duty: waive`, `duty: {flat_per_distinct_line: {currency: EUR, digits: 6, amount: [...]}}`, \
             `tax: waive`, `tax: {point_of_sale: {base: [shipping], factor: \"1\"}}`, `tax: {border: {factor: \"1\"}}`, \
             `standard: {dataset: ibericode}` or `standard: [{from: 2024-01-01, rate: \"8.1\", reference: https://...}]`"
        } else if msg.contains("missing field `reference`") {
            "every dated value needs its source: `reference: https://...`"
        } else {
            "see tariff-pack/rules/README.md"
        };
        Diagnostic::new(path, line, msg, hint)
    })?;
    Compiler { path, text, data }.compile(file)
}

struct Compiler<'a> {
    path: &'a Path,
    text: &'a str,
    data: &'a dyn Datasets,
}

impl Compiler<'_> {
    /// A diagnostic at the first line containing `needle`.
    fn err(&self, needle: &str, msg: impl Into<String>, hint: &str) -> Diagnostic {
        let line = self.line_of(&[], &[needle], 1);
        Diagnostic::new(self.path, line, msg.into(), hint)
    }

    /// A diagnostic inside the block a context names (`tax.standard`, a measure id, `<id>.duty`,
    /// `destinations.DE`, ...), at the first line there containing every needle.
    fn err_in(
        &self,
        context: &str,
        needles: &[&str],
        msg: impl Into<String>,
        hint: &str,
    ) -> Diagnostic {
        self.err_in_nth(context, needles, 1, msg, hint)
    }

    /// Like [`Self::err_in`], at the `nth` matching line (a repeated value appears more than once).
    fn err_in_nth(
        &self,
        context: &str,
        needles: &[&str],
        nth: usize,
        msg: impl Into<String>,
        hint: &str,
    ) -> Diagnostic {
        let anchors = anchors(context);
        let anchors: Vec<&str> = anchors.iter().map(String::as_str).collect();
        Diagnostic::new(
            self.path,
            self.line_of(&anchors, needles, nth),
            msg.into(),
            hint,
        )
    }

    /// The 1-based line of the `nth` line containing all `needles` after the `anchors` (each found
    /// after the previous one); the last anchor's line when the needles are not found; 0 when nothing is.
    fn line_of(&self, anchors: &[&str], needles: &[&str], nth: usize) -> usize {
        let lines: Vec<&str> = self.text.lines().collect();
        let (mut from, mut anchor_line) = (0, 0);
        for a in anchors {
            match lines[from..].iter().position(|l| l.contains(a)) {
                Some(k) => {
                    anchor_line = from + k + 1;
                    from += k;
                }
                None => break,
            }
        }
        lines[from..]
            .iter()
            .enumerate()
            .filter(|(_, l)| needles.iter().all(|n| l.contains(n)))
            .nth(nth.saturating_sub(1))
            .map_or(anchor_line, |(k, _)| from + k + 1)
    }

    fn reference(&self, r: &str, context: &str) -> Result<String, Diagnostic> {
        if r.starts_with("https://") || r.starts_with("http://") {
            Ok(r.to_string())
        } else {
            Err(self.err_in(
                context,
                &["reference", r],
                format!("{context}: reference `{r}` is not a URL"),
                "e.g. reference: https://www.gov.uk/guidance/...",
            ))
        }
    }

    /// A tax's national/local split: shares and fractions within (0, 1], increments positive.
    fn split(&self, split: &[SplitY]) -> Result<Dated<TaxSplit>, Diagnostic> {
        let mut values = Vec::new();
        for s in split {
            let bad = |what: &str, hint: &str| {
                self.err_in("tax.split", &[what], format!("tax.split: {what}"), hint)
            };
            let (num, den) = s
                .local_fraction
                .split_once('/')
                .and_then(|(n, d)| {
                    Some((
                        n.trim().parse::<Decimal>().ok()?,
                        d.trim().parse::<Decimal>().ok()?,
                    ))
                })
                .filter(|(n, d)| !n.is_sign_negative() && *d > Decimal::ZERO && n <= d)
                .ok_or_else(|| bad(&s.local_fraction, "e.g. local_fraction: \"22/78\""))?;
            let share = s.national_share.0;
            if share <= Decimal::ZERO || share > Decimal::ONE {
                return Err(bad(
                    &share.to_string(),
                    "e.g. national_share: \"0.78\" (of the rate)",
                ));
            }
            for inc in [s.base_increment.0, s.tax_increment.0] {
                if inc <= Decimal::ZERO {
                    return Err(bad(&inc.to_string(), "e.g. base_increment: \"1000\""));
                }
            }
            values.push(DatedValue {
                from: s.from,
                value: TaxSplit {
                    national_share: share,
                    local_numerator: num,
                    local_denominator: den,
                    base_increment: s.base_increment.0,
                    tax_increment: s.tax_increment.0,
                },
                reference: self.reference(&s.reference, "tax.split")?,
            });
        }
        if values.is_empty() {
            return Ok(Dated { values });
        }
        self.sorted(values, "tax.split")
    }

    fn dated_rates(&self, rates: &[RateY], context: &str) -> Result<Dated<Decimal>, Diagnostic> {
        let entries = rates
            .iter()
            .map(|r| (r.from, r.rate.0, r.reference.as_str()));
        self.dated(entries, context, |v| {
            (v.is_sign_negative() || v > Decimal::ONE_HUNDRED).then(|| {
                (
                    format!("rate {v} is not a percentage between 0 and 100"),
                    "e.g. rate: \"20\"",
                )
            })
        })
    }

    fn dated_amounts(
        &self,
        amounts: &[AmountY],
        context: &str,
    ) -> Result<Dated<Decimal>, Diagnostic> {
        let entries = amounts
            .iter()
            .map(|a| (a.from, a.amount.0, a.reference.as_str()));
        self.dated(entries, context, |v| {
            v.is_sign_negative()
                .then(|| (format!("amount {v} is negative"), "e.g. amount: \"150\""))
        })
    }

    /// Dated decimal values, each checked by `invalid` (a message and a hint when it is wrong), cited, in order.
    fn dated<'t>(
        &self,
        entries: impl Iterator<Item = (Date, Decimal, &'t str)>,
        context: &str,
        invalid: impl Fn(Decimal) -> Option<(String, &'static str)>,
    ) -> Result<Dated<Decimal>, Diagnostic> {
        let mut values = Vec::new();
        for (from, value, reference) in entries {
            if let Some((msg, hint)) = invalid(value) {
                return Err(self.err_in(
                    context,
                    &[&value.to_string()],
                    format!("{context}: {msg}"),
                    hint,
                ));
            }
            values.push(DatedValue {
                from,
                value,
                reference: self.reference(reference, context)?,
            });
        }
        self.sorted(values, context)
    }

    fn sorted<T>(&self, values: Vec<DatedValue<T>>, context: &str) -> Result<Dated<T>, Diagnostic> {
        if values.is_empty() {
            return Err(self.err_in(
                context,
                &[],
                format!("{context}: no dated value"),
                "give at least one `{from: YYYY-MM-DD, ..., reference: https://...}`",
            ));
        }
        if let Some(k) = (1..values.len()).find(|&k| values[k - 1].from >= values[k].from) {
            // The offending entry: the n-th line with its date (a repeated date appears twice).
            let nth = values[..=k]
                .iter()
                .filter(|v| v.from == values[k].from)
                .count();
            return Err(self.err_in_nth(
                context,
                &[&values[k].from.to_string()],
                nth,
                format!("{context}: dated values must be in increasing date order without repeats"),
                "list the oldest first",
            ));
        }
        Ok(Dated { values })
    }

    fn currency(&self, c: &str, context: &str) -> Result<String, Diagnostic> {
        if landed::iso::CURRENCIES.iter().any(|(x, _)| *x == c) {
            Ok(c.to_string())
        } else {
            Err(self.err_in(
                context,
                &[c],
                format!("{context}: unknown currency `{c}`"),
                "e.g. currency: EUR (ISO 4217)",
            ))
        }
    }

    fn countries(&self, list: &[String], context: &str) -> Result<Vec<String>, Diagnostic> {
        for c in list {
            if !landed::iso::COUNTRIES.iter().any(|(x, _)| x == c) {
                return Err(self.err_in(
                    context,
                    &[c],
                    format!("{context}: unknown country `{c}`"),
                    "e.g. ship_from: [US, MX] (ISO 3166-1 alpha-2)",
                ));
            }
        }
        Ok(list.to_vec())
    }

    fn hs_prefixes(&self, list: &[String], context: &str) -> Result<Vec<String>, Diagnostic> {
        list.iter()
            .map(|h| {
                let d: String = h.chars().filter(|c| *c != '.').collect();
                if (2..=10).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()) {
                    Ok(d)
                } else {
                    Err(self.err_in(
                        context,
                        &[h],
                        format!("{context}: `{h}` is not an HS prefix"),
                        "e.g. hs: [\"4901\", \"6109.10\"] (2 to 10 digits, quoted)",
                    ))
                }
            })
            .collect()
    }

    /// Ids a measure filters on, each one of the contract's `known` list.
    fn known(
        &self,
        ids: &[String],
        known: &[&str],
        context: &str,
        what: &str,
        hint: &str,
    ) -> Result<Vec<String>, Diagnostic> {
        for x in ids {
            if !known.contains(&x.as_str()) {
                return Err(self.err(x, format!("{context}: unknown {what} `{x}`"), hint));
            }
        }
        Ok(ids.to_vec())
    }

    /// Programme ids a measure filters on, each one the file declares.
    fn programme_ids(
        &self,
        ids: &[String],
        programmes: &[Programme],
        context: &str,
    ) -> Result<Vec<String>, Diagnostic> {
        let declared: Vec<&str> = programmes.iter().map(|p| p.id.as_str()).collect();
        self.known(
            ids,
            &declared,
            context,
            "preference programme",
            "declare it under preferences:",
        )
    }

    fn base(parts: &[BasePart]) -> TaxBase {
        TaxBase {
            shipping: parts.contains(&BasePart::Shipping),
            insurance: parts.contains(&BasePart::Insurance),
            duty: parts.contains(&BasePart::Duty),
            fees: parts.contains(&BasePart::Fees),
        }
    }

    fn compile(&self, f: RuleFile) -> Result<Compiled, Diagnostic> {
        let cov = &f.coverage;
        if cov.from >= cov.refuse_from {
            return Err(self.err(
                "coverage",
                "coverage: need from < refuse_from",
                "e.g. {from: 2021-07-01, verified_on: 2026-11-25, refuse_from: 2028-01-01}",
            ));
        }
        let (tariff, tariff_sources) = self.tariffs(&f.tariff, cov)?;
        self.refused_windows(cov)?;
        let mut valuation = Vec::new();
        for v in &f.valuation {
            if v.basis != "CIF" && v.basis != "FOB" {
                return Err(self.err(
                    &v.basis,
                    format!("valuation: basis `{}` is neither CIF nor FOB", v.basis),
                    "e.g. basis: CIF",
                ));
            }
            valuation.push(DatedValue {
                from: v.from,
                value: Valuation {
                    basis: v.basis.clone(),
                    include_shipping: v.include_shipping,
                    include_insurance: v.include_insurance,
                    consumer_goods_factor: v.consumer_goods_factor.as_ref().map(|d| d.0),
                },
                reference: self.reference(&v.reference, "valuation")?,
            });
        }
        let valuation = self.sorted(valuation, "valuation")?;
        let mut rounding = Vec::new();
        for r in &f.rounding {
            if r.scale > 4 {
                return Err(self.err_in(
                    "rounding",
                    &[&format!("scale: {}", r.scale)],
                    format!("rounding: scale {} is above 4", r.scale),
                    "e.g. scale: 2 (cents) or 0 (yen)",
                ));
            }
            let at = match r.at {
                RoundingAt::Line => RoundingPoint::Line,
                RoundingAt::Total => RoundingPoint::Total,
            };
            rounding.push(DatedValue {
                from: r.from,
                value: Rounding {
                    scale: r.scale,
                    strategy: r.strategy,
                    at,
                },
                reference: self.reference(&r.reference, "rounding")?,
            });
        }
        let rounding = self.sorted(rounding, "rounding")?;
        let programmes = self.programmes(&f.preferences)?;
        let duty_rounding = self.duty_rounding(&f.duty_rounding)?;
        let mut ids = std::collections::BTreeSet::new();
        let mut destinations = Vec::new();
        let codes: Vec<String> = f.destinations.keys().cloned().collect();
        self.countries(&codes, "destinations")?;
        for (code, decl) in &f.destinations {
            let currency = self.currency(&decl.currency, &format!("destinations.{code}"))?;
            let member =
                |members: &Option<Vec<String>>| members.as_ref().is_none_or(|m| m.contains(code));
            let tax = match &f.tax {
                None => None,
                Some(t) => {
                    let standard = match &t.standard {
                        StandardY::Values(v) => self.dated_rates(v, "tax.standard")?,
                        StandardY::Dataset { dataset } => {
                            self.data.standard_rates(dataset, code).map_err(|e| {
                                self.err(
                                    "dataset",
                                    format!("tax.standard: {code}: {e}"),
                                    "dataset: ibericode | vatverify | world",
                                )
                            })?
                        }
                    };
                    let mut reduced = Vec::new();
                    for r in &t.reduced {
                        if let Some(m) = &r.members {
                            self.countries(m, &r.id)?;
                        }
                        if !member(&r.members) {
                            continue;
                        }
                        reduced.push(ReducedRate {
                            id: r.id.clone(),
                            description: r.description.clone(),
                            hs_prefixes: self.hs_prefixes(&r.hs, &r.id)?,
                            rate: self.dated_rates(&r.rates, &r.id)?,
                        });
                    }
                    let mut regions = Vec::new();
                    for (region, r) in &t.regions {
                        regions.push(RegionRate {
                            region: region.clone(),
                            name: r.name.clone(),
                            rate: self.dated_rates(&r.rates, &format!("tax.regions.{region}"))?,
                        });
                    }
                    Some(TaxSpec {
                        name: t.name.clone(),
                        standard,
                        reduced,
                        regions,
                        base: Self::base(&t.base),
                        split: self.split(&t.split)?,
                    })
                }
            };
            let mut measures = Vec::new();
            for m in &f.measures {
                if destinations.is_empty() && !ids.insert(m.id.clone()) {
                    let id_line = format!("id: {}", m.id);
                    return Err(Diagnostic::new(
                        self.path,
                        self.line_of(&[], &[&id_line], 2),
                        format!("measure id `{}` is used twice", m.id),
                        "ids are unique, e.g. eu.ioss.vat_at_sale",
                    ));
                }
                if m.id.is_empty()
                    || m.id
                        .chars()
                        .any(|c| c.is_ascii_uppercase() || c.is_whitespace())
                {
                    return Err(self.err(
                        &m.id,
                        format!("measure id `{}` must be lower case without spaces", m.id),
                        "e.g. gb.low_value.supply_vat",
                    ));
                }
                if let Some(ms) = &m.members {
                    self.countries(ms, &m.id)?;
                }
                if !member(&m.members) {
                    continue;
                }
                let measure = self.measure(m, &programmes)?;
                self.fee_taxable_here(&measure, tax.is_some(), code)?;
                measures.push(measure);
            }
            destinations.push(Destination {
                code: code.clone(),
                name: decl.name.clone(),
                currency,
                customs_territory: f.customs_territory.clone(),
                coverage: Coverage {
                    from: cov.from,
                    verified_on: cov.verified_on,
                    refuse_from: cov.refuse_from,
                    refused: cov
                        .refused
                        .iter()
                        .map(|w| RefusedWindow {
                            from: w.from,
                            until: w.until,
                            reason: w.reason.clone(),
                            reference: w.reference.clone(),
                        })
                        .collect(),
                },
                valuation: valuation.clone(),
                tariff: tariff.clone(),
                tax,
                measures,
                rounding: rounding.clone(),
                duty_rounding: duty_rounding.clone(),
                programmes: programmes.clone(),
                carriers: Vec::new(),
            });
        }
        Ok(Compiled {
            destinations,
            tariffs: tariff_sources,
        })
    }

    /// The destination's tariff sources by date and the tariff ids they use.
    fn tariffs(
        &self,
        t: &TariffsY,
        cov: &CoverageY,
    ) -> Result<(Dated<TariffSource>, Vec<String>), Diagnostic> {
        let entries: Vec<&TariffY> = match t {
            TariffsY::One(t) => vec![t],
            TariffsY::Dated(v) => v.iter().collect(),
        };
        let mut values = Vec::new();
        let mut used = Vec::new();
        for (k, t) in entries.iter().enumerate() {
            let from = match (t.from, k, &entries[..]) {
                (None, 0, [_]) => cov.from,
                (Some(d), _, [_, _, ..]) => d,
                _ => {
                    return Err(self.err(
                        "tariff",
                        "tariff: a single source has no `from`; each of several sources has one",
                        "e.g. tariff: [{from: 2016-01-01, source: eu-cet-2020, reference: https://...}, {from: 2021-01-01, source: ukgt-2021, reference: https://...}]",
                    ))
                }
            };
            if k == 0 && from != cov.from {
                return Err(self.err(
                    "tariff",
                    format!(
                        "tariff: the first source starts {from}, coverage on {}",
                        cov.from
                    ),
                    "start the first source on coverage.from",
                ));
            }
            let reference = self.reference(&t.reference, "tariff")?;
            let value = match (&t.source, &t.none) {
                (Some(src), None) => {
                    let id = self.data.tariff_id(src).ok_or_else(|| {
                        self.err(
                            src,
                            format!("tariff: unknown source `{src}`"),
                            "one of usitc-2025, ukgt-2021, eu-cet-2020, au-schedule3, jp-customs-2026",
                        )
                    })?;
                    used.push(src.clone());
                    TariffSource::Schedule(TariffBinding {
                        tariff_id: id,
                        reference,
                    })
                }
                (None, Some(reason)) => TariffSource::None(NoTariff {
                    reason: reason.clone(),
                    reference,
                }),
                _ => {
                    return Err(self.err(
                        "tariff",
                        "tariff: give exactly one of `source` and `none`",
                        "e.g. tariff: {source: ukgt-2021, reference: https://...}",
                    ))
                }
            };
            values.push(DatedValue {
                from,
                value,
                reference: t.reference.clone(),
            });
        }
        used.sort();
        used.dedup();
        Ok((self.sorted(values, "tariff")?, used))
    }

    /// A fee that bears tax needs a destination with one.
    pub(crate) fn fee_taxable_here(
        &self,
        m: &Measure,
        has_tax: bool,
        code: &str,
    ) -> Result<(), Diagnostic> {
        if m.effect
            .fee
            .as_ref()
            .is_some_and(|f| f.tax_on_fee.is_some())
            && !has_tax
        {
            return Err(self.err(
                &m.id,
                format!("{}: tax_on_fee, but {code} has no import tax", m.id),
                "drop tax_on_fee where the destination levies no tax",
            ));
        }
        Ok(())
    }

    /// Refused windows must lie inside coverage, in order, without overlap, each with a reason.
    fn refused_windows(&self, cov: &CoverageY) -> Result<(), Diagnostic> {
        let mut last = cov.from;
        for w in &cov.refused {
            if w.from <= last || w.until <= w.from || w.until >= cov.refuse_from {
                return Err(self.err(
                    "refused",
                    format!(
                        "coverage.refused: window {} .. {} must lie after coverage.from ({}) and any earlier window, end after it starts and before refuse_from ({})",
                        w.from, w.until, cov.from, cov.refuse_from
                    ),
                    "e.g. refused: [{from: 2025-02-04, until: 2026-02-24, reason: ..., reference: https://...}]",
                ));
            }
            if w.reason.trim().is_empty() {
                return Err(self.err(
                    "refused",
                    "coverage.refused: give a reason",
                    "reason: what law of the window is not encoded",
                ));
            }
            self.reference(&w.reference, "coverage.refused")?;
            last = w.until;
        }
        Ok(())
    }

    fn measure(&self, m: &MeasureY, programmes: &[Programme]) -> Result<Measure, Diagnostic> {
        let id = &m.id;
        if m.until.is_some_and(|u| u <= m.from) {
            return Err(self.err(
                id,
                format!("{id}: until must be after from"),
                "until is the first day no longer in force",
            ));
        }
        let w = &m.when;
        let when = Conditions {
            channels: w.channels.clone(),
            ship_from: self.countries(&w.ship_from, id)?,
            not_ship_from: self.countries(&w.not_ship_from, id)?,
            registrations: self.known(
                &w.registrations,
                landed::basket::REGISTRATIONS,
                id,
                "registration",
                "e.g. registrations: [EU_IOSS]",
            )?,
            not_registrations: self.known(
                &w.not_registrations,
                landed::basket::REGISTRATIONS,
                id,
                "registration",
                "e.g. not_registrations: [EU_IOSS]",
            )?,
            buyer: w.buyer,
            consignment: w.consignment,
            origins: self.countries(&w.origins, id)?,
            not_origins: self.countries(&w.not_origins, id)?,
            hs_prefixes: self.hs_prefixes(&w.hs, id)?,
            not_hs_prefixes: self.hs_prefixes(&w.not_hs, id)?,
            hs_set: self.hs_set(&w.hs_set, w.hs_set_file.as_deref(), id)?,
            not_hs_set: self.hs_set(&w.not_hs_set, w.not_hs_set_file.as_deref(), id)?,
            preferences: self.programme_ids(&w.preferences, programmes, id)?,
            not_preferences: self.programme_ids(&w.not_preferences, programmes, id)?,
            carriers: self.known(
                &w.carriers,
                landed::basket::CARRIERS,
                id,
                "carrier",
                "one of landed::basket::CARRIERS, e.g. royal_mail",
            )?,
        };
        let test = match &m.test {
            None => None,
            Some(t) => Some(ThresholdTest {
                value: t.value,
                scope: t.scope,
                comparison: t.compare,
                currency: self.currency(&t.currency, id)?,
                threshold: self.dated_amounts(&t.threshold, &format!("{id}.test.threshold"))?,
                counts: t.counts,
            }),
        };
        let duty = match &m.duty {
            None => None,
            Some(DutyY::Word(DutyWord::Waive)) => Some(DutyEffect::Waive),
            Some(DutyY::Word(DutyWord::Tariff)) => Some(DutyEffect::Tariff),
            Some(DutyY::Flat {
                flat_per_distinct_line: f,
            }) => {
                if ![6, 8, 10].contains(&f.digits) {
                    return Err(self.err(
                        "digits",
                        format!("{id}: digits {} is not 6, 8 or 10", f.digits),
                        "e.g. digits: 6",
                    ));
                }
                Some(DutyEffect::FlatPerDistinctLine {
                    amount: self.dated_amounts(&f.amount, &format!("{id}.duty"))?,
                    currency: self.currency(&f.currency, id)?,
                    digits: f.digits,
                })
            }
            Some(DutyY::Table {
                rate_table,
                waive_at_most,
            }) => {
                let waive_at_most = match waive_at_most {
                    None => None,
                    Some(w) => Some(WaiveAtMost {
                        amount: self.dated_amounts(&w.amount, &format!("{id}.waive_at_most"))?,
                        currency: self.currency(&w.currency, id)?,
                    }),
                };
                Some(self.rate_table(rate_table, id, waive_at_most)?)
            }
        };
        let tax = match &m.tax {
            None => None,
            Some(TaxEffectY::Word(TaxWord::Waive)) => Some(TaxEffect::Waive),
            Some(TaxEffectY::PointOfSale { point_of_sale: p }) => Some(TaxEffect::PointOfSale {
                base: Self::base(&p.base),
                factor: p.factor.0,
            }),
            Some(TaxEffectY::Border { border: b }) => {
                Some(TaxEffect::Border { factor: b.factor.0 })
            }
        };
        let additional_ad_valorem = m
            .additional_ad_valorem
            .as_ref()
            .map(|r| self.dated_rates(r, id))
            .transpose()?;
        let fee = match &m.fee {
            None => None,
            Some(f) => {
                if f.taxable {
                    return Err(self.err(
                        "taxable",
                        format!("{id}: taxable fees are not supported yet"),
                        "taxable: false",
                    ));
                }
                let ad_valorem = self.fee_rates(&f.ad_valorem, id)?;
                if f.amount.is_empty() && ad_valorem.is_none() {
                    return Err(self.err(
                        id,
                        format!("{id}: the fee has neither amount nor ad_valorem"),
                        "give amount: [...] and/or ad_valorem: [...]",
                    ));
                }
                Some(Fee {
                    amount: if f.amount.is_empty() {
                        Dated { values: Vec::new() }
                    } else {
                        self.dated_amounts(&f.amount, &format!("{id}.fee"))?
                    },
                    currency: self.currency(&f.currency, id)?,
                    per: f.per,
                    taxable: f.taxable,
                    ad_valorem,
                    payee: f.payee,
                    only_when_due: f.only_when_due,
                    tax_on_fee: f.tax_on_fee,
                })
            }
        };
        let relief = match &m.relief {
            None => None,
            Some(r) => Some(Relief {
                amount: self.dated_amounts(&r.amount, &format!("{id}.relief"))?,
                currency: self.currency(&r.currency, id)?,
            }),
        };
        if m.uncertain && m.notice.is_none() {
            return Err(self.err(
                id,
                format!("{id}: uncertain needs a notice saying what is uncertain"),
                "notice: \"...\"",
            ));
        }
        if duty.is_none()
            && tax.is_none()
            && additional_ad_valorem.is_none()
            && fee.is_none()
            && relief.is_none()
            && m.notice.is_none()
        {
            return Err(self.err(
                id,
                format!("{id}: the measure has no effect"),
                "give at least one of duty, tax, additional_ad_valorem, fee, notice",
            ));
        }
        Ok(Measure {
            id: id.clone(),
            title: m.title.clone(),
            from: m.from,
            until: m.until,
            reference: self.reference(&m.reference, id)?,
            when,
            test,
            effect: Effect {
                duty,
                tax,
                additional_ad_valorem,
                fee,
                notice: m.notice.clone(),
                surcharge_base: m.surcharge_base,
                uncertain: m.uncertain,
                relief,
            },
        })
    }
}

/// The lines that lead to the block a context names, for diagnostics: `tax.standard` →
/// `tax:`, `standard:`; `<measure id>.duty` → `id: <measure id>`, `duty:`; a measure or reduced-rate
/// id → `id: <id>`; `destinations.DE` → `destinations:`, `DE:`.
fn anchors(context: &str) -> Vec<String> {
    const SECTIONS: [&str; 7] = [
        "tax",
        "destinations",
        "valuation",
        "rounding",
        "tariff",
        "coverage",
        "measures",
    ];
    let first = context.split('.').next().unwrap_or_default();
    if SECTIONS.contains(&first) {
        return context.split('.').map(|s| format!("{s}:")).collect();
    }
    for (suffix, key) in [
        (".test.threshold", "threshold:"),
        (".duty", "duty:"),
        (".fee", "fee:"),
    ] {
        if let Some(id) = context.strip_suffix(suffix) {
            return vec![format!("id: {id}"), key.to_string()];
        }
    }
    vec![format!("id: {context}")]
}

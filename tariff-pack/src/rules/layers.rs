//! The parts of a rule file that layer on the tariff: preference programmes, statutory duty
//! truncations, scope lists of codes (`hs_set`, `hs_set_file`), rate tables and ad valorem fees.

use super::{Compiler, Dec};
use crate::diag::Diagnostic;
use landed::pack::model::*;
use landed::Date;
use rust_decimal::Decimal;
use serde::Deserialize;

/// A preference programme (`preferences:`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ProgrammeY {
    id: String,
    name: String,
    origins: Vec<String>,
    from: Date,
    #[serde(default)]
    until: Option<Date>,
    rate: ProgrammeRateY,
    proof: String,
    reference: String,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum ProgrammeRateY {
    Free,
    Column,
}

/// Statutory truncations of the duty (`duty_rounding:`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DutyRoundingY {
    from: Date,
    base_increment: Dec,
    duty_increment: Dec,
    reference: String,
}

/// A category of a rate table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RateEntryY {
    label: String,
    hs: Vec<String>,
    #[serde(default)]
    not_hs: Vec<String>,
    #[serde(default)]
    ad_valorem: Option<Dec>,
    #[serde(default)]
    specific: Option<SpecificY>,
    reference: String,
}

/// A specific duty in the destination's currency.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecificY {
    amount: Dec,
    per: Dec,
    unit: QuantityUnit,
}

/// An ad valorem fee rate with its bounds.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FeeRateY {
    from: Date,
    percent: Dec,
    #[serde(default)]
    base: FeeRateBase,
    #[serde(default)]
    min: Option<Dec>,
    #[serde(default)]
    max: Option<Dec>,
    reference: String,
}

impl Compiler<'_> {
    /// The programmes, sorted by id, each id unique and lower case, origins known countries.
    pub(super) fn programmes(&self, list: &[ProgrammeY]) -> Result<Vec<Programme>, Diagnostic> {
        let mut out: Vec<Programme> = Vec::new();
        for p in list {
            let ok = !p.id.is_empty()
                && p.id.len() <= 64
                && p.id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
            if !ok {
                return Err(self.err(
                    &p.id,
                    format!("preferences: `{}` is not a programme id", p.id),
                    "lowercase letters, digits and dots, e.g. id: us.usmca",
                ));
            }
            if out.iter().any(|q| q.id == p.id) {
                return Err(self.err(
                    &p.id,
                    format!("preferences: `{}` is listed twice", p.id),
                    "ids are unique",
                ));
            }
            if p.until.is_some_and(|u| u <= p.from) || p.origins.is_empty() {
                return Err(self.err(
                    &p.id,
                    format!("{}: needs origins and until after from", p.id),
                    "e.g. {id: us.usmca, origins: [CA, MX], from: 2020-07-01, ...}",
                ));
            }
            let mut origins = self.countries(&p.origins, &p.id)?;
            origins.sort();
            origins.dedup();
            out.push(Programme {
                id: p.id.clone(),
                name: p.name.clone(),
                origins,
                from: p.from,
                until: p.until,
                reference: self.reference(&p.reference, &p.id)?,
                proof: p.proof.clone(),
                rate: match p.rate {
                    ProgrammeRateY::Free => ProgrammeRate::Free,
                    ProgrammeRateY::Column => ProgrammeRate::Column,
                },
            });
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }

    /// The duty truncations as a dated series (empty when the file has none).
    pub(super) fn duty_rounding(
        &self,
        list: &[DutyRoundingY],
    ) -> Result<Dated<DutyIncrements>, Diagnostic> {
        let mut values = Vec::new();
        for r in list {
            let bad = [&r.base_increment, &r.duty_increment]
                .into_iter()
                .find(|d| d.0 <= Decimal::ZERO);
            if let Some(d) = bad {
                return Err(self.err(
                    &d.0.to_string(),
                    "duty_rounding: increments are positive",
                    "e.g. {base_increment: \"1000\", duty_increment: \"100\"}",
                ));
            }
            values.push(DatedValue {
                from: r.from,
                value: DutyIncrements {
                    base_increment: r.base_increment.0,
                    duty_increment: r.duty_increment.0,
                },
                reference: self.reference(&r.reference, "duty_rounding")?,
            });
        }
        if values.is_empty() {
            return Ok(Dated { values });
        }
        self.sorted(values, "duty_rounding")
    }

    /// A set of codes from an inline list and/or a file under `tariff-pack/data/` (one code per
    /// line, `#` starts a comment); `None` when neither is given.
    pub(super) fn hs_set(
        &self,
        inline: &[String],
        file: Option<&str>,
        context: &str,
    ) -> Result<Option<HsSet>, Diagnostic> {
        if inline.is_empty() && file.is_none() {
            return Ok(None);
        }
        let mut codes: Vec<String> = inline.to_vec();
        if let Some(f) = file {
            let text = self.data.code_list(f).map_err(|e| {
                self.err_in(
                    context,
                    &[f],
                    format!("{context}: cannot read the code list `{f}` ({e})"),
                    "a path under tariff-pack/data/, one code per line",
                )
            })?;
            for line in text.lines() {
                let code = line.split('#').next().unwrap_or_default().trim();
                if !code.is_empty() {
                    codes.push(code.to_owned());
                }
            }
        }
        let set = HsSet::from_codes(codes.iter().map(String::as_str)).map_err(|bad| {
            self.err_in(
                context,
                &[],
                format!("{context}: `{bad}` is not a code of 2 to 10 digits"),
                "e.g. hs_set: [\"84713001\"]",
            )
        })?;
        if set.is_empty() {
            return Err(self.err_in(
                context,
                &[],
                format!("{context}: the code list is empty"),
                "list at least one code",
            ));
        }
        Ok(Some(set))
    }

    /// A rate table's categories, in order; each has exactly one of `ad_valorem` and `specific`.
    pub(super) fn rate_table(
        &self,
        entries: &[RateEntryY],
        id: &str,
        waive_at_most: Option<WaiveAtMost>,
    ) -> Result<DutyEffect, Diagnostic> {
        let mut out = Vec::new();
        for e in entries {
            let (text, term) = match (&e.ad_valorem, &e.specific) {
                (Some(a), None) if !a.0.is_sign_negative() && a.0 <= Decimal::ONE_HUNDRED => {
                    (format!("{}%", a.0), DutyTerm::AdValorem(a.0))
                }
                (None, Some(s)) if s.per.0 > Decimal::ZERO && !s.amount.0.is_sign_negative() => (
                    format!("{} per {} {:?}", s.amount.0, s.per.0, s.unit).to_lowercase(),
                    DutyTerm::Specific {
                        amount: s.amount.0,
                        per: s.per.0,
                        unit: s.unit,
                    },
                ),
                _ => {
                    return Err(self.err_in(
                        id,
                        &[&e.label],
                        format!(
                            "{id}: category `{}` needs one of ad_valorem (0-100) and specific",
                            e.label
                        ),
                        "e.g. {label: ..., hs: [\"6109\"], ad_valorem: \"10\", reference: ...}",
                    ))
                }
            };
            out.push(RateEntry {
                label: e.label.clone(),
                hs_prefixes: self.hs_prefixes(&e.hs, id)?,
                not_hs_prefixes: self.hs_prefixes(&e.not_hs, id)?,
                expr: DutyExpr {
                    text,
                    terms: vec![term],
                    min: None,
                    max: None,
                    unparsed: false,
                    or_lower: Vec::new(),
                },
                reference: self.reference(&e.reference, id)?,
            });
        }
        Ok(DutyEffect::RateTable {
            entries: out,
            waive_at_most,
        })
    }

    /// An ad valorem fee's dated rates.
    pub(super) fn fee_rates(
        &self,
        list: &[FeeRateY],
        id: &str,
    ) -> Result<Option<Dated<FeeRate>>, Diagnostic> {
        if list.is_empty() {
            return Ok(None);
        }
        let mut values = Vec::new();
        for r in list {
            let p = r.percent.0;
            let (min, max) = (r.min.as_ref().map(|d| d.0), r.max.as_ref().map(|d| d.0));
            if p.is_sign_negative()
                || p > Decimal::ONE_HUNDRED
                || min.is_some_and(|m| m.is_sign_negative())
                || matches!((min, max), (Some(a), Some(b)) if a > b)
            {
                return Err(self.err_in(
                    id,
                    &[&p.to_string()],
                    format!("{id}: fee rate {p}% with bounds {min:?}..{max:?} is not valid"),
                    "e.g. {percent: \"0.3464\", min: \"33.58\", max: \"651.50\"}",
                ));
            }
            values.push(DatedValue {
                from: r.from,
                value: FeeRate {
                    percent: p,
                    base: r.base,
                    min,
                    max,
                },
                reference: self.reference(&r.reference, id)?,
            });
        }
        self.sorted(values, id).map(Some)
    }
}

//! The carriers file (`tariff-pack/rules/carriers/carriers.yaml`): which carriers deliver to which
//! destinations, which is each destination's postal operator, and the carriers' own clearance
//! and handling fees as dated, cited measures appended to the destinations they apply to.

use super::{Compiler, Datasets, MeasureY};
use crate::diag::Diagnostic;
use landed::pack::model::{CarrierRef, Destination, FeePayee, NoFee};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CarrierFile {
    carriers: BTreeMap<String, CarrierY>,
    #[serde(default)]
    fees: Vec<MeasureY>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CarrierY {
    name: String,
    /// Destinations it delivers to.
    serves: Vec<String>,
    /// Destinations whose designated postal operator it is.
    #[serde(default)]
    default_post: Vec<String>,
    reference: String,
    /// Destinations where the carrier states it charges no clearance or collection fee.
    #[serde(default)]
    no_fee: Vec<NoFeeY>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NoFeeY {
    destinations: Vec<String>,
    from: landed::Date,
    reference: String,
}

/// Adds the carriers of `path` to the destinations they serve and their fees (measures whose
/// `members` name the destinations, filtered on `when.carriers`, paid to the carrier) to the end of
/// those destinations' measures. Destinations the pack does not have are skipped.
pub fn compile_carriers(
    path: &Path,
    data: &dyn Datasets,
    destinations: &mut [Destination],
) -> Result<(), Diagnostic> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Diagnostic::new(path, 0, format!("cannot read: {e}"), ""))?;
    let file: CarrierFile = serde_yaml::from_str(&text).map_err(|e| {
        let line = e.location().map_or(0, |l| l.line());
        Diagnostic::new(path, line, e.to_string(), "see tariff-pack/rules/README.md")
    })?;
    let c = Compiler {
        path,
        text: &text,
        data,
    };
    for (id, k) in &file.carriers {
        if !landed::basket::CARRIERS.contains(&id.as_str()) {
            return Err(c.err(
                id,
                format!("carrier `{id}` is not in landed::basket::CARRIERS"),
                "add the stable id to the contract first",
            ));
        }
        c.countries(&k.serves, id)?;
        for d in &k.default_post {
            if !k.serves.contains(d) {
                return Err(c.err(
                    id,
                    format!("{id}: default_post {d} is not among the destinations it serves"),
                    "list it under serves too",
                ));
            }
        }
        let reference = c.reference(&k.reference, id)?;
        for n in &k.no_fee {
            c.countries(&n.destinations, id)?;
            c.reference(&n.reference, id)?;
            if let Some(d) = n.destinations.iter().find(|d| !k.serves.contains(d)) {
                return Err(c.err(
                    id,
                    format!("{id}: no_fee names {d}, which it does not serve"),
                    "list it under serves too",
                ));
            }
        }
        for dest in destinations
            .iter_mut()
            .filter(|d| k.serves.contains(&d.code))
        {
            dest.carriers.push(CarrierRef {
                id: id.clone(),
                name: k.name.clone(),
                default_post: k.default_post.contains(&dest.code),
                reference: reference.clone(),
                no_fee: k
                    .no_fee
                    .iter()
                    .find(|n| n.destinations.contains(&dest.code))
                    .map(|n| NoFee {
                        from: n.from,
                        reference: n.reference.clone(),
                    }),
            });
        }
    }
    for d in destinations.iter() {
        if d.carriers.iter().filter(|k| k.default_post).count() > 1 {
            return Err(c.err(
                "default_post",
                format!("{} has more than one default postal operator", d.code),
                "one designated operator per destination",
            ));
        }
    }
    for m in &file.fees {
        let Some(members) = &m.members else {
            return Err(c.err(
                &m.id,
                format!(
                    "{}: a carrier fee names its destinations in `members`",
                    m.id
                ),
                "members: [GB]",
            ));
        };
        if m.when.carriers.is_empty() {
            return Err(c.err(
                &m.id,
                format!(
                    "{}: a carrier fee names its carriers in `when.carriers`",
                    m.id
                ),
                "when: {carriers: [royal_mail]}",
            ));
        }
        for dest in destinations
            .iter_mut()
            .filter(|d| members.contains(&d.code))
        {
            for k in &m.when.carriers {
                if !dest.carriers.iter().any(|x| &x.id == k) {
                    return Err(c.err(
                        &m.id,
                        format!("{}: carrier {k} does not serve {}", m.id, dest.code),
                        "add the destination to the carrier's serves",
                    ));
                }
            }
            let measure = c.measure(m, &dest.programmes)?;
            c.fee_taxable_here(&measure, dest.tax.is_some(), &dest.code)?;
            if measure
                .effect
                .fee
                .as_ref()
                .is_none_or(|f| f.payee != FeePayee::Carrier)
            {
                return Err(c.err(
                    &m.id,
                    format!("{}: a carrier fee has a fee paid to the carrier", m.id),
                    "fee: {payee: carrier, ...}",
                ));
            }
            dest.measures.push(measure);
        }
    }
    Ok(())
}

//! The carriers file: carriers attach to the destinations they serve, their fees to the end of
//! those destinations' measures; a file that names an unknown carrier, a fee without destinations
//! or carriers, or a carrier that does not serve a fee's destination is refused with its line.

use landed::pack::model::{Dated, FeePayee};
use landed_pack::rules::{compile_carriers, compile_str, Datasets};
use rust_decimal::Decimal;
use std::path::Path;

struct Stub;

impl Datasets for Stub {
    fn standard_rates(&self, _: &str, _: &str) -> Result<Dated<Decimal>, String> {
        Err("none".into())
    }
    fn tariff_id(&self, _: &str) -> Option<String> {
        None
    }
}

const GB: &str = r#"
destinations:
  GB: {name: United Kingdom, currency: GBP}
customs_territory: GB
coverage: {from: 2021-01-01, verified_on: 2026-11-25, refuse_from: 2028-01-01}
tariff: {none: "no tariff", reference: "https://example.org/t"}
valuation:
  - {from: 2021-01-01, basis: CIF, include_shipping: true, include_insurance: true, reference: "https://example.org/v"}
rounding:
  - {from: 2021-01-01, scale: 2, strategy: MidpointAwayFromZero, at: line, reference: "https://example.org/r"}
"#;

const FEE: &str = r#"
  - id: gb.royal_mail.handling_fee
    title: Royal Mail handling fee
    members: [GB]
    from: 2021-01-01
    reference: https://example.org/rm
    when: {carriers: [royal_mail]}
    fee:
      currency: GBP
      per: consignment
      taxable: false
      payee: carrier
      only_when_due: true
      amount:
        - {from: 2021-01-01, amount: "8", reference: "https://example.org/rm"}
"#;

fn run(carriers_yaml: &str) -> Result<Vec<landed::pack::model::Destination>, String> {
    let dir = std::env::temp_dir().join(format!("landed-carriers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("c{}.yaml", carriers_yaml.len()));
    std::fs::write(&path, carriers_yaml).unwrap();
    let mut dests = compile_str(Path::new("GB.yaml"), GB, &Stub)
        .map_err(|d| d.to_string())?
        .destinations;
    compile_carriers(&path, &Stub, &mut dests).map_err(|d| d.to_string())?;
    Ok(dests)
}

#[test]
fn carriers_attach_and_fees_are_appended() {
    let d = run(&format!(
        "carriers:\n  royal_mail: {{name: Royal Mail, serves: [GB, FR], default_post: [GB], reference: https://example.org/upu}}\n  ups: {{name: UPS, serves: [GB], reference: https://example.org/ups}}\nfees:{FEE}"
    ))
    .unwrap();
    let gb = &d[0];
    assert_eq!(gb.carriers.len(), 2);
    assert!(gb
        .carriers
        .iter()
        .any(|c| c.id == "royal_mail" && c.default_post));
    assert!(gb.carriers.iter().any(|c| c.id == "ups" && !c.default_post));
    let m = gb.measures.last().unwrap();
    assert_eq!(m.id, "gb.royal_mail.handling_fee");
    assert_eq!(m.when.carriers, ["royal_mail"]);
    let fee = m.effect.fee.as_ref().unwrap();
    assert_eq!((fee.payee, fee.only_when_due), (FeePayee::Carrier, true));
}

#[test]
fn bad_carrier_files_are_refused_with_their_reason() {
    let serves = "carriers:\n  royal_mail: {name: Royal Mail, serves: [GB], default_post: [GB], reference: https://example.org/upu}\n";
    for (text, want) in [
        (
            "carriers:\n  acme: {name: Acme, serves: [GB], reference: https://example.org/a}\n".to_owned(),
            "not in landed::basket::CARRIERS",
        ),
        (
            "carriers:\n  ups: {name: UPS, serves: [GB], default_post: [FR], reference: https://example.org/a}\n".to_owned(),
            "is not among the destinations it serves",
        ),
        (
            "carriers:\n  ups: {name: UPS, serves: [GB], reference: https://example.org/a, no_fee: [{destinations: [FR], from: 2026-01-01, reference: https://example.org/n}]}\n".to_owned(),
            "no_fee names FR, which it does not serve",
        ),
        (
            format!("{serves}fees:{}", FEE.replace("    members: [GB]\n", "")),
            "names its destinations in `members`",
        ),
        (
            format!("{serves}fees:{}", FEE.replace("when: {carriers: [royal_mail]}", "when: {channels: [post]}")),
            "names its carriers in `when.carriers`",
        ),
        (
            format!("{serves}fees:{}", FEE.replace("[royal_mail]", "[ups]")),
            "carrier ups does not serve GB",
        ),
        (
            format!("{serves}fees:{}", FEE.replace("      payee: carrier\n", "")),
            "a fee paid to the carrier",
        ),
        (
            // The test destination levies no import tax: a fee cannot bear it.
            format!("{serves}fees:{}", FEE.replace("      only_when_due: true\n", "      only_when_due: true\n      tax_on_fee: standard\n")),
            "tax_on_fee, but GB has no import tax",
        ),
    ] {
        let e = run(&text).unwrap_err();
        assert!(e.contains(want), "{e}\n--- for ---\n{text}");
    }
}

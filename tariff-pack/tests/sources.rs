//! Tests of the source parsers against the vendored data and small bad fixtures.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::str::FromStr;

use landed::date::Date;
use landed::pack::{DutyExpr, DutyTerm, QuantityUnit, Tariff};
use landed_pack::sources::{self, au, files, fx, hs, ukgt, usitc, vat};
use rust_decimal::Decimal;

mod common;
use common::{data, fixture};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}
fn av(p: &str) -> DutyTerm {
    DutyTerm::AdValorem(d(p))
}
fn sp(amount: &str, per: &str, unit: QuantityUnit) -> DutyTerm {
    DutyTerm::Specific {
        amount: d(amount),
        per: d(per),
        unit,
    }
}
fn expr(
    text: &str,
    terms: Vec<DutyTerm>,
    min: Option<DutyTerm>,
    max: Option<DutyTerm>,
) -> DutyExpr {
    DutyExpr {
        text: text.into(),
        terms,
        min,
        max,
        unparsed: false,
        or_lower: Vec::new(),
    }
}
fn unparsed(text: &str) -> DutyExpr {
    DutyExpr {
        text: text.into(),
        terms: vec![],
        min: None,
        max: None,
        unparsed: true,
        or_lower: Vec::new(),
    }
}
fn line_expr<'a>(t: &'a Tariff, code: &str) -> &'a DutyExpr {
    let digits = u8::try_from(code.len()).unwrap();
    let n: u64 = code.parse().unwrap();
    let line = t
        .lines
        .iter()
        .find(|l| l.code == n && l.digits == digits)
        .unwrap_or_else(|| panic!("{} has no line {code}", t.id));
    &t.exprs[line.expr as usize]
}
fn check_tariff_shape(t: &Tariff) {
    assert!(
        t.lines
            .windows(2)
            .all(|w| (w[0].digits, w[0].code) < (w[1].digits, w[1].code)),
        "{} lines sorted",
        t.id
    );
    let distinct: std::collections::HashSet<&DutyExpr> = t.exprs.iter().collect();
    assert_eq!(
        distinct.len(),
        t.exprs.len(),
        "{} expressions interned",
        t.id
    );
    assert!(t.lines.iter().all(|l| (l.expr as usize) < t.exprs.len()));
}

// ---------------------------------------------------------------------------------------------- USITC

#[test]
fn usitc_every_ordinary_line_reproduces_the_structured_columns() {
    let path = data(files::USITC);
    let (tariff, stats) = usitc::load(&path).unwrap();
    assert_eq!(tariff.id, "us-usitc-2025");
    assert_eq!(tariff.currency, "USD");
    assert_eq!(tariff.hs_edition, 2022);
    assert_eq!(tariff.rates_as_of, Date::new(2025, 6, 6).unwrap());
    assert_eq!(tariff.lines.len(), 11_414, "ordinary lines per SOURCE.md");
    assert_eq!(stats.rows_read, 12_907);
    assert_eq!(stats.skipped.values().sum::<u64>(), 432 + 1061);
    check_tariff_shape(&tariff);

    // Independent read of the file.
    let text = std::fs::read_to_string(&path).unwrap();
    let file_lines: Vec<&str> = text.lines().collect();
    let mut rdr = csv::Reader::from_path(&path).unwrap();
    let h = rdr.headers().unwrap().clone();
    let idx = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (ih, it, ik, ia, is, io) = (
        idx("hts8"),
        idx("mfn_text_rate"),
        idx("mfn_rate_type_code"),
        idx("mfn_ad_val_rate"),
        idx("mfn_specific_rate"),
        idx("mfn_other_rate"),
    );
    let mut rows: HashMap<String, csv::StringRecord> = HashMap::new();
    for r in rdr.records() {
        let r = r.unwrap();
        rows.insert(r[ih].to_string(), r);
    }
    let mut checked_parsed = 0;
    for line in &tariff.lines {
        assert_eq!(line.digits, 8);
        let hts = format!("{:08}", line.code);
        assert!(
            file_lines[line.source_row as usize - 1].starts_with(&format!("{hts},")),
            "source_row {} of {hts} points at another row",
            line.source_row
        );
        let r = &rows[&hts];
        let e = &tariff.exprs[line.expr as usize];
        assert_eq!(e.text, r[it].trim());
        let kind = &r[ik];
        match kind {
            "9" | "K" => assert!(e.unparsed, "{hts}"),
            "X" | "T" => {}
            _ => {
                assert!(!e.unparsed, "{hts} type {kind} must parse: {}", e.text);
                let adv: Decimal = e
                    .terms
                    .iter()
                    .map(|t| {
                        if let DutyTerm::AdValorem(p) = t {
                            *p
                        } else {
                            Decimal::ZERO
                        }
                    })
                    .sum();
                assert_eq!(adv, d(&r[ia]) * Decimal::ONE_HUNDRED, "{hts} ad valorem");
                let mut cols: Vec<Decimal> = [&r[is], &r[io]]
                    .iter()
                    .map(|s| d(s))
                    .filter(|x| !x.is_zero())
                    .collect();
                for t in &e.terms {
                    if let DutyTerm::Specific { amount, per, .. } = t {
                        let pos = cols
                            .iter()
                            .position(|c| c == amount || *c == *amount / *per);
                        assert!(
                            pos.is_some(),
                            "{hts}: specific {amount}/{per} not in the columns {cols:?}"
                        );
                        cols.remove(pos.unwrap());
                    }
                }
                assert!(
                    cols.is_empty(),
                    "{hts}: column amounts {cols:?} missing from the expression"
                );
                if kind == "0" {
                    assert!(e.terms.is_empty(), "{hts} free");
                }
                if kind == "7" {
                    assert!(
                        matches!(e.terms.as_slice(), [DutyTerm::AdValorem(_)]),
                        "{hts} ad valorem only"
                    );
                }
                checked_parsed += 1;
            }
        }
    }
    assert!(checked_parsed > 11_200, "{checked_parsed}");
    assert_eq!(
        stats.unparsed_lines,
        tariff
            .lines
            .iter()
            .filter(|l| tariff.exprs[l.expr as usize].unparsed)
            .count() as u64
    );
    // A few exact expressions.
    assert_eq!(
        *line_expr(&tariff, "02011050"),
        expr("26.40%", vec![av("26.40")], None, None)
    );
    assert_eq!(
        *line_expr(&tariff, "04014025"),
        expr(
            "77.2 cents/liter",
            vec![sp("0.772", "1", QuantityUnit::Litre)],
            None,
            None
        )
    );
    assert_eq!(
        *line_expr(&tariff, "62012011"),
        expr(
            "41 cents/kg + 16.3%",
            vec![sp("0.41", "1", QuantityUnit::Kg), av("16.3")],
            None,
            None
        )
    );
    assert_eq!(
        *line_expr(&tariff, "06011015"),
        expr(
            "89.6 cents/1000",
            vec![sp("0.896", "1000", QuantityUnit::Item)],
            None,
            None
        )
    );
    assert_eq!(
        *line_expr(&tariff, "85171300"),
        expr("Free", vec![], None, None)
    );
}

// ---------------------------------------------------------------------------------------------- UK / EU

/// The rate a programme's preferential column gives a line, if any.
fn preference<'a>(t: &'a Tariff, programme: &str, code: &str) -> Option<&'a DutyExpr> {
    let n: u64 = code.parse().unwrap();
    let line = t
        .lines
        .iter()
        .position(|l| l.code == n && usize::from(l.digits) == code.len())
        .unwrap();
    let col = t.preferences.iter().find(|c| c.programme == programme)?;
    let k = col
        .lines
        .binary_search_by_key(&u32::try_from(line).unwrap(), |x| x.0)
        .ok()?;
    Some(&t.exprs[col.lines[k].1 as usize])
}

#[test]
fn usitc_special_column_gives_the_fta_rates() {
    let (t, stats) = usitc::load(&data(files::USITC)).unwrap();
    let ids: Vec<&str> = t.preferences.iter().map(|c| c.programme.as_str()).collect();
    assert_eq!(ids.len(), 15, "{ids:?}");
    for c in &t.preferences {
        assert!(
            c.lines.windows(2).all(|w| w[0].0 < w[1].0),
            "{} sorted",
            c.programme
        );
        assert!(c
            .lines
            .iter()
            .all(|&(l, e)| (l as usize) < t.lines.len() && (e as usize) < t.exprs.len()));
    }
    check_tariff_shape(&t);
    // 6109.10.00: `Free (AU,BH,CL,CO,IL,JO,KR,MA,OM,P,PA,PE,S,SG)`.
    for p in [
        "us.usmca",
        "us.korus",
        "us.ausfta",
        "us.cafta_dr",
        "us.israel",
    ] {
        assert_eq!(
            *preference(&t, p, "61091000").unwrap(),
            expr("Free", vec![], None, None),
            "{p}"
        );
    }
    assert!(
        preference(&t, "us.japan", "61091000").is_none(),
        "JP does not cover T-shirts"
    );
    // 0201.10.50: `... 1.7% (KR) See 9822.04.01-9822.04.03 (AU) ...`; 1704.10.00: `... 1.6% (JP)`;
    // 0402.10.50: `5.7 cents/kg (CO,KR,PA)`.
    let kg =
        |text: &str, amount: &str| expr(text, vec![sp(amount, "1", QuantityUnit::Kg)], None, None);
    let samples = [
        (
            "us.korus",
            "02011050",
            expr("1.7%", vec![av("1.7")], None, None),
        ),
        (
            "us.japan",
            "17041000",
            expr("1.6%", vec![av("1.6")], None, None),
        ),
        ("us.panama", "04021050", kg("5.7 cents/kg", "0.057")),
    ];
    for (p, code, want) in samples {
        assert_eq!(*preference(&t, p, code).unwrap(), want, "{p} {code}");
    }
    assert!(
        preference(&t, "us.ausfta", "02011050").is_none(),
        "a `See 9822...` rate is not kept"
    );
    // Jordan's cents sign: 2204.30.00 `1.9¢/liter + 13.9¢/pf. liter (JO)`.
    let jo = preference(&t, "us.jordan", "22043000").unwrap();
    assert_eq!(jo.text, "1.9¢/liter + 13.9¢/pf. liter");
    assert!(!jo.unparsed && jo.terms.len() == 2, "{jo:?}");
    assert_eq!(stats.preferences["us.usmca: rate kept"], 6929);
    assert!(
        !stats.preferences.keys().any(|k| k.contains("differ")),
        "{:?}",
        stats.preferences
    );
}

#[test]
fn ukgt_and_cet_samples() {
    let t = ukgt::load(&data(files::UKGT)).unwrap();
    let (gb, eu) = (&t.gb, &t.eu);
    assert_eq!(
        (gb.id.as_str(), gb.currency.as_str(), gb.hs_edition),
        ("gb-ukgt-2021", "GBP", 2017)
    );
    assert_eq!(
        (eu.id.as_str(), eu.currency.as_str(), eu.hs_edition),
        ("eu-cet-2020", "EUR", 2017)
    );
    assert_eq!(gb.rates_as_of, Date::new(2021, 1, 1).unwrap());
    assert_eq!(eu.rates_as_of, Date::new(2020, 12, 31).unwrap());
    assert_eq!(gb.lines.len(), 11_830);
    assert_eq!(gb.lines.iter().filter(|l| l.digits == 10).count(), 2_456);
    check_tariff_shape(gb);
    check_tariff_shape(eu);
    use QuantityUnit::*;
    let gb_cases = [
        ("01012100", expr("0.0%", vec![], None, None)),
        ("01012990", expr("10.0%", vec![av("10")], None, None)),
        (
            "02013000",
            expr(
                "12.00% + 253.00 GBP/100kg",
                vec![av("12"), sp("253", "100", Kg)],
                None,
                None,
            ),
        ),
        (
            "02031955",
            expr("72.00 GBP/100kg", vec![sp("72", "100", Kg)], None, None),
        ),
        (
            "01051111",
            expr(
                "43.00 GBP/1000 items",
                vec![sp("43", "1000", Item)],
                None,
                None,
            ),
        ),
        (
            "2204218595",
            expr(
                "1.40 GBP / % vol / hl",
                vec![sp("1.4", "1", Other)],
                None,
                None,
            ),
        ),
        (
            "07104000",
            expr(
                "4.00% + 7.80 GBP/100kg eda",
                vec![av("4"), sp("7.8", "100", Other)],
                None,
                None,
            ),
        ),
        (
            "07020000",
            unparsed("8.00% (01 NOV - 14 MAY), 14.00% (15 MAY - 31 OCT)"),
        ),
    ];
    for (code, want) in gb_cases {
        assert_eq!(*line_expr(gb, code), want, "GB {code}");
    }
    let eu_cases = [
        (
            "02013000",
            expr(
                "12.80% + 303.40 EUR / 100 kg",
                vec![av("12.8"), sp("303.4", "100", Kg)],
                None,
                None,
            ),
        ),
        (
            "07049010",
            expr(
                "12.00% MIN 0.40 EUR / 100 kg",
                vec![av("12")],
                Some(sp("0.4", "100", Kg)),
                None,
            ),
        ),
        (
            "24011035",
            expr(
                "18.40% MIN 22.00 EUR / 100 kg MAX 24.00 EUR / 100 kg",
                vec![av("18.4")],
                Some(sp("22", "100", Kg)),
                Some(sp("24", "100", Kg)),
            ),
        ),
        (
            "17041010",
            expr(
                "6.20% + 27.10 EUR / 100 kg MAX 17.90%",
                vec![av("6.2"), sp("27.1", "100", Kg)],
                None,
                Some(av("17.9")),
            ),
        ),
        (
            "08039010",
            expr(
                "114.00 EUR / tonne",
                vec![sp("114", "1000", Kg)],
                None,
                None,
            ),
        ),
        (
            "16023111",
            expr(
                "1,024.00 EUR / tonne",
                vec![sp("1024", "1000", Kg)],
                None,
                None,
            ),
        ),
        (
            "01051111",
            expr(
                "52.00 EUR / 1,000 items",
                vec![sp("52", "1000", Item)],
                None,
                None,
            ),
        ),
        (
            "1902301010",
            expr(
                "6.4 + 24.6 EUR/100 kg",
                vec![av("6.4"), sp("24.6", "100", Kg)],
                None,
                None,
            ),
        ),
        ("07020000", unparsed("Entry Price")),
        ("17049051", unparsed("9.00% +  EA MAX 18.70%  + ADSZ")),
        (
            "17049030",
            unparsed("9.10% + 45.10 EUR / 100 kg MAX 18.90% + 16.50 EUR / 100 kg"),
        ),
    ];
    for (code, want) in eu_cases {
        assert_eq!(*line_expr(eu, code), want, "EU {code}");
    }
    assert!(t.eu_stats.unparsed_lines > 0 && t.eu_stats.unparsed_lines < 200);
    assert!(t.gb_stats.unparsed_lines > 0 && t.gb_stats.unparsed_lines < 50);
}

// ---------------------------------------------------------------------------------------------- AU

#[test]
fn au_samples() {
    let (t, stats) = au::load(&data(files::AU_SCHEDULE3)).unwrap();
    assert_eq!(
        (t.id.as_str(), t.currency.as_str(), t.hs_edition),
        ("au-schedule3", "AUD", 2022)
    );
    assert_eq!(stats.rows_read, 7_671);
    check_tariff_shape(&t);
    assert_eq!(
        t.uncovered_chapters,
        vec![
            28, 30, 32, 33, 35, 37, 50, 51, 52, 54, 55, 56, 58, 59, 60, 61, 62, 72, 73, 74, 76, 78,
            81, 83
        ]
    );
    use QuantityUnit::*;
    let cases = [
        ("01012100", expr("Free", vec![], None, None)),
        ("05119910", expr("5%", vec![av("5")], None, None)),
        ("20088000", expr("5% CAFree", vec![av("5")], None, None)),
        (
            "07095200",
            expr("5% DCS4% DCT5%", vec![av("5")], None, None),
        ),
        (
            "27071000",
            expr(
                "$0.526/L NZ/PG/FI/DC/LDC/SG $0.526/L",
                vec![sp("0.526", "1", Litre)],
                None,
                None,
            ),
        ),
        (
            "95045090",
            expr(
                "5% From1July2018 3.75% From1July2019 Free",
                vec![],
                None,
                None,
            ),
        ),
        (
            "42031000",
            expr("10% DC5% From 1 January 2015 5%", vec![av("5")], None, None),
        ),
        (
            "22041083",
            expr(
                "5%, and $107.99/L of alcohol NZ/PG/FI/DC/LDC/SG $107.99/L of alcohol",
                vec![av("5"), sp("107.99", "1", Other)],
                None,
                None,
            ),
        ),
        (
            "24012000",
            expr(
                "$2,445.26/kg of tobacco content NZ/PG/FI/DC/LDC $2,445.26/kg of tobacco content",
                vec![sp("2445.26", "1", Other)],
                None,
                None,
            ),
        ),
        (
            "20092100",
            expr(
                "5%, or, if lower, $0.45/kg TSS",
                vec![av("5")],
                None,
                Some(sp("0.45", "1", Other)),
            ),
        ),
        (
            "04061000",
            expr(
                "$1.220/kg DC$1.220/kg, less 5%",
                vec![sp("1.22", "1", Kg)],
                None,
                None,
            ),
        ),
        (
            "24021020",
            expr(
                "$1.52829/stick NZ/PG/FI/DC/LDC $1.52829/stick",
                vec![sp("1.52829", "1", Item)],
                None,
                None,
            ),
        ),
        ("85171300", expr("Free", vec![], None, None)),
        ("846259", unparsed("View TCOs for 8462.59")),
    ];
    for (code, want) in cases {
        assert_eq!(*line_expr(&t, code), want, "AU {code}");
    }
    let e = line_expr(&t, "22030063");
    assert!(e.unparsed && e.text.starts_with("$10.57/L of alcohol, calculated"));
}

// ---------------------------------------------------------------------------------------------- bad input

fn err_of<T: std::fmt::Debug>(r: Result<T, sources::SourceError>) -> String {
    r.unwrap_err().to_string()
}

fn assert_msg(msg: &str, file_line: &str, example: &str) {
    assert!(msg.contains(file_line), "`{msg}` should name {file_line}");
    assert!(
        msg.contains(&format!("expected e.g. {example}")),
        "`{msg}` should give the example {example}"
    );
}

#[test]
fn bad_usitc_rows_are_reported_with_file_and_line() {
    let m = err_of(usitc::load(&fixture("usitc_bad_code.csv")));
    assert_msg(
        &m,
        "usitc_bad_code.csv:3: bad hts8 code `0101210`",
        "`01012100`",
    );
    let m = err_of(usitc::load(&fixture("usitc_missing_column.csv")));
    assert_msg(
        &m,
        "usitc_missing_column.csv:1: missing column `mfn_ad_val_rate`",
        "a header with columns hts8,",
    );
    let m = err_of(usitc::load(&fixture("usitc_mismatch.csv")));
    assert_msg(
        &m,
        "usitc_mismatch.csv:3: mfn_text_rate `26.40%` does not match",
        "hts8 `02011050`",
    );
    let m = err_of(usitc::load(&fixture("usitc_bad_rate.csv")));
    assert_msg(
        &m,
        "usitc_bad_rate.csv:3: bad percentage `26.4.0%`",
        "`6.5%`",
    );
}

#[test]
fn bad_ukgt_rows_are_reported_with_file_and_line() {
    let m = err_of(ukgt::load(&fixture("ukgt_bad_rate.csv")));
    assert_msg(
        &m,
        "ukgt_bad_rate.csv:2: bad percentage `1O.00%`",
        "`10.00% + 77.00 GBP/100kg`",
    );
    let m = err_of(ukgt::load(&fixture("ukgt_bad_code.csv")));
    assert_msg(
        &m,
        "ukgt_bad_code.csv:3: bad commodity code `0101AB00`",
        "`01012100`",
    );
    let m = err_of(ukgt::load(&fixture("ukgt_wrong_currency.csv")));
    assert_msg(
        &m,
        "ukgt_wrong_currency.csv:2: amount in EUR in a GBP tariff",
        "`10.00% + 77.00 GBP/100kg`",
    );
    let m = err_of(ukgt::load(&fixture("ukgt_missing_column.csv")));
    assert_msg(
        &m,
        "ukgt_missing_column.csv:1: missing column `cet_duty_rate`",
        "a header with columns commodity,",
    );
}

#[test]
fn bad_au_ecb_vat_and_correlation_rows_are_reported() {
    let m = err_of(au::load(&fixture("au_bad_rate.csv")));
    assert_msg(
        &m,
        "au_bad_rate.csv:3: bad rate number `5.5.5`",
        "`Free`, `5%`",
    );
    let m = err_of(au::load(&fixture("au_bad_code.csv")));
    assert_msg(
        &m,
        "au_bad_code.csv:2: bad reference_number `0101.2100`",
        "`0101.21.00`",
    );
    let m = err_of(fx::load(&fixture("ecb_bad_rate.csv")));
    assert_msg(&m, "ecb_bad_rate.csv:3: bad USD rate `1.1x`", "`1.1684`");
    let m = err_of(vat::standard_rates_from(
        &fixture("world_bad_rate.json"),
        vat::VatDataset::World,
        "NZ",
    ));
    assert_msg(
        &m,
        "world_bad_rate.json:8: NZ: rate `1.5` above 1",
        "`0.2` (a fraction)",
    );
    let h22 = hs::load_subheadings(&data(files::HS2022)).unwrap();
    let h17 = hs::load_subheadings(&data(files::HS2017)).unwrap();
    let m = err_of(hs::load_correlation(
        &fixture("correlation_identity.csv"),
        &h22,
        &h17,
    ));
    assert_msg(
        &m,
        "correlation_identity.csv:3: 010121 exists in HS 2017",
        "`851713,851712,",
    );
}

// ---------------------------------------------------------------------------------------------- HS

#[test]
fn hs_2022_to_2017_mapping() {
    let h22 = hs::load_subheadings(&data(files::HS2022)).unwrap();
    let h17 = hs::load_subheadings(&data(files::HS2017)).unwrap();
    assert_eq!(h22.len(), 5_612);
    assert_eq!(h17.len(), 5_387);
    let ed = hs::editions(&sources::data_dir()).unwrap();
    assert_eq!(ed.hs2022_subheadings, h22);
    // Every retired HS 2017 subheading is listed once, with its curated successors.
    let retired: Vec<u32> = h17
        .iter()
        .copied()
        .filter(|c| h22.binary_search(c).is_err())
        .collect();
    assert_eq!(
        ed.hs2017_retired
            .iter()
            .map(|(c, _)| *c)
            .collect::<Vec<_>>(),
        retired
    );
    let next =
        |c: u32| &ed.hs2017_retired[ed.hs2017_retired.binary_search_by_key(&c, |r| r.0).unwrap()].1;
    assert_eq!(next(851712), &vec![851713, 851714]);
    assert_eq!(next(853950), &vec![853952]);
    let new: Vec<u32> = h22
        .iter()
        .copied()
        .filter(|c| h17.binary_search(c).is_err())
        .collect();
    assert_eq!(ed.hs2022_new, new);
    assert!(ed.hs2022_new.contains(&851713) && !ed.hs2022_new.contains(&610910));
    let m = hs::load_mapping(&sources::data_dir()).unwrap();
    let s = &m.stats;
    assert_eq!(
        s.identity + s.one_source + s.several_sources + s.unmapped,
        5_612
    );
    assert!(
        m.map.contains(&(851713, 851712)),
        "smartphones map to 8517.12"
    );
    assert!(m.unmapped.is_empty() && s.unmapped == 0);
    assert_eq!(
        m.sources_of(880621),
        vec![852580, 880211, 880220],
        "drones (new heading 8806) come from aircraft of 8802 and cameras of 8525.80"
    );
    for code in [10121u32, 847130, 851762, 610910, 640399, 950300] {
        assert!(
            h17.binary_search(&code).is_ok() && h22.binary_search(&code).is_ok(),
            "{code:06} in both"
        );
        assert!(
            !m.unmapped.contains(&code) && !m.map.iter().any(|(a, _)| *a == code),
            "{code:06} is an identity"
        );
    }
    let mut uk = ukgt::load(&data(files::UKGT)).unwrap();
    hs::apply(&mut uk.gb, &m);
    assert!(uk.gb.hs2022_map.contains(&(851713, 851712)));
    assert_eq!(uk.gb.hs2022_unmapped, m.unmapped);
    // The mapped code has lines in the 2017 tariff.
    assert!(uk
        .gb
        .lines
        .iter()
        .any(|l| l.digits == 8 && l.code / 100 == 851712));
}

// ---------------------------------------------------------------------------------------------- VAT, FX

#[test]
fn vat_rates() {
    use vat::VatDataset::*;
    let de = vat::standard_rates(Ibericode, "DE").unwrap();
    assert_eq!(
        de.at(Date::new(2020, 9, 1).unwrap()).unwrap().value,
        d("16")
    );
    assert_eq!(
        de.at(Date::new(2026, 11, 25).unwrap()).unwrap().value,
        d("19")
    );
    assert_eq!(
        de.values[0].reference,
        "https://github.com/ibericode/vat-rates"
    );
    let fi = vat::standard_rates(Ibericode, "FI").unwrap();
    assert_eq!(
        fi.at(Date::new(2025, 1, 1).unwrap()).unwrap().value,
        d("25.5")
    );
    let ch = vat::standard_rates(Vatverify, "CH").unwrap();
    assert_eq!(ch.values.len(), 1);
    assert_eq!(
        (ch.values[0].from, ch.values[0].value),
        (Date::new(2024, 1, 1).unwrap(), d("8.1"))
    );
    assert_eq!(
        vat::standard_rates(Vatverify, "GR").unwrap().values[0].value,
        d("24")
    );
    let au = vat::standard_rates(World, "AU").unwrap();
    assert_eq!(au.values.last().unwrap().value, d("10"));
    let ch_world = vat::standard_rates(World, "CH").unwrap();
    assert_eq!(
        ch_world.at(Date::new(2023, 12, 31).unwrap()).unwrap().value,
        d("7.7")
    );
    assert_eq!(
        ch_world.at(Date::new(2024, 1, 1).unwrap()).unwrap().value,
        d("8.1")
    );
    let ca = vat::region_rates("CA").unwrap();
    let on = ca.iter().find(|r| r.region == "ON").unwrap();
    assert_eq!(
        (on.name.as_str(), on.rate.values.last().unwrap().value),
        ("HST", d("13"))
    );
    let qc = ca.iter().find(|r| r.region == "QC").unwrap();
    assert_eq!(qc.rate.values.last().unwrap().value, d("14.975"));
    let ns = ca.iter().find(|r| r.region == "NS").unwrap();
    assert_eq!(
        ns.rate.at(Date::new(2025, 4, 1).unwrap()).unwrap().value,
        d("14")
    );
    assert_eq!(
        ns.rate.at(Date::new(2025, 3, 31).unwrap()).unwrap().value,
        d("15")
    );
    assert!(vat::standard_rates(World, "ZZ").is_err());
}

#[test]
fn ecb_newest_day() {
    let t = fx::load(&data(files::ECB)).unwrap();
    assert_eq!(t.base, "EUR");
    assert_eq!(t.date, Date::new(2026, 4, 13).unwrap());
    assert!(t.rates.windows(2).all(|w| w[0].0 < w[1].0));
    let usd = t.rates.iter().find(|r| r.0 == "USD").unwrap();
    assert_eq!(usd.1, d("1.1684"));
    assert!(
        !t.rates.iter().any(|r| r.0 == "BGN" || r.0 == "HRK"),
        "N/A currencies skipped"
    );
    assert_eq!(t.rates.len(), 29);
}

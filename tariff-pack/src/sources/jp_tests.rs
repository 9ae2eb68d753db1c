//! The MFN rule on single rows, and the vendored schedule end to end.

use super::*;
use crate::sources::{data_dir, files};
use landed::pack::lookup::TariffMatch;
use landed::pack::{DutyTerm, QuantityUnit};
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::OnceLock;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("test decimal")
}

fn row(general: &str, temporary: &str, wto: &str) -> Row {
    Row {
        line: 2,
        general: general.into(),
        temporary: temporary.into(),
        wto: wto.into(),
        epa: Vec::new(),
    }
}

fn ad_valorem(e: &DutyExpr) -> Option<Decimal> {
    plain_ad_valorem(e)
}

#[test]
fn wto_rate_applies_when_lower_and_not_in_parentheses() {
    // 6109.10-020: general 11.2 %, WTO 7.4 %.
    assert_eq!(ad_valorem(&mfn(&row("11.2%", "", "7.4%"))), Some(d("7.4")));
    // 6109.10-010: WTO (10.9%) in parentheses is not applied.
    assert_eq!(
        ad_valorem(&mfn(&row("10.9%", "", "(10.9%)"))),
        Some(d("10.9"))
    );
    // No WTO rate at all.
    assert_eq!(ad_valorem(&mfn(&row("5%", "", ""))), Some(d("5")));
    // A WTO rate above the general one (never printed so, but the rule is "the lower").
    assert_eq!(ad_valorem(&mfn(&row("3%", "", "5%"))), Some(d("3")));
}

#[test]
fn temporary_rate_replaces_the_general_rate() {
    // 0304.94-010 (pollack fillets): general 10 %, temporary 4.2 %, WTO 6 %.
    assert_eq!(ad_valorem(&mfn(&row("10%", "4.2%", "6%"))), Some(d("4.2")));
    // 1101.00-011: general (106円/kg) suspended, temporary 25 %, WTO 12.5 %.
    assert_eq!(
        ad_valorem(&mfn(&row("(106円/kg)", "25%", "12.5%"))),
        Some(d("12.5"))
    );
    // A temporary rate above the general one still replaces it (Temporary Measures Act Art. 2).
    assert_eq!(ad_valorem(&mfn(&row("3%", "5%", ""))), Some(d("5")));
}

#[test]
fn rates_of_different_kinds_give_the_lowest() {
    // 6403.99-015 leather footwear.
    let e = mfn(&row(
        "60%又は4,800円/足のうちいずれか高い税率",
        "",
        "30%又は4,300円/足のうちいずれか高い税率",
    ));
    assert_eq!(e.terms, vec![DutyTerm::AdValorem(d("60"))]);
    assert_eq!(e.or_lower.len(), 1);
    assert_eq!(e.or_lower[0].terms, vec![DutyTerm::AdValorem(d("30"))]);
    assert_eq!(
        e.or_lower[0].min,
        Some(DutyTerm::Specific {
            amount: d("4300"),
            per: d("1"),
            unit: QuantityUnit::Pair
        })
    );
    assert!(e.text.contains("whichever is lower") && !e.unparsed);
    // Identical rates of another kind collapse to one.
    let same = mfn(&row("123.20円/l", "", "123.20円/l"));
    assert!(same.or_lower.is_empty());
}

#[test]
fn unknown_operative_rates_make_the_line_unknown_unless_free() {
    // 0406.90-010: temporary ◎無税 (in-quota).
    let cheese = mfn(&row("35%", "◎無税", "29.8%"));
    assert!(cheese.unparsed);
    assert!(cheese.text.contains("暫定 ◎無税") && cheese.text.contains("WTO協定 29.8%"));
    // An unparsed WTO rate against a dutiable general rate: unknown (it may be lower).
    assert!(mfn(&row("10%", "", "●3%〜5%")).unparsed);
    // Against a free general rate nothing can be lower.
    assert_eq!(
        ad_valorem(&mfn(&row("無税", "", "●3%〜5%"))),
        Some(Decimal::ZERO)
    );
    // Gate price (onions 0703.10-012).
    assert!(mfn(&row("(73.70円−課税価格)/kg", "", "8.5%")).unparsed);
}

#[test]
fn seasonal_codes_keep_the_dearer_plain_rate() {
    let e = seasons(vec![
        jp_rate::parse("20%").unwrap(),
        jp_rate::parse("25%").unwrap(),
    ]);
    assert_eq!(ad_valorem(&e), Some(d("25")));
    assert_eq!(
        e.text,
        "20% or 25% by season of import (the higher is kept)"
    );
    let same = seasons(vec![
        jp_rate::parse("10%").unwrap(),
        jp_rate::parse("10%").unwrap(),
    ]);
    assert_eq!(same.text, "10%");
    let mixed = seasons(vec![
        jp_rate::parse("10%").unwrap(),
        jp_rate::parse("10円/kg").unwrap(),
    ]);
    assert!(mixed.unparsed);
}

fn schedule() -> &'static (Tariff, TariffStats) {
    static T: OnceLock<(Tariff, TariffStats)> = OnceLock::new();
    T.get_or_init(|| load(&data_dir().join(files::JP)).expect("the vendored schedule loads"))
}

fn line_expr(code: &str) -> &'static DutyExpr {
    let (t, _) = schedule();
    match t.lookup(code) {
        TariffMatch::Exact(l) => &t.exprs[l.expr as usize],
        other => panic!("{code}: {other:?}"),
    }
}

fn preference(programme: &str, code: &str) -> Option<&'static DutyExpr> {
    let (t, _) = schedule();
    let TariffMatch::Exact(line) = t.lookup(code) else {
        panic!("{code} not found");
    };
    let index = t.lines.iter().position(|l| l == line)?;
    let column = t.preferences.iter().find(|c| c.programme == programme)?;
    let i = column
        .lines
        .binary_search_by_key(&(index as u32), |p| p.0)
        .ok()?;
    Some(&t.exprs[column.lines[i].1 as usize])
}

#[test]
fn the_vendored_schedule_has_every_nine_digit_line() {
    let (t, stats) = schedule();
    assert_eq!(stats.rows_read, 9654);
    assert_eq!(t.lines.len(), 9646, "8 seasonal codes appear twice");
    assert!(t.lines.iter().all(|l| l.digits == 9));
    assert_eq!(t.currency, "JPY");
    assert_eq!(t.hs_edition, 2022);
    assert!(
        t.uncovered_chapters.is_empty(),
        "{:?}",
        t.uncovered_chapters
    );
    assert_eq!(t.preferences.len(), PROGRAMMES.len());
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
}

#[test]
fn real_lines_get_the_mfn_rule() {
    assert_eq!(ad_valorem(line_expr("610910020")), Some(d("7.4")));
    assert_eq!(ad_valorem(line_expr("610910010")), Some(d("10.9")));
    assert_eq!(ad_valorem(line_expr("847130000")), Some(Decimal::ZERO));
    assert_eq!(ad_valorem(line_expr("040690090")), Some(d("29.8")));
    assert!(line_expr("040690010").unparsed);
    let shoes = line_expr("640399015");
    assert_eq!(shoes.or_lower.len(), 1);
    let wine = line_expr("220421020");
    assert_eq!(
        wine.or_lower.len(),
        2,
        "156.80円/l, then the WTO expression"
    );
    // Bananas 0803.10-100: 20 % (April-September) or 25 % (October-March).
    let bananas = line_expr("080310100");
    assert_eq!(ad_valorem(bananas), Some(d("25")));
    assert!(bananas.text.contains("20%") && bananas.text.contains("25%"));
    // Grapefruit 0805.40: 10 % in both seasons.
    assert_eq!(ad_valorem(line_expr("080540000")), Some(d("10")));
}

#[test]
fn nine_digit_lines_are_looked_up_from_longer_and_shorter_codes() {
    let (t, _) = schedule();
    // A ten-digit Japanese declaration code (NACCS check digit appended) finds its nine-digit line.
    assert!(matches!(t.lookup("6109100201"), TariffMatch::Exact(l) if l.code == 610_910_020));
    // An HS 6 code with lines of different rates beneath it: every candidate.
    match t.lookup("610910") {
        TariffMatch::Candidates(lines) => assert_eq!(lines.len(), 2),
        other => panic!("{other:?}"),
    }
    // One rate beneath: exact.
    assert!(matches!(t.lookup("847130"), TariffMatch::Exact(_)));
    assert!(matches!(t.lookup("999999"), TariffMatch::NotFound));
}

#[test]
fn preferences_are_stored_where_they_can_be_lower() {
    // EU: T-shirts free, leather footwear 3.9 %, computers not stored (MFN free).
    assert_eq!(
        preference("jp.epa.eu", "610910020").and_then(ad_valorem),
        Some(Decimal::ZERO)
    );
    assert_eq!(
        preference("jp.epa.eu", "640399015").and_then(ad_valorem),
        Some(d("3.9"))
    );
    assert!(preference("jp.epa.eu", "847130000").is_none());
    // Cheese: EU cell `13%又は非譲許 ◆12` unparsed, not stored (MFN applies with a warning).
    assert!(preference("jp.epa.eu", "040690090").is_none());
    // RCEP China: footwear 15.4 %; wine keeps its lower-of with a floor.
    assert_eq!(
        preference("jp.epa.rcep.cn", "640399015").and_then(ad_valorem),
        Some(d("15.4"))
    );
    let wine = preference("jp.epa.rcep.cn", "220421020").expect("stored");
    assert_eq!(wine.terms, vec![DutyTerm::AdValorem(d("9.4"))]);
    // A blank cell is no concession: CPTPP on 0406.90-090 is a multi-line condition, US on 6109.10 is blank.
    assert!(preference("jp.epa.cptpp", "040690090").is_none());
    assert!(preference("jp.epa.us", "610910020").is_none());
    // ASEAN (AJCEP) footwear quota line at 27 % equals MFN 27 %: not stored.
    assert!(preference("jp.epa.asean", "640110010").is_none());
}

#[test]
fn the_free_codes_file_is_what_the_schedule_says() {
    let (t, _) = schedule();
    let codes = mfn_free_codes(t);
    // Spot checks: computers and books are free; a heading with dutiable lines is not listed whole.
    assert!(codes.iter().any(|c| "847130000".starts_with(c.as_str())));
    assert!(codes.iter().any(|c| "490199000".starts_with(c.as_str())));
    assert!(!codes.iter().any(|c| "610910020".starts_with(c.as_str())));
    assert!(!codes.iter().any(|c| "6109".starts_with(c.as_str())));
    // Every listed code covers free lines only, and every free line is covered.
    for l in &t.lines {
        let code = landed::pack::lookup::line_code(l);
        let free = ad_valorem(&t.exprs[l.expr as usize]) == Some(Decimal::ZERO);
        assert_eq!(
            codes.iter().any(|c| code.starts_with(c.as_str())),
            free,
            "{code}"
        );
    }
    let path = data_dir().join(FREE_CODES);
    let mut expected = String::from(FREE_CODES_HEADER);
    for c in &codes {
        expected.push_str(c);
        expected.push('\n');
    }
    if std::env::var_os("JP_FREE_CODES_WRITE").is_some() {
        std::fs::write(&path, &expected).expect("write the free codes file");
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == expected,
        "{} is stale: run `JP_FREE_CODES_WRITE=1 cargo test -p landed-pack --lib free_codes`",
        path.display()
    );
}

const FREE_CODES: &str = "jp-customs-tariff-2026/mfn_free_codes.txt";
const FREE_CODES_HEADER: &str = "# Codes of Japan's 2026-07-09 schedule whose MFN rate is free (tariff-pack/src/sources/jp.rs,\n\
# mfn_free_codes): a chapter, heading or subheading where every nine-digit line beneath it is free, else the line.\n\
# Duty-free goods are outside the simplified rates (Customs Answer 1001); JP.yaml excludes these from them.\n\
# Generated: JP_FREE_CODES_WRITE=1 cargo test -p landed-pack --lib free_codes\n";

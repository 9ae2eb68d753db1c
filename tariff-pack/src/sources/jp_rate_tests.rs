//! Real cells of the 2026-07-09 schedule (`tariff-pack/data/jp-customs-tariff-2026/jp_tariff_2026-07-09.csv`).

use super::*;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("test decimal")
}

fn specific(amount: &str, per: &str, unit: QuantityUnit) -> DutyTerm {
    DutyTerm::Specific {
        amount: d(amount),
        per: d(per),
        unit,
    }
}

fn rate(text: &str) -> DutyExpr {
    parse(text).unwrap_or_else(|e| panic!("`{text}` should parse: {e:?}"))
}

fn unmodelled(text: &str) {
    assert!(
        matches!(parse(text), Err(RateError::Unmodelled(_))),
        "`{text}` should be unmodelled, got {:?}",
        parse(text)
    );
}

#[test]
fn footwear_6403_99_higher_of_ad_valorem_and_per_pair() {
    // 6403.99-015 general and WTO rates.
    let general = rate("60%又は4,800円/足のうちいずれか高い税率");
    assert_eq!(general.terms, vec![DutyTerm::AdValorem(d("60"))]);
    assert_eq!(general.min, Some(specific("4800", "1", QuantityUnit::Pair)));
    assert!(general.max.is_none() && general.or_lower.is_empty() && !general.unparsed);
    assert_eq!(general.text, "60%又は4,800円/足のうちいずれか高い税率");
    let wto = rate("30%又は4,300円/足のうちいずれか高い税率");
    assert_eq!(wto.terms, vec![DutyTerm::AdValorem(d("30"))]);
    assert_eq!(wto.min, Some(specific("4300", "1", QuantityUnit::Pair)));
    // 6403.99-012: the temporary rate of the quota line.
    assert_eq!(rate("21.6%").terms, vec![DutyTerm::AdValorem(d("21.6"))]);
}

#[test]
fn t_shirts_6109_10_plain_percentages_and_the_parenthesised_wto_rate() {
    assert_eq!(rate("11.2%").terms, vec![DutyTerm::AdValorem(d("11.2"))]);
    assert_eq!(rate("7.4%").terms, vec![DutyTerm::AdValorem(d("7.4"))]);
    // 6109.10-010: WTO `(10.9%)` equals the general rate and is not applied.
    assert_eq!(parse_cell("(10.9%)"), Ok(Some(Cell::NotApplied)));
    assert_eq!(plain_ad_valorem(&rate("7.4%")), Some(d("7.4")));
}

#[test]
fn cheese_0406_90_quota_marks_and_conditional_texts_are_unknown() {
    assert_eq!(rate("29.8%").terms, vec![DutyTerm::AdValorem(d("29.8"))]);
    // 0406.90-010 temporary rate: in-quota (◎).
    unmodelled("◎無税");
    // 0406.90-090 EU column and CPTPP column.
    unmodelled("13%又は非譲許 ◆12");
    unmodelled(
        "ソフトチーズ（コーデックスのチーズの一般規格（CODEX STANDARD 283-1978）の7.1.1において定義される軟質に指定される無脂肪状態における水分を超えるものに限る。）\u{3000}29.8%\nその他のもの\u{3000}13%",
    );
}

#[test]
fn computers_8471_30_are_free() {
    let free = rate("無税");
    assert!(free.terms.is_empty() && !free.unparsed && free.min.is_none());
    assert_eq!(plain_ad_valorem(&free), Some(Decimal::ZERO));
    assert_eq!(parse_cell("(無税)"), Ok(Some(Cell::NotApplied)));
    assert_eq!(parse_cell(""), Ok(None));
    assert_eq!(parse_cell("  "), Ok(None));
}

#[test]
fn wine_2204_per_litre_and_the_lower_of_with_a_floor() {
    // 2204.21-010 (fortified wine) and 2204.10 (sparkling).
    assert_eq!(
        rate("123.20円/l").terms,
        vec![specific("123.2", "1", QuantityUnit::Litre)]
    );
    assert_eq!(
        rate("201.60円/l").terms,
        vec![specific("201.6", "1", QuantityUnit::Litre)]
    );
    // 2204.21-020 (still wine in containers of 2 l or less), general rate.
    let text =
        "21.3%又は156.80円/lのうちいずれか低い税率\nただしその税率が93円/lを下回る場合は93円/l";
    let wine = rate(text);
    assert_eq!(wine.terms, vec![DutyTerm::AdValorem(d("21.3"))]);
    assert_eq!(wine.min, Some(specific("93", "1", QuantityUnit::Litre)));
    assert_eq!(wine.or_lower.len(), 1);
    assert_eq!(
        wine.or_lower[0].terms,
        vec![specific("156.8", "1", QuantityUnit::Litre)]
    );
    assert_eq!(wine.text, text);
    // RCEP China column of the same line.
    let cn = rate(
        "9.4%又は78.13円/lのうちいずれか低い税率\nただしその税率が41.88円/lを下回る場合は41.88円/l",
    );
    assert_eq!(cn.min, Some(specific("41.88", "1", QuantityUnit::Litre)));
    // A floor above the alternative would make floor-then-lower differ from the statute: unknown.
    unmodelled("15%又は60円/lのうちいずれか低い税率ただしその税率が67円/lを下回る場合は67円/l");
}

#[test]
fn the_higher_of_with_a_cap() {
    // 2009.61-190, ASEAN (AJCEP) column.
    let e = rate(
        "9.3%又は7.19円/kgのうちいずれか高い税率（ただしその税率が50%を上回る場合は50%とする）",
    );
    assert_eq!(e.terms, vec![DutyTerm::AdValorem(d("9.3"))]);
    assert_eq!(e.min, Some(specific("7.19", "1", QuantityUnit::Kg)));
    assert_eq!(e.max, Some(DutyTerm::AdValorem(d("50"))));
}

#[test]
fn compound_and_other_units() {
    use QuantityUnit::*;
    let av = |p: &str| DutyTerm::AdValorem(d(p));
    let cases: Vec<(&str, Vec<DutyTerm>)> = vec![
        // 1806.90-311 general rate.
        ("28%＋799円/kg", vec![av("28"), specific("799", "1", Kg)]),
        // 2402.20 cigarettes, general rate without its parentheses.
        (
            "8.5%＋290.70円/1,000本",
            vec![av("8.5"), specific("290.7", "1000", Item)],
        ),
        // Live horses 0101.21-290: a head is an item; `万円` is 10,000 yen (Australia column).
        ("4,000,000円/頭", vec![specific("4000000", "1", Item)]),
        ("170万円/頭", vec![specific("1700000", "1", Item)]),
        // Per kilolitre, per metric ton (ethylene 2711.14), per sheet (nori 1212.21-100), per dozen, per piece.
        ("1,234円/kl", vec![specific("1234", "1000", Litre)]),
        ("930円/MT", vec![specific("930", "1000", Kg)]),
        ("1.50円/枚", vec![specific("1.5", "1", Item)]),
        ("10円/ダース", vec![specific("10", "1", Dozen)]),
        ("5円/個", vec![specific("5", "1", Item)]),
        // A line break inside a rate (0402.21 general rate `(500円\n/kg)` without its parentheses).
        ("500円\n/kg", vec![specific("500", "1", Kg)]),
    ];
    for (text, terms) in cases {
        assert_eq!(rate(text).terms, terms, "{text}");
    }
    assert_eq!(
        parse_cell("(8.5%＋290.70円/1,000本)"),
        Ok(Some(Cell::NotApplied))
    );
    // Ball-point refills 9608.60: the per-piece minimum.
    let pens = rate("6%又は1.51円/本のうちいずれか高い税率");
    assert_eq!(pens.min, Some(specific("1.51", "1", Item)));
    // Woven fabric of wool 5111.11 per square metre: a unit the engine cannot measure.
    let wool = rate("9.6%又は160円/㎡のうちいずれか高い税率");
    assert_eq!(wool.min, Some(specific("160", "1", Other)));
}

#[test]
fn the_higher_of_a_compound_and_one_term() {
    // 5111.11 wool fabric variant: `A又はB+Cのうちいずれか高い税率` needs the higher of one term and a sum.
    let e = rate("5%又は3%＋30円/kgのうちいずれか高い税率");
    assert_eq!(
        e.terms,
        vec![
            DutyTerm::AdValorem(d("3")),
            specific("30", "1", QuantityUnit::Kg)
        ]
    );
    assert_eq!(e.min, Some(DutyTerm::AdValorem(d("5"))));
    unmodelled("5%＋1円/kg又は3%＋30円/kgのうちいずれか高い税率");
}

#[test]
fn ranges_marks_formulas_and_wholly_parenthesised_texts() {
    // 9503.00 WTO column and RCEP China column.
    assert_eq!(parse_cell("(無税)〜(3.9%)"), Ok(Some(Cell::NotApplied)));
    assert!(matches!(
        parse_cell("無税〜(2.4%)又は非譲許"),
        Err(RateError::Unmodelled(_))
    ));
    // WTO rates marked * but in parentheses are still not applied (0203.11).
    assert_eq!(parse_cell("*(361円/kg)"), Ok(Some(Cell::NotApplied)));
    assert_eq!(parse_cell("(一部3.5%）"), Ok(Some(Cell::NotApplied)));
    assert_eq!(
        parse_cell("(無税)〜(3%)又は(12円/kg)"),
        Ok(Some(Cell::NotApplied))
    );
    unmodelled("*396円/kg");
    unmodelled("●無税又は非譲許");
    unmodelled("●3%〜5%");
    unmodelled("※17.7%");
    unmodelled("◎無税 ◆2");
    // Gate-price formulas on the customs value (onions 0703.10-012, pork 0203).
    assert!(matches!(
        parse_cell("(73.70円−課税価格)/kg"),
        Err(RateError::Unmodelled(_))
    ));
    unmodelled("1キログラムにつき部分肉に係る基準輸入価格と課税価格との差額");
    unmodelled("（524円×1.1-課税価格）/kg又は482円/kgのうちいずれか低い税率");
    // End-use exemption and unknown units or words.
    unmodelled("免税");
    unmodelled("3円/袋");
    unmodelled("関税割当数量以内のもの\u{3000}無税");
    unmodelled("3%又は2%又は1円/kgのうちいずれか高い税率");
    unmodelled("3%又は1円/kg");
    unmodelled("1.2.3%");
    unmodelled("");
}

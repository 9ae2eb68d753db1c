use super::*;

fn pack() -> Pack {
    crate::default_pack().unwrap()
}

fn file(entries: &str) -> String {
    format!(
        r#"{{"format":"landed-catalogue","version":1,"platform":"shop-1","exported_on":"2026-11-25","hs_edition":2022,"entries":{entries}}}"#
    )
}

fn parse(entries: &str) -> Result<Catalogue> {
    Catalogue::from_json(&file(entries), &pack())
}

#[test]
fn the_destination_entry_answers_with_its_national_code() {
    let c = parse(
        r#"[{"sku":"tee","hs_code":"6109.10.00.10","source":"customs_assessed","confirmed_on":"2026-10-01","destination":"US"},
            {"sku":"tee","hs_code":"61091000","source":"merchant_entered","confirmed_on":"2026-11-01","destination":"GB"}]"#,
    )
    .unwrap();
    let k = c.lookup("tee", "US").unwrap();
    assert_eq!(
        (k.hs_code, k.entry.source),
        ("6109100010", Confirmation::CustomsAssessed)
    );
    let k = c.lookup("tee", "GB").unwrap();
    assert_eq!(k.hs_code, "61091000");
    // Another destination: the newest entry's subheading, national digits dropped.
    let k = c.lookup("tee", "DE").unwrap();
    assert_eq!(
        (k.hs_code, k.entry.destination.as_deref()),
        ("610910", Some("GB"))
    );
    assert!(c.lookup("mug", "GB").is_none());
    assert!(c.lookup("te", "GB").is_none(), "no prefix matches");
}

#[test]
fn on_the_same_day_customs_outranks_the_merchant() {
    let c = parse(
        r#"[{"sku":"x","hs_code":"420222","source":"merchant_entered","confirmed_on":"2026-11-01"},
            {"sku":"x","hs_code":"420292","source":"customs_assessed","confirmed_on":"2026-11-01","destination":"FR"}]"#,
    )
    .unwrap();
    assert_eq!(c.lookup("x", "DE").unwrap().hs_code, "420292");
    // A newer merchant entry for every destination wins over an older assessment elsewhere.
    let c = parse(
        r#"[{"sku":"x","hs_code":"420222","source":"merchant_entered","confirmed_on":"2026-11-02"},
            {"sku":"x","hs_code":"420292","source":"customs_assessed","confirmed_on":"2026-11-01","destination":"FR"}]"#,
    )
    .unwrap();
    assert_eq!(c.lookup("x", "DE").unwrap().hs_code, "420222");
    assert_eq!(c.lookup("x", "FR").unwrap().hs_code, "420292");
}

#[test]
fn the_file_round_trips() {
    let c = parse(
        r#"[{"sku":"b","hs_code":"420222","source":"broker_corrected","confirmed_on":"2026-11-01","destination":"FR"},
            {"sku":"a","hs_code":"610910","source":"merchant_entered","confirmed_on":"2026-11-02"}]"#,
    )
    .unwrap();
    assert_eq!(c.entries()[0].sku, "a", "sorted by SKU");
    let text = serde_json::to_string(&c.to_input()).unwrap();
    assert_eq!(Catalogue::from_json(&text, &pack()).unwrap(), c);
}

#[test]
fn bad_files_are_typed_errors_naming_the_field() {
    let e = |entries: &str| {
        let e = parse(entries).unwrap_err();
        (e.code(), e.path().to_string())
    };
    let ok = r#""source":"customs_assessed","confirmed_on":"2026-11-01""#;
    assert_eq!(
        e(&format!(r#"[{{"sku":"a","hs_code":"61X910",{ok}}}]"#)),
        ("invalid_hs_code", "entries[0].hs_code".into())
    );
    assert_eq!(
        e(&format!(r#"[{{"sku":"a","hs_code":"999999",{ok}}}]"#)),
        ("hs_code_unknown", "entries[0].hs_code".into())
    );
    assert_eq!(
        e(&format!(r#"[{{"sku":"a","hs_code":"851712",{ok}}}]"#)),
        ("hs_code_unknown", "entries[0].hs_code".into()),
        "an HS 2017 code in an HS 2022 file"
    );
    assert_eq!(
        e(
            r#"[{"sku":"a","hs_code":"610910","source":"customs_assessed","confirmed_on":"2026-13-01"}]"#
        ),
        ("invalid_date", "entries[0].confirmed_on".into())
    );
    assert_eq!(
        e(r#"[{"sku":"a","hs_code":"610910","source":"guess","confirmed_on":"2026-11-01"}]"#).0,
        "invalid_value"
    );
    assert_eq!(
        e(&format!(r#"[{{"sku":" ","hs_code":"610910",{ok}}}]"#)),
        ("invalid_value", "entries[0].sku".into())
    );
    assert_eq!(
        e(&format!(
            r#"[{{"sku":"a","hs_code":"610910",{ok},"destination":"XX"}}]"#
        )),
        ("unknown_country", "entries[0].destination".into())
    );
    assert_eq!(
        e(&format!(
            r#"[{{"sku":"a","hs_code":"610910",{ok},"price":"9"}}]"#
        )),
        ("unknown_field", "entries[0]".into())
    );
    assert_eq!(
        e(&format!(
            r#"[{{"sku":"a","hs_code":"610910",{ok}}},{{"sku":"b","hs_code":"610910",{ok}}},{{"sku":"a","hs_code":"610990",{ok}}}]"#
        )),
        ("duplicate_entry", "entries[2]".into())
    );
    let bad = |text: &str| Catalogue::from_json(text, &pack()).unwrap_err();
    assert_eq!(bad("{").code(), "invalid_json");
    assert_eq!(
        bad(&file("[]").replace("landed-catalogue", "x")).path(),
        "format"
    );
    assert_eq!(
        bad(&file("[]").replace(r#""version":1"#, r#""version":2"#)).path(),
        "version"
    );
    assert_eq!(
        bad(&file("[]").replace("2022", "2017")).path(),
        "hs_edition"
    );
    assert_eq!(
        bad(&file("[]").replace(r#""platform":"shop-1","#, "")).code(),
        "missing_field"
    );
}

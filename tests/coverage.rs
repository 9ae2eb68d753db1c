//! The README's "What the pack holds" table is the pack's own summary (`Pack::holdings`), the same
//! one `packInfo()` and `tariff-pack inspect --coverage` give: it cannot drift from the data.

use landed::default_pack;
use landed::pack::coverage::{
    markdown_table, DatesHolding, DutyPeriod, DutySource, Holdings, RefusedHolding,
};
use landed::Date;
use std::path::Path;

const START: &str = "<!-- coverage:start -->\n";
const END: &str = "<!-- coverage:end -->";

#[test]
fn the_readme_table_is_the_packs_summary() {
    let pack = default_pack().expect("the default pack loads");
    let table = markdown_table(&pack.holdings(pack.header.build_date));
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (a, rest) = readme
        .split_once(START)
        .expect("README has the coverage markers");
    let (_, b) = rest
        .split_once(END)
        .expect("README has the coverage end marker");
    let want = format!("{a}{START}{table}{END}{b}");
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    assert!(
        readme == want,
        "README's coverage table is stale: run BLESS=1 cargo test --test coverage"
    );
}

#[test]
fn every_destination_says_where_its_duty_comes_from() {
    let pack = default_pack().expect("the default pack loads");
    let holdings = pack.holdings(pack.header.build_date);
    assert_eq!(holdings.len(), pack.header.destinations.len());
    for h in &holdings {
        match &h.duty {
            DutySource::Tariff { lines, .. } => assert!(*lines > 1000, "{}", h.code),
            DutySource::None { reason } => assert!(!reason.is_empty(), "{}", h.code),
        }
    }
    let de = holdings.iter().find(|h| h.code == "DE").unwrap();
    assert_eq!(de.customs_territory, "EU");
    assert!(de
        .preferences
        .iter()
        .any(|p| p.id == "eu.tca.gb" && p.origins == ["GB"]));
    assert!(de.thresholds.iter().any(|t| t.amount == "150 EUR"));
}

#[test]
fn a_destination_without_a_tariff_says_why_in_the_table() {
    let pack = default_pack().expect("the default pack loads");
    let holdings = pack.holdings(pack.header.build_date);
    let table = markdown_table(&holdings);
    let mut none = 0;
    for h in &holdings {
        if let DutySource::None { reason } = &h.duty {
            none += 1;
            let row = table
                .lines()
                .find(|l| l.starts_with(&format!("| {} |", h.code)))
                .unwrap_or_else(|| panic!("a row for {}", h.code));
            assert!(row.contains(reason.as_str()), "{}: {row}", h.code);
        }
    }
    assert!(none >= 3, "CA, CH and NO have no tariff");
    // A reason that would break the row is kept on one line, its `|` escaped.
    let h = Holdings {
        code: "XX".into(),
        name: "Test".into(),
        customs_territory: "XX".into(),
        dates: DatesHolding {
            from: Date::new(2016, 1, 1).unwrap(),
            refuse_from: Date::new(2028, 1, 1).unwrap(),
            refused: vec![RefusedHolding {
                from: Date::new(2025, 2, 4).unwrap(),
                until: Date::new(2026, 2, 24).unwrap(),
                reason: "not encoded".into(),
            }],
            duty_periods: vec![DutyPeriod {
                from: Date::new(2016, 1, 1).unwrap(),
                until: Some(Date::new(2021, 1, 1).unwrap()),
                tariff: Some("eu-cet-2020".into()),
            }],
        },
        duty: DutySource::None {
            reason: "Schedule A | B\nnot obtained.".into(),
        },
        tax: None,
        thresholds: vec![],
        layers: vec![],
        fees: vec![],
        preferences: vec![],
        duty_truncation: false,
    };
    let row = markdown_table(&[h]).lines().nth(2).unwrap().to_owned();
    assert_eq!(
        row,
        "| XX | 2016-01-01 to 2027-12-31<br>refused 2025-02-04 to 2026-02-23 | none: duty above the thresholds is `duty_unknown`. Schedule A \\| B not obtained.<br>2016-01-01 to 2020-12-31: `eu-cet-2020` | none | — | — | — | — |"
    );
}

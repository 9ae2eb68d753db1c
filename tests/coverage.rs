//! The README's "What the pack holds" table is the pack's own summary (`Pack::holdings`), the same
//! one `packInfo()` and `tariff-pack inspect --coverage` give: it cannot drift from the data.

use landed::default_pack;
use landed::pack::coverage::{markdown_table, DutySource};
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

//! The HS 2022 -> HS 2017 mapping of the EU CET and UK Global Tariff (both in HS 2017): every HS 2022
//! subheading must resolve to tariff lines, a subheading formed from several HS 2017 subheadings must
//! offer all their lines (the engine charges the dearest), and the UNSD table is checked as it is read.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::sync::OnceLock;

use landed::pack::lookup::{line_code, TariffMatch};
use landed::pack::{DutyTerm, Tariff};
use landed_pack::sources::{self, files, hs, hs_unsd, ukgt};
use rust_decimal::Decimal;

mod common;
use common::{data, fixture};

struct Loaded {
    hs2022: Vec<u32>,
    hs2017: Vec<u32>,
    mapping: hs::Hs2017Mapping,
    gb: Tariff,
    eu: Tariff,
}

/// The two HS 2017 tariffs with the mapping applied, as the build does it.
fn loaded() -> &'static Loaded {
    static L: OnceLock<Loaded> = OnceLock::new();
    L.get_or_init(|| {
        let mapping = hs::load_mapping(&sources::data_dir()).unwrap();
        let mut uk = ukgt::load(&data(files::UKGT)).unwrap();
        hs::apply(&mut uk.gb, &mapping);
        hs::apply(&mut uk.eu, &mapping);
        Loaded {
            hs2022: hs::load_subheadings(&data(files::HS2022)).unwrap(),
            hs2017: hs::load_subheadings(&data(files::HS2017)).unwrap(),
            mapping,
            gb: uk.gb,
            eu: uk.eu,
        }
    })
}

/// The HS 2022 subheadings that keep their number and their HS 2017 lines although the UNSD table says goods
/// of other HS 2017 subheadings moved in too (`Hs2017Mapping::widened`). Justified exception to "dearest of
/// all sources": their own goods stay the bulk of the subheading, so charging the incoming subheadings' rate
/// would overcharge them (9021.10 orthopaedic appliances, free, took in bone screws of 7318 at 3.7 %), and
/// their national (CN8/CN10) lines only exist under their own number. Listed with rates in
/// `tariff-pack/rules/NOTES-EU-GB.md`.
const WIDENED: [u32; 38] = [
    30721, 30722, 30729, 70410, 160100, 160210, 160290, 290960, 293333, 293949, 380859, 381600,
    440322, 440324, 440326, 440394, 440396, 611610, 621020, 621030, 681299, 681591, 701990, 841490,
    841810, 846229, 846249, 847920, 850780, 851981, 852990, 853990, 900653, 900659, 902110, 902129,
    902221, 902229,
];

#[test]
fn every_hs2022_subheading_resolves_in_the_eu_and_gb_tariffs() {
    let l = loaded();
    assert_eq!(l.hs2022.len(), 5_612);
    for t in [&l.gb, &l.eu] {
        assert_eq!(t.hs_edition, 2017);
        assert!(t.hs2022_unmapped.is_empty(), "{}", t.id);
        let unresolved: Vec<String> = l
            .hs2022
            .iter()
            .map(|c| format!("{c:06}"))
            .filter(|c| {
                !matches!(
                    t.lookup(c),
                    TariffMatch::Exact(_) | TariffMatch::Candidates(_)
                )
            })
            .collect();
        assert_eq!(unresolved, Vec::<String>::new(), "{}", t.id);
    }
}

#[test]
fn the_mapping_counts() {
    let m = &loaded().mapping;
    let s = &m.stats;
    // 5,240 identities (38 of them widened), 372 mapped: the 370 subheadings new in HS 2022 and two numbers
    // HS 2022 gave to other goods (7019.19, 9114.90).
    assert_eq!(
        (
            s.identity,
            s.widened,
            s.one_source,
            s.several_sources,
            s.unmapped
        ),
        (5_240, 38, 286, 86, 0)
    );
    assert_eq!(m.map.len(), 9_859);
    assert_eq!(
        m.widened.iter().map(|w| w.0).collect::<Vec<_>>(),
        WIDENED.to_vec()
    );
    // 9021.10 (orthopaedic appliances) took in screws and pins of 73.17/73.18 but stays itself.
    let w = &m.widened[m.widened.binary_search_by_key(&902110, |w| w.0).unwrap()];
    assert!(w.1.contains(&731814) && !m.map.iter().any(|p| p.0 == 902110));
    // A number HS 2022 gave to other goods follows the table: 7019.19 (HS 2022: other mats) was 7019.31.
    assert_eq!(m.sources_of(701919), vec![701931]);
    let l = loaded();
    for code in m.map.iter().map(|p| p.0) {
        assert!(
            l.hs2017.binary_search(&code).is_err() || [701919, 911490].contains(&code),
            "{code:06}"
        );
    }
}

/// The highest ad valorem rate among lines whose rate is a single ad valorem term.
fn max_ad_valorem(t: &Tariff, lines: &[&landed::pack::TariffLine]) -> Decimal {
    lines
        .iter()
        .filter_map(|l| {
            let e = &t.exprs[l.expr as usize];
            match (e.terms.as_slice(), &e.min, &e.max, e.unparsed) {
                ([DutyTerm::AdValorem(p)], None, None, false) => Some(*p),
                _ => None,
            }
        })
        .max()
        .unwrap()
}

#[test]
fn a_subheading_formed_from_several_offers_every_source_line() {
    let l = loaded();
    // Flat panel display modules (8524.11, new in HS 2022) draw on 483 HS 2017 subheadings: 1,040 lines.
    for (t, dearest) in [(&l.eu, "9.7"), (&l.gb, "4.0")] {
        let TariffMatch::Candidates(ls) = t.lookup("852411") else {
            panic!("{}", t.id)
        };
        assert_eq!(ls.len(), 1_040, "{}", t.id);
        assert!(ls
            .windows(2)
            .all(|w| (w[0].digits, w[0].code) < (w[1].digits, w[1].code)));
        assert_eq!(
            max_ad_valorem(t, &ls),
            dearest.parse::<Decimal>().unwrap(),
            "{}",
            t.id
        );
        // National digits below a mapped subheading do not carry over.
        assert_eq!(t.lookup("8524110000"), TariffMatch::Candidates(ls));
    }
    // Electrical and electronic waste (8549.21) draws on 1,019 subheadings; the dearest line is 14 %
    // (8527.21 car radios) in both tariffs.
    for t in [&l.eu, &l.gb] {
        let TariffMatch::Candidates(ls) = t.lookup("854921") else {
            panic!("{}", t.id)
        };
        assert_eq!(ls.len(), 1_956);
        assert_eq!(max_ad_valorem(t, &ls), Decimal::from(14));
    }
    // One source: smartphones (8517.13) are 8517.12, free in both.
    for t in [&l.eu, &l.gb] {
        assert!(matches!(t.lookup("851713"), TariffMatch::Exact(x) if line_code(x) == "85171200"));
    }
    // Vaccines for human medicine (3002.41) are 3002.20.
    assert!(
        matches!(l.eu.lookup("300241"), TariffMatch::Exact(x) if line_code(x).starts_with("300220"))
    );
    // Several sources sharing one rate are exact: men's cotton overcoats (6201.30) were 6201.12 and 6201.92.
    match l.eu.lookup("620130") {
        TariffMatch::Exact(x) => assert_eq!(l.eu.exprs[x.expr as usize].text, "12.0%"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_unsd_table_is_checked_row_by_row() {
    let l = loaded();
    let err = |name: &str| {
        hs_unsd::load(&fixture(name), &l.hs2022, &l.hs2017)
            .unwrap_err()
            .to_string()
    };
    let e = err("unsd_not_2017.csv");
    assert!(
        e.contains("unsd_not_2017.csv:3: 851713 is not an HS 2017 subheading"),
        "{e}"
    );
    let e = err("unsd_twice.csv");
    assert!(
        e.contains("unsd_twice.csv:3: pair 851713,851712 listed twice"),
        "{e}"
    );
    let e = err("unsd_relationship.csv");
    assert!(
        e.contains("unsd_relationship.csv:2: bad relationship `1-1`"),
        "{e}"
    );
    // A table that leaves a subheading out is refused.
    let e = err("unsd_short.csv");
    assert!(e.contains("HS 2022 subheading 010129 has no row"), "{e}");
}

#[test]
fn a_curated_row_the_unsd_table_does_not_state_is_refused() {
    let l = loaded();
    let sources = hs_unsd::load(&data(files::HS_CORRELATION_UNSD), &l.hs2022, &l.hs2017).unwrap();
    let curated = hs::load_correlation(&data(files::HS_CORRELATION), &l.hs2022, &l.hs2017).unwrap();
    assert!(hs::check_curated(Path::new("c.csv"), &curated, &sources).is_ok());
    let mut wrong = curated.clone();
    wrong[0].hs2017 = 610910;
    let e = hs::check_curated(Path::new("c.csv"), &wrong, &sources)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("c.csv:2: 851713 -> 610910 is not in the UNSD correlation table"),
        "{e}"
    );
}

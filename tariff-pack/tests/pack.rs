//! The pack format and the committed default pack: round trips, a reader that never panics, every
//! USITC MFN line against its source row, samples of the UK, EU and AU tariffs, HS 2022 mapping,
//! freshness of `packs/landed.pack` and the size budgets.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::OnceLock;

use landed::pack::lookup::{line_code, TariffMatch};
use landed::pack::model::*;
use landed::pack::{Header, Pack, PackError, Tariffs, FORMAT_VERSION, MAGIC};
use landed::Date;
use landed_pack::build::{self, Built};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// The committed pack: the bytes `landed::DEFAULT_PACK` embeds. landed-pack depends on `landed`
/// without default features, so that constant (feature `default-pack`) is not compiled in here.
const DEFAULT_PACK: &[u8] =
    include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../packs/landed.pack"));

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}
fn date(s: &str) -> Date {
    s.parse().unwrap()
}
fn default_pack() -> &'static Pack {
    static P: OnceLock<Pack> = OnceLock::new();
    P.get_or_init(|| Pack::from_bytes(DEFAULT_PACK).unwrap())
}
fn tariff(id: &str) -> &'static Tariff {
    default_pack()
        .tariff(id)
        .unwrap_or_else(|| panic!("no tariff {id}"))
}
fn expr<'a>(t: &'a Tariff, l: &TariffLine) -> &'a DutyExpr {
    &t.exprs[l.expr as usize]
}
fn data(rel: &str) -> PathBuf {
    landed_pack::sources::data_dir().join(rel)
}
/// One build of the sources and the real rules, shared by the tests that need it.
fn built() -> &'static Built {
    static B: OnceLock<Built> = OnceLock::new();
    B.get_or_init(|| build::build(&landed_pack::rules_dir(), false).unwrap())
}

/// Rows of a CSV file as `(1-based line, header -> value)`.
fn csv_rows(rel: &str) -> Vec<(u64, BTreeMap<String, String>)> {
    // Physical lines, counted from each record's byte offset.
    let bytes = std::fs::read(data(rel)).unwrap();
    let newlines: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i] == b'\n').collect();
    let mut r = csv::Reader::from_reader(bytes.as_slice());
    let header = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            // csv's position may sit on the previous record's line terminator.
            let mut byte = rec.position().unwrap().byte() as usize;
            while byte < bytes.len() && (bytes[byte] == b'\r' || bytes[byte] == b'\n') {
                byte += 1;
            }
            let line = newlines.partition_point(|&n| n < byte) as u64 + 1;
            let map = header
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.trim().to_string()))
                .collect();
            (line, map)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------- SHA-256

/// SHA-256 (FIPS 180-4), so that test packs with a correct content hash can be assembled by hand.
fn sha256(data: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    let bits = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bits.to_be_bytes());
    for chunk in msg.chunks(64) {
        let mut w = [0u32; 64];
        for i in 0..16 {
            w[i] = u32::from_be_bytes([
                chunk[4 * i],
                chunk[4 * i + 1],
                chunk[4 * i + 2],
                chunk[4 * i + 3],
            ]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 32];
    for (i, v) in h.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&v.to_be_bytes());
    }
    out
}

/// Assembles a pack from a header and raw body bytes, with a correct length and hash.
fn assemble(mut header: Header, body: &[u8]) -> Vec<u8> {
    header.body_len = body.len() as u64;
    header.content_hash = sha256(body);
    let h = postcard::to_allocvec(&header).unwrap();
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(h.len() as u32).to_le_bytes());
    out.extend_from_slice(&h);
    out.extend_from_slice(body);
    out
}

/// Offset of the body in the default pack.
fn body_offset() -> usize {
    let b = DEFAULT_PACK;
    14 + u32::from_le_bytes([b[10], b[11], b[12], b[13]]) as usize
}

#[test]
fn sha256_matches_the_reader() {
    assert_eq!(
        sha256(b"abc")[..4],
        [0xba, 0x78, 0x16, 0xbf],
        "FIPS 180-4 test vector"
    );
    let p = default_pack();
    assert_eq!(
        sha256(&DEFAULT_PACK[body_offset()..]),
        p.header.content_hash
    );
    // The hand assembly reproduces the real pack byte for byte.
    assert_eq!(
        assemble(p.header.clone(), &DEFAULT_PACK[body_offset()..]),
        DEFAULT_PACK
    );
}

// ---------------------------------------------------------------------------------------------- round trips

#[test]
fn default_pack_round_trips_byte_for_byte() {
    let p = default_pack();
    let bytes = Pack::to_bytes(p.header.clone(), &p.body).unwrap();
    assert!(bytes == DEFAULT_PACK, "re-encoding changes the pack");
    assert_eq!(Pack::from_bytes(&bytes).unwrap(), *p);
    assert_eq!(p.header.body_len as usize, bytes.len() - body_offset());
}

fn tiny_body() -> Body {
    let dv = |from: &str, v: Decimal| DatedValue {
        from: date(from),
        value: v,
        reference: "https://example.org/".into(),
    };
    let dest = Destination {
        code: "ZZ".into(),
        name: "Testland".into(),
        currency: "EUR".into(),
        customs_territory: "ZZ".into(),
        coverage: Coverage {
            from: date("2021-01-01"),
            verified_on: date("2026-01-01"),
            refuse_from: date("2028-01-01"),
            refused: vec![],
        },
        valuation: Dated {
            values: vec![DatedValue {
                from: date("2021-01-01"),
                value: Valuation {
                    basis: "CIF".into(),
                    include_shipping: true,
                    include_insurance: false,
                    consumer_goods_factor: Some(dec("0.6")),
                },
                reference: "https://example.org/v".into(),
            }],
        },
        tariff: Dated {
            values: vec![DatedValue {
                from: date("2021-01-01"),
                value: TariffSource::Schedule(TariffBinding {
                    tariff_id: "zz-tariff".into(),
                    reference: "https://example.org/t".into(),
                }),
                reference: "https://example.org/t".into(),
            }],
        },
        tax: Some(TaxSpec {
            name: "VAT".into(),
            standard: Dated {
                values: vec![dv("2021-01-01", dec("20")), dv("2025-01-01", dec("21.5"))],
            },
            reduced: vec![],
            regions: vec![],
            base: TaxBase {
                shipping: true,
                insurance: true,
                duty: true,
                fees: false,
            },
            split: Dated {
                values: vec![DatedValue {
                    from: date("2021-01-01"),
                    value: TaxSplit {
                        national_share: dec("0.78"),
                        local_numerator: dec("22"),
                        local_denominator: dec("78"),
                        base_increment: dec("1000"),
                        tax_increment: dec("100"),
                    },
                    reference: "https://example.org/s".into(),
                }],
            },
        }),
        measures: vec![Measure {
            id: "zz.relief".into(),
            title: "Relief".into(),
            from: date("2021-01-01"),
            until: Some(date("2027-01-01")),
            reference: "https://example.org/m".into(),
            when: Conditions::default(),
            test: None,
            effect: Effect {
                duty: Some(DutyEffect::Waive),
                ..Effect::default()
            },
        }],
        rounding: Dated {
            values: vec![DatedValue {
                from: date("2021-01-01"),
                value: Rounding {
                    scale: 2,
                    strategy: RoundingStrategy::MidpointAwayFromZero,
                    at: RoundingPoint::Line,
                },
                reference: "https://example.org/r".into(),
            }],
        },
        duty_rounding: Dated { values: vec![] },
        programmes: vec![],
        carriers: vec![],
    };
    Body {
        destinations: vec![dest],
        tariffs: Tariffs::new(vec![Tariff {
            id: "zz-tariff".into(),
            dataset: "zz".into(),
            hs_edition: 2017,
            currency: "EUR".into(),
            rates_as_of: date("2025-01-01"),
            uncovered_chapters: vec![98, 99],
            exprs: vec![
                DutyExpr {
                    text: "Free".into(),
                    terms: vec![],
                    min: None,
                    max: None,
                    unparsed: false,
                    or_lower: Vec::new(),
                },
                DutyExpr {
                    text: "5% + 1 EUR/kg".into(),
                    terms: vec![
                        DutyTerm::AdValorem(dec("5")),
                        DutyTerm::Specific {
                            amount: dec("1"),
                            per: dec("1"),
                            unit: QuantityUnit::Kg,
                        },
                    ],
                    min: None,
                    max: Some(DutyTerm::AdValorem(dec("10"))),
                    unparsed: false,
                    or_lower: Vec::new(),
                },
            ],
            lines: vec![
                TariffLine {
                    code: 1_012_100,
                    digits: 8,
                    expr: 0,
                    source_row: 2,
                },
                TariffLine {
                    code: 61_091_000,
                    digits: 8,
                    expr: 1,
                    source_row: 3,
                },
                TariffLine {
                    code: 8_517_120_000,
                    digits: 10,
                    expr: 1,
                    source_row: 4,
                },
            ],
            hs2022_map: vec![(851_713, 851_712)],
            hs2022_unmapped: vec![300_000, 400_000],
            preferences: vec![],
        }]),
        fx: FxTable {
            base: "EUR".into(),
            date: date("2026-01-02"),
            source: "test".into(),
            reference: "https://example.org/fx".into(),
            rates: vec![("GBP".into(), dec("0.85")), ("USD".into(), dec("1.1"))],
        },
        hs: HsEditions {
            hs2022_subheadings: vec![10121, 610910, 851713],
            hs2017_retired: vec![(851712, vec![851713])],
            hs2022_new: vec![851713],
        },
    }
}

fn tiny_header() -> Header {
    Header {
        pack_id: "landed-ZZ".into(),
        pack_version: "0.0.1".into(),
        build_date: date("2026-01-01"),
        datasets: vec![],
        destinations: vec!["ZZ".into()],
        body_len: 0,
        content_hash: [0; 32],
    }
}

#[test]
fn tiny_pack_round_trips() {
    let body = tiny_body();
    let bytes = Pack::to_bytes(tiny_header(), &body).unwrap();
    let p = Pack::from_bytes(&bytes).unwrap();
    assert_eq!(p.body, body);
    assert_eq!(p.header.pack_id, "landed-ZZ");
    assert_eq!(
        p.header.body_len as usize,
        bytes.len() - 14 - {
            u32::from_le_bytes([bytes[10], bytes[11], bytes[12], bytes[13]]) as usize
        }
    );
    assert_eq!(Pack::to_bytes(p.header.clone(), &p.body).unwrap(), bytes);
    assert_eq!(p.id(), "landed-ZZ@0.0.1");
    let t = p.tariff("zz-tariff").unwrap();
    match t.lookup("8517130000") {
        TariffMatch::Exact(l) => assert_eq!(line_code(l), "8517120000"),
        other => panic!("{other:?}"),
    }
    assert_eq!(t.lookup("300000"), TariffMatch::Unmapped);
}

#[test]
fn a_trusted_pack_decodes_its_tariffs_on_first_use_and_reports_a_bad_one() {
    // A schedule whose lines are out of order: a pack read from outside is refused at load; the
    // embedded (trusted) path loads, defers the schedule, and reports it when a quote needs it.
    let mut body = tiny_body();
    let mut t = body.tariffs.get("zz-tariff").unwrap().unwrap().clone();
    t.lines.reverse();
    body.tariffs = Tariffs::new(vec![t]);
    let bytes: &'static [u8] = Vec::leak(Pack::to_bytes(tiny_header(), &body).unwrap());
    assert!(
        matches!(Pack::from_bytes(bytes), Err(PackError::Malformed(m)) if m.starts_with("tariff zz-tariff:"))
    );
    let p = Pack::from_embedded(bytes).unwrap();
    assert!(format!("{:?}", p.body.tariffs).contains("not decoded"));
    assert!(matches!(
        p.tariff_checked("zz-tariff"),
        Err(PackError::Malformed(_))
    ));
    assert_eq!(p.tariff("zz-tariff"), None);
    assert_eq!(p.tariff_checked("other"), Ok(None));
    // A good one decodes once, on first use, to the same schedule.
    let good: &'static [u8] = Vec::leak(Pack::to_bytes(tiny_header(), &tiny_body()).unwrap());
    let p = Pack::from_embedded(good).unwrap();
    assert_eq!(
        p.tariff("zz-tariff"),
        tiny_body().tariffs.get("zz-tariff").unwrap()
    );
    assert!(format!("{:?}", p.body.tariffs).contains("(decoded)"));
}

// ---------------------------------------------------------------------------------------------- reader errors

#[test]
fn wrong_magic() {
    let mut b = DEFAULT_PACK.to_vec();
    b[0] = b'X';
    assert_eq!(Pack::from_bytes(&b), Err(PackError::BadMagic));
    assert_eq!(Pack::from_bytes(b""), Err(PackError::BadMagic));
    assert_eq!(Pack::from_bytes(b"LANDPAC"), Err(PackError::BadMagic));
}

#[test]
fn unsupported_version() {
    let mut b = DEFAULT_PACK.to_vec();
    b[8..10].copy_from_slice(&999u16.to_le_bytes());
    assert_eq!(
        Pack::from_bytes(&b),
        Err(PackError::UnsupportedVersion {
            found: 999,
            supported: 7
        })
    );
    assert_eq!(FORMAT_VERSION, 7);
}

#[test]
fn trailing_bytes_and_truncation() {
    let mut b = DEFAULT_PACK.to_vec();
    b.push(0);
    assert!(matches!(Pack::from_bytes(&b), Err(PackError::Malformed(_))));
    let n = DEFAULT_PACK.len();
    assert_eq!(
        Pack::from_bytes(&DEFAULT_PACK[..n - 1]),
        Err(PackError::Truncated {
            expected: n as u64,
            found: n as u64 - 1
        })
    );
    assert_eq!(
        Pack::from_bytes(&DEFAULT_PACK[..10]),
        Err(PackError::Truncated {
            expected: 14,
            found: 10
        })
    );
}

/// A valid header for `body` with a correct hash, but a body of garbage, is `Malformed`.
fn garbage_body(body: &[u8]) -> Result<Pack, PackError> {
    Pack::from_bytes(&assemble(default_pack().header.clone(), body))
}

#[test]
fn garbage_body_with_correct_hash() {
    for body in [&b""[..], &[0u8; 64][..], &[0xff; 64][..]] {
        assert!(matches!(garbage_body(body), Err(PackError::Malformed(_))));
    }
    // A well-formed body inconsistent with its header (other destinations) is Malformed too.
    let bytes = postcard::to_allocvec(&tiny_body()).unwrap();
    assert!(
        matches!(garbage_body(&bytes), Err(PackError::Malformed(m)) if m.contains("header destinations"))
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        prop_assert!(Pack::from_bytes(&bytes).is_err());
    }

    #[test]
    fn random_bytes_after_the_magic_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut b = MAGIC.to_vec();
        b.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        b.extend_from_slice(&bytes);
        prop_assert!(Pack::from_bytes(&b).is_err());
    }

    #[test]
    fn truncated_pack_is_an_error(len in 0usize..DEFAULT_PACK.len()) {
        let r = Pack::from_bytes(&DEFAULT_PACK[..len]);
        if len < MAGIC.len() {
            prop_assert_eq!(r, Err(PackError::BadMagic));
        } else {
            prop_assert!(matches!(r, Err(PackError::Truncated { found, .. }) if found == len as u64), "len {}", len);
        }
    }

    #[test]
    fn flipped_bytes_are_caught(
        flips in proptest::collection::vec((any::<proptest::sample::Index>(), 1u8..=255), 1..4)
    ) {
        let mut b = DEFAULT_PACK.to_vec();
        let mut in_body = false;
        let mut in_header = false;
        for (i, x) in &flips {
            let i = i.index(b.len());
            b[i] ^= x;
            if i >= body_offset() { in_body = true } else { in_header = true }
        }
        let r = Pack::from_bytes(&b);
        if in_body && !in_header {
            prop_assert_eq!(r, Err(PackError::HashMismatch));
        } else if let Ok(p) = r {
            // The header is not covered by the hash: a flip inside one of its texts (a dataset
            // title, say) still reads, but the body is the one the hash vouches for.
            prop_assert!(!in_body);
            prop_assert_eq!(&p.body, &default_pack().body);
            prop_assert!(p.header != default_pack().header);
        }
    }

    #[test]
    fn flipped_body_bytes_are_a_hash_mismatch(
        i in body_offset()..DEFAULT_PACK.len(), x in 1u8..=255
    ) {
        let mut b = DEFAULT_PACK.to_vec();
        b[i] ^= x;
        prop_assert_eq!(Pack::from_bytes(&b), Err(PackError::HashMismatch));
    }

    #[test]
    fn garbage_body_with_a_correct_hash_is_malformed(
        body in proptest::collection::vec(any::<u8>(), 0..2048)
    ) {
        let r = garbage_body(&body);
        prop_assert!(matches!(r, Err(PackError::Malformed(_))), "{:?}", r.map(|_| ()));
    }

    #[test]
    fn mutated_real_body_with_a_correct_hash_never_panics(
        flips in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<proptest::sample::Index>(),
    ) {
        // Start from the real body so that decoding goes deep before it meets the damage.
        let mut body = DEFAULT_PACK[body_offset()..].to_vec();
        for (i, x) in &flips {
            let i = i.index(body.len());
            body[i] = *x;
        }
        if cut.index(4) == 0 {
            body.truncate(cut.index(body.len()));
        }
        // Ok is possible (a flipped digit in a rate text), a panic is not.
        let _ = garbage_body(&body);
    }
}

// ---------------------------------------------------------------------------------------------- USITC

const USITC: &str = "us-usitc-tariff-database-2025/tariff_database_2025_06062025.csv";

/// Every 8-digit line of chapters 01-97 is in the pack with the terms of its structured columns.
#[test]
fn every_usitc_mfn_line() {
    let t = tariff("us-usitc-2025");
    assert_eq!((t.hs_edition, t.currency.as_str()), (2022, "USD"));
    let (mut lines, mut unparsed) = (0, 0);
    let num = |s: &str| -> Option<Decimal> {
        if s.is_empty() || s == "9999.999999" {
            None
        } else {
            Some(Decimal::from_str(s).unwrap())
        }
    };
    for (row, r) in csv_rows(USITC) {
        let code = &r["hts8"];
        if code.starts_with("98") || code.starts_with("99") {
            continue;
        }
        lines += 1;
        let l = match t.lookup(code) {
            TariffMatch::Exact(l) => l,
            other => panic!("{code}: {other:?}"),
        };
        assert_eq!(line_code(l), *code);
        assert_eq!(l.source_row as u64, row, "{code}: source_row");
        let e = expr(t, l);
        assert_eq!(e.text, r["mfn_text_rate"], "{code}: text");
        let kind = r["mfn_rate_type_code"].as_str();
        if e.unparsed {
            unparsed += 1;
            assert!(
                ["9", "K", "X", "T"].contains(&kind),
                "{code}: type {kind} unparsed"
            );
            assert!(e.terms.is_empty() && e.min.is_none() && e.max.is_none());
            continue;
        }
        assert!(!["9", "K"].contains(&kind), "{code}: type {kind} parsed");
        let adv: Decimal = e
            .terms
            .iter()
            .filter_map(|t| match t {
                DutyTerm::AdValorem(p) => Some(*p),
                DutyTerm::Specific { .. } => None,
            })
            .sum();
        let specific: Vec<(Decimal, Decimal)> = e
            .terms
            .iter()
            .filter_map(|t| match t {
                DutyTerm::Specific { amount, per, .. } => Some((*amount, *amount / *per)),
                DutyTerm::AdValorem(_) => None,
            })
            .collect();
        if kind == "0" {
            assert!(e.terms.is_empty(), "{code}: free with terms");
            assert_eq!(
                num(&r["mfn_ad_val_rate"]).unwrap_or_default(),
                Decimal::ZERO
            );
            continue;
        }
        if ["X", "T"].contains(&kind) {
            // Parsed because the text is plain terms; the columns describe part of the goods.
            continue;
        }
        assert!(!e.terms.is_empty(), "{code}: type {kind} without terms");
        // Ad valorem percent = fraction x 100, exactly.
        let col_adv = num(&r["mfn_ad_val_rate"]).unwrap_or_default() * Decimal::ONE_HUNDRED;
        assert_eq!(adv, col_adv, "{code}: ad valorem `{}`", e.text);
        // Specific amounts = the non-zero specific / other columns (per unit or as written).
        let mut cols: Vec<Decimal> = [num(&r["mfn_specific_rate"]), num(&r["mfn_other_rate"])]
            .into_iter()
            .flatten()
            .filter(|d| !d.is_zero())
            .collect();
        assert_eq!(
            specific.len(),
            cols.len(),
            "{code}: specific terms of `{}`",
            e.text
        );
        for (amount, per_unit) in specific {
            let i = cols
                .iter()
                .position(|c| *c == amount || *c == per_unit)
                .unwrap_or_else(|| panic!("{code}: specific {amount} not in the columns"));
            cols.swap_remove(i);
        }
        match kind {
            "7" => assert!(specific_free(e), "{code}: type 7 with a specific term"),
            "1" | "2" | "3" => assert!(col_adv.is_zero(), "{code}: specific with ad valorem"),
            _ => {}
        }
    }
    // What `tariff-pack build` prints: "11414 lines kept, ... 149 lines with an unparsed rate".
    assert_eq!(lines, 11_414);
    assert_eq!(unparsed, 149);
    assert_eq!(t.lines.len(), 11_414);
    assert_eq!(t.lines.iter().filter(|l| expr(t, l).unparsed).count(), 149);
}

fn specific_free(e: &DutyExpr) -> bool {
    e.terms.iter().all(|t| matches!(t, DutyTerm::AdValorem(_)))
}

#[test]
fn usitc_t_shirt() {
    let t = tariff("us-usitc-2025");
    let TariffMatch::Exact(l) = t.lookup("6109100000") else {
        panic!()
    };
    assert_eq!(line_code(l), "61091000");
    let e = expr(t, l);
    assert_eq!(e.text, "16.50%");
    assert_eq!(e.terms, vec![DutyTerm::AdValorem(dec("16.5"))]);
}

// ---------------------------------------------------------------------------------------------- samples

fn av(p: &str) -> DutyTerm {
    DutyTerm::AdValorem(dec(p))
}
fn sp(amount: &str, per: &str, unit: QuantityUnit) -> DutyTerm {
    DutyTerm::Specific {
        amount: dec(amount),
        per: dec(per),
        unit,
    }
}

/// Looks each code up in the pack's tariff and checks the line, its text (as the source row
/// writes it in `column`), its source row and its terms (`None`: unparsed).
fn check_samples(
    tariff_id: &str,
    file: &str,
    code_column: &str,
    column: &str,
    cases: &[(&str, Option<Vec<DutyTerm>>)],
) {
    let t = tariff(tariff_id);
    let rows = csv_rows(file);
    for (code, terms) in cases {
        let digits: String = code.chars().filter(|c| c.is_ascii_digit()).collect();
        // The first source row of the line (AU repeats a line once per statistical code).
        let (row, r) = rows
            .iter()
            .find(|(_, r)| {
                r[code_column]
                    .chars()
                    .filter(|c| c.is_ascii_digit())
                    .collect::<String>()
                    == digits
            })
            .unwrap_or_else(|| panic!("{code} not in {file}"));
        let l = match t.lookup(&digits) {
            TariffMatch::Exact(l) => l,
            other => panic!("{tariff_id} {code}: {other:?}"),
        };
        assert_eq!(line_code(l), digits, "{tariff_id} {code}");
        assert_eq!(l.source_row as u64, *row, "{tariff_id} {code}: source row");
        let e = expr(t, l);
        assert_eq!(e.text, r[column], "{tariff_id} {code}: text");
        match terms {
            None => assert!(
                e.unparsed,
                "{tariff_id} {code}: `{}` should be unparsed",
                e.text
            ),
            Some(terms) => {
                assert!(!e.unparsed, "{tariff_id} {code}: `{}` unparsed", e.text);
                assert_eq!(&e.terms, terms, "{tariff_id} {code}: `{}`", e.text);
            }
        }
    }
}

const UKGT: &str = "uk-global-tariff-2021/global-uk-tariff.csv";
const AU: &str = "au-customs-tariff/schedule3_classifications.csv";

#[test]
fn ukgt_samples() {
    use QuantityUnit::*;
    check_samples(
        "gb-ukgt-2021",
        UKGT,
        "commodity",
        "ukgt_duty_rate",
        &[
            ("73041990", Some(vec![])),
            ("21022019", Some(vec![])),
            ("8414805110", Some(vec![])),
            ("08071100", Some(vec![av("8")])),
            ("62021310", Some(vec![av("12")])),
            ("1516209821", Some(vec![av("10")])),
            ("38249930", Some(vec![av("2")])),
            ("02072590", Some(vec![sp("31", "100", Kg)])),
            ("04041026", Some(vec![sp("14", "100", Kg)])),
            ("2204214490", Some(vec![sp("12", "1", Other)])), // hl: an `Other` unit (duty_text.rs)
            ("02021000", Some(vec![av("12"), sp("147", "100", Kg)])),
            ("02045015", Some(vec![av("12"), sp("157", "100", Kg)])),
            ("2204229590", Some(vec![sp("1.4", "1", Other)])),
            ("03024400", None),
            ("08094005", None),
        ],
    );
}

#[test]
fn eu_cet_samples() {
    use QuantityUnit::*;
    check_samples(
        "eu-cet-2020",
        UKGT,
        "commodity",
        "cet_duty_rate",
        &[
            ("73042400", Some(vec![])),
            ("14012000", Some(vec![])),
            ("85412900", Some(vec![])),
            ("29147100", Some(vec![av("5.5")])),
            ("63025310", Some(vec![av("6.9")])),
            ("62152000", Some(vec![av("6.3")])),
            ("61091000", Some(vec![av("12")])),
            ("02072640", Some(vec![sp("18.7", "100", Kg)])),
            ("2204218010", Some(vec![sp("13.1", "1", Other)])), // hl: an `Other` unit (duty_text.rs)
            ("02023050", Some(vec![av("12.8"), sp("221.1", "100", Kg)])),
            ("19042095", Some(vec![av("5.1"), sp("46", "100", Kg)])),
            ("2204218595", Some(vec![sp("1.75", "1", Other)])),
            ("18069031", None),
            ("08052900", None),
            ("06031920", None),
        ],
    );
}

#[test]
fn au_samples() {
    use QuantityUnit::*;
    check_samples(
        "au-schedule3",
        AU,
        "reference_number",
        "duty_rate_raw",
        &[
            ("4106.40.10", Some(vec![])),
            ("1108.20.00", Some(vec![])),
            ("7110.21.00", Some(vec![])),
            ("8709.11.00", Some(vec![av("5")])),
            ("3909.40.00", Some(vec![av("5")])),
            ("8504.10.00", Some(vec![av("5")])),
            ("8514.19.00", Some(vec![av("5")])),
            ("8535.10.00", Some(vec![av("5")])),
            ("3907.10.00", Some(vec![av("5")])),
            ("2710.91.40", Some(vec![sp("0.03556", "1", Litre)])),
            ("2206.00.24", Some(vec![av("5"), sp("107.99", "1", Other)])),
            ("2205.90.90", Some(vec![av("5"), sp("107.99", "1", Other)])),
            ("2204.10.83", Some(vec![av("5"), sp("107.99", "1", Other)])),
            ("2402.10.20", Some(vec![sp("1.52829", "1", Item)])),
            ("2203.00.63", None),
        ],
    );
}

// ---------------------------------------------------------------------------------------------- HS 2022

#[test]
fn hs2022_mapping() {
    let t = tariff("eu-cet-2020");
    assert_eq!(t.hs_edition, 2017);
    // 8517.13 (smartphones, new in HS 2022) is looked up under HS 2017 8517.12.
    match t.lookup("851713") {
        TariffMatch::Exact(l) => assert!(line_code(l).starts_with("851712"), "{l:?}"),
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(t.lookup("8517130000"), TariffMatch::Exact(l) if line_code(l).starts_with("851712"))
    );
    // No HS 2022 subheading is left without an HS 2017 counterpart.
    assert!(t.hs2022_unmapped.is_empty());
    // Drones (new heading 8806) were formed from several HS 2017 subheadings: their lines are all
    // candidates (the dearest is charged), national digits or not.
    for code in ["880621", "8806211000"] {
        match t.lookup(code) {
            TariffMatch::Candidates(ls) => {
                assert!(
                    ls.iter().any(|l| line_code(l).starts_with("852580"))
                        && ls.iter().any(|l| line_code(l).starts_with("880220")),
                    "{ls:?}"
                );
                assert!(ls.iter().any(|l| l.expr != ls[0].expr));
            }
            other => panic!("{code}: {other:?}"),
        }
    }
    // A 6-digit code above several 8-digit lines with different rates.
    match t.lookup("020230") {
        TariffMatch::Candidates(ls) => {
            assert!(ls.len() >= 3, "{ls:?}");
            assert!(ls.iter().all(|l| line_code(l).starts_with("020230")));
            assert!(ls.iter().any(|l| l.expr != ls[0].expr));
        }
        other => panic!("{other:?}"),
    }
    // A 6-digit code whose lines share one rate is exact.
    assert!(matches!(t.lookup("610910"), TariffMatch::Exact(l) if line_code(l) == "61091000"));
    // The US tariff is HS 2022: no mapping.
    let us = tariff("us-usitc-2025");
    assert!(us.hs2022_map.is_empty() && us.hs2022_unmapped.is_empty());
    assert!(
        matches!(us.lookup("851713"), TariffMatch::Exact(l) if line_code(l).starts_with("851713"))
    );
}

// ---------------------------------------------------------------------------------------------- build

#[test]
fn committed_pack_is_current() {
    assert!(
        built().all == DEFAULT_PACK,
        "packs/landed.pack is stale: run `cargo run -p landed-pack --release -- build`"
    );
}

#[test]
fn size_budgets() {
    let b = built();
    let all = build::gzipped_len(&b.all);
    assert!(
        all > 0 && all <= 250_000 && all <= build::BUDGET_ALL_GZ,
        "all-destinations pack: {all} bytes gzipped"
    );
    let p = default_pack();
    assert_eq!(
        b.per_destination
            .iter()
            .map(|(c, _)| c.as_str())
            .collect::<Vec<_>>(),
        p.header.destinations
    );
    for (code, bytes) in &b.per_destination {
        let gz = build::gzipped_len(bytes);
        assert!(
            gz <= 80_000 && gz <= build::BUDGET_ONE_GZ,
            "landed-{code}: {gz} bytes gzipped"
        );
        let one = Pack::from_bytes(bytes).unwrap();
        assert_eq!(one.header.pack_id, format!("landed-{code}"));
        assert_eq!(one.header.destinations, vec![code.clone()]);
        assert_eq!(one.destination(code), p.destination(code));
    }
}

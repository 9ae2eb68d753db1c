//! Native benchmarks: one quote for a 1-item and a 5-item basket, and loading + validating the
//! all-destinations pack. Run: `cargo bench --bench quote`. Results go in BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, Criterion};
use landed::{Basket, Date, Pack};
use std::hint::black_box;

const ONE: &str = r#"{"destination":"DE","date":"2026-11-25","currency":"EUR","channel":"courier",
  "seller":{"registrations":["EU_IOSS"]},
  "items":[{"id":"tee","description":"Cotton T-shirt","hs_code":"610910","origin":"CN","quantity":2,"unit_price":"19.90"}],
  "shipping":"4.90"}"#;

const FIVE: &str = include_str!("../examples/five-item-basket.json");

fn benches(c: &mut Criterion) {
    let pack = landed::default_pack().expect("default pack");
    let today = Date::new(2026, 11, 25).expect("date");
    let one = Basket::from_json(ONE).expect("basket");
    let five = Basket::from_json(FIVE).expect("basket");
    landed::Quoter::new(&pack)
        .quote(&five, today)
        .expect("quote");
    c.bench_function("quote/1-item (DE, IOSS)", |b| {
        b.iter(|| landed::Quoter::new(&pack).quote(black_box(&one), today))
    });
    c.bench_function("quote/5-item (GB, USD→GBP)", |b| {
        b.iter(|| landed::Quoter::new(&pack).quote(black_box(&five), today))
    });
    c.bench_function("quote_json/5-item incl. parsing", |b| {
        b.iter(|| landed::Quoter::new(&pack).quote_json(black_box(FIVE), today))
    });
    c.bench_function("pack/load+validate all destinations", |b| {
        b.iter(|| Pack::from_bytes(black_box(landed::DEFAULT_PACK)))
    });
}

criterion_group!(name = group; config = Criterion::default().sample_size(50); targets = benches);
criterion_main!(group);

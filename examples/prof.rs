//! Quotes the 5-item benchmark basket 2,000 times, for instruction counts that do not depend on load:
//! `cargo build --release --no-default-features --features default-pack --example prof &&
//!  valgrind --tool=callgrind target/release/examples/prof [MODE [ITERATIONS]]`.
//! Modes: `engine` (default) runs the engine on a parsed basket; `engfig` the same with the figures
//! only (`Detail::Figures`, the browser's path, without parsing or serialising); `parse` only parses
//! the basket; `json` only serialises a quote; `all` does what the WASM binding did for a full quote:
//! JSON text in, JSON text out; `figures` what it does now: the same with the figures only (the
//! trail comes on demand). ITERATIONS (default 2,000) set to 0 measures the start-up alone, to
//! subtract from a run's total. A third argument names another basket file to quote instead of
//! the 5-item GB basket (e.g. `examples/five-item-us-cn.json`).

const FIVE_GB: &str = include_str!("five-item-basket.json");

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_else(|| "engine".into());
    let other = std::env::args()
        .nth(3)
        .map(|p| std::fs::read_to_string(p).expect("the basket file reads"));
    let five: &str = other.as_deref().unwrap_or(FIVE_GB);
    let pack = landed::default_pack().expect("default pack");
    let basket = landed::Basket::from_json(five).expect("basket");
    let today = landed::Date::new(2026, 11, 25).expect("date");
    let q = landed::Quoter::new(&pack)
        .quote(&basket, today)
        .expect("quote");
    let iterations: usize = std::env::args()
        .nth(2)
        .map_or(2000, |n| n.parse().expect("ITERATIONS is a number"));
    for _ in 0..iterations {
        match mode.as_str() {
            "parse" => drop(std::hint::black_box(landed::Basket::from_json(five))),
            "json" => drop(std::hint::black_box(serde_json::to_string(&q))),
            "all" => drop(std::hint::black_box(
                landed::Quoter::new(&pack)
                    .quote_json(five, today)
                    .map(|q| serde_json::to_string(&q)),
            )),
            "engfig" => drop(std::hint::black_box(
                landed::Quoter::new(&pack).figures(&basket, today),
            )),
            "figures" => drop(std::hint::black_box(
                landed::Basket::from_json(five)
                    .and_then(|b| landed::Quoter::new(&pack).figures(&b, today))
                    .map(|q| serde_json::to_string(&q)),
            )),
            _ => drop(std::hint::black_box(
                landed::Quoter::new(&pack).quote(&basket, today),
            )),
        }
    }
}

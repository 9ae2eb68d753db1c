//! Quotes the 5-item benchmark basket 2,000 times, for instruction counts that do not depend on load:
//! `cargo build --release --example prof && valgrind --tool=callgrind target/release/examples/prof`.

const FIVE: &str = include_str!("five-item-basket.json");

fn main() {
    let pack = landed::default_pack().expect("default pack");
    let basket = landed::Basket::from_json(FIVE).expect("basket");
    let today = landed::Date::new(2026, 11, 25).expect("date");
    for _ in 0..2000 {
        std::hint::black_box(landed::quote(&pack, &basket, today).expect("quote"));
    }
}

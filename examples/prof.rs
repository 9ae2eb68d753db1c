//! Quotes the 5-item benchmark basket 2,000 times, for instruction counts that do not depend on load:
//! `cargo build --release --example prof && valgrind --tool=callgrind target/release/examples/prof`.

const FIVE: &str = r#"{"destination":"GB","date":"2026-11-25","currency":"USD","channel":"courier",
  "items":[
    {"id":"tee","description":"Cotton T-shirt","hs_code":"610910","origin":"CN","quantity":2,"unit_price":"19.90"},
    {"id":"shoes","description":"Running shoes","hs_code":"640411","origin":"VN","quantity":1,"unit_price":"89.00"},
    {"id":"bag","description":"Leather handbag","hs_code":"420221","origin":"IT","quantity":1,"unit_price":"240.00"},
    {"id":"watch","description":"Wristwatch","hs_code":"910211","origin":"CH","quantity":1,"unit_price":"310.00"},
    {"id":"book","description":"Printed book","hs_code":"490199","origin":"US","quantity":3,"unit_price":"12.50"}],
  "shipping":"25.00","insurance":"5.00"}"#;

fn main() {
    let pack = landed::default_pack().expect("default pack");
    let basket = landed::Basket::from_json(FIVE).expect("basket");
    let today = landed::Date::new(2026, 11, 25).expect("date");
    for _ in 0..2000 {
        std::hint::black_box(landed::quote(&pack, &basket, today).expect("quote"));
    }
}

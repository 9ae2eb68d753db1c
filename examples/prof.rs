fn main() {
    let pack = landed::default_pack().unwrap();
    let five = std::fs::read_to_string("/tmp/five.json").unwrap();
    let b = landed::Basket::from_json(&five).unwrap();
    let today = landed::Date::new(2026, 11, 25).unwrap();
    for _ in 0..2000 { std::hint::black_box(landed::quote(&pack, &b, today).unwrap()); }
}

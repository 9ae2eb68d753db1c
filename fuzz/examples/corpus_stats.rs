//! Counts how far the inputs of a basket corpus get: not UTF-8, refused by `Basket::from_json`
//! (by error code), refused by the quote (by error code), quoted. `cargo run --release --example
//! corpus_stats -- corpus/basket`.

use std::collections::BTreeMap;

fn main() {
    let dir = std::env::args().nth(1).expect("a corpus directory");
    let pack = landed_fuzz::default_pack();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("a readable directory") {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let key = match std::str::from_utf8(&bytes) {
            Err(_) => "not utf-8".to_string(),
            Ok(text) => match landed::Basket::from_json(text) {
                Err(e) => format!("basket error {}", e.code()),
                Ok(b) => match landed::quote(pack, &b, landed_fuzz::today()) {
                    Err(e) => format!("quote error {}", e.code()),
                    Ok(q) => format!("quoted {}", q.destination),
                },
            },
        };
        *counts.entry(key).or_default() += 1;
    }
    for (k, n) in counts {
        println!("{n:6}  {k}");
    }
}

//! Arbitrary bytes as a JSON basket: parsed by `Basket::from_json` and, when it validates, quoted
//! against the built-in pack through the public API (`landed::quote_json`). An `Err` is a correct
//! answer; a panic (including an arithmetic overflow: fuzz builds keep debug assertions) is a
//! finding. Two cheap oracles ride along: the figures-only quote equals the full quote without its
//! explain trail, and the quote's JSON reads back to the same quote.
#![no_main]

use landed::engine::{quote_detailed, Detail};
use landed::{Basket, Quote};
use landed_fuzz::{default_pack, today};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(basket) = Basket::from_json(text) else {
        return;
    };
    let pack = default_pack();
    let full = landed::quote_json(pack, text, today());
    let figures = quote_detailed(pack, &basket, today(), Detail::Figures);
    match (&full, &figures) {
        (Ok(full), Ok(figures)) => {
            let mut stripped = full.clone();
            stripped.explain.clear();
            assert_eq!(
                &stripped, figures,
                "the figures-only quote differs from the full one"
            );
            let json = serde_json::to_string(full).expect("a quote serialises");
            let back: Quote = serde_json::from_str(&json).expect("a quote's JSON reads back");
            assert_eq!(&back, full, "a quote's JSON reads back to another quote");
        }
        (Err(a), Err(b)) => assert_eq!(a, b, "full and figures-only quotes fail differently"),
        _ => panic!(
            "one detail level quotes, the other fails:\nfull: {full:?}\nfigures: {figures:?}"
        ),
    }
});

//! Arbitrary bytes as a tariff pack: `Pack::from_bytes` must answer `Ok` or a `PackError`, never
//! panic. A pack that reads is then quoted: two fixed baskets per destination it covers.
//!
//! The body is guarded by its SHA-256, so mutated bytes almost never get past the hash check here:
//! this target covers the prefix, the header and the length checks. `pack_mutated` re-hashes its
//! edits to reach the body decoder, the structural validation and the engine.
#![no_main]

use landed::Pack;
use landed_fuzz::quote_fixed;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(pack) = Pack::from_bytes(data) {
        let _ = pack.id();
        let codes: Vec<&str> = pack
            .header
            .destinations
            .iter()
            .map(String::as_str)
            .collect();
        quote_fixed(&pack, &codes);
    }
});

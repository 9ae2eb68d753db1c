//! Edits applied to a valid pack, so that mutations land deep inside one: the input is read as
//! 4-byte records `[op, pos_lo, pos_hi, value]`, each an edit of the slim pack's body (or, with
//! bit 7 of `op`, of its encoded header) at `pos / 65536` of the region's length:
//!
//! | `op & 7` | edit                              |
//! |----------|-----------------------------------|
//! | 0 to 3   | xor the byte with `value`         |
//! | 4        | set the byte to `value`           |
//! | 5        | insert `value` before the byte    |
//! | 6        | delete `value % 16 + 1` bytes     |
//! | 7        | add `value` to the byte (wrapping) |
//!
//! Afterwards the header's `body_len` and `content_hash` are recomputed (unless an op has bit 6
//! set, or the edited header no longer decodes), so the edited body gets past the hash check into
//! the postcard decoder, the structural validation and the per-tariff checks. A pack that still
//! reads is quoted with two fixed baskets for each destination whose rules, tariff, FX or HS tables
//! the edits changed. `Pack::from_bytes` must answer `Ok` or a `PackError`; the engine must answer
//! `Ok` or an `Error`; a panic anywhere is a finding.
#![no_main]

use landed::Pack;
use landed_fuzz::{edited_pack, quote_fixed, slim_base};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let base = slim_base();
    let bytes = edited_pack(base, data);
    let Ok(pack) = Pack::from_bytes(&bytes) else {
        return;
    };
    let _ = pack.id();
    let old = &base.pack;
    let shared_changed = pack.body.fx != old.body.fx || pack.body.hs != old.body.hs;
    let n = pack.body.destinations.len();
    let codes: Vec<&str> = pack
        .body
        .destinations
        .iter()
        .enumerate()
        .filter(|(i, d)| {
            shared_changed
                || n > 0 && *i == data.len() % n
                || old.destination(&d.code) != Some(*d)
                || d.tariff.as_ref().is_some_and(|t| {
                    pack.body.tariffs.get(&t.tariff_id).ok().flatten()
                        != old.body.tariffs.get(&t.tariff_id).ok().flatten()
                })
        })
        .map(|(_, d)| d.code.as_str())
        .collect();
    quote_fixed(&pack, &codes);
});

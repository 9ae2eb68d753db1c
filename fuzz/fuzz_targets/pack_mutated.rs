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

use landed::pack::{Header, FORMAT_VERSION, MAGIC};
use landed::Pack;
use landed_fuzz::{quote_fixed, slim_pack_bytes};
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

struct Base {
    header: Vec<u8>,
    body: Vec<u8>,
    pack: Pack,
}

fn base() -> &'static Base {
    static BASE: OnceLock<Base> = OnceLock::new();
    BASE.get_or_init(|| {
        let bytes = slim_pack_bytes();
        let header_len = u32::from_le_bytes(bytes[10..14].try_into().unwrap()) as usize;
        Base {
            header: bytes[14..14 + header_len].to_vec(),
            body: bytes[14 + header_len..].to_vec(),
            pack: Pack::from_bytes(bytes).expect("the slim pack reads"),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let base = base();
    let mut header = base.header.clone();
    let mut body = base.body.clone();
    let mut fix_hash = true;
    for e in data.chunks_exact(4) {
        let (op, pos, value) = (e[0], usize::from(u16::from_le_bytes([e[1], e[2]])), e[3]);
        if op & 0x40 != 0 {
            fix_hash = false;
        }
        let buf = if op & 0x80 != 0 {
            &mut header
        } else {
            &mut body
        };
        let len = buf.len();
        let at = pos * len / 65536;
        match op & 7 {
            0..=3 if at < len => buf[at] ^= value,
            4 if at < len => buf[at] = value,
            5 => buf.insert(at, value),
            6 if at < len => {
                buf.drain(at..(at + usize::from(value % 16) + 1).min(len));
            }
            7 if at < len => buf[at] = buf[at].wrapping_add(value),
            _ => {}
        }
    }
    if fix_hash {
        if let Ok(mut h) = postcard::from_bytes::<Header>(&header) {
            h.body_len = body.len() as u64;
            h.content_hash = Sha256::digest(&body).into();
            header = postcard::to_allocvec(&h).expect("a header encodes");
        }
    }
    let mut bytes = Vec::with_capacity(14 + header.len() + body.len());
    bytes.extend_from_slice(&MAGIC);
    bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    bytes.extend_from_slice(&(header.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&header);
    bytes.extend_from_slice(&body);
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

//! Writes the generated seeds of the pack targets into `fuzz/corpus/` (not committed: they are
//! derived from `packs/landed.pack`, 300 KB, which the repository already holds):
//!
//! - `corpus/pack/`: the built-in pack, the slim pack, truncations of both at a dozen lengths
//!   (inside the prefix, the header and the body) and single-bit flips of the slim pack at
//!   spread-out offsets (every one of them fails the hash: that path is the point).
//! - `corpus/pack_mutated/`: edit lists (see `fuzz_targets/pack_mutated.rs`): none, one xor in the
//!   body, one in the header, an insertion, a deletion, and one without the hash fix-up.
//!
//! Run from `fuzz/`: `cargo run --release --example make_seeds`.

use std::fs;
use std::path::Path;

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    fs::write(dir.join(name), bytes).expect("write a seed");
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let pack_dir = root.join("pack");
    let mutated_dir = root.join("pack_mutated");
    fs::create_dir_all(&pack_dir).unwrap();
    fs::create_dir_all(&mutated_dir).unwrap();

    let full = landed::DEFAULT_PACK;
    let slim = landed_fuzz::slim_pack_bytes();
    write(&pack_dir, "full.pack", full);
    write(&pack_dir, "slim.pack", slim);
    let header_len = u32::from_le_bytes(slim[10..14].try_into().unwrap()) as usize;
    for (name, bytes) in [("full", full), ("slim", slim)] {
        for cut in [
            0,
            7,
            8,
            9,
            13,
            14,
            20,
            14 + header_len / 2,
            14 + header_len,
            14 + header_len + 1,
        ] {
            write(&pack_dir, &format!("{name}-cut-{cut}.pack"), &bytes[..cut]);
        }
        write(
            &pack_dir,
            &format!("{name}-cut-last.pack"),
            &bytes[..bytes.len() - 1],
        );
    }
    for i in 0..16 {
        let at = 8 + i * (slim.len() - 8) / 16;
        let mut b = slim.to_vec();
        b[at] ^= 1 << (i % 8);
        write(&pack_dir, &format!("slim-flip-{at}.pack"), &b);
    }
    println!(
        "pack seeds: full {} bytes, slim {} bytes (header {header_len})",
        full.len(),
        slim.len()
    );

    let edits: &[(&str, &[u8])] = &[
        ("none", &[]),
        ("body-xor", &[0x00, 0x00, 0x80, 0x01]),
        ("header-xor", &[0x80, 0x00, 0x10, 0x20]),
        ("body-insert", &[0x05, 0x34, 0x12, 0x00]),
        ("body-delete", &[0x06, 0x00, 0xc0, 0x03]),
        ("body-add-nohash", &[0x47, 0x00, 0x40, 0x01]),
        (
            "two-edits",
            &[0x00, 0x10, 0x20, 0x04, 0x04, 0x00, 0xf0, 0xff],
        ),
    ];
    for (name, e) in edits {
        write(&mutated_dir, name, e);
    }
}

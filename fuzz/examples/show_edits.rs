//! Shows what a `pack_mutated` input does to the slim pack: the edits, whether the edited pack
//! reads, and which destinations, tariffs, FX rates or HS tables differ from the slim pack's.
//! `cargo run --release --example show_edits -- FILE`.

fn main() {
    let path = std::env::args().nth(1).expect("an input file");
    let edits = std::fs::read(path).expect("a readable file");
    let base = landed_fuzz::slim_base();
    for e in edits.chunks_exact(4) {
        let region = if e[0] & 0x80 != 0 { "header" } else { "body" };
        let len = if e[0] & 0x80 != 0 {
            base.header.len()
        } else {
            base.body.len()
        };
        let at = usize::from(u16::from_le_bytes([e[1], e[2]])) * len / 65536;
        println!(
            "op {:#04x} (kind {}) {region}[{at}] value {:#04x}",
            e[0],
            e[0] & 7,
            e[3]
        );
    }
    let bytes = landed_fuzz::edited_pack(base, &edits);
    let pack = match landed::Pack::from_bytes(&bytes) {
        Ok(p) => p,
        Err(e) => return println!("the edited pack does not read: {e}"),
    };
    let old = &base.pack;
    let (mut a, mut b) = (old.header.clone(), pack.header.clone());
    (a.content_hash, b.content_hash, a.body_len, b.body_len) = ([0; 32], [0; 32], 0, 0);
    if a != b {
        println!("header:\n  was {a:?}\n  now {b:?}");
    }
    if pack.body.fx != old.body.fx {
        println!(
            "fx: base {} -> {}, date {} -> {}",
            old.body.fx.base, pack.body.fx.base, old.body.fx.date, pack.body.fx.date
        );
        for (a, b) in old.body.fx.rates.iter().zip(&pack.body.fx.rates) {
            if a != b {
                println!("  rate {} {} -> {} {}", a.0, a.1, b.0, b.1);
            }
        }
    }
    if pack.body.hs != old.body.hs {
        println!("hs tables differ");
    }
    for d in &pack.body.destinations {
        if old.destination(&d.code) != Some(d) {
            println!(
                "destination {} differs:\n  was {:?}\n  now {d:?}",
                d.code,
                old.destination(&d.code)
            );
        }
    }
    for (a, b) in old.body.tariffs.iter().zip(pack.body.tariffs.iter()) {
        if let (Ok(a), Ok(b)) = (a, b) {
            if a != b {
                println!("tariff {} differs", a.id);
            }
        }
    }
}

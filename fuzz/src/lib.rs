//! Shared pieces of the fuzz targets: the fixed "today", the built-in pack loaded once, a slim
//! but valid pack derived from it (small enough to hash and decode thousands of times a second),
//! and the fixed baskets quoted against a pack that reads.

use landed::basket::{Basket, Incoterm, Item, REGISTRATIONS};
use landed::engine::{quote_detailed, Detail};
use landed::pack::{
    BuyerKind, Channel, ConsignmentKind, Header, Pack, Tariff, Tariffs, FORMAT_VERSION, MAGIC,
};
use landed::Date;
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// The date quotes default to (the day the built-in pack's golden cases are dated).
pub fn today() -> Date {
    Date::new(2026, 11, 25).expect("a real date")
}

/// The built-in pack (`packs/landed.pack`), read once per process.
pub fn default_pack() -> &'static Pack {
    static PACK: OnceLock<Pack> = OnceLock::new();
    PACK.get_or_init(|| landed::default_pack().expect("the built-in pack reads"))
}

/// HS subheadings (6 digits) the slim pack keeps in every tariff and HS table: those of the
/// golden cases and of the fixed baskets below.
pub const KEEP_HS6: &[u32] = &[
    392690, 420221, 420222, 420330, 490199, 610910, 611011, 611020, 611594, 611710, 620140, 620193,
    620331, 620332, 620442, 620520, 620610, 620620, 640391, 640399, 640411, 691200, 847130, 851713,
    851830, 880622, 910211, 940521, 950490,
];

/// Destinations the slim pack keeps: every non-EU destination and four EU member states (the
/// other 23 repeat the same EU measures with their own VAT rates).
pub const KEEP_DESTINATIONS: &[&str] = &[
    "AU", "CA", "CH", "CN", "DE", "FR", "GB", "JP", "NL", "NO", "NZ", "PL", "SG", "US",
];

/// A valid pack made from the built-in one: the destinations of [`KEEP_DESTINATIONS`] with every
/// measure, and every FX rate, dataset and tariff as they are, but each tariff cut down to the
/// lines of [`KEEP_HS6`] (and its first and last four lines) and the HS tables to those
/// subheadings plus every 97th (13th for the retired HS 2017 codes). About a tenth of the size,
/// so `Pack::from_bytes` (SHA-256 of the body, full decode) is cheap enough to run millions of
/// times.
pub fn slim_pack_bytes() -> &'static [u8] {
    static SLIM: OnceLock<Vec<u8>> = OnceLock::new();
    SLIM.get_or_init(|| {
        let full = Pack::from_bytes(landed::DEFAULT_PACK).expect("the built-in pack reads");
        let keep6 = |c: u32| KEEP_HS6.contains(&c);
        let mut body = full.body.clone();
        body.destinations
            .retain(|d| KEEP_DESTINATIONS.contains(&d.code.as_str()));
        let mut tariffs = Vec::new();
        for t in full.body.tariffs.iter() {
            tariffs.push(slim_tariff(t.expect("the built-in tariffs decode"), &keep6));
        }
        body.tariffs = Tariffs::new(tariffs);
        let hs = &mut body.hs;
        let sample = |v: &[u32]| -> Vec<u32> {
            v.iter()
                .enumerate()
                .filter(|(i, c)| keep6(**c) || i % 97 == 0)
                .map(|(_, c)| *c)
                .collect()
        };
        hs.hs2022_subheadings = sample(&hs.hs2022_subheadings);
        hs.hs2022_new = sample(&hs.hs2022_new);
        hs.hs2017_retired = hs
            .hs2017_retired
            .iter()
            .enumerate()
            .filter(|(i, (_, to))| i % 13 == 0 || to.iter().any(|c| keep6(*c)))
            .map(|(_, r)| r.clone())
            .collect();
        let mut header: Header = full.header.clone();
        header.destinations = body.destinations.iter().map(|d| d.code.clone()).collect();
        let bytes = Pack::to_bytes(header, &body).expect("the slim pack encodes");
        Pack::from_bytes(&bytes).expect("the slim pack reads");
        bytes
    })
}

fn slim_tariff(t: &Tariff, keep6: &dyn Fn(u32) -> bool) -> Tariff {
    let hs6 = |code: u64, digits: u8| -> u32 {
        let mut c = code;
        for _ in 6..digits {
            c /= 10;
        }
        u32::try_from(c).unwrap_or(0)
    };
    let n = t.lines.len();
    let mut exprs: BTreeMap<u32, u32> = BTreeMap::new();
    let mut lines = Vec::new();
    for (i, l) in t.lines.iter().enumerate() {
        if i < 4 || i + 4 >= n || keep6(hs6(l.code, l.digits)) {
            let next = exprs.len() as u32;
            let e = *exprs.entry(l.expr).or_insert(next);
            let mut l = *l;
            l.expr = e;
            lines.push(l);
        }
    }
    let mut new_exprs = vec![None; exprs.len()];
    for (old, new) in &exprs {
        new_exprs[*new as usize] = Some(t.exprs[*old as usize].clone());
    }
    let keep_map: BTreeSet<u32> = KEEP_HS6.iter().copied().collect();
    Tariff {
        id: t.id.clone(),
        dataset: t.dataset.clone(),
        hs_edition: t.hs_edition,
        currency: t.currency.clone(),
        rates_as_of: t.rates_as_of,
        uncovered_chapters: t.uncovered_chapters.clone(),
        exprs: new_exprs
            .into_iter()
            .map(|e| e.expect("every kept expr"))
            .collect(),
        lines,
        hs2022_map: t
            .hs2022_map
            .iter()
            .enumerate()
            .filter(|(i, (c, _))| keep_map.contains(c) || i % 97 == 0)
            .map(|(_, m)| *m)
            .collect(),
        hs2022_unmapped: t
            .hs2022_unmapped
            .iter()
            .enumerate()
            .filter(|(i, c)| keep_map.contains(c) || i % 97 == 0)
            .map(|(_, c)| *c)
            .collect(),
    }
}

fn dec(s: &str) -> Decimal {
    s.parse().expect("a decimal literal")
}

/// Two fixed baskets for a destination of `pack`: a low-value postal one whose seller holds every
/// registration (the low-value schemes apply), and a dearer courier one, DAP, to a business, with
/// weights (specific duties) and a display currency.
pub fn baskets_for(pack: &Pack, code: &str) -> Vec<Basket> {
    let Some(d) = pack.destination(code) else {
        return Vec::new();
    };
    let region = d
        .tax
        .as_ref()
        .and_then(|t| t.regions.first())
        .map(|r| r.region.clone());
    let item = |id: &str, hs: &str, origin: &str, q: u32, price: &str, kg: Option<&str>| Item {
        id: id.into(),
        description: format!("fuzz item {id}"),
        hs_code: Some(hs.into()),
        origin: origin.into(),
        quantity: q,
        unit_price: dec(price),
        unit_weight_kg: kg.map(dec),
    };
    let cheap = Basket {
        destination: code.into(),
        destination_region: region.clone(),
        date: None,
        currency: d.currency.clone(),
        display_currency: None,
        items: vec![
            item("tee", "610910", "CN", 3, "9.99", None),
            item("book", "490199", "GB", 1, "12.50", Some("0.4")),
        ],
        shipping: dec("4.00"),
        insurance: Decimal::ZERO,
        channel: Channel::Post,
        ship_from: None,
        incoterm: Incoterm::Ddp,
        registrations: REGISTRATIONS.iter().map(|r| r.to_string()).collect(),
        buyer: BuyerKind::Consumer,
        consignment: ConsignmentKind::Sale,
        fx: Vec::new(),
    };
    let dear = Basket {
        destination: code.into(),
        destination_region: region,
        date: None,
        currency: "USD".into(),
        display_currency: Some("EUR".into()),
        items: vec![
            item("shoes", "6403.99", "VN", 2, "180.00", Some("1.2")),
            item("laptop", "8471300000", "CN", 1, "1499.00", Some("2.1")),
            item("watch", "910211", "CH", 1, "650.00", None),
        ],
        shipping: dec("35.00"),
        insurance: dec("12.00"),
        channel: Channel::Courier,
        ship_from: Some("HK".into()),
        incoterm: Incoterm::Dap,
        registrations: Vec::new(),
        buyer: BuyerKind::Business,
        consignment: ConsignmentKind::Gift,
        fx: Vec::new(),
    };
    vec![cheap, dear]
}

/// Quotes the fixed baskets of the given destinations against `pack` (errors are fine; a panic is a
/// finding), with the full explain trail, and serialises each quote as the server would.
pub fn quote_fixed(pack: &Pack, codes: &[&str]) {
    for code in codes {
        for b in baskets_for(pack, code) {
            if let Ok(q) = quote_detailed(pack, &b, today(), Detail::Full) {
                let _ = serde_json::to_vec(&q).expect("a quote serialises");
            }
        }
    }
}

/// The slim pack cut into its encoded header and body, and read.
pub struct SlimBase {
    /// The header as encoded (postcard).
    pub header: Vec<u8>,
    /// The body as encoded.
    pub body: Vec<u8>,
    /// The pack as read.
    pub pack: Pack,
}

/// The slim pack, cut and read once per process.
pub fn slim_base() -> &'static SlimBase {
    static BASE: OnceLock<SlimBase> = OnceLock::new();
    BASE.get_or_init(|| {
        let bytes = slim_pack_bytes();
        let header_len = u32::from_le_bytes(bytes[10..14].try_into().unwrap()) as usize;
        SlimBase {
            header: bytes[14..14 + header_len].to_vec(),
            body: bytes[14 + header_len..].to_vec(),
            pack: Pack::from_bytes(bytes).expect("the slim pack reads"),
        }
    })
}

/// Applies the edits of `pack_mutated` (4-byte records `[op, pos_lo, pos_hi, value]`, see
/// `fuzz_targets/pack_mutated.rs`) to the slim pack and returns the pack's bytes, the header's
/// `body_len` and `content_hash` recomputed unless an op has bit 6 set or the header no longer
/// decodes.
pub fn edited_pack(base: &SlimBase, edits: &[u8]) -> Vec<u8> {
    let mut header = base.header.clone();
    let mut body = base.body.clone();
    let mut fix_hash = true;
    for e in edits.chunks_exact(4) {
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
    bytes
}

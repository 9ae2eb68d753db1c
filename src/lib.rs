#![doc = include_str!("../README.md")]

// The public API, in the order a caller meets it:
// - the contract: a `Basket` in (`basket`), a `Quote` out (`quote`), an `Error` with a stable code
//   and the path at fault (`error`), and the words they share with the rule files (`vocab`);
// - the way in: a `Quoter` over a `Pack`, with an optional `Catalogue` and `ClassifierSource`;
// - the parts a caller may use on their own: dates, money, ISO codes, HS codes and editions,
//   the HS classifier, the pack's format and model (for the pack compiler and inspectors).
// The engine that computes a quote is private: `Quoter` is its only door.

pub mod basket;
pub mod error;
pub mod quote;
pub mod vocab;

mod quoter;
pub use quoter::{ClassifierSource, Quoter, CONSIDERED};

pub mod catalogue;
pub mod classify;
pub mod date;
pub mod hs;
pub mod iso;
pub mod money;
pub mod pack;
pub mod parse;

mod engine;

pub use basket::Basket;
pub use catalogue::Catalogue;
pub use date::Date;
pub use engine::CONFIDENT;
pub use error::{Error, Result};
pub use pack::format::{Pack, PackError};
pub use quote::Quote;

/// The all-destinations pack compiled from this repository's data (`packs/landed.pack`).
#[cfg(feature = "default-pack")]
pub fn default_pack() -> core::result::Result<Pack, PackError> {
    Pack::from_embedded(DEFAULT_PACK)
}

/// The bytes of the default pack.
#[cfg(feature = "default-pack")]
pub const DEFAULT_PACK: &[u8] = include_bytes!("../packs/landed.pack");

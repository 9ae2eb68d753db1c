#![doc = include_str!("../README.md")]

pub mod basket;
pub mod catalogue;
pub mod classify;
pub mod date;
pub mod engine;
pub mod error;
pub mod hs;
pub mod iso;
pub mod money;
pub mod pack;
pub mod parse;
pub mod quote;

pub use basket::Basket;
pub use catalogue::Catalogue;
pub use date::Date;
pub use engine::{quote, quote_json};
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

//! The compiled tariff pack: format, model and reader.

mod compact;
pub mod coverage;
pub mod format;
mod hsset;
mod lazy;
pub mod lookup;
pub mod model;

pub use format::{Header, Pack, PackDataset, PackError, FORMAT_VERSION, MAGIC};
pub use hsset::SetMatch;
pub use lazy::Tariffs;
pub use model::*;

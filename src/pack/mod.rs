//! The compiled tariff pack: format, model and reader.

mod compact;
pub mod format;
pub mod lookup;
pub mod model;

pub use format::{Header, Pack, PackDataset, PackError, FORMAT_VERSION, MAGIC};
pub use model::*;

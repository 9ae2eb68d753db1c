//! The compiled tariff pack: format, model and reader.

pub mod format;
pub mod model;

pub use format::{Header, PackDataset, FORMAT_VERSION, MAGIC};
pub use model::*;

//! Paths shared by the source tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use landed_pack::sources;

/// A vendored data file, relative to `tariff-pack/data`.
pub fn data(rel: &str) -> PathBuf {
    sources::data_dir().join(rel)
}

/// A small bad fixture under `tariff-pack/tests/sources`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/sources")
        .join(name)
}

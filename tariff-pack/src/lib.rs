//! The pack compiler behind the `tariff-pack` binary: source parsers, rule files, the build, and
//! the `inspect` and `diff` reports.

pub mod build;
pub mod diag;
pub mod diff;
pub mod inspect;
pub mod rules;
pub mod sources;

/// The folder holding the rule files (`tariff-pack/rules`).
pub fn rules_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")
}

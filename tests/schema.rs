//! The published JSON Schemas of the basket and the quote (`schema/*.schema.json`) are generated
//! from the Rust types; this test fails when they drift. Re-generate with
//! `BLESS=1 cargo test --test schema` and review the diff: the contract is versioned
//! (`landed::basket::CONTRACT_VERSION`), so a breaking change needs a major bump.

use landed::basket::{BasketInput, CONTRACT_VERSION};
use landed::Quote;
use std::path::Path;

fn check(name: &str, mut schema: serde_json::Value) {
    schema["$id"] = format!("https://landed.dev/schema/{name}/{CONTRACT_VERSION}").into();
    schema["x-contract-version"] = CONTRACT_VERSION.into();
    let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schema")
        .join(format!("{name}.schema.json"));
    if std::env::var_os("BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "{} is stale: run `BLESS=1 cargo test --test schema` and review the diff",
        path.display()
    );
}

#[test]
fn basket_schema_is_current() {
    check(
        "basket",
        serde_json::to_value(schemars::schema_for!(BasketInput)).unwrap(),
    );
}

#[test]
fn quote_schema_is_current() {
    check(
        "quote",
        serde_json::to_value(schemars::schema_for!(Quote)).unwrap(),
    );
}

#[test]
fn catalogue_schema_is_current() {
    check(
        "catalogue",
        serde_json::to_value(schemars::schema_for!(landed::catalogue::CatalogueInput)).unwrap(),
    );
}

#[test]
fn the_basket_schema_rejects_unknown_fields_and_number_amounts() {
    let s = serde_json::to_value(schemars::schema_for!(BasketInput)).unwrap();
    assert_eq!(s["additionalProperties"], false);
    assert_eq!(
        s["properties"]["shipping"]["type"],
        serde_json::json!(["string", "null"])
    );
    assert!(s["required"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r == "destination"));
}

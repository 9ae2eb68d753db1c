//! One grammar for money and codes (issue #19): the table `tests/tables/strict-parsing.json` is run
//! against the core (`quote_json`) and the CLI (`landed quote -`) here, and against the server in
//! `crates/server/tests/hostile.rs`. Each value is accepted with the same normal form or refused with
//! the same code and path everywhere.

use landed::{default_pack, Date, Quoter};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Stdio};

fn table() -> Value {
    serde_json::from_str(include_str!("tables/strict-parsing.json")).expect("the table is JSON")
}

/// A basket with `value` in the field `kind` names (the table's pointer), and that field's path.
fn basket_with(kind: &str, value: &str) -> (Value, String) {
    let t = table();
    let field = &t["kinds"][kind];
    let mut b = json!({
        "destination": "DE", "date": "2026-11-25", "currency": "EUR", "channel": "post",
        "seller": {"registrations": ["EU_IOSS"]},
        "items": [{"id": "tee", "description": "Cotton T-shirt", "hs_code": "610910", "origin": "CN",
                   "quantity": 1, "unit_price": "10.00"}]
    });
    *b.pointer_mut(field["pointer"].as_str().unwrap())
        .expect("the pointer names a basket field") = json!(value);
    (b, field["path"].as_str().unwrap().to_string())
}

/// Checks that a quote (as JSON) shows the accepted value in its normal form.
fn shows(kind: &str, quote: &Value, ok: &str) -> bool {
    match kind {
        "amount" => {
            let got: Decimal = quote["lines"][0]["goods_value"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            got == ok.parse::<Decimal>().unwrap()
        }
        "currency" => quote["currency"] == ok,
        "country" => quote["destination"] == ok,
        "hs_code" => quote["lines"][0]["hs_code"] == ok,
        _ => false,
    }
}

/// Every case of the table as (kind, value, expected normal form or error code).
fn cases() -> Vec<(String, String, Result<String, String>)> {
    let t = table();
    let mut out = Vec::new();
    for (kind, field) in t["kinds"].as_object().unwrap() {
        for c in field["cases"].as_array().unwrap() {
            let value = c["value"].as_str().unwrap().to_string();
            let want = match (c["ok"].as_str(), c["code"].as_str()) {
                (Some(ok), None) => Ok(ok.to_string()),
                (None, Some(code)) => Err(code.to_string()),
                _ => panic!("case {c} needs `ok` or `code`"),
            };
            out.push((kind.clone(), value, want));
        }
    }
    assert!(out.len() >= 40, "the table shrank: {}", out.len());
    out
}

#[test]
fn the_core_reads_the_table() {
    let pack = default_pack().unwrap();
    let today = Date::new(2026, 11, 25).unwrap();
    for (kind, value, want) in cases() {
        let (b, path) = basket_with(&kind, &value);
        let got = Quoter::new(&pack).quote_json(&b.to_string(), today);
        match (&want, got) {
            (Ok(ok), Ok(q)) => {
                let q = serde_json::to_value(&q).unwrap();
                assert!(
                    shows(&kind, &q, ok),
                    "{kind} `{value}`: the quote does not show {ok}"
                );
            }
            (Err(code), Err(e)) => {
                assert_eq!(
                    (e.code(), e.path()),
                    (code.as_str(), path.as_str()),
                    "{kind} `{value}`"
                )
            }
            (want, got) => panic!("{kind} `{value}`: wanted {want:?}, got {got:?}"),
        }
    }
}

#[test]
fn the_cli_reads_the_table() {
    for (kind, value, want) in cases() {
        let (b, path) = basket_with(&kind, &value);
        let mut child = Command::new(env!("CARGO_BIN_EXE_landed"))
            .args(["quote", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b.to_string().as_bytes())
            .unwrap();
        let o = child.wait_with_output().unwrap();
        match &want {
            Ok(ok) => {
                assert_eq!(o.status.code(), Some(0), "{kind} `{value}`");
                let q: Value = serde_json::from_slice(&o.stdout).unwrap();
                assert!(
                    shows(&kind, &q, ok),
                    "{kind} `{value}`: the quote does not show {ok}"
                );
            }
            Err(code) => {
                assert_eq!(o.status.code(), Some(2), "{kind} `{value}`");
                let e: Value = serde_json::from_slice(&o.stderr).unwrap();
                assert_eq!(
                    (e["error"]["code"].as_str(), e["error"]["path"].as_str()),
                    (Some(code.as_str()), Some(path.as_str())),
                    "{kind} `{value}`"
                );
            }
        }
    }
}

//! The `landed` command-line tool: `landed quote FILE|- [--format json|text] [--pack PACK] [--today D]`.
//! Exit 0 with a quote on stdout; 2 on bad input and 1 on an internal (pack) error, each with a
//! JSON error `{"error": {"code", "path", "message"}}` on stderr.

use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_landed"))
}

/// A scratch directory unique to one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("landed-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn basket() -> Value {
    json!({
        "destination": "DE",
        "date": "2026-11-25",
        "currency": "EUR",
        "channel": "courier",
        "incoterm": "DDP",
        "seller": {"registrations": ["EU_IOSS"]},
        "buyer": {"kind": "consumer"},
        "items": [
            {"id": "tshirts", "description": "Cotton T-shirts", "hs_code": "610910", "origin": "CN",
             "quantity": 5, "unit_price": "30.00"}
        ],
        "shipping": "5.00"
    })
}

fn write(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut c = bin();
    c.args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("landed runs");
    if let Some(s) = stdin {
        // The tool may exit (a usage error) before reading its input: a broken pipe is fine.
        let _ = child.stdin.take().unwrap().write_all(s.as_bytes());
    }
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// The JSON error object printed on stderr.
#[track_caller]
fn error_json(o: &Output) -> Value {
    let err = stderr(o);
    let line = err
        .lines()
        .find(|l| l.trim_start().starts_with('{'))
        .unwrap_or_else(|| panic!("no JSON error on stderr: {err}"));
    let v: Value = serde_json::from_str(line).expect("stderr is JSON");
    v["error"].clone()
}

#[test]
fn quote_file_prints_json_totals() {
    let dir = scratch("json");
    let f = write(&dir, "basket.json", basket().to_string().as_bytes());
    let o = run(&["quote", f.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let q: Value = serde_json::from_str(&stdout(&o)).expect("stdout is a JSON quote");
    assert_eq!(q["destination"], "DE");
    assert_eq!(q["currency"], "EUR");
    // The golden case de-ioss-exactly-150-flat-duty-and-vat-at-sale.
    assert_eq!(q["totals"]["duty"], "3.00");
    assert_eq!(q["totals"]["tax"], "29.45");
    assert_eq!(q["totals"]["landed_cost"], "187.45");
    assert_eq!(q["totals"]["due_at_checkout"], "187.45");
    assert_eq!(q["totals"]["due_at_delivery"], "0.00");
    assert_eq!(q["lines"][0]["id"], "tshirts");
    // The output parses back into the library's Quote.
    let _: landed::Quote = serde_json::from_value(q).expect("quote contract");
}

#[test]
fn quote_stdin_dash() {
    let o = run(&["quote", "-"], Some(&basket().to_string()));
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let q: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(q["totals"]["landed_cost"], "187.45");
}

#[test]
fn stdin_and_file_give_the_same_quote() {
    let dir = scratch("same");
    let f = write(&dir, "basket.json", basket().to_string().as_bytes());
    let a = run(&["quote", f.to_str().unwrap()], None);
    let b = run(&["quote", "-"], Some(&basket().to_string()));
    assert_eq!(a.status.code(), Some(0));
    assert_eq!(stdout(&a), stdout(&b));
}

#[test]
fn format_text_prints_a_readable_breakdown() {
    let o = run(
        &["quote", "-", "--format", "text"],
        Some(&basket().to_string()),
    );
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Landed cost"), "{out}");
    assert!(out.contains("187.45"), "{out}");
    assert!(
        serde_json::from_str::<Value>(&out).is_err(),
        "text output is not JSON"
    );
}

#[test]
fn today_flag_is_the_default_date() {
    let mut b = basket();
    b.as_object_mut().unwrap().remove("date");
    let o = run(
        &["quote", "-", "--today", "2026-11-25"],
        Some(&b.to_string()),
    );
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let q: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(q["date"], "2026-11-25");
    assert_eq!(q["totals"]["landed_cost"], "187.45");

    let o = run(
        &["quote", "-", "--today", "25/11/2026"],
        Some(&b.to_string()),
    );
    assert_eq!(o.status.code(), Some(2));
    let e = error_json(&o);
    assert_eq!(e["code"], "invalid_date");
    assert_eq!(e["path"], "--today");
}

#[test]
fn bad_input_exits_2_with_a_json_error() {
    let mut b = basket();
    b["items"][0]["unit_price"] = json!("12,50");
    let o = run(&["quote", "-"], Some(&b.to_string()));
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(&o));
    assert!(stdout(&o).is_empty(), "nothing on stdout on error");
    let e = error_json(&o);
    assert_eq!(e["code"], "invalid_amount");
    assert_eq!(e["path"], "items[0].unit_price");
    assert!(e["message"].as_str().unwrap().contains("12,50"));
}

#[test]
fn unknown_nested_field_exits_2() {
    let mut b = basket();
    b["items"][0]["colour"] = json!("red");
    let o = run(&["quote", "-"], Some(&b.to_string()));
    assert_eq!(o.status.code(), Some(2));
    let e = error_json(&o);
    assert_eq!(e["code"], "unknown_field");
    assert_eq!(e["path"], "items[0]");
    assert!(e["message"].as_str().unwrap().contains("colour"));
}

#[test]
fn not_json_exits_2() {
    let o = run(&["quote", "-"], Some("this is not json"));
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(error_json(&o)["code"], "invalid_json");
}

#[test]
fn unsupported_destination_exits_2() {
    let mut b = basket();
    b["destination"] = json!("BR");
    let o = run(&["quote", "-"], Some(&b.to_string()));
    assert_eq!(o.status.code(), Some(2));
    let e = error_json(&o);
    assert_eq!(e["code"], "unsupported_destination");
    assert_eq!(e["path"], "destination");
}

#[test]
fn missing_file_exits_2() {
    let dir = scratch("missing");
    let f = dir.join("no-such-basket.json");
    let o = run(&["quote", f.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(&o));
    let e = error_json(&o);
    assert!(e["code"].is_string());
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("no-such-basket.json"),
        "{e}"
    );
}

#[test]
fn corrupted_pack_is_bad_input_exit_2() {
    let dir = scratch("pack");
    let f = write(&dir, "basket.json", basket().to_string().as_bytes());
    let mut bytes = landed::DEFAULT_PACK.to_vec();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xFF;
    let p = write(&dir, "corrupt.pack", &bytes);
    let o = run(
        &["quote", f.to_str().unwrap(), "--pack", p.to_str().unwrap()],
        None,
    );
    // The pack file is the caller's input: exit 2, the argument named as the path.
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(&o));
    let e = error_json(&o);
    assert_eq!(e["code"], "pack_corrupted");
    assert_eq!(e["path"], "--pack");

    let p = write(&dir, "not-a.pack", b"definitely not a pack");
    let o = run(
        &["quote", f.to_str().unwrap(), "--pack", p.to_str().unwrap()],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(&o));
    assert_eq!(error_json(&o)["code"], "pack_bad_magic");
}

#[test]
fn explicit_default_pack_file_works() {
    let dir = scratch("okpack");
    let p = write(&dir, "landed.pack", landed::DEFAULT_PACK);
    let o = run(
        &["quote", "-", "--pack", p.to_str().unwrap()],
        Some(&basket().to_string()),
    );
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let q: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(q["totals"]["landed_cost"], "187.45");
}

#[test]
fn usage_errors_are_not_success() {
    let o = run(&[], None);
    assert_ne!(o.status.code(), Some(0));
    let o = run(&["quote", "-", "--format", "xml"], Some("{}"));
    assert_ne!(o.status.code(), Some(0));
}

/// `landed classify`: JSON lines in, one JSON line out per input line, in order.
#[test]
fn classify_reads_and_writes_json_lines() {
    let input = concat!(
        r#"{"id": "a", "text": "Men's cotton crew-neck T-shirt"}"#,
        "\n\n",
        r#"{"id": 7, "text": "Printed book, hardcover cookbook"}"#,
        "\n"
    );
    let o = run(&["classify", "--top", "3"], Some(input));
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "blank lines are skipped");
    assert_eq!((&lines[0]["id"], &lines[1]["id"]), (&json!("a"), &json!(7)));
    for l in &lines {
        let codes = l["codes"].as_array().unwrap();
        let scores = l["scores"].as_array().unwrap();
        assert_eq!((codes.len(), scores.len()), (3, 3));
        assert!(codes.iter().all(|c| c.as_str().unwrap().len() == 6));
        let s: Vec<f64> = scores.iter().map(|s| s.as_f64().unwrap()).collect();
        assert!(s.windows(2).all(|w| w[0] >= w[1]), "{s:?}");
    }
    // Default K is 5.
    let o = run(&["classify"], Some(r#"{"id": 1, "text": "Wristwatch"}"#));
    let v: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["codes"].as_array().unwrap().len(), 5);
}

#[test]
fn classify_reports_bad_lines_and_goes_on() {
    let input = [
        r#"{"id": 1, "text": "   "}"#,
        r#"{"id": 2}"#,
        r#"not json"#,
        r#"{"id": 4, "text": 12}"#,
        r#"{"id": 5, "text": "Leather handbag"}"#,
    ]
    .join("\n");
    let o = run(&["classify"], Some(&input));
    assert_eq!(o.status.code(), Some(2));
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let codes: Vec<&str> = lines
        .iter()
        .map(|l| l["error"]["code"].as_str().unwrap_or("ok"))
        .collect();
    assert_eq!(
        codes,
        [
            "empty_text",
            "missing_field",
            "invalid_json",
            "invalid_value",
            "ok"
        ]
    );
    assert_eq!(lines[0]["error"]["path"], "text");
    assert_eq!(lines[2]["error"]["line"], 3);
    assert_eq!(lines[4]["codes"].as_array().unwrap().len(), 5);
    // --top out of range is a usage error, reported like every other error: JSON on stderr.
    for args in [
        &["classify", "--top", "0"][..],
        &["classify", "--top", "x"],
        &["classify", "--top", "101"],
    ] {
        let o = run(args, Some(""));
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let e = error_json(&o);
        assert_eq!(
            (e["code"].as_str(), e["path"].as_str()),
            (Some("invalid_argument"), Some("--top")),
            "{args:?}: {e}"
        );
    }
    let o = run(&["quote", "-", "--format", "yaml"], Some(""));
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(error_json(&o)["path"], "--format");
    let o = run(&["quote", "-", "--no-such-flag"], Some(""));
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(error_json(&o)["code"], "invalid_argument");
}

#[test]
fn classify_with_a_missing_model_dir_is_bad_input_exit_2() {
    let dir = scratch("no-model");
    let o = run(
        &["classify", "--model", dir.to_str().unwrap()],
        Some(r#"{"id": 1, "text": "x"}"#),
    );
    assert_eq!(o.status.code(), Some(2));
    let e = error_json(&o);
    assert_eq!(
        (e["code"].as_str(), e["path"].as_str()),
        (Some("classifier_unavailable"), Some("--model"))
    );
}

/// An item without an HS code is classified from its description by the built-in model.
#[test]
fn quote_classifies_items_without_a_code() {
    let mut b = basket();
    b["items"][0].as_object_mut().unwrap().remove("hs_code");
    b["items"][0]["description"] = json!("Men's cotton crew-neck T-shirt, knitted");
    let o = run(&["quote", "-"], Some(&b.to_string()));
    assert!(o.status.success(), "{}", stderr(&o));
    let q: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let line = &q["lines"][0];
    assert_eq!(line["hs_source"], "classifier");
    assert!(line["hs_code"].as_str().unwrap().len() == 6);
    assert!(line["hs_confidence"].as_f64().is_some());
    // A blank description cannot be classified: a typed input error naming the field.
    b["items"][0]["description"] = json!(" ");
    let o = run(&["quote", "-"], Some(&b.to_string()));
    assert_eq!(o.status.code(), Some(2));
    let e = error_json(&o);
    assert_eq!(
        (e["code"].as_str(), e["path"].as_str()),
        (Some("empty_text"), Some("items[0].description"))
    );
}

#[test]
fn quote_uses_a_catalogue_file_for_known_skus() {
    let dir = scratch("catalogue");
    let cat = json!({
        "format": "landed-catalogue", "version": 1, "platform": "shop", "exported_on": "2026-11-20",
        "hs_edition": 2022,
        "entries": [{"sku": "tshirts", "hs_code": "61091000", "source": "customs_assessed",
                     "confirmed_on": "2026-11-02", "destination": "DE"}]
    });
    let file = write(&dir, "catalogue.json", cat.to_string().as_bytes());
    let mut b = basket();
    b["items"][0].as_object_mut().unwrap().remove("hs_code");
    let o = run(
        &["quote", "-", "--catalogue", file.to_str().unwrap()],
        Some(&b.to_string()),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let q: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let line = &q["lines"][0];
    assert_eq!(
        (
            &line["hs_code"],
            &line["hs_source"],
            &line["hs_confirmed"]["source"]
        ),
        (
            &json!("61091000"),
            &json!("catalogue"),
            &json!("customs_assessed")
        )
    );
    assert!(line.get("hs_confidence").is_none(), "no classifier ran");
    // A bad catalogue file is a typed input error naming its field.
    let bad = write(
        &dir,
        "bad.json",
        cat.to_string().replace("61091000", "6109XX").as_bytes(),
    );
    let o = run(
        &["quote", "-", "--catalogue", bad.to_str().unwrap()],
        Some(&b.to_string()),
    );
    assert_eq!(o.status.code(), Some(2));
    let e = error_json(&o);
    assert_eq!(
        (e["code"].as_str(), e["path"].as_str()),
        (Some("invalid_hs_code"), Some("entries[0].hs_code"))
    );
    std::fs::remove_dir_all(dir).unwrap();
}

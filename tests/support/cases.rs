//! Loading golden cases and checking a quote against their expectations. Shared by the core's
//! golden test and the server's.

#![allow(dead_code)]

use landed::{Date, Quote};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The default import date of cases without one.
pub fn today() -> Date {
    "2026-11-25".parse().expect("valid date")
}

/// One case.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub name: String,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub derived: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// Why the engine cannot pass this case yet; the case must still fail (so the mark is removed once it passes).
    #[serde(default)]
    pub pending: Option<String>,
    pub basket: serde_yaml::Value,
    pub expect: Expect,
}

/// What a case expects.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    #[serde(default)]
    pub totals: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub lines: Vec<std::collections::BTreeMap<String, String>>,
    #[serde(default)]
    pub thresholds: Vec<ThresholdExpect>,
    #[serde(default)]
    pub warnings: Vec<String>,
    /// Ids of the items whose duty the quote cannot compute (`lines[].duty.status: unknown`), in
    /// any order. Checked on every quote: the quote must list exactly these, and be complete
    /// (`totals.complete`) exactly when there are none.
    #[serde(default)]
    pub duty_unknown: Vec<String>,
    #[serde(default)]
    pub error: Option<ErrorExpect>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdExpect {
    pub rule: String,
    pub passed: bool,
    #[serde(default)]
    pub item: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorExpect {
    pub code: String,
    #[serde(default)]
    pub path: Option<String>,
}

impl Case {
    /// The basket as JSON text (YAML scalars that look like numbers stay as they were written).
    pub fn basket_json(&self) -> String {
        serde_json::to_string(&self.basket).expect("YAML converts to JSON")
    }
}

/// Every case under `dir`, with its file; names must be unique and every case must cite its source.
pub fn load_all(dir: &Path) -> Vec<(PathBuf, Case)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("cases dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml") {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut out: Vec<(PathBuf, Case)> = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("read case file");
        let cases: Vec<Case> =
            serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        for c in cases {
            assert!(
                c.source.is_some() || c.derived.is_some(),
                "{}: case {} cites neither `source` nor `derived`",
                f.display(),
                c.name
            );
            assert!(
                !out.iter().any(|(_, o)| o.name == c.name),
                "{}: duplicate case name {}",
                f.display(),
                c.name
            );
            out.push((f.clone(), c));
        }
    }
    out
}

fn dec(s: &str) -> Result<Decimal, String> {
    s.trim()
        .parse::<Decimal>()
        .map_err(|_| format!("expected value `{s}` is not a decimal"))
}

fn field(v: &serde_json::Value, key: &str) -> Option<String> {
    let mut cur = v;
    for k in key.split('.') {
        cur = cur.get(k)?;
    }
    Some(match cur {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// Whether a field's text is the expected value: equal decimals, or else equal texts.
fn same(got: Option<&str>, want: &str) -> bool {
    match (got, dec(want)) {
        (Some(g), Ok(w)) => dec(g) == Ok(w),
        (Some(g), Err(_)) => g == want,
        (None, _) => false,
    }
}

/// The quote's lines whose duty is unknown must be exactly `expect.duty_unknown`, its totals
/// complete exactly when there are none, and an incomplete quote must say so in a warning.
fn check_unknown(
    expect: &Expect,
    json: &serde_json::Value,
    lines: &[serde_json::Value],
    errs: &mut Vec<String>,
) {
    let mut got: Vec<&str> = lines
        .iter()
        .filter(|l| l["duty"]["status"] == "unknown")
        .filter_map(|l| l["id"].as_str())
        .collect();
    let mut want: Vec<&str> = expect.duty_unknown.iter().map(String::as_str).collect();
    got.sort_unstable();
    want.sort_unstable();
    if got != want {
        errs.push(format!(
            "lines with duty unknown {got:?} (expected {want:?}: list them in `duty_unknown`)"
        ));
    }
    let totals = &json["totals"];
    if totals["complete"].as_bool() != Some(want.is_empty()) {
        errs.push(format!(
            "totals.complete = {} (expected {})",
            totals["complete"],
            want.is_empty()
        ));
    }
    if totals["duty_unknown_lines"].as_u64() != Some(want.len() as u64) {
        errs.push(format!(
            "totals.duty_unknown_lines = {} (expected {})",
            totals["duty_unknown_lines"],
            want.len()
        ));
    }
    let warned = json["warnings"]
        .as_array()
        .is_some_and(|a| a.iter().any(|w| w["code"] == "duty_unknown"));
    if warned == want.is_empty() {
        errs.push(format!(
            "warning duty_unknown {} (expected {})",
            if warned { "present" } else { "absent" },
            if want.is_empty() { "none" } else { "one" }
        ));
    }
}

/// Compares a quote (or error) with a case's expectations; returns every mismatch.
pub fn check(case: &Case, result: &Result<Quote, landed::Error>) -> Result<(), String> {
    let quote = match (result, &case.expect.error) {
        (Err(e), Some(want)) => {
            let mut errs = Vec::new();
            if e.code() != want.code {
                errs.push(format!(
                    "error code {} (expected {}): {e}",
                    e.code(),
                    want.code
                ));
            }
            if let Some(p) = &want.path {
                if e.path() != p {
                    errs.push(format!("error path `{}` (expected `{p}`)", e.path()));
                }
            }
            return if errs.is_empty() {
                Ok(())
            } else {
                Err(errs.join("\n"))
            };
        }
        (Err(e), None) => return Err(format!("error {}: {e}", e.code())),
        (Ok(_), Some(want)) => return Err(format!("expected error {}, got a quote", want.code)),
        (Ok(q), None) => q,
    };
    let json = serde_json::to_value(quote).expect("quote serializes");
    check_json(&case.expect, &json)
}

/// Compares a quote as JSON (from any of the core, WASM or server) with expectations.
pub fn check_json(expect: &Expect, json: &serde_json::Value) -> Result<(), String> {
    let mut errs = Vec::new();
    for (k, want) in &expect.totals {
        let got = field(json, &format!("totals.{k}"));
        if !same(got.as_deref(), want) {
            errs.push(format!(
                "totals.{k} = {} (expected {want})",
                got.unwrap_or_else(|| "absent".into())
            ));
        }
    }
    let lines = json["lines"].as_array().cloned().unwrap_or_default();
    check_unknown(expect, json, &lines, &mut errs);
    for want in &expect.lines {
        let Some(id) = want.get("id") else {
            errs.push("an expected line has no id".into());
            continue;
        };
        let Some(line) = lines.iter().find(|l| l["id"].as_str() == Some(id)) else {
            errs.push(format!("no line {id}"));
            continue;
        };
        for (k, v) in want.iter().filter(|(k, _)| k.as_str() != "id") {
            let key = match k.as_str() {
                "duty" => "duty.amount",
                "tax" => "tax.amount",
                "tax_rate" => "tax.rate",
                other => other,
            };
            let got = field(line, key);
            if !same(got.as_deref(), v) {
                errs.push(format!(
                    "line {id} {key} = {} (expected {v})",
                    got.unwrap_or_else(|| "absent".into())
                ));
            }
        }
    }
    let outcomes = json["thresholds"].as_array().cloned().unwrap_or_default();
    for want in &expect.thresholds {
        let found: Vec<_> = outcomes
            .iter()
            .filter(|o| o["rule"].as_str() == Some(&want.rule))
            .filter(|o| {
                want.item
                    .as_ref()
                    .is_none_or(|i| o["item"].as_str() == Some(i))
            })
            .collect();
        if found.is_empty() {
            errs.push(format!("threshold {} was not tested", want.rule));
        } else if !found
            .iter()
            .all(|o| o["passed"].as_bool() == Some(want.passed))
        {
            errs.push(format!(
                "threshold {} passed = {} (expected {})",
                want.rule, found[0]["passed"], want.passed
            ));
        }
    }
    let warnings: Vec<&str> = json["warnings"]
        .as_array()
        .map(|a| a.iter().filter_map(|w| w["code"].as_str()).collect())
        .unwrap_or_default();
    for w in &expect.warnings {
        if !warnings.contains(&w.as_str()) {
            errs.push(format!("warning {w} absent (got {warnings:?})"));
        }
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(errs.join("\n"))
    }
}

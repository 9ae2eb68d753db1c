//! `landed classify [--top K] [--model DIR]`: JSON lines in, JSON lines out.
//!
//! Each input line is `{"id": ..., "text": "..."}`; each output line is
//! `{"id": ..., "codes": ["610910", ...], "scores": [0.71, ...]}` best first, in input order. A
//! line that cannot be classified gets `{"id": ..., "error": {"code", "path", "message"}}` and
//! the run goes on; the exit code is then 2. Blank lines are skipped.

use landed::classify::{Classify, OnnxClassifier};
use serde_json::{json, Value};
use std::io::{BufRead, Write};
use std::path::Path;
use std::process::ExitCode;

/// Loads the model of `dir` (`model.onnx`, `tokenizer.json`, `labels.json`) or the embedded one.
fn load(dir: Option<&Path>) -> Result<OnnxClassifier, String> {
    let Some(dir) = dir else {
        return landed::classify::default_classifier().map_err(|e| e.to_string());
    };
    let read = |name: &str| {
        std::fs::read(dir.join(name))
            .map_err(|e| format!("reading {}: {e}", dir.join(name).display()))
    };
    OnnxClassifier::from_parts(
        &read("model.onnx")?,
        &read("tokenizer.json")?,
        &read("labels.json")?,
    )
    .map_err(|e| e.to_string())
}

/// An answer line, fields in the documented order; scores keep their `f32` shortest form.
#[derive(serde::Serialize)]
struct Answer<'a> {
    id: &'a Value,
    codes: Vec<&'a str>,
    scores: Vec<f32>,
}

fn error_line(id: &Value, line: usize, code: &str, path: &str, message: &str) -> String {
    json!({"id": id, "error": {"code": code, "path": path, "message": message, "line": line}})
        .to_string()
}

/// One input line to one output line.
fn answer(clf: &OnnxClassifier, top: usize, line: usize, text: &str) -> (String, bool) {
    let v: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return (
                error_line(&Value::Null, line, "invalid_json", "", &e.to_string()),
                false,
            )
        }
    };
    let id = v.get("id").cloned().unwrap_or(Value::Null);
    let Some(obj) = v.as_object() else {
        return (
            error_line(
                &id,
                line,
                "invalid_value",
                "",
                "each line must be a JSON object",
            ),
            false,
        );
    };
    let text = match obj.get("text") {
        Some(Value::String(s)) => s,
        Some(_) => {
            return (
                error_line(
                    &id,
                    line,
                    "invalid_value",
                    "text",
                    "`text` must be a string",
                ),
                false,
            )
        }
        None => {
            return (
                error_line(&id, line, "missing_field", "text", "missing field `text`"),
                false,
            )
        }
    };
    match clf.classify(text, top, "text") {
        Ok(c) => {
            let line = Answer {
                id: &id,
                codes: c.iter().map(|c| c.hs_code.as_str()).collect(),
                scores: c.iter().map(|c| c.score).collect(),
            };
            (serde_json::to_string(&line).unwrap_or_default(), true)
        }
        Err(e) => (
            error_line(&id, line, e.code(), e.path(), &e.to_string()),
            false,
        ),
    }
}

/// Runs the command over standard input.
pub fn run(top: usize, model: Option<&Path>) -> ExitCode {
    let clf = match load(model) {
        Ok(c) => c,
        // A model directory the caller named that does not load is bad input (exit 2); the
        // built-in model failing is an internal error (exit 1).
        Err(msg) if model.is_some() => {
            crate::report("classifier_unavailable", "--model", &msg);
            return ExitCode::from(2);
        }
        Err(msg) => {
            crate::report("classifier_unavailable", "", &msg);
            return ExitCode::from(1);
        }
    };
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut all_ok = true;
    for (n, line) in stdin.lines().enumerate() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                crate::report("io_error", "", &format!("reading standard input: {e}"));
                return ExitCode::from(2);
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let (v, ok) = answer(&clf, top, n + 1, &line);
        all_ok &= ok;
        if writeln!(out, "{v}").is_err() {
            return ExitCode::from(1);
        }
    }
    if out.flush().is_err() {
        return ExitCode::from(1);
    }
    if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

//! The golden corpus (`tests/cases/**/*.yaml`) through the server: every non-pending case's
//! basket is POSTed to `/v1/quotes` (today = the corpus date via `X-Landed-Today`) and the stored,
//! signed quote must pass the same checks as the core's; error cases must get 422 with the
//! expected code and path. A case whose quote leaves duty out (`duty_unknown`) must be refused
//! (422 `quote_incomplete` naming exactly those items) and signed only with
//! `allow_estimates=true`, its token's claims saying `estimate: true`; no other token says so. A case
//! expecting `duty_uncertain` is refused alike (422 `quote_uncertain`) and signed as an estimate.

mod common;

#[path = "../../../tests/support/cases.rs"]
mod cases;

use axum::http::StatusCode;
use serde_json::{json, Value};
use std::path::Path;

#[tokio::test]
async fn golden_corpus_through_the_server() {
    let s = common::server().await;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases");
    let all = cases::load_all(&dir);
    assert!(all.len() >= 20, "the corpus loads ({} cases)", all.len());
    let today = cases::today().to_string();
    let (mut checked, mut failures) = (0, Vec::new());
    for (i, (file, case)) in all.iter().enumerate() {
        if case.pending.is_some() {
            continue;
        }
        // An incomplete quote (duty unknown) or an uncertain one (duty_uncertain) is signed only
        // as an estimate.
        let uncertain = case.expect.warnings.iter().any(|w| w == "duty_uncertain");
        let estimate =
            (!case.expect.duty_unknown.is_empty() || uncertain) && case.expect.error.is_none();
        if estimate {
            let (st, v) = post(
                &s,
                "/v1/quotes",
                &format!("golden-{i}-refused"),
                case,
                &today,
            )
            .await;
            if let Err(why) = refused(&case.expect.duty_unknown, st, &v) {
                failures.push(format!("{} ({}): {why}", case.name, file.display()));
            }
        }
        let uri = if estimate {
            "/v1/quotes?allow_estimates=true"
        } else {
            "/v1/quotes"
        };
        let (st, v) = post(&s, uri, &format!("golden-{i}"), case, &today).await;
        let result = match (&case.expect.error, st) {
            (Some(want), StatusCode::UNPROCESSABLE_ENTITY) => {
                let mut errs = Vec::new();
                if v["error"]["code"] != want.code.as_str() {
                    errs.push(format!(
                        "error code {} (expected {})",
                        v["error"]["code"], want.code
                    ));
                }
                if let Some(p) = &want.path {
                    if v["error"]["path"] != p.as_str() {
                        errs.push(format!("error path {} (expected {p})", v["error"]["path"]));
                    }
                }
                if errs.is_empty() {
                    Ok(())
                } else {
                    Err(errs.join("; "))
                }
            }
            (Some(want), st) => Err(format!("expected error {} got {st}: {v}", want.code)),
            (None, StatusCode::CREATED) => {
                // The stored quote (read back) is what is checked, not just the response.
                let id = v["id"].as_str().unwrap_or_default();
                let (_, stored) = s
                    .call("GET", &format!("/v1/quotes/{id}"), Some(&s.key), None, None)
                    .await;
                assert_eq!(stored["quote"], v["quote"]);
                let claims = verified_claims(&s, &v).await;
                let flagged = claims.get("estimate") == Some(&Value::Bool(true));
                cases::check_json(&case.expect, &v["quote"]).and_then(|()| {
                    if flagged == estimate {
                        Ok(())
                    } else {
                        Err(format!(
                            "token claims {claims} (estimate expected: {estimate})"
                        ))
                    }
                })
            }
            (None, st) => Err(format!("status {st}: {v}")),
        };
        checked += 1;
        if let Err(why) = result {
            failures.push(format!("{} ({}): {why}", case.name, file.display()));
        }
    }
    assert!(checked > 0);
    assert!(
        failures.is_empty(),
        "{} of {checked} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("golden through the server: {checked} cases passed");
}

/// POSTs the case's basket to `uri` on the corpus date.
async fn post(
    s: &common::Server,
    uri: &str,
    idem: &str,
    case: &cases::Case,
    today: &str,
) -> (StatusCode, Value) {
    let body = case.basket_json();
    s.call_with(
        "POST",
        uri,
        Some(&s.key),
        Some(idem),
        Some(&body),
        &[("x-landed-today", today)],
    )
    .await
}

/// A refusal to sign an incomplete quote: 422 `quote_incomplete` listing exactly `ids`; with no
/// unknown duty, a refusal to sign an uncertain one: 422 `quote_uncertain`.
fn refused(ids: &[String], st: StatusCode, v: &Value) -> Result<(), String> {
    if ids.is_empty() {
        return if st == StatusCode::UNPROCESSABLE_ENTITY && v["error"]["code"] == "quote_uncertain"
        {
            Ok(())
        } else {
            Err(format!("without allow_estimates: status {st}: {v}"))
        };
    }
    if st != StatusCode::UNPROCESSABLE_ENTITY || v["error"]["code"] != "quote_incomplete" {
        return Err(format!("without allow_estimates: status {st}: {v}"));
    }
    let mut got: Vec<&str> = v["error"]["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["id"].as_str()).collect())
        .unwrap_or_default();
    let mut want: Vec<&str> = ids.iter().map(String::as_str).collect();
    got.sort_unstable();
    want.sort_unstable();
    let paths_ok = v["error"]["items"].as_array().is_some_and(|a| {
        a.iter()
            .all(|i| i["path"].as_str().is_some_and(|p| p.starts_with("items[")))
    });
    if got != want || !paths_ok {
        return Err(format!(
            "quote_incomplete items {} (expected {want:?})",
            v["error"]["items"]
        ));
    }
    Ok(())
}

/// The claims of the response's token, as `/v1/quotes/verify` reads them.
async fn verified_claims(s: &common::Server, v: &Value) -> Value {
    let body = json!({"token": v["token"]}).to_string();
    let (st, r) = s
        .call("POST", "/v1/quotes/verify", Some(&s.key), None, Some(&body))
        .await;
    assert_eq!(
        (st, &r["valid"]),
        (StatusCode::OK, &Value::Bool(true)),
        "{r}"
    );
    r["claims"].clone()
}

//! The golden corpus (`tests/cases/**/*.yaml`) through the server: every non-pending case's
//! basket is POSTed to `/v1/quotes` (today = the corpus date via `X-Landed-Today`) and the stored,
//! signed quote must pass the same checks as the core's; error cases must get 422 with the
//! expected code and path.

mod common;

#[path = "../../../tests/support/cases.rs"]
mod cases;

use axum::http::StatusCode;
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
        let (st, v) = s
            .call_with(
                "POST",
                "/v1/quotes",
                Some(&s.key),
                Some(&format!("golden-{i}")),
                Some(&case.basket_json()),
                &[("x-landed-today", &today)],
            )
            .await;
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
                cases::check_json(&case.expect, &v["quote"])
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

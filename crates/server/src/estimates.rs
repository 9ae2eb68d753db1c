//! Incomplete quotes. A quote whose duty the engine could not compute for some line
//! (`totals.complete: false`) is signed only when the request allows estimates
//! (`?allow_estimates=true` or `Landed-Allow-Estimates: true`); the token then says so in its
//! signed claims (`estimate: true`), so a prepaid total that leaves duty out can never pass for a
//! complete one. Without that, the request is refused: 422 `quote_incomplete`, naming each item.
//! A quote whose duty rests on law no official source settles (warning `duty_uncertain`, e.g. US
//! additional duties after the Section 122 surcharge lapsed) is treated alike: `quote_uncertain`
//! unless estimates are allowed, and then signed with `estimate: true`.

use crate::error::{AppError, UnknownDuty};
use axum::http::HeaderMap;
use landed::quote::{DutyStatus, Quote};

/// Whether the request allows an incomplete quote to be signed: `allow_estimates=true` in the
/// query or `Landed-Allow-Estimates: true`; `false` (or neither) does not. Another value, or the
/// two saying different things, is 422 `invalid_value`.
pub(crate) fn allowed(headers: &HeaderMap, query: Option<&str>) -> Result<bool, AppError> {
    let parse = |v: &str, path: &'static str| match v {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(AppError::invalid(
            "invalid_value",
            path,
            format!("`{other}`: expected true or false"),
        )),
    };
    let header = headers
        .get("landed-allow-estimates")
        .map(|v| {
            let text = v.to_str().map_err(|_| {
                AppError::invalid(
                    "invalid_value",
                    "Landed-Allow-Estimates",
                    "not visible ASCII",
                )
            })?;
            parse(text.trim(), "Landed-Allow-Estimates")
        })
        .transpose()?;
    let param = query
        .unwrap_or("")
        .split('&')
        .find_map(|p| p.strip_prefix("allow_estimates="))
        .map(|v| parse(v, "allow_estimates"))
        .transpose()?;
    match (header, param) {
        (Some(h), Some(p)) if h != p => Err(AppError::invalid(
            "invalid_value",
            "allow_estimates",
            "the Landed-Allow-Estimates header and the allow_estimates parameter differ",
        )),
        (h, p) => Ok(h.or(p).unwrap_or(false)),
    }
}

/// The items whose duty `quote` leaves out, in basket order.
pub fn unknown_duties(quote: &Quote) -> Vec<UnknownDuty> {
    quote
        .lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.duty.status == DutyStatus::Unknown)
        .map(|(i, l)| UnknownDuty {
            path: format!("items[{i}]"),
            id: l.id.clone(),
            reason: l
                .duty
                .unknown_reason
                .map_or("duty_rate_unavailable", |r| r.code()),
        })
        .collect()
}

/// Whether `quote` may be signed: `Ok(false)` when it is complete and certain, `Ok(true)` when it
/// is not and estimates are allowed (the token must carry `estimate: true`), else
/// `quote_incomplete` (a duty left out) or `quote_uncertain` (a duty no official source settles,
/// warning `duty_uncertain`).
pub(crate) fn check(quote: &Quote, allow: bool) -> Result<bool, AppError> {
    let uncertain = quote.warnings.iter().find(|w| w.code == "duty_uncertain");
    if quote.totals.complete && uncertain.is_none() {
        return Ok(false);
    }
    if allow {
        return Ok(true);
    }
    if !quote.totals.complete {
        return Err(AppError::QuoteIncomplete {
            items: unknown_duties(quote),
        });
    }
    Err(AppError::QuoteUncertain(
        uncertain.map(|w| w.message.clone()).unwrap_or_default(),
    ))
}

/// A stored quote, read back. Quotes stored before the contract marked unknown duties (no
/// `lines[].duty.status`, no `totals.complete`) are read with what their texts already said: a
/// duty rate `unknown` is an unknown duty, `relief` a waived one, any other rate an assessed one.
pub(crate) fn read_stored(text: &str) -> Result<Quote, AppError> {
    let mut v: serde_json::Value = serde_json::from_str(text)?;
    if v["totals"].get("complete").is_none() {
        let mut unknown = 0u32;
        if let Some(lines) = v["lines"].as_array_mut() {
            for l in lines {
                let duty = &mut l["duty"];
                let status = match duty["rate"].as_str() {
                    Some("unknown") => "unknown",
                    Some("relief") => "waived",
                    _ => "assessed",
                };
                if status == "unknown" {
                    unknown += 1;
                    duty["unknown_reason"] = "duty_rate_unavailable".into();
                }
                duty["status"] = status.into();
            }
        }
        let fill = |t: &mut serde_json::Value| {
            t["complete"] = (unknown == 0).into();
            t["duty_unknown_lines"] = unknown.into();
            // Not recorded then; the lines still say which duties are unknown.
            t["duty_unknown_customs_value"] = "0".into();
        };
        fill(&mut v["totals"]);
        if v["display"].is_object() {
            fill(&mut v["display"]["totals"]);
        }
    }
    Ok(serde_json::from_value(v)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basket(items: &str) -> landed::Basket {
        landed::Basket::from_json(&format!(
            r#"{{"destination":"CA","destination_region":"ON","date":"2026-05-01","currency":"CAD","channel":"courier","ship_from":"CN","display_currency":"USD","items":{items}}}"#
        ))
        .unwrap()
    }

    fn quote(items: &str) -> Quote {
        let pack = landed::default_pack().unwrap();
        landed::Quoter::new(&pack)
            .quote(&basket(items), landed::Date::new(2026, 5, 1).unwrap())
            .unwrap()
    }

    #[test]
    fn an_incomplete_quote_is_refused_unless_estimates_are_allowed() {
        // Canada has no tariff in the pack: above the C$20 courier threshold the duty is unknown.
        let q = quote(
            r#"[{"id":"case","description":"Phone case","hs_code":"392690","origin":"CN","quantity":1,"unit_price":"30.00"}]"#,
        );
        assert!(!q.totals.complete);
        let e = check(&q, false).unwrap_err();
        assert_eq!(e.code(), "quote_incomplete");
        assert_eq!(e.status(), axum::http::StatusCode::UNPROCESSABLE_ENTITY);
        let body = e.body();
        assert_eq!(body["error"]["path"], "items[0]");
        assert_eq!(
            body["error"]["items"],
            serde_json::json!([{"path": "items[0]", "id": "case", "reason": "duty_rate_unavailable"}])
        );
        assert!(check(&q, true).unwrap(), "allowed, and marked an estimate");
        // Under the threshold the duty is waived: complete, nothing to allow.
        let q = quote(
            r#"[{"id":"case","description":"Phone case","hs_code":"392690","origin":"CN","quantity":1,"unit_price":"20.00"}]"#,
        );
        assert!(q.totals.complete);
        assert!(!check(&q, false).unwrap());
    }

    #[test]
    fn an_uncertain_duty_is_signed_only_as_an_estimate() {
        // After the Section 122 surcharge lapsed no official source settles the US layers: the
        // quote carries duty_uncertain, is complete, and is refused unless estimates are allowed.
        let pack = landed::default_pack().unwrap();
        let basket = landed::Basket::from_json(
            r#"{"destination":"US","date":"2026-09-01","currency":"USD","channel":"courier","items":[{"id":"tee","description":"Cotton T-shirt","hs_code":"61091000","origin":"VN","quantity":1,"unit_price":"900.00"}]}"#,
        )
        .unwrap();
        let q = landed::Quoter::new(&pack)
            .quote(&basket, landed::Date::new(2026, 9, 1).unwrap())
            .unwrap();
        assert!(q.totals.complete);
        assert!(q.warnings.iter().any(|w| w.code == "duty_uncertain"));
        let e = check(&q, false).unwrap_err();
        assert_eq!(e.code(), "quote_uncertain");
        assert_eq!(e.status(), axum::http::StatusCode::UNPROCESSABLE_ENTITY);
        assert!(check(&q, true).unwrap(), "allowed, and marked an estimate");
        // Inside the Section 122 window the layers are known: nothing to allow.
        let basket = landed::Basket::from_json(
            r#"{"destination":"US","date":"2026-05-01","currency":"USD","channel":"courier","items":[{"id":"tee","description":"Cotton T-shirt","hs_code":"61091000","origin":"VN","quantity":1,"unit_price":"900.00"}]}"#,
        )
        .unwrap();
        let q = landed::Quoter::new(&pack)
            .quote(&basket, landed::Date::new(2026, 5, 1).unwrap())
            .unwrap();
        assert!(!check(&q, false).unwrap());
    }

    #[test]
    fn the_flag_comes_from_the_query_or_a_header_and_they_must_agree() {
        let h = |v: &str| {
            let mut m = HeaderMap::new();
            m.insert("landed-allow-estimates", v.parse().unwrap());
            m
        };
        let none = HeaderMap::new();
        assert!(!allowed(&none, None).unwrap());
        assert!(allowed(&none, Some("seller_id=s1&allow_estimates=true")).unwrap());
        assert!(!allowed(&none, Some("allow_estimates=false")).unwrap());
        assert!(allowed(&h("true"), None).unwrap());
        assert!(allowed(&h("true"), Some("allow_estimates=true")).unwrap());
        for (headers, query, path) in [
            (&none, Some("allow_estimates=yes"), "allow_estimates"),
            (&h("1"), None, "Landed-Allow-Estimates"),
            (&h("false"), Some("allow_estimates=true"), "allow_estimates"),
        ] {
            let e = allowed(headers, query).unwrap_err();
            assert_eq!(
                (e.code(), e.body()["error"]["path"].as_str()),
                ("invalid_value", Some(path))
            );
        }
    }

    #[test]
    fn a_quote_stored_before_the_marking_reads_with_its_rates_meaning() {
        let q = quote(
            r#"[{"id":"case","description":"Phone case","hs_code":"392690","origin":"CN","quantity":1,"unit_price":"30.00"}]"#,
        );
        let mut old = serde_json::to_value(&q).unwrap();
        for at in ["/totals", "/display/totals"] {
            let t = old.pointer_mut(at).unwrap().as_object_mut().unwrap();
            for k in [
                "complete",
                "duty_unknown_lines",
                "duty_unknown_customs_value",
            ] {
                t.remove(k).unwrap();
            }
        }
        let duty = old["lines"][0]["duty"].as_object_mut().unwrap();
        duty.remove("status").unwrap();
        duty.remove("unknown_reason").unwrap();
        let read = read_stored(&old.to_string()).unwrap();
        assert_eq!(read.lines, q.lines);
        assert!(!read.totals.complete);
        assert_eq!(read.totals.duty_unknown_lines, 1);
        assert!(!read.display.unwrap().totals.complete);
        // A current quote reads as it was written.
        assert_eq!(read_stored(&serde_json::to_string(&q).unwrap()).unwrap(), q);
    }
}

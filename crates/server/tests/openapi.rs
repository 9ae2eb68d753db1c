//! `/openapi.json` against the server: every operation of the router is documented, the 2xx
//! responses of the typed views reference their generated schemas, and real responses conform to
//! those schemas (a structural check of the JSON Schema subset schemars writes).

mod common;

use axum::http::StatusCode;
use common::{clearance, de_basket, server};
use serde_json::Value;

/// Follows `$ref`s into `components/schemas`.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => {
            let name = r
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("{r}: not a component"));
            let target = &doc["components"]["schemas"][name];
            assert!(!target.is_null(), "{r}: no such component");
            resolve(doc, target)
        }
        None => schema,
    }
}

fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Where `v` breaks `schema`, as `path: why`; empty when it conforms.
fn check(doc: &Value, schema: &Value, v: &Value, path: &str, out: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    if schema == &Value::Bool(true) {
        return;
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(alts) = schema[key].as_array() {
            let fits = alts.iter().any(|a| {
                let mut errs = Vec::new();
                check(doc, a, v, path, &mut errs);
                errs.is_empty()
            });
            if !fits {
                out.push(format!("{path}: fits none of {key}"));
            }
        }
    }
    for a in schema["allOf"].as_array().into_iter().flatten() {
        check(doc, a, v, path, out);
    }
    let t = type_of(v);
    let allowed: Vec<&str> = match &schema["type"] {
        Value::String(s) => vec![s.as_str()],
        Value::Array(l) => l.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let fits = allowed.contains(&t) || (t == "integer" && allowed.contains(&"number"));
    if !allowed.is_empty() && !fits {
        out.push(format!("{path}: {t}, expected {allowed:?}"));
        return;
    }
    if let Some(e) = schema["enum"].as_array() {
        if !e.contains(v) {
            out.push(format!("{path}: {v} not in {e:?}"));
        }
    }
    if let Some(c) = schema.get("const") {
        if c != v {
            out.push(format!("{path}: {v}, expected {c}"));
        }
    }
    if let Value::Object(o) = v {
        for r in schema["required"].as_array().into_iter().flatten() {
            let r = r.as_str().unwrap();
            if !o.contains_key(r) {
                out.push(format!("{path}: `{r}` missing"));
            }
        }
        let props = schema["properties"].as_object();
        for (k, x) in o {
            match props.and_then(|p| p.get(k)) {
                Some(s) => check(doc, s, x, &format!("{path}.{k}"), out),
                None if schema["additionalProperties"] == Value::Bool(false) => {
                    out.push(format!("{path}: `{k}` not allowed"));
                }
                None => {}
            }
        }
    }
    if let (Value::Array(items), Some(s)) = (v, schema.get("items")) {
        for (i, x) in items.iter().enumerate() {
            check(doc, s, x, &format!("{path}[{i}]"), out);
        }
    }
}

/// The JSON schema of an operation's request body.
fn request_schema<'a>(doc: &'a Value, method: &str, path: &str) -> &'a Value {
    let s = &doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"];
    assert!(!s.is_null(), "{method} {path}: no request schema");
    s
}

/// A request body the server accepts conforms to its operation's request schema.
fn request_conforms(doc: &Value, method: &str, path: &str, body: &str) {
    let v: Value = serde_json::from_str(body).unwrap();
    let mut errs = Vec::new();
    check(doc, request_schema(doc, method, path), &v, "", &mut errs);
    assert!(errs.is_empty(), "{method} {path} request: {errs:#?}\n{v:#}");
}

/// The JSON schema of an operation's response.
fn response_schema<'a>(doc: &'a Value, method: &str, path: &str, status: &str) -> &'a Value {
    let s =
        &doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"];
    assert!(!s.is_null(), "{method} {path} {status}: no JSON schema");
    s
}

fn conforms(doc: &Value, method: &str, path: &str, status: &str, v: &Value) {
    let schema = response_schema(doc, method, path, status);
    assert_ne!(
        resolve(doc, schema),
        &serde_json::json!({"type": "object"}),
        "{method} {path}: an untyped schema"
    );
    let mut errs = Vec::new();
    check(doc, schema, v, "", &mut errs);
    assert!(
        errs.is_empty(),
        "{method} {path} {status}: {errs:#?}\n{v:#}"
    );
}

#[tokio::test]
async fn every_route_is_documented_and_typed_views_reference_their_schemas() {
    let s = server().await;
    let (st, doc) = s.call("GET", "/openapi.json", None, None, None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            assert_ne!(op["summary"], "undocumented", "{method} {path}");
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|k| k.starts_with('2')),
                "{method} {path}: no 2xx response"
            );
        }
    }
    // The operations whose responses are typed views: each 2xx JSON schema is generated.
    for (method, path) in [
        ("post", "/v1/quotes"),
        ("post", "/v1/quotes/verify"),
        ("get", "/v1/quotes/{id}"),
        ("post", "/v1/quotes/{id}/accept"),
        ("post", "/v1/clearances"),
        ("get", "/v1/reconciliation"),
        ("get", "/v1/catalogue"),
        ("get", "/v1/catalogue/export"),
        ("put", "/v1/catalogue/export"),
        ("get", "/v1/catalogue/{sku}"),
        ("put", "/v1/catalogue/{sku}"),
        ("post", "/v1/catalogue/{sku}/corrections"),
        ("get", "/v1/settings"),
        ("put", "/v1/settings"),
        ("get", "/healthz"),
        ("get", "/.well-known/jwks.json"),
        ("post", "/v1/parcels/{id}/events"),
        ("get", "/v1/parcels/{id}"),
        ("post", "/v1/webhooks"),
        ("get", "/v1/webhooks"),
        ("get", "/v1/webhooks/deliveries"),
        ("post", "/v1/webhooks/deliveries/{id}/redeliver"),
        ("get", "/v1/alerts"),
        ("get", "/v1/sellers/{id}/profile"),
        ("post", "/v1/sellers/{id}/complaints"),
        ("get", "/v1/reports/classification"),
    ] {
        let responses = doc["paths"][path][method]["responses"].as_object().unwrap();
        for (status, r) in responses.iter().filter(|(k, _)| k.starts_with('2')) {
            let schema = &r["content"]["application/json"]["schema"];
            let target = resolve(&doc, schema);
            assert!(
                target["properties"].is_object() || target["allOf"].is_array(),
                "{method} {path} {status}: {schema} is not a generated view"
            );
        }
    }
    // Every JSON request body is a generated schema.
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let schema = &op["requestBody"]["content"]["application/json"]["schema"];
            if !schema.is_null() {
                let target = resolve(&doc, schema);
                assert!(
                    target["properties"].is_object() || target["allOf"].is_array(),
                    "{method} {path}: request {schema} is not generated"
                );
            }
        }
    }
    // Schemas of amounts: decimal strings.
    assert_eq!(doc["components"]["schemas"]["Amount"]["type"], "string");
}

#[tokio::test]
async fn real_responses_conform_to_their_generated_schemas() {
    let s = server().await;
    let (_, doc) = s.call("GET", "/openapi.json", None, None, None).await;
    let q = s.quote(&de_basket(), "q1").await;
    conforms(&doc, "post", "/v1/quotes", "201", &q);
    let id = q["id"].as_str().unwrap();
    let token = q["token"].as_str().unwrap();
    let body = serde_json::json!({ "token": token }).to_string();
    let (st, v) = s
        .call("POST", "/v1/quotes/verify", Some(&s.key), None, Some(&body))
        .await;
    assert_eq!(st, StatusCode::OK);
    conforms(&doc, "post", "/v1/quotes/verify", "200", &v);
    let accepted = s.accept(id).await;
    conforms(&doc, "post", "/v1/quotes/{id}/accept", "200", &accepted);
    // Mutations (method, uri, documented path, idempotency key, body, status), then reads.
    let cleared = clearance(id, "P1", "3.00", "12.35", "0", "cleared");
    let entry = r#"{"hs_code": "6109.10", "note": "cotton"}"#;
    for (method, uri, path, idem, body, status) in [
        (
            "POST",
            "/v1/clearances",
            "/v1/clearances",
            "c1",
            cleared.as_str(),
            201,
        ),
        (
            "PUT",
            "/v1/catalogue/SKU-1",
            "/v1/catalogue/{sku}",
            "e1",
            entry,
            201,
        ),
    ] {
        let (st, v) = s
            .call(method, uri, Some(&s.key), Some(idem), Some(body))
            .await;
        assert_eq!(st.as_u16(), status, "{method} {uri}: {v}");
        let m = method.to_lowercase();
        request_conforms(&doc, &m, path, body);
        conforms(&doc, &m, path, &status.to_string(), &v);
    }
    let quote_uri = format!("/v1/quotes/{id}");
    for (uri, path) in [
        (quote_uri.as_str(), "/v1/quotes/{id}"),
        ("/v1/reconciliation", "/v1/reconciliation"),
        ("/v1/catalogue/SKU-1", "/v1/catalogue/{sku}"),
        ("/v1/catalogue", "/v1/catalogue"),
        ("/v1/catalogue/export", "/v1/catalogue/export"),
        ("/v1/settings", "/v1/settings"),
    ] {
        get_conforming(&s, &doc, uri, path).await;
    }
    // The check does catch a response that breaks its schema.
    let mut broken = q.clone();
    broken["expires_at"] = Value::from(7);
    let mut errs = Vec::new();
    check(
        &doc,
        response_schema(&doc, "post", "/v1/quotes", "201"),
        &broken,
        "",
        &mut errs,
    );
    assert!(errs.iter().any(|e| e.contains(".expires_at")), "{errs:?}");
}

/// `GET uri` with the tenant's key: 200, its body conforming to its schema.
async fn get_conforming(s: &common::Server, doc: &Value, uri: &str, path: &str) -> Value {
    let (st, v) = s.call("GET", uri, Some(&s.key), None, None).await;
    assert_eq!(st, StatusCode::OK, "GET {uri}: {v}");
    conforms(doc, "get", path, "200", &v);
    v
}

/// `POST uri` with `body` and an idempotency key: the status and body, the request checked
/// against its schema and the response against the schema of `status`.
async fn post_conforming(
    s: &common::Server,
    doc: &Value,
    (uri, path): (&str, &str),
    idem: &str,
    body: &Value,
    status: u16,
) -> Value {
    let text = body.to_string();
    request_conforms(doc, "post", path, &text);
    let (st, v) = s
        .call("POST", uri, Some(&s.key), Some(idem), Some(&text))
        .await;
    assert_eq!(st.as_u16(), status, "POST {uri}: {v}");
    conforms(doc, "post", path, &status.to_string(), &v);
    v
}

#[tokio::test]
async fn parcels_webhooks_sellers_reports_and_probes_conform() {
    let s = common::server_with(|st| st.with_loopback_webhooks(true)).await;
    let (_, doc) = s.call("GET", "/openapi.json", None, None, None).await;
    for path in ["/healthz", "/.well-known/jwks.json"] {
        let (st, v) = s.call("GET", path, None, None, None).await;
        assert_eq!(st, StatusCode::OK, "{v}");
        conforms(&doc, "get", path, "200", &v);
    }
    let webhooks = ("/v1/webhooks", "/v1/webhooks");
    let hook =
        serde_json::json!({"url": "http://127.0.0.1:9/hook", "event_types": ["parcel_event"]});
    let w = post_conforming(&s, &doc, webhooks, "w1", &hook, 201).await;
    assert!(w["secret"].is_string());
    // 30 declarations make the reference of T-shirts to DE; the 31st, far below it, is flagged.
    let at = |micros: i64| landed_server::rfc3339(micros);
    let now = s.state.now();
    let events = "/v1/parcels/{id}/events";
    let mut declared = Value::Null;
    for i in 0..31 {
        let unit = if i == 30 { "1.00" } else { "15.00" };
        let body = serde_json::json!({"status": "declared", "occurred_at": at(now - 1_000_000),
            "seller_id": "s1", "destination": "DE", "currency": "EUR",
            "lines": [{"hs6": "610910", "quantity": 2, "unit_value": unit}]});
        let uri = format!("/v1/parcels/P{i}/events");
        declared = post_conforming(&s, &doc, (&uri, events), &format!("d{i}"), &body, 201).await;
    }
    assert_eq!(declared["risk"]["high_risk"], true, "{declared}");
    let later = [
        serde_json::json!({"status": "under_inspection", "occurred_at": at(now), "reason": "x-ray", "location": "FRA"}),
        serde_json::json!({"status": "awaiting_duty", "occurred_at": at(now), "assessed_value": "40.00"}),
    ];
    for (i, body) in later.iter().enumerate() {
        let e = post_conforming(
            &s,
            &doc,
            ("/v1/parcels/P30/events", events),
            &format!("e{i}"),
            body,
            201,
        )
        .await;
        assert!(e.get("risk").is_none(), "{e}");
    }
    let quote = s.quote(&de_basket(), "q1").await;
    let id = quote["id"].as_str().unwrap();
    s.accept(id).await;
    // Customs assessed another heading than the quoted one: a misclassified line for the report.
    let cleared = serde_json::json!({"quote_id": id, "parcel_id": "P1", "currency": "EUR", "status": "cleared",
        "assessed": {"duty": "7.20", "tax": "12.35", "fees": "0.00"}, "lines": [{"id": "t", "hs_code": "6110.20"}]});
    post_conforming(
        &s,
        &doc,
        ("/v1/clearances", "/v1/clearances"),
        "c1",
        &cleared,
        201,
    )
    .await;
    let complaint = serde_json::json!({"reason": "late", "parcel_id": "P30"});
    let complaints = ("/v1/sellers/s1/complaints", "/v1/sellers/{id}/complaints");
    post_conforming(&s, &doc, complaints, "k1", &complaint, 201).await;
    let alert = landed_server::store::AlertRow {
        id: "a1".into(),
        destination: "DE".into(),
        level: "heading".into(),
        category: "6109".into(),
        window_parcels: 60,
        window_inspected: 18,
        baseline_parcels: 200,
        baseline_inspected: 10,
        z: 5.123,
        p_value: 1e-7,
        sellers: r#"["s1"]"#.into(),
        suggestion: "pre-check".into(),
        created_at: now,
    };
    s.state
        .store
        .insert_alert(&s.tenant, &alert, "{}", now)
        .await
        .unwrap();
    let mut delivery = String::new();
    for (uri, path) in [
        ("/v1/parcels/P30", "/v1/parcels/{id}"),
        ("/v1/webhooks", "/v1/webhooks"),
        ("/v1/webhooks/deliveries", "/v1/webhooks/deliveries"),
        ("/v1/alerts", "/v1/alerts"),
        ("/v1/sellers/s1/profile", "/v1/sellers/{id}/profile"),
        ("/v1/reports/classification", "/v1/reports/classification"),
    ] {
        let v = get_conforming(&s, &doc, uri, path).await;
        match path {
            "/v1/parcels/{id}" => {
                assert!(v["lines"][0]["risk"].is_object(), "{v}");
                assert_eq!(v["timeline"].as_array().map(Vec::len), Some(3), "{v}");
            }
            "/v1/webhooks/deliveries" => {
                delivery = v["deliveries"][0]["id"].as_str().unwrap().to_string();
            }
            "/v1/alerts" => assert_eq!(v["alerts"].as_array().map(Vec::len), Some(1)),
            "/v1/reports/classification" => assert_eq!(v["lines_misclassified"], 1, "{v}"),
            _ => {}
        }
    }
    let uri = format!("/v1/webhooks/deliveries/{delivery}/redeliver");
    let (st, v) = s.call("POST", &uri, Some(&s.key), Some("r1"), None).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    conforms(
        &doc,
        "post",
        "/v1/webhooks/deliveries/{id}/redeliver",
        "200",
        &v,
    );
}

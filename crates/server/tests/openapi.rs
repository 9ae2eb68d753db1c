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
        let (st, v) = s.call("GET", uri, Some(&s.key), None, None).await;
        assert_eq!(st, StatusCode::OK, "GET {uri}: {v}");
        conforms(&doc, "get", path, "200", &v);
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

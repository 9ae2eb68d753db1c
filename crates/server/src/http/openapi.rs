//! The OpenAPI 3.1 document. Its paths are the router's table (`ROUTES` in `mod.rs`): each
//! (method, path) is documented here, and a route without its operation is documented as
//! `undocumented` (`tests/http.rs` refuses that). The schemas of the typed views and request
//! bodies are generated from the Rust types by schemars (JSON Schema 2020-12, OpenAPI 3.1's
//! dialect) into `components/schemas`; responses and request bodies reference them.

use crate::http::catalogue::{CataloguePage, CorrectionBody, EntryBody, EntryRecorded, SkuView};
use crate::http::clearances::{ClearanceBody, Cleared};
use crate::http::parcels::{EventBody, EventRecorded, ParcelDetail};
use crate::http::quotes::{Accepted, QuoteCreated, QuoteDetail, Verification, VerifyBody};
use crate::http::reconciliation::Reconciliation;
use crate::http::reports::ClassificationReport;
use crate::http::sellers::{Alerts, Complaint, ComplaintBody, SellerProfile};
use crate::http::settings::{Settings, SettingsBody};
use crate::http::webhooks::{Deliveries, Delivery, EndpointCreated, Endpoints, WebhookBody};
use crate::http::{Health, Jwks};
use schemars::generate::{Contract, SchemaSettings};
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{json, Map, Value};

/// Generated schemas: responses as serialized, request bodies as deserialized.
struct Schemas {
    responses: SchemaGenerator,
    requests: SchemaGenerator,
}

impl Schemas {
    fn new() -> Schemas {
        let generator = |contract: Contract| {
            SchemaSettings::draft2020_12()
                .with(|s| {
                    s.definitions_path = "/components/schemas".into();
                    s.meta_schema = None;
                    s.contract = contract;
                })
                .into_generator()
        };
        Schemas {
            responses: generator(Contract::Serialize),
            requests: generator(Contract::Deserialize),
        }
    }

    /// A `200`/`201` response whose body is `T`.
    fn ok<T: JsonSchema>(&mut self, desc: &str) -> Value {
        let schema = self.view::<T>();
        json!({"description": desc, "content": {"application/json": {"schema": schema}}})
    }

    /// The schema of a response body `T`.
    fn view<T: JsonSchema>(&mut self) -> Value {
        self.responses.subschema_for::<T>().to_value()
    }

    /// A required JSON request body `T`.
    fn body<T: JsonSchema>(&mut self) -> Value {
        json_body(self.requests.subschema_for::<T>().to_value())
    }

    /// `components/schemas`, both directions.
    fn components(mut self) -> Map<String, Value> {
        let mut all = self.requests.take_definitions(true);
        for (name, schema) in self.responses.take_definitions(true) {
            // A request and a response type of the same name would hide one of them.
            debug_assert!(
                all.get(&name).is_none_or(|s| *s == schema),
                "two schemas named {name}"
            );
            all.insert(name, schema);
        }
        all
    }
}

fn error_response(desc: &str) -> Value {
    json!({"description": desc, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

fn idem_param() -> Value {
    json!({"name": "Idempotency-Key", "in": "header", "required": true, "schema": {"type": "string", "maxLength": 255},
           "description": "Stored 48 h with a hash of the request: same key and body replay the response; a different body is 422 idempotency_key_reused; a duplicate in flight is 409."})
}

fn json_body(schema: Value) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": schema}}})
}

fn ok(desc: &str) -> Value {
    json!({"description": desc, "content": {"application/json": {"schema": {"type": "object"}}}})
}

fn std_errors(extra: Value) -> Value {
    let mut r = json!({
        "401": error_response("missing or unknown API key (unauthorized)"),
        "422": error_response("invalid input: the core's code and path, or invalid_request, missing_field, non_integral_amount, ..."),
        "408": error_response("request_timeout (the request ran past the server's timeout)"),
        "413": error_response("payload_too_large (body over 1 MiB)"),
        "429": error_response("rate_limited, per API key or client address; see Retry-After"),
        "500": error_response("internal_error"),
    });
    if let (Some(r), Some(e)) = (r.as_object_mut(), extra.as_object()) {
        r.extend(e.clone());
    }
    r
}

/// `from`, `to` (days, inclusive) and, for reports with a CSV form, `format`.
fn report_params(csv: bool) -> Value {
    let mut p = vec![
        json!({"name": "from", "in": "query", "required": false, "schema": {"type": "string", "format": "date"}}),
        json!({"name": "to", "in": "query", "required": false, "schema": {"type": "string", "format": "date"}, "description": "inclusive"}),
    ];
    if csv {
        p.push(json!({"name": "format", "in": "query", "required": false, "schema": {"type": "string", "enum": ["json", "csv"]}}));
    }
    Value::Array(p)
}

fn report_responses(json_schema: Value) -> Value {
    std_errors(
        json!({"200": {"description": "report", "content": {"application/json": {"schema": json_schema},
        "text/csv": {"schema": {"type": "string"}}}}}),
    )
}

/// The document served at `/openapi.json`.
pub fn document() -> Value {
    let mut s = Schemas::new();
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {"title": "landed-server", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Signed landed-cost quotes and a double-entry settlement ledger. Amounts are decimal strings."},
        "components": {
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer", "description": "a platform API key from `landed-server create-tenant`"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object",
                    "required": ["code", "message", "path"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "path": {"type": "string"}}}}},
            }
        },
        "security": [{"apiKey": []}],
        "paths": {
            "/healthz": {"get": {"security": [], "summary": "liveness and database check", "responses": {"200": s.ok::<Health>("ok")}}},
            "/metrics": {"get": {"security": [], "summary": "Prometheus text metrics",
                "responses": {"200": {"description": "metrics", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
            "/openapi.json": {"get": {"security": [], "summary": "this document", "responses": {"200": ok("OpenAPI document")}}},
            "/.well-known/jwks.json": {"get": {"security": [], "summary": "public signing keys (OKP/Ed25519 JWKs), retired ones included",
                "responses": {"200": s.ok::<Jwks>("JWK set")}}},
            "/v1/quotes": {"post": {"summary": "compute, sign and store a quote; `risk` (undervaluation flags) and `seller_lane` come next to the quote", "parameters": [idem_param(),
                    {"name": "Landed-Seller-Id", "in": "header", "required": false, "schema": {"type": "string"},
                     "description": "the seller, for seller_lane (or the seller_id query parameter)"},
                    {"name": "seller_id", "in": "query", "required": false, "schema": {"type": "string"}},
                    {"name": "allow_estimates", "in": "query", "required": false, "schema": {"type": "boolean", "default": false},
                     "description": "sign a quote whose duty the engine cannot compute for some item (totals.complete false); its token then carries the signed claim estimate: true. Without it such a quote is refused: 422 quote_incomplete, error.items = [{path, id, reason}]; a quote whose duty no official source settles (warning duty_uncertain) likewise: 422 quote_uncertain"},
                    {"name": "Landed-Allow-Estimates", "in": "header", "required": false, "schema": {"type": "boolean"},
                     "description": "the same as allow_estimates (the two must agree)"},
                    {"name": "X-Landed-Today", "in": "header", "required": false, "schema": {"type": "string", "format": "date"},
                     "description": "default import date; honoured only with --test-clock"}],
                "requestBody": s.body::<landed::basket::BasketInput>(),
                "responses": std_errors(json!({"201": s.ok::<QuoteCreated>("the quote, its token, and its risk block (risk, seller_lane)"), "400": error_response("idempotency_key_required"),
                    "422": error_response("the core's input errors; quote_incomplete (duty unknown for error.items, estimates not allowed); quote_uncertain (duty_uncertain, estimates not allowed)"),
                    "409": error_response("idempotency_key_in_flight")}))}},
            "/v1/quotes/verify": {"post": {"summary": "verify a quote token",
                "requestBody": s.body::<VerifyBody>(),
                "responses": std_errors(json!({"200": s.ok::<Verification>("{valid: true, claims} or {valid: false, reason: {code, message}}; codes: malformed, unsupported_alg, unknown_kid, bad_signature, expired, key_retired, unknown_quote")}))}},
            "/v1/quotes/{id}": {"get": {"summary": "a stored quote with its token, state and clearances",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": std_errors(json!({"200": s.ok::<QuoteDetail>("quote"), "404": error_response("not_found (also for another platform's quote)")}))}},
            "/v1/quotes/{id}/accept": {"post": {"summary": "accept a quote at checkout: hold the prepaid duty, tax and fees",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}, idem_param()],
                "responses": std_errors(json!({"200": s.ok::<Accepted>("the accepted quote and the entries holding its prepaid amount"), "404": error_response("not_found"),
                    "409": error_response("quote_expired, idempotency_key_in_flight")}))}},
            "/v1/clearances": {"post": {"summary": "record a customs clearance and settle it in the ledger; a changed clearance is posted as a reversal plus new entries; assessed lines are recorded as corrections",
                "parameters": [idem_param()],
                "requestBody": s.body::<ClearanceBody>(),
                "responses": std_errors(json!({"201": s.ok::<Cleared>("{clearance, posted: true, entries, lines, warnings}"), "200": s.ok::<Cleared>("the same clearance was already recorded (posted: false)"),
                    "404": error_response("not_found"), "409": error_response("quote_not_accepted, idempotency_key_in_flight")}))}},
            "/v1/reconciliation": {"get": {"summary": "prepaid vs assessed vs variance by destination and by parcel, and the ledger balance statement",
                "parameters": report_params(true), "responses": report_responses(s.view::<Reconciliation>())}},
            "/v1/parcels/{id}/events": {"post": {"summary": "record a clearance status event of a parcel (carriers, brokers); the state machine refuses impossible transitions; a declaration is checked for undervaluation",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "the platform's parcel id"}, idem_param()],
                "requestBody": s.body::<EventBody>(),
                "responses": std_errors(json!({"201": s.ok::<EventRecorded>("{event, parcel, risk (declared only)}"), "400": error_response("idempotency_key_required"),
                    "404": error_response("not_found (quote_id)"), "409": error_response("invalid_transition, idempotency_key_in_flight")}))}},
            "/v1/parcels/{id}": {"get": {"summary": "a parcel: status, declared lines with their risk flags, and the timeline",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": std_errors(json!({"200": s.ok::<ParcelDetail>("parcel with lines and timeline"), "404": error_response("not_found")}))}},
            "/v1/webhooks": {
                "post": {"summary": "register a webhook endpoint; the signing secret is in this response only",
                    "parameters": [idem_param()], "requestBody": s.body::<WebhookBody>(),
                    "responses": std_errors(json!({"201": s.ok::<EndpointCreated>("{id, url, event_types, secret, created_at}"),
                        "400": error_response("idempotency_key_required")}))},
                "get": {"summary": "the platform's webhook endpoints (without secrets)", "responses": std_errors(json!({"200": s.ok::<Endpoints>("{webhooks}")}))}},
            "/v1/webhooks/deliveries": {"get": {"summary": "outbox deliveries, newest first (200 at most)",
                "parameters": [{"name": "status", "in": "query", "required": false, "schema": {"type": "string", "enum": ["pending", "delivered", "failed"]}}],
                "responses": std_errors(json!({"200": s.ok::<Deliveries>("{deliveries}")}))}},
            "/v1/webhooks/deliveries/{id}/redeliver": {"post": {"summary": "send a delivery again (same event id), with a fresh 3-day retry window",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}, idem_param()],
                "responses": std_errors(json!({"200": s.ok::<Delivery>("the delivery, pending"), "404": error_response("not_found")}))}},
            "/v1/alerts": {"get": {"summary": "inspection-rate alerts, newest first",
                "parameters": [{"name": "seller_id", "in": "query", "required": false, "schema": {"type": "string"}, "description": "only alerts of categories this seller ships"},
                               {"name": "destination", "in": "query", "required": false, "schema": {"type": "string"}}],
                "responses": std_errors(json!({"200": s.ok::<Alerts>("{alerts}")}))}},
            "/v1/sellers/{id}/profile": {"get": {"summary": "a seller's credit profile: score, lane, components and reasons",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": std_errors(json!({"200": s.ok::<SellerProfile>("profile")}))}},
            "/v1/sellers/{id}/complaints": {"post": {"summary": "record a complaint about a seller",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}, idem_param()],
                "requestBody": s.body::<ComplaintBody>(),
                "responses": std_errors(json!({"201": s.ok::<Complaint>("{id, seller_id, parcel_id, reason, created_at}")}))}},
        }
    });
    if let (Some(t), Value::Object(e)) = (doc["paths"].as_object_mut(), learning_paths(&mut s)) {
        t.extend(e);
    }
    if let Some(c) = doc["components"]["schemas"].as_object_mut() {
        c.extend(s.components());
    }
    // The paths are the router's: each route with its operation written above.
    let mut paths = Map::new();
    for r in crate::http::routes() {
        let (path, verb) = (r.path, r.verb.name());
        let op = doc["paths"][path]
            .get(verb)
            .cloned()
            .unwrap_or_else(|| json!({"summary": "undocumented", "responses": {}}));
        if let Value::Object(ops) = paths.entry(path).or_insert_with(|| json!({})) {
            ops.insert(verb.into(), op);
        }
    }
    doc["paths"] = Value::Object(paths);
    doc
}

/// Paths of the learning loop (catalogue memory, corrections, settings, reports).
fn learning_paths(s: &mut Schemas) -> Value {
    json!({
            "/v1/catalogue": {"get": {"summary": "the catalogue memory: current confirmed codes per SKU, paged by SKU",
                "parameters": [{"name": "after", "in": "query", "required": false, "schema": {"type": "string"}, "description": "the last SKU of the previous page (next_after)"},
                               {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}}],
                "responses": std_errors(json!({"200": s.ok::<CataloguePage>("a page of SKUs")}))}},
            "/v1/catalogue/export": {
                "get": {"summary": "the catalogue as the core's landed-catalogue v1 file (HS 2022), for the CLI (--catalogue) and the browser",
                    "parameters": [{"name": "destination", "in": "query", "required": false, "schema": {"type": "string"},
                                    "description": "only the entry a quote to this destination would use, per SKU"}],
                    "responses": std_errors(json!({"200": s.ok::<landed::catalogue::CatalogueInput>("landed-catalogue file")}))},
                "put": {"summary": "PUT /v1/catalogue/{sku} for the SKU named `export` (its GET is the export)",
                    "parameters": [idem_param()], "requestBody": s.body::<EntryBody>(),
                    "responses": std_errors(json!({"201": s.ok::<EntryRecorded>("recorded"), "200": s.ok::<EntryRecorded>("unchanged")}))}},
            "/v1/catalogue/{sku}": {
                "get": {"summary": "a SKU's current confirmed codes (per destination), their history, and what it was last quoted with",
                    "parameters": [{"name": "sku", "in": "path", "required": true, "schema": {"type": "string"}, "description": "a basket item id; percent-encode `/`"}],
                    "responses": std_errors(json!({"200": s.ok::<SkuView>("the SKU"), "404": error_response("unknown_sku")}))},
                "put": {"summary": "the merchant enters a SKU's code (merchant_entered); the history is kept, a repeat of the current code records nothing",
                    "parameters": [{"name": "sku", "in": "path", "required": true, "schema": {"type": "string"}}, idem_param()],
                    "requestBody": s.body::<EntryBody>(),
                    "responses": std_errors(json!({"201": s.ok::<EntryRecorded>("{sku, entry, recorded: true, warnings}"), "200": s.ok::<EntryRecorded>("the current entry already says so (recorded: false)"),
                        "400": error_response("idempotency_key_required")}))}},
            "/v1/catalogue/{sku}/corrections": {"post": {"summary": "a broker corrects a SKU's code for a destination (broker_corrected), compared with the code last quoted",
                "parameters": [{"name": "sku", "in": "path", "required": true, "schema": {"type": "string"}}, idem_param()],
                "requestBody": s.body::<CorrectionBody>(),
                "responses": std_errors(json!({"201": s.ok::<EntryRecorded>("{sku, entry, recorded, correction: {quoted_code, quoted_source, corrected_code, misclassified}, warnings}"),
                    "404": error_response("unknown_sku: never quoted nor entered")}))}},
            "/v1/settings": {
                "get": {"summary": "the platform's settings", "responses": std_errors(json!({"200": s.ok::<Settings>("the settings")}))},
                "put": {"summary": "set share_corrections (default false): whether GET /v1/corrections/export may export the platform's corrections",
                    "parameters": [idem_param()],
                    "requestBody": s.body::<SettingsBody>(),
                    "responses": std_errors(json!({"200": s.ok::<Settings>("the settings")}))}},
            "/v1/reports/classification": {"get": {"summary": "how often quoted HS codes were wrong at clearance: lines assessed, misclassified, share, and the duty variance per currency; overall, by quoted source and by HS chapter",
                "parameters": report_params(true), "responses": report_responses(s.view::<ClassificationReport>())}},
            "/v1/corrections/export": {"get": {"summary": "misclassified lines as JSON lines for retraining: {description, hs_code, quoted_code, quoted_source, destination, date, hs_edition}, nothing else",
                "parameters": report_params(false),
                "responses": std_errors(json!({"200": {"description": "JSON lines", "content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
                    "403": error_response("corrections_not_shared: PUT /v1/settings {share_corrections: true} first")}))}}
    })
}

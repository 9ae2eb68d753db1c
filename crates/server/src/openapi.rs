//! The OpenAPI 3.1 document, hand-written next to the handlers it describes (`app.rs`);
//! `tests/http.rs` checks that every routed path is documented.

use serde_json::{json, Value};

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

/// The document served at `/openapi.json`.
pub fn document() -> Value {
    let std_errors = |extra: Value| {
        let mut r = json!({
            "401": error_response("missing or unknown API key (unauthorized)"),
            "422": error_response("invalid input: the core's code and path, or invalid_request, non_integral_amount, ..."),
            "408": error_response("request_timeout (the request ran past the server's timeout)"),
            "413": error_response("payload_too_large (body over 1 MiB)"),
            "429": error_response("rate_limited, per API key or client address; see Retry-After"),
            "500": error_response("internal_error"),
        });
        if let (Some(r), Some(e)) = (r.as_object_mut(), extra.as_object()) {
            r.extend(e.clone());
        }
        r
    };
    json!({
        "openapi": "3.1.0",
        "info": {"title": "landed-server", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Signed landed-cost quotes and a double-entry settlement ledger. Amounts are decimal strings."},
        "components": {
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer", "description": "a platform API key from `landed-server create-tenant`"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object",
                    "required": ["code", "message", "path"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "path": {"type": "string"}}}}},
                "Basket": {"type": "object", "description": "The core's basket contract (schema/basket.schema.json in the repository)."},
                "ParcelEvent": {"type": "object", "additionalProperties": false, "required": ["status", "occurred_at"],
                    "description": "A clearance status event. The declared event carries the declaration (lines, seller, destination, currency or quote_id); later events may carry reason, location and assessed_value.",
                    "properties": {
                        "status": {"type": "string", "enum": ["declared", "under_inspection", "awaiting_duty", "released", "held", "returned", "seized"]},
                        "occurred_at": {"type": "string", "format": "date-time", "description": "when it happened, from the carrier or broker"},
                        "quote_id": {"type": "string"}, "seller_id": {"type": "string"},
                        "destination": {"type": "string", "description": "ISO 3166 alpha-2; from the quote when omitted"},
                        "currency": {"type": "string", "description": "ISO 4217; from the quote when omitted"},
                        "lines": {"type": "array", "items": {"type": "object", "additionalProperties": false, "required": ["hs6", "quantity", "unit_value"],
                            "properties": {"hs6": {"type": "string", "pattern": "^[0-9]{6}$"}, "quantity": {"type": "integer", "minimum": 1},
                                           "unit_value": {"type": "string", "description": "declared unit value, decimal"}}}},
                        "assessed_value": {"type": "string", "description": "customs value assessed by customs (not on declared)"},
                        "reason": {"type": "string"}, "location": {"type": "string"}}},
                "Webhook": {"type": "object", "additionalProperties": false, "required": ["url"],
                    "properties": {"url": {"type": "string", "description": "https, resolving to public addresses only"},
                                   "event_types": {"type": "array", "items": {"type": "string", "enum": ["parcel_event", "inspection_rate_alert"]}}}},
                "Clearance": {"type": "object", "additionalProperties": false, "required": ["parcel_id", "currency", "status"],
                    "properties": {
                        "quote_id": {"type": "string"}, "token": {"type": "string", "description": "a quote token instead of (or checked against) quote_id"},
                        "parcel_id": {"type": "string"}, "currency": {"type": "string"},
                        "status": {"type": "string", "enum": ["cleared", "cancelled"]},
                        "assessed": {"type": "object", "additionalProperties": false, "required": ["duty", "tax", "fees"],
                            "properties": {"duty": {"type": "string"}, "tax": {"type": "string"}, "fees": {"type": "string"}}}}},
            }
        },
        "security": [{"apiKey": []}],
        "paths": {
            "/healthz": {"get": {"security": [], "summary": "liveness and database check", "responses": {"200": ok("ok")}}},
            "/metrics": {"get": {"security": [], "summary": "Prometheus text metrics",
                "responses": {"200": {"description": "metrics", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
            "/openapi.json": {"get": {"security": [], "summary": "this document", "responses": {"200": ok("OpenAPI document")}}},
            "/.well-known/jwks.json": {"get": {"security": [], "summary": "public signing keys (OKP/Ed25519 JWKs), retired ones included",
                "responses": {"200": ok("JWK set")}}},
            "/v1/quotes": {"post": {"summary": "compute, sign and store a quote; `risk` (undervaluation flags) and `seller_lane` come next to the quote", "parameters": [idem_param(),
                    {"name": "Landed-Seller-Id", "in": "header", "required": false, "schema": {"type": "string"},
                     "description": "the seller, for seller_lane (or the seller_id query parameter)"},
                    {"name": "seller_id", "in": "query", "required": false, "schema": {"type": "string"}},
                    {"name": "X-Landed-Today", "in": "header", "required": false, "schema": {"type": "string", "format": "date"},
                     "description": "default import date; honoured only with --test-clock"}],
                "requestBody": json_body(json!({"$ref": "#/components/schemas/Basket"})),
                "responses": std_errors(json!({"201": ok("{id, quote, token, expires_at, risk, seller_lane}"), "400": error_response("idempotency_key_required"),
                    "409": error_response("idempotency_key_in_flight")}))}},
            "/v1/quotes/verify": {"post": {"summary": "verify a quote token",
                "requestBody": json_body(json!({"type": "object", "required": ["token"], "properties": {"token": {"type": "string"}}})),
                "responses": std_errors(json!({"200": ok("{valid: true, claims} or {valid: false, reason: {code, message}}; codes: malformed, unsupported_alg, unknown_kid, bad_signature, expired, key_retired, unknown_quote")}))}},
            "/v1/quotes/{id}": {"get": {"summary": "a stored quote with its token, state and clearances",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": std_errors(json!({"200": ok("quote"), "404": error_response("not_found (also for another platform's quote)")}))}},
            "/v1/quotes/{id}/accept": {"post": {"summary": "accept a quote at checkout: hold the prepaid duty, tax and fees",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}, idem_param()],
                "responses": std_errors(json!({"200": ok("{quote, entries}"), "404": error_response("not_found"),
                    "409": error_response("quote_expired, idempotency_key_in_flight")}))}},
            "/v1/clearances": {"post": {"summary": "record a customs clearance and settle it in the ledger; a changed clearance is posted as a reversal plus new entries",
                "parameters": [idem_param()],
                "requestBody": json_body(json!({"$ref": "#/components/schemas/Clearance"})),
                "responses": std_errors(json!({"201": ok("{clearance, posted: true, entries}"), "200": ok("the same clearance was already recorded (posted: false)"),
                    "404": error_response("not_found"), "409": error_response("quote_not_accepted, idempotency_key_in_flight")}))}},
            "/v1/reconciliation": {"get": {"summary": "prepaid vs assessed vs variance by destination and by parcel, and the ledger balance statement",
                "parameters": [
                    {"name": "from", "in": "query", "required": false, "schema": {"type": "string", "format": "date"}},
                    {"name": "to", "in": "query", "required": false, "schema": {"type": "string", "format": "date"}, "description": "inclusive"},
                    {"name": "format", "in": "query", "required": false, "schema": {"type": "string", "enum": ["json", "csv"]}}],
                "responses": std_errors(json!({"200": {"description": "report", "content": {"application/json": {"schema": {"type": "object"}},
                    "text/csv": {"schema": {"type": "string"}}}}}))}},
            "/v1/parcels/{id}/events": {"post": {"summary": "record a clearance status event of a parcel (carriers, brokers); the state machine refuses impossible transitions; a declaration is checked for undervaluation",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "the platform's parcel id"}, idem_param()],
                "requestBody": json_body(json!({"$ref": "#/components/schemas/ParcelEvent"})),
                "responses": std_errors(json!({"201": ok("{event, parcel, risk (declared only)}"), "400": error_response("idempotency_key_required"),
                    "404": error_response("not_found (quote_id)"), "409": error_response("invalid_transition, idempotency_key_in_flight")}))}},
            "/v1/parcels/{id}": {"get": {"summary": "a parcel: status, declared lines with their risk flags, and the timeline",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": std_errors(json!({"200": ok("parcel with lines and timeline"), "404": error_response("not_found")}))}},
            "/v1/webhooks": {
                "post": {"summary": "register a webhook endpoint; the signing secret is in this response only",
                    "parameters": [idem_param()], "requestBody": json_body(json!({"$ref": "#/components/schemas/Webhook"})),
                    "responses": std_errors(json!({"201": ok("{id, url, event_types, secret, created_at}"),
                        "400": error_response("idempotency_key_required")}))},
                "get": {"summary": "the platform's webhook endpoints (without secrets)", "responses": std_errors(json!({"200": ok("{webhooks}")}))}},
            "/v1/webhooks/deliveries": {"get": {"summary": "outbox deliveries, newest first (200 at most)",
                "parameters": [{"name": "status", "in": "query", "required": false, "schema": {"type": "string", "enum": ["pending", "delivered", "failed"]}}],
                "responses": std_errors(json!({"200": ok("{deliveries}")}))}},
            "/v1/webhooks/deliveries/{id}/redeliver": {"post": {"summary": "send a delivery again (same event id), with a fresh 3-day retry window",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}, idem_param()],
                "responses": std_errors(json!({"200": ok("the delivery, pending"), "404": error_response("not_found")}))}},
            "/v1/alerts": {"get": {"summary": "inspection-rate alerts, newest first",
                "parameters": [{"name": "seller_id", "in": "query", "required": false, "schema": {"type": "string"}, "description": "only alerts of categories this seller ships"},
                               {"name": "destination", "in": "query", "required": false, "schema": {"type": "string"}}],
                "responses": std_errors(json!({"200": ok("{alerts}")}))}},
            "/v1/sellers/{id}/profile": {"get": {"summary": "a seller's credit profile: score, lane, components and reasons",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": std_errors(json!({"200": ok("profile")}))}},
            "/v1/sellers/{id}/complaints": {"post": {"summary": "record a complaint about a seller",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}, idem_param()],
                "requestBody": json_body(json!({"type": "object", "additionalProperties": false, "required": ["reason"],
                    "properties": {"reason": {"type": "string"}, "parcel_id": {"type": "string"}}})),
                "responses": std_errors(json!({"201": ok("{id, seller_id, parcel_id, reason, created_at}")}))}},
        }
    })
}

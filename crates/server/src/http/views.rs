//! Typed response bodies shared by more than one resource (ledger entries, a clearance with its
//! assessed lines, warnings), and the text forms of amounts and times. Every view derives its JSON
//! Schema, from which `/openapi.json` is generated; a view is rendered through
//! `serde_json::Value` (keys in order, as every response always was), so the bytes of a response
//! and of its idempotent replays do not depend on the order of a view's fields.

use crate::money::from_minor;
use crate::store::{AssessmentRow, ClearanceRow, EntryRow};
use axum::response::{IntoResponse, Response};
use axum::Json;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;

/// A decimal amount as text (`"12.50"`, `"-3"`), in the currency next to it.
#[derive(Clone, Debug, Serialize)]
#[serde(transparent)]
pub(crate) struct Amount(String);

impl Amount {
    /// `minor` units of `currency`.
    pub(crate) fn of(minor: i64, currency: &str) -> Amount {
        Amount(from_minor(minor, currency).to_string())
    }
}

impl JsonSchema for Amount {
    fn schema_name() -> Cow<'static, str> {
        "Amount".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$",
                      "description": "a decimal amount, in the currency next to it"})
    }
}

/// An RFC 3339 time, UTC, to the second: `2026-11-25T10:00:00Z`.
#[derive(Clone, Debug, Serialize)]
#[serde(transparent)]
pub(crate) struct Time(String);

impl Time {
    /// Unix microseconds.
    pub(crate) fn at(micros: i64) -> Time {
        Time(crate::rfc3339(micros))
    }
}

impl JsonSchema for Time {
    fn schema_name() -> Cow<'static, str> {
        "Time".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "format": "date-time"})
    }
}

/// A JSON response of a typed view, rendered as [`value`] renders it.
pub(crate) struct Reply<T>(pub T);

impl<T: Serialize> IntoResponse for Reply<T> {
    fn into_response(self) -> Response {
        Json(value(&self.0)).into_response()
    }
}

/// A view as the JSON value the store keeps and the response carries.
pub(crate) fn value<T: Serialize>(view: &T) -> Value {
    serde_json::to_value(view).unwrap_or_else(|e| {
        // A view is plain data (strings, numbers, maps with string keys): it always serializes.
        unreachable!("a response view failed to serialize: {e}")
    })
}

/// A warning of a response: `hs_edition_mapped`, `pack_changed`.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(rename = "ResponseWarning")]
pub(crate) struct Warning {
    pub code: String,
    pub message: String,
    /// The field it concerns.
    pub path: String,
}

/// A ledger entry.
#[derive(Serialize, JsonSchema)]
pub(crate) struct Entry {
    transfer_id: String,
    /// `hold`, `settle`, `reverse`, ...
    kind: String,
    account: String,
    currency: String,
    amount: Amount,
}

pub(crate) fn entries(entries: &[EntryRow]) -> Vec<Entry> {
    entries
        .iter()
        .map(|e| Entry {
            transfer_id: e.transfer_id.clone(),
            kind: e.kind.clone(),
            account: e.account.clone(),
            currency: e.currency.clone(),
            amount: Amount::of(e.amount_minor, &e.currency),
        })
        .collect()
}

/// The amounts customs assessed.
#[derive(Serialize, JsonSchema)]
pub(crate) struct Assessed {
    duty: Amount,
    tax: Amount,
    fees: Amount,
    total: Amount,
}

/// A clearance: what customs assessed against what was prepaid.
#[derive(Serialize, JsonSchema)]
pub(crate) struct Clearance {
    id: String,
    quote_id: String,
    /// 1 for the first clearance of a parcel, then one more per correction.
    seq: i64,
    parcel_id: String,
    /// `cleared` or `cancelled`.
    status: String,
    currency: String,
    assessed: Assessed,
    prepaid: Amount,
    /// Assessed minus prepaid.
    variance: Amount,
    transfer_id: String,
    created_at: Time,
    /// The lines customs assessed (in a quote's clearances only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<AssessedLine>>,
}

pub(crate) fn clearance(c: &ClearanceRow) -> Clearance {
    let cur = c.currency.as_str();
    Clearance {
        id: c.id.clone(),
        quote_id: c.quote_id.clone(),
        seq: c.seq,
        parcel_id: c.parcel_id.clone(),
        status: c.status.clone(),
        currency: c.currency.clone(),
        assessed: Assessed {
            duty: Amount::of(c.duty_minor, cur),
            tax: Amount::of(c.tax_minor, cur),
            fees: Amount::of(c.fees_minor, cur),
            total: Amount::of(c.assessed_minor, cur),
        },
        prepaid: Amount::of(c.prepaid_minor, cur),
        variance: Amount::of(c.assessed_minor - c.prepaid_minor, cur),
        transfer_id: c.transfer_id.clone(),
        created_at: Time::at(c.created_at),
        lines: None,
    }
}

/// A line customs assessed: its code against the quoted one, and the duty either way.
#[derive(Serialize, JsonSchema)]
pub(crate) struct AssessedLine {
    /// The basket item's id (its SKU).
    id: String,
    quoted_code: Option<String>,
    /// `merchant`, `classifier`, `catalogue` or `missing`.
    quoted_source: String,
    assessed_code: String,
    misclassified: bool,
    quoted_duty: Option<Amount>,
    assessed_duty: Option<Amount>,
    /// Assessed minus quoted duty.
    duty_variance: Option<Amount>,
}

pub(crate) fn assessed_line(a: &AssessmentRow) -> AssessedLine {
    let cur = a.currency.as_deref().unwrap_or("");
    let money = |m: Option<i64>| m.map(|v| Amount::of(v, cur));
    AssessedLine {
        id: a.item_id.clone(),
        quoted_code: a.quoted_code.clone(),
        quoted_source: a.quoted_source.clone(),
        assessed_code: a.assessed_code.clone(),
        misclassified: a.misclassified != 0,
        quoted_duty: money(a.quoted_duty_minor),
        assessed_duty: money(a.assessed_duty_minor),
        duty_variance: money(a.variance_minor()),
    }
}

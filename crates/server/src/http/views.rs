//! Response bodies shared by more than one resource: ledger entries, a clearance with its
//! assessed lines.

use crate::http::extract::dec;
use crate::store::{AssessmentRow, ClearanceRow, EntryRow};
use serde_json::{json, Value};

pub(crate) fn entries_json(entries: &[EntryRow]) -> Value {
    Value::Array(
        entries
            .iter()
            .map(|e| {
                json!({"transfer_id": e.transfer_id, "kind": e.kind, "account": e.account,
                       "currency": e.currency, "amount": dec(e.amount_minor, &e.currency)})
            })
            .collect(),
    )
}

pub(crate) fn clearance_json(c: &ClearanceRow) -> Value {
    let cur = c.currency.as_str();
    json!({
        "id": c.id, "quote_id": c.quote_id, "seq": c.seq, "parcel_id": c.parcel_id, "status": c.status,
        "currency": c.currency,
        "assessed": {"duty": dec(c.duty_minor, cur), "tax": dec(c.tax_minor, cur), "fees": dec(c.fees_minor, cur),
                     "total": dec(c.assessed_minor, cur)},
        "prepaid": dec(c.prepaid_minor, cur),
        "variance": dec(c.assessed_minor - c.prepaid_minor, cur),
        "transfer_id": c.transfer_id,
        "created_at": crate::rfc3339(c.created_at),
    })
}

/// JSON of an assessed line.
pub(crate) fn assessment_json(a: &AssessmentRow) -> Value {
    let cur = a.currency.as_deref().unwrap_or("");
    let money = |m: Option<i64>| m.map(|v| dec(v, cur));
    json!({
        "id": a.item_id, "quoted_code": a.quoted_code, "quoted_source": a.quoted_source,
        "assessed_code": a.assessed_code, "misclassified": a.misclassified != 0,
        "quoted_duty": money(a.quoted_duty_minor), "assessed_duty": money(a.assessed_duty_minor),
        "duty_variance": money(a.variance_minor()),
    })
}

//! `GET /v1/reconciliation`: prepaid vs assessed vs variance by destination and by parcel (JSON or
//! CSV), with the ledger's balance statement and the duty variance caused by misclassified lines.

use crate::error::AppError;
use crate::http::extract::{dec, Tenant};
use crate::http::state::AppState;
use crate::http::views::{Amount, Reply, Time};
use crate::store::QuoteAssessment;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use landed_domain::ledger;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

fn query_date(
    params: &BTreeMap<String, String>,
    name: &str,
) -> Result<Option<landed::Date>, AppError> {
    params
        .get(name)
        .map(|s| {
            s.parse::<landed::Date>().map_err(|_| {
                AppError::invalid(
                    "invalid_date",
                    name,
                    format!("`{s}` is not a date: expected YYYY-MM-DD"),
                )
            })
        })
        .transpose()
}

/// The query of a report: `from`, `to` (days, inclusive) and `format` (`json` or `csv`).
pub(crate) struct ReportQuery {
    pub from: Option<landed::Date>,
    pub to: Option<landed::Date>,
    /// `[from_us, to_us)` in unix microseconds.
    pub from_us: i64,
    pub to_us: i64,
    pub csv: bool,
}

impl ReportQuery {
    /// Parses `from`, `to` and `format` from a raw query string.
    pub(crate) fn parse(q: Option<&str>) -> Result<ReportQuery, AppError> {
        let params: BTreeMap<String, String> = q
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (k.to_string(), v.to_string())
            })
            .collect();
        let from = query_date(&params, "from")?;
        let to = query_date(&params, "to")?;
        let day = 86_400_000_000i64;
        let csv = match params.get("format").map(String::as_str) {
            None | Some("json") => false,
            Some("csv") => true,
            Some(other) => {
                return Err(AppError::invalid(
                    "invalid_value",
                    "format",
                    format!("`{other}`: expected json or csv"),
                ))
            }
        };
        Ok(ReportQuery {
            from,
            to,
            from_us: from.map_or(0, |d| d.days_since_epoch() * day),
            to_us: to.map_or(i64::MAX, |d| (d.days_since_epoch() + 1) * day),
            csv,
        })
    }
}

/// A CSV response of `header` and `rows`.
pub(crate) fn csv_response(header: &[&str], rows: &[Vec<String>]) -> Result<Response, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| AppError::Internal(format!("csv: {e}"));
    w.write_record(header).map_err(io)?;
    for r in rows {
        w.write_record(r).map_err(io)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| AppError::Internal(format!("csv: {e}")))?;
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], bytes).into_response())
}

pub(crate) async fn reconciliation(
    State(state): State<AppState>,
    tenant: Tenant,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let ReportQuery {
        from,
        to,
        from_us,
        to_us,
        csv,
    } = ReportQuery::parse(q.as_deref())?;
    let rows = state
        .store
        .reconciliation(&tenant.0, from_us, to_us)
        .await?;
    // The lines customs assessed, per quote: how many were misclassified and the duty variance
    // they caused (assessed minus quoted duty of those lines).
    let assessed: HashMap<String, QuoteAssessment> = state
        .store
        .quote_assessments(&tenant.0, from_us, to_us)
        .await?
        .into_iter()
        .map(|a| (a.quote_id.clone(), a))
        .collect();
    let none = QuoteAssessment::default();
    let of = |quote: &str| assessed.get(quote).unwrap_or(&none);
    if csv {
        let rows: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                let c = r.currency.as_str();
                let a = of(&r.quote_id);
                vec![
                    r.parcel_id.clone(),
                    r.quote_id.clone(),
                    r.destination.clone(),
                    r.currency.clone(),
                    r.status.clone(),
                    dec(r.prepaid_minor, c),
                    dec(r.assessed_minor, c),
                    dec(r.assessed_minor - r.prepaid_minor, c),
                    (r.seq - 1).to_string(),
                    crate::rfc3339(r.created_at),
                    a.lines.to_string(),
                    a.misclassified.to_string(),
                    dec(a.variance_minor, c),
                ]
            })
            .collect();
        return csv_response(
            &[
                "parcel_id",
                "quote_id",
                "destination",
                "currency",
                "status",
                "prepaid",
                "assessed",
                "variance",
                "corrections",
                "cleared_at",
                "assessed_lines",
                "misclassified_lines",
                "classification_variance",
            ],
            &rows,
        );
    }
    // (parcels, prepaid, assessed, assessed lines, misclassified lines, classification variance)
    let mut by_dest: BTreeMap<(String, String), [i64; 6]> = BTreeMap::new();
    let mut by_currency: BTreeMap<String, [i64; 3]> = BTreeMap::new();
    for r in &rows {
        let a = of(&r.quote_id);
        let e = by_dest
            .entry((r.destination.clone(), r.currency.clone()))
            .or_default();
        for (slot, v) in e.iter_mut().zip([
            1,
            r.prepaid_minor,
            r.assessed_minor,
            a.lines,
            a.misclassified,
            a.variance_minor,
        ]) {
            *slot += v;
        }
        let c = by_currency.entry(r.currency.clone()).or_default();
        for (slot, v) in c
            .iter_mut()
            .zip([a.lines, a.misclassified, a.variance_minor])
        {
            *slot += v;
        }
    }
    let balances = state.store.balances(Some(&tenant.0)).await?;
    let mut per_currency: BTreeMap<String, i64> = BTreeMap::new();
    for (_, c, v) in &balances {
        *per_currency.entry(c.clone()).or_default() += v;
    }
    let total: i64 = balances.iter().map(|b| b.2).sum();
    let balanced = total == 0 && per_currency.values().all(|v| *v == 0);
    let destinations = by_dest
        .iter()
        .map(|((d, c), [n, p, a, l, m, v])| DestinationTotals {
            destination: d.clone(),
            currency: c.clone(),
            parcels: *n,
            prepaid: Amount::of(*p, c),
            assessed: Amount::of(*a, c),
            variance: Amount::of(a - p, c),
            assessed_lines: *l,
            misclassified_lines: *m,
            classification_variance: Amount::of(*v, c),
        })
        .collect();
    let parcels = rows
        .iter()
        .map(|r| {
            let c = r.currency.as_str();
            let a = of(&r.quote_id);
            ParcelLine {
                parcel_id: r.parcel_id.clone(),
                quote_id: r.quote_id.clone(),
                destination: r.destination.clone(),
                currency: r.currency.clone(),
                status: r.status.clone(),
                prepaid: Amount::of(r.prepaid_minor, c),
                assessed: Amount::of(r.assessed_minor, c),
                variance: Amount::of(r.assessed_minor - r.prepaid_minor, c),
                corrections: r.seq - 1,
                cleared_at: Time::at(r.created_at),
                assessed_lines: a.lines,
                misclassified_lines: a.misclassified,
                classification_variance: Amount::of(a.variance_minor, c),
            }
        })
        .collect();
    let classification = by_currency
        .iter()
        .map(|(c, [l, m, v])| Classification {
            currency: c.clone(),
            assessed_lines: *l,
            misclassified_lines: *m,
            classification_variance: Amount::of(*v, c),
        })
        .collect();
    let balances = balances
        .iter()
        .map(|(a, c, v)| Balance {
            account: a.clone(),
            currency: c.clone(),
            balance: Amount::of(*v, c),
            balance_minor: *v,
        })
        .collect();
    Ok(Reply(Reconciliation {
        from: from.map(|d| d.to_string()),
        to: to.map(|d| d.to_string()),
        by_destination: destinations,
        by_parcel: parcels,
        classification,
        ledger: Ledger {
            accounts: ledger::ACCOUNTS.to_vec(),
            balances,
            sum_minor: total,
            balanced,
            statement: if balanced {
                "the ledger balances: the sum of all entries is 0 in every currency"
            } else {
                "THE LEDGER DOES NOT BALANCE"
            },
        },
    })
    .into_response())
}

/// The reconciliation report (`GET /v1/reconciliation`, JSON).
#[derive(Serialize, JsonSchema)]
pub(crate) struct Reconciliation {
    /// The first day, as asked.
    from: Option<String>,
    /// The last day (inclusive), as asked.
    to: Option<String>,
    by_destination: Vec<DestinationTotals>,
    by_parcel: Vec<ParcelLine>,
    /// Misclassified lines and the duty variance they caused, per currency.
    classification: Vec<Classification>,
    ledger: Ledger,
}

/// Totals of a destination, in one currency.
#[derive(Serialize, JsonSchema)]
pub(crate) struct DestinationTotals {
    destination: String,
    currency: String,
    parcels: i64,
    prepaid: Amount,
    assessed: Amount,
    variance: Amount,
    assessed_lines: i64,
    misclassified_lines: i64,
    classification_variance: Amount,
}

/// A parcel's current clearance.
#[derive(Serialize, JsonSchema)]
pub(crate) struct ParcelLine {
    parcel_id: String,
    quote_id: String,
    destination: String,
    currency: String,
    status: String,
    prepaid: Amount,
    assessed: Amount,
    variance: Amount,
    /// How many times the clearance was corrected.
    corrections: i64,
    cleared_at: Time,
    assessed_lines: i64,
    misclassified_lines: i64,
    classification_variance: Amount,
}

/// Misclassification in one currency.
#[derive(Serialize, JsonSchema)]
pub(crate) struct Classification {
    currency: String,
    assessed_lines: i64,
    misclassified_lines: i64,
    classification_variance: Amount,
}

/// The ledger's balance statement (the platform's accounts).
#[derive(Serialize, JsonSchema)]
pub(crate) struct Ledger {
    accounts: Vec<&'static str>,
    balances: Vec<Balance>,
    /// The sum of every entry, minor units: 0 when the ledger balances.
    sum_minor: i64,
    balanced: bool,
    statement: &'static str,
}

/// An account's balance in one currency.
#[derive(Serialize, JsonSchema)]
pub(crate) struct Balance {
    account: String,
    currency: String,
    balance: Amount,
    balance_minor: i64,
}

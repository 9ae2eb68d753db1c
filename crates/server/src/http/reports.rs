//! What the learning loop tells a platform: how often its quoted HS codes were wrong
//! (`GET /v1/reports/classification`) and, when it opts in, its corrections as training data for
//! the classifier (`GET /v1/corrections/export`, JSON lines read by `models/hs-classifier`).

use crate::error::AppError;
use crate::http::extract::{dec, Tenant};
use crate::http::reconciliation::{csv_response, ReportQuery};
use crate::http::state::AppState;
use crate::http::views::{Amount, Reply};
use crate::store::AssessmentRow;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

/// Counts of one group in one currency.
#[derive(Clone, Copy, Debug, Default)]
struct Counts {
    lines: i64,
    misclassified: i64,
    /// Assessed minus quoted duty of the misclassified lines, minor units.
    net: i64,
    /// The same, in absolute value per line.
    absolute: i64,
}

/// Per group key, per currency.
type Groups = BTreeMap<String, BTreeMap<String, Counts>>;

fn add(groups: &mut Groups, key: &str, a: &AssessmentRow) {
    let c = groups
        .entry(key.to_string())
        .or_default()
        .entry(a.currency.clone().unwrap_or_default())
        .or_default();
    c.lines += 1;
    if a.misclassified != 0 {
        let v = a.variance_minor().unwrap_or(0);
        c.misclassified += 1;
        c.net += v;
        c.absolute += v.abs();
    }
}

/// `misclassified / lines` to 4 places, as a string; `None` without lines.
fn share(misclassified: i64, lines: i64) -> Option<String> {
    (lines > 0).then(|| {
        let mut s = (Decimal::from(misclassified) / Decimal::from(lines)).round_dp(4);
        s.rescale(4);
        s.to_string()
    })
}

/// Lines assessed and misclassified in a group, and their duty variance per currency.
#[derive(Serialize, JsonSchema)]
pub(crate) struct GroupCounts {
    lines_assessed: i64,
    lines_misclassified: i64,
    /// `lines_misclassified / lines_assessed` to 4 places; `null` without lines.
    share_misclassified: Option<String>,
    duty_variance: Vec<DutyVariance>,
}

/// Assessed minus quoted duty of the misclassified lines in one currency.
#[derive(Serialize, JsonSchema)]
pub(crate) struct DutyVariance {
    currency: String,
    net: Amount,
    /// The sum of each line's variance in absolute value.
    absolute: Amount,
}

fn group(per: &BTreeMap<String, Counts>) -> GroupCounts {
    let lines: i64 = per.values().map(|c| c.lines).sum();
    let mis: i64 = per.values().map(|c| c.misclassified).sum();
    GroupCounts {
        lines_assessed: lines,
        lines_misclassified: mis,
        share_misclassified: share(mis, lines),
        duty_variance: per
            .iter()
            .map(|(cur, c)| DutyVariance {
                currency: cur.clone(),
                net: Amount::of(c.net, cur),
                absolute: Amount::of(c.absolute, cur),
            })
            .collect(),
    }
}

/// The classification report: overall, by quoted source, by HS chapter.
#[derive(Serialize, JsonSchema)]
pub(crate) struct ClassificationReport {
    /// The first day, when given.
    #[schemars(with = "Option<String>", extend("format" = "date"))]
    from: Option<String>,
    /// The last day (inclusive), when given.
    #[schemars(with = "Option<String>", extend("format" = "date"))]
    to: Option<String>,
    #[serde(flatten)]
    overall: GroupCounts,
    by_quoted_source: Vec<SourceGroup>,
    by_chapter: Vec<ChapterGroup>,
    /// Corrections brokers entered (not counted above).
    broker_corrections: BrokerCorrections,
}

/// The counts of lines quoted with codes from one source.
#[derive(Serialize, JsonSchema)]
pub(crate) struct SourceGroup {
    /// `merchant`, `classifier`, `catalogue` or `missing`.
    quoted_source: String,
    #[serde(flatten)]
    counts: GroupCounts,
}

/// The counts of lines assessed in one HS chapter.
#[derive(Serialize, JsonSchema)]
pub(crate) struct ChapterGroup {
    /// Two digits.
    chapter: String,
    #[serde(flatten)]
    counts: GroupCounts,
}

/// Broker corrections: how many, and how many differ from the code quoted.
#[derive(Serialize, JsonSchema)]
pub(crate) struct BrokerCorrections {
    count: i64,
    differing: i64,
}

pub(super) async fn classification_report(
    State(state): State<AppState>,
    tenant: Tenant,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let rq = ReportQuery::parse(q.as_deref())?;
    let rows = state
        .store
        .assessments(&tenant.0, rq.from_us, rq.to_us)
        .await?;
    let (mut overall, mut by_source, mut by_chapter) =
        (Groups::new(), Groups::new(), Groups::new());
    let (mut broker, mut broker_differing) = (0i64, 0i64);
    for a in &rows {
        if a.origin == "broker" {
            broker += 1;
            broker_differing += a.misclassified;
            continue;
        }
        add(&mut overall, "", a);
        add(&mut by_source, &a.quoted_source, a);
        add(&mut by_chapter, a.assessed_code.get(..2).unwrap_or(""), a);
    }
    let all = overall.remove("").unwrap_or_default();
    if rq.csv {
        let mut out = Vec::new();
        let groups = [
            ("overall", &BTreeMap::from([("all".to_string(), all)])),
            ("quoted_source", &by_source),
            ("chapter", &by_chapter),
        ];
        for (group, map) in groups {
            for (key, per) in map {
                for (cur, c) in per {
                    out.push(vec![
                        group.to_string(),
                        key.clone(),
                        cur.clone(),
                        c.lines.to_string(),
                        c.misclassified.to_string(),
                        share(c.misclassified, c.lines).unwrap_or_default(),
                        dec(c.net, cur),
                        dec(c.absolute, cur),
                    ]);
                }
            }
        }
        return csv_response(
            &[
                "group",
                "key",
                "currency",
                "lines_assessed",
                "lines_misclassified",
                "share_misclassified",
                "duty_variance",
                "duty_variance_absolute",
            ],
            &out,
        );
    }
    Ok(Reply(ClassificationReport {
        from: rq.from.map(|d| d.to_string()),
        to: rq.to.map(|d| d.to_string()),
        overall: group(&all),
        by_quoted_source: by_source
            .iter()
            .map(|(k, per)| SourceGroup {
                quoted_source: k.clone(),
                counts: group(per),
            })
            .collect(),
        by_chapter: by_chapter
            .iter()
            .map(|(k, per)| ChapterGroup {
                chapter: k.clone(),
                counts: group(per),
            })
            .collect(),
        broker_corrections: BrokerCorrections {
            count: broker,
            differing: broker_differing,
        },
    })
    .into_response())
}

/// One line of the corrections export: exactly what `models/hs-classifier` reads, nothing that
/// identifies a parcel, a price, a seller or a shopper.
#[derive(Serialize)]
struct ExportLine<'a> {
    description: &'a str,
    hs_code: &'a str,
    quoted_code: Option<&'a str>,
    quoted_source: &'a str,
    destination: &'a str,
    date: String,
    hs_edition: u16,
}

pub(super) async fn export_corrections(
    State(state): State<AppState>,
    tenant: Tenant,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let rq = ReportQuery::parse(q.as_deref())?;
    if rq.csv {
        return Err(AppError::invalid(
            "invalid_value",
            "format",
            "the corrections export is JSON lines only",
        ));
    }
    if !state.store.settings(&tenant.0).await?.0 {
        return Err(AppError::Forbidden {
            code: "corrections_not_shared",
            message: "this platform does not share its corrections: PUT /v1/settings {\"share_corrections\": true} to opt in".into(),
        });
    }
    let rows = state
        .store
        .assessments(&tenant.0, rq.from_us, rq.to_us)
        .await?;
    let mut body = String::new();
    // Lines whose item had no description teach nothing: they are not exported.
    for a in rows
        .iter()
        .filter(|a| a.misclassified != 0 && !a.description.trim().is_empty())
    {
        let line = ExportLine {
            description: a.description.trim(),
            hs_code: &a.assessed_code,
            quoted_code: a.quoted_code.as_deref(),
            quoted_source: &a.quoted_source,
            destination: &a.destination,
            date: crate::rfc3339(a.created_at)[..10].to_string(),
            hs_edition: landed::hs::CURRENT_EDITION,
        };
        body.push_str(&serde_json::to_string(&line)?);
        body.push('\n');
    }
    Ok(([(header::CONTENT_TYPE, "application/x-ndjson")], body).into_response())
}

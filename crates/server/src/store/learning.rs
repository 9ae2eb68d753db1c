//! Rows and `Store` methods of the learning loop: catalogue memory (confirmed HS codes per SKU),
//! the codes customs assessed or brokers corrected against the codes quoted, and tenant settings.
//! The queries are in `sql/learning.rs`.

use super::{Idem, Store, Stored};
use crate::error::AppError;
use serde_json::Value;

/// A confirmed code as stored (append-only; the newest of a (sku, destination) is current).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct CatalogueRow {
    pub id: i64,
    pub sku: String,
    /// `""` when the code holds for every destination (a merchant's code).
    pub destination: String,
    /// HS 2022 digits.
    pub hs_code: String,
    /// `merchant_entered`, `broker_corrected` or `customs_assessed`.
    pub source: String,
    /// The code as given (before an HS 2017 code was mapped).
    pub given_code: String,
    pub given_edition: i64,
    /// `YYYY-MM-DD`.
    pub confirmed_on: String,
    pub quote_id: Option<String>,
    pub parcel_id: Option<String>,
    pub note: Option<String>,
    pub recorded_at: i64,
}

/// A confirmed code to record.
#[derive(Clone, Debug)]
pub struct NewEntry {
    pub sku: String,
    /// `""` for every destination.
    pub destination: String,
    pub hs_code: String,
    pub source: landed::catalogue::Confirmation,
    pub given_code: String,
    pub given_edition: i64,
    pub note: Option<String>,
}

/// What recording a catalogue entry did.
#[derive(Clone, Debug)]
pub struct EntryOutcome {
    /// The current entry of the (sku, destination).
    pub entry: CatalogueRow,
    /// False when the current entry already said the same (nothing appended).
    pub recorded: bool,
    /// A broker correction's comparison with the code last quoted.
    pub assessment: Option<AssessmentRow>,
}

/// A SKU the platform quoted, with what its latest quote said.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SkuRow {
    pub sku: String,
    pub description: String,
    pub last_quote_id: String,
    pub last_destination: String,
    pub last_hs_code: Option<String>,
    pub last_hs_source: String,
    pub first_quoted_at: i64,
    pub last_quoted_at: i64,
}

/// A quoted line, remembered per SKU with the quote.
#[derive(Clone, Debug)]
pub struct QuotedItem {
    pub sku: String,
    pub description: String,
    pub hs_code: Option<String>,
    pub hs_source: String,
}

/// A line's code as customs assessed it (origin `customs`) or a broker corrected it (`broker`).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AssessmentRow {
    pub id: String,
    pub origin: String,
    pub quote_id: Option<String>,
    pub clearance_id: Option<String>,
    pub seq: Option<i64>,
    pub parcel_id: Option<String>,
    pub item_id: String,
    pub description: String,
    pub destination: String,
    pub currency: Option<String>,
    pub quoted_code: Option<String>,
    pub quoted_source: String,
    pub assessed_code: String,
    /// 1 when the assessed code differs from the quoted one at the precision both have.
    pub misclassified: i64,
    pub quoted_duty_minor: Option<i64>,
    pub assessed_duty_minor: Option<i64>,
    pub note: Option<String>,
    pub created_at: i64,
}

impl AssessmentRow {
    /// Assessed minus quoted duty of the line, minor units (customs rows only).
    pub fn variance_minor(&self) -> Option<i64> {
        Some(self.assessed_duty_minor? - self.quoted_duty_minor?)
    }
}

/// A line of a clearance whose code customs assessed, checked and priced by the handler.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAssessment {
    pub item_id: String,
    pub description: String,
    pub quoted_code: Option<String>,
    pub quoted_source: String,
    /// HS 2022 digits.
    pub assessed_code: String,
    pub given_code: String,
    pub given_edition: i64,
    pub misclassified: bool,
    pub quoted_duty_minor: i64,
    pub assessed_duty_minor: i64,
}

/// Lines assessed, misclassified, and the duty variance of the misclassified ones, per quote.
#[derive(Clone, Debug, Default, sqlx::FromRow)]
pub struct QuoteAssessment {
    pub quote_id: String,
    pub lines: i64,
    pub misclassified: i64,
    pub variance_minor: i64,
}

/// Whether two codes name the same goods: one is a prefix of the other (a subheading and a
/// national line beneath it), i.e. they agree at the precision both have.
pub fn codes_agree(a: &str, b: &str) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

impl Store {
    /// The current catalogue entries (every destination) of these SKUs.
    pub async fn catalogue_current(
        &self,
        tenant: &str,
        skus: &[String],
    ) -> Result<Vec<CatalogueRow>, AppError> {
        dispatch!(self.catalogue_current(tenant, skus))
    }
    /// Every current catalogue entry of a tenant, by SKU then destination.
    pub async fn catalogue_all_current(&self, tenant: &str) -> Result<Vec<CatalogueRow>, AppError> {
        dispatch!(self.catalogue_all_current(tenant))
    }
    /// Up to `limit` SKUs with catalogue entries, after `after`, in order.
    pub async fn catalogue_skus(
        &self,
        tenant: &str,
        after: &str,
        limit: i64,
    ) -> Result<Vec<String>, AppError> {
        dispatch!(self.catalogue_skus(tenant, after, limit))
    }
    /// Every entry of a SKU, newest first.
    pub async fn catalogue_history(
        &self,
        tenant: &str,
        sku: &str,
    ) -> Result<Vec<CatalogueRow>, AppError> {
        dispatch!(self.catalogue_history(tenant, sku))
    }
    /// A quoted SKU.
    pub async fn sku(&self, tenant: &str, sku: &str) -> Result<Option<SkuRow>, AppError> {
        dispatch!(self.sku(tenant, sku))
    }
    /// The basket a quote was made from (its JSON text).
    pub async fn quote_basket(&self, tenant: &str, id: &str) -> Result<Option<String>, AppError> {
        dispatch!(self.quote_basket(tenant, id))
    }
    /// Records a code for a SKU, idempotently; nothing is appended when the current entry of
    /// its (sku, destination) already says the same. A broker's correction (`broker_corrected`)
    /// is also compared with the code last quoted for the SKU, in the same transaction, and is
    /// `unknown_sku` when the platform never quoted the SKU nor recorded a code for it.
    pub async fn record_catalogue_entry(
        &self,
        tenant: &str,
        idem: &Idem,
        entry: &NewEntry,
        render: &(dyn Fn(&EntryOutcome) -> (u16, Value) + Sync),
        now: i64,
    ) -> Result<Stored, AppError> {
        dispatch!(self.record_catalogue_entry(tenant, idem, entry, render, now))
    }
    /// Whether the tenant shares its corrections (`share_corrections`), and since when.
    pub async fn settings(&self, tenant: &str) -> Result<(bool, Option<i64>), AppError> {
        dispatch!(self.settings(tenant))
    }
    /// Sets the tenant's settings, idempotently.
    pub async fn put_settings(
        &self,
        tenant: &str,
        idem: &Idem,
        share_corrections: bool,
        render: &(dyn Fn(bool, i64) -> Value + Sync),
        now: i64,
    ) -> Result<Stored, AppError> {
        dispatch!(self.put_settings(tenant, idem, share_corrections, render, now))
    }
    /// Current assessment rows recorded in `[from, to)`: each quote's latest assessed clearance
    /// (customs) and every broker correction, oldest first.
    pub async fn assessments(
        &self,
        tenant: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<AssessmentRow>, AppError> {
        dispatch!(self.assessments(tenant, from, to))
    }
    /// The customs assessment rows of one clearance.
    pub async fn clearance_assessments(
        &self,
        tenant: &str,
        clearance_id: &str,
    ) -> Result<Vec<AssessmentRow>, AppError> {
        dispatch!(self.clearance_assessments(tenant, clearance_id))
    }
    /// Per quote whose current clearance was recorded in `[from, to)`: its current assessed lines.
    pub async fn quote_assessments(
        &self,
        tenant: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<QuoteAssessment>, AppError> {
        dispatch!(self.quote_assessments(tenant, from, to))
    }
}

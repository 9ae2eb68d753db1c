// Queries of the learning loop, shared by both backends; included into `store::sqlite` and
// `store::pg` after `sql/core.rs` (which defines `Tx`, `idem_check`, `idem_save`, `new_id`).

macro_rules! catalogue_columns {
    () => {
        "e.id, e.sku, e.destination, e.hs_code, e.source, e.given_code, e.given_edition, e.confirmed_on, e.quote_id, e.parcel_id, e.note, e.recorded_at"
    };
}

macro_rules! sku_select {
    () => {
        "SELECT sku, description, last_quote_id, last_destination, last_hs_code, last_hs_source, first_quoted_at, last_quoted_at FROM skus"
    };
}

macro_rules! assessment_columns {
    () => {
        "a.id, a.origin, a.quote_id, a.clearance_id, a.seq, a.parcel_id, a.item_id, a.description, a.destination, a.currency, a.quoted_code, a.quoted_source, a.assessed_code, a.misclassified, a.quoted_duty_minor, a.assessed_duty_minor, a.note, a.created_at"
    };
}

/// The newest entry of each (sku, destination): the current one.
macro_rules! current_entry {
    () => {
        "e.id = (SELECT MAX(e2.id) FROM catalogue_entries e2 WHERE e2.tenant_id = e.tenant_id AND e2.sku = e.sku AND e2.destination = e.destination)"
    };
}

/// A customs row of its quote's latest assessed clearance, or a broker row.
macro_rules! current_assessment {
    () => {
        "(a.origin = 'broker' OR a.seq = (SELECT MAX(a2.seq) FROM hs_assessments a2 WHERE a2.tenant_id = a.tenant_id AND a2.quote_id = a.quote_id AND a2.origin = 'customs'))"
    };
}

/// `YYYY-MM-DD` of unix microseconds.
fn day_of(micros: i64) -> String {
    crate::rfc3339(micros)[..10].to_string()
}

async fn current_of(tx: &mut Tx, tenant: &str, sku: &str, destination: &str) -> Result<Option<CatalogueRow>, AppError> {
    Ok(sqlx::query_as::<_, CatalogueRow>(concat!(
        "SELECT ", catalogue_columns!(), " FROM catalogue_entries e WHERE e.tenant_id = $1 AND e.sku = $2 AND e.destination = $3 ORDER BY e.id DESC LIMIT 1"
    ))
    .bind(tenant)
    .bind(sku)
    .bind(destination)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Appends a confirmed code unless the current entry of its (sku, destination) already has the
/// same code from the same source; returns the current entry and whether it was appended.
async fn append_entry(
    tx: &mut Tx,
    tenant: &str,
    e: &NewEntry,
    refs: (Option<&str>, Option<&str>),
    now: i64,
) -> Result<(CatalogueRow, bool), AppError> {
    if let Some(cur) = current_of(tx, tenant, &e.sku, &e.destination).await? {
        if cur.hs_code == e.hs_code && cur.source == e.source.as_str() {
            return Ok((cur, false));
        }
    }
    sqlx::query(
        "INSERT INTO catalogue_entries (tenant_id, sku, destination, hs_code, source, given_code, given_edition, confirmed_on, quote_id, parcel_id, note, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(tenant)
    .bind(&e.sku)
    .bind(&e.destination)
    .bind(&e.hs_code)
    .bind(e.source.as_str())
    .bind(&e.given_code)
    .bind(e.given_edition)
    .bind(day_of(now))
    .bind(refs.0)
    .bind(refs.1)
    .bind(&e.note)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    let row = current_of(tx, tenant, &e.sku, &e.destination)
        .await?
        .ok_or_else(|| AppError::Internal("catalogue entry not found after insert".into()))?;
    Ok((row, true))
}

async fn insert_assessment(tx: &mut Tx, tenant: &str, a: &AssessmentRow) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO hs_assessments (id, tenant_id, origin, quote_id, clearance_id, seq, parcel_id, item_id, description, destination, currency, quoted_code, quoted_source, assessed_code, misclassified, quoted_duty_minor, assessed_duty_minor, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
    )
    .bind(&a.id)
    .bind(tenant)
    .bind(&a.origin)
    .bind(&a.quote_id)
    .bind(&a.clearance_id)
    .bind(a.seq)
    .bind(&a.parcel_id)
    .bind(&a.item_id)
    .bind(&a.description)
    .bind(&a.destination)
    .bind(&a.currency)
    .bind(&a.quoted_code)
    .bind(&a.quoted_source)
    .bind(&a.assessed_code)
    .bind(a.misclassified)
    .bind(a.quoted_duty_minor)
    .bind(a.assessed_duty_minor)
    .bind(&a.note)
    .bind(a.created_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Remembers the SKUs of a new quote with what it said about them (in the quote's transaction).
/// A SKU is written only when it is new or when this quote says something else about it (another
/// description, destination, code or code source): a popular SKU quoted again and again the same
/// way is read, not rewritten, so it never becomes a row every quote must lock in turn. Its
/// `last_quote_id`/`last_quoted_at` are therefore those of the latest quote that changed it.
/// Written in SKU order, so that concurrent quotes of the same SKUs lock their rows in the same order.
async fn remember_skus(tx: &mut Tx, tenant: &str, quote_id: &str, destination: &str, items: &[QuotedItem], now: i64) -> Result<(), AppError> {
    let mut sorted: Vec<&QuotedItem> = items.iter().collect();
    sorted.sort_by(|a, b| a.sku.cmp(&b.sku));
    sorted.dedup_by(|a, b| a.sku == b.sku);
    if sorted.is_empty() {
        return Ok(());
    }
    // Only placeholders are formatted into the text; the SKUs are bound.
    let list: Vec<String> = (0..sorted.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT sku, description, last_destination, last_hs_code, last_hs_source FROM skus WHERE tenant_id = $1 AND sku IN ({})",
        list.join(", ")
    );
    let mut q = sqlx::query_as::<_, (String, String, String, Option<String>, String)>(sqlx::AssertSqlSafe(sql)).bind(tenant);
    for it in &sorted {
        q = q.bind(&it.sku);
    }
    let known = q.fetch_all(&mut **tx).await?;
    for it in sorted {
        let unchanged = known.iter().any(|(sku, description, dest, code, source)| {
            *sku == it.sku && *description == it.description && dest == destination && *code == it.hs_code && *source == it.hs_source
        });
        if unchanged {
            continue;
        }
        sqlx::query(
            "INSERT INTO skus (tenant_id, sku, description, last_quote_id, last_destination, last_hs_code, last_hs_source, first_quoted_at, last_quoted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (tenant_id, sku) DO UPDATE SET description = excluded.description, last_quote_id = excluded.last_quote_id, last_destination = excluded.last_destination, last_hs_code = excluded.last_hs_code, last_hs_source = excluded.last_hs_source, last_quoted_at = excluded.last_quoted_at",
        )
        .bind(tenant)
        .bind(&it.sku)
        .bind(&it.description)
        .bind(quote_id)
        .bind(destination)
        .bind(&it.hs_code)
        .bind(&it.hs_source)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Records the lines customs assessed at clearance `c` of quote `q`: a row each, and the
/// assessed code in the catalogue (customs_assessed, for the quote's destination).
async fn record_assessments(tx: &mut Tx, tenant: &str, q: &QuoteRow, c: &ClearanceRow, lines: &[NewAssessment], now: i64) -> Result<Vec<AssessmentRow>, AppError> {
    let mut out = Vec::with_capacity(lines.len());
    for l in lines {
        let a = AssessmentRow {
            id: new_id(),
            origin: "customs".into(),
            quote_id: Some(q.id.clone()),
            clearance_id: Some(c.id.clone()),
            seq: Some(c.seq),
            parcel_id: Some(c.parcel_id.clone()),
            item_id: l.item_id.clone(),
            description: l.description.clone(),
            destination: q.destination.clone(),
            currency: Some(q.currency.clone()),
            quoted_code: l.quoted_code.clone(),
            quoted_source: l.quoted_source.clone(),
            assessed_code: l.assessed_code.clone(),
            misclassified: i64::from(l.misclassified),
            quoted_duty_minor: Some(l.quoted_duty_minor),
            assessed_duty_minor: Some(l.assessed_duty_minor),
            note: None,
            created_at: now,
        };
        insert_assessment(tx, tenant, &a).await?;
        let entry = NewEntry {
            sku: l.item_id.clone(),
            destination: q.destination.clone(),
            hs_code: l.assessed_code.clone(),
            source: landed::catalogue::Confirmation::CustomsAssessed,
            given_code: l.given_code.clone(),
            given_edition: l.given_edition,
            note: None,
        };
        append_entry(tx, tenant, &entry, (Some(&q.id), Some(&c.parcel_id)), now).await?;
        out.push(a);
    }
    Ok(out)
}

/// Records a broker's correction against what a quote to its destination would have used: the
/// code last quoted for the SKU, else the catalogue's current entry (for that destination, else
/// for every destination). `unknown_sku` when there is neither.
async fn broker_assessment(tx: &mut Tx, tenant: &str, entry: &NewEntry, now: i64) -> Result<AssessmentRow, AppError> {
    let quoted = sqlx::query_as::<_, SkuRow>(concat!(sku_select!(), " WHERE tenant_id = $1 AND sku = $2"))
        .bind(tenant)
        .bind(&entry.sku)
        .fetch_optional(&mut **tx)
        .await?;
    let confirmed = match current_of(tx, tenant, &entry.sku, &entry.destination).await? {
        Some(c) => Some(c),
        None => current_of(tx, tenant, &entry.sku, "").await?,
    };
    let (quoted_code, quoted_source, description) = match (&quoted, &confirmed) {
        (Some(s), _) => (s.last_hs_code.clone(), s.last_hs_source.clone(), s.description.clone()),
        (None, Some(c)) => (Some(c.hs_code.clone()), "catalogue".to_string(), String::new()),
        (None, None) => return Err(AppError::UnknownSku(entry.sku.clone())),
    };
    let misclassified = quoted_code.as_deref().is_none_or(|q| !codes_agree(q, &entry.hs_code));
    let a = AssessmentRow {
        id: new_id(),
        origin: "broker".into(),
        quote_id: None,
        clearance_id: None,
        seq: None,
        parcel_id: None,
        item_id: entry.sku.clone(),
        description,
        destination: entry.destination.clone(),
        currency: None,
        quoted_code,
        quoted_source,
        assessed_code: entry.hs_code.clone(),
        misclassified: i64::from(misclassified),
        quoted_duty_minor: None,
        assessed_duty_minor: None,
        note: entry.note.clone(),
        created_at: now,
    };
    insert_assessment(tx, tenant, &a).await?;
    Ok(a)
}

/// A clearance's assessed lines, by item id.
async fn assessments_of(tx: &mut Tx, tenant: &str, clearance_id: &str) -> Result<Vec<AssessmentRow>, AppError> {
    Ok(sqlx::query_as::<_, AssessmentRow>(concat!(
        "SELECT ", assessment_columns!(), " FROM hs_assessments a WHERE a.tenant_id = $1 AND a.clearance_id = $2 ORDER BY a.item_id"
    ))
    .bind(tenant)
    .bind(clearance_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// (item id, assessed code) of a clearance's assessed lines, sorted.
async fn assessed_codes(tx: &mut Tx, tenant: &str, clearance_id: &str) -> Result<Vec<(String, String)>, AppError> {
    Ok(sqlx::query_as("SELECT item_id, assessed_code FROM hs_assessments WHERE tenant_id = $1 AND clearance_id = $2 ORDER BY item_id")
        .bind(tenant)
        .bind(clearance_id)
        .fetch_all(&mut **tx)
        .await?)
}

impl Backend {
    pub(crate) async fn catalogue_current(&self, tenant: &str, skus: &[String]) -> Result<Vec<CatalogueRow>, AppError> {
        if skus.is_empty() {
            return Ok(Vec::new());
        }
        // Only placeholders are formatted into the text; the SKUs are bound.
        let list: Vec<String> = (0..skus.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            concat!("SELECT ", catalogue_columns!(), " FROM catalogue_entries e WHERE e.tenant_id = $1 AND e.sku IN ({}) AND ", current_entry!(), " ORDER BY e.sku, e.destination"),
            list.join(", ")
        );
        let mut q = sqlx::query_as::<_, CatalogueRow>(sqlx::AssertSqlSafe(sql)).bind(tenant);
        for s in skus {
            q = q.bind(s);
        }
        Ok(q.fetch_all(&self.read).await?)
    }

    pub(crate) async fn catalogue_all_current(&self, tenant: &str) -> Result<Vec<CatalogueRow>, AppError> {
        Ok(sqlx::query_as::<_, CatalogueRow>(concat!(
            "SELECT ", catalogue_columns!(), " FROM catalogue_entries e WHERE e.tenant_id = $1 AND ", current_entry!(), " ORDER BY e.sku, e.destination"
        ))
        .bind(tenant)
        .fetch_all(&self.read)
        .await?)
    }

    pub(crate) async fn catalogue_skus(&self, tenant: &str, after: &str, limit: i64) -> Result<Vec<String>, AppError> {
        Ok(sqlx::query_scalar("SELECT DISTINCT sku FROM catalogue_entries WHERE tenant_id = $1 AND sku > $2 ORDER BY sku LIMIT $3")
            .bind(tenant)
            .bind(after)
            .bind(limit)
            .fetch_all(&self.read)
            .await?)
    }

    pub(crate) async fn catalogue_history(&self, tenant: &str, sku: &str) -> Result<Vec<CatalogueRow>, AppError> {
        Ok(sqlx::query_as::<_, CatalogueRow>(concat!(
            "SELECT ", catalogue_columns!(), " FROM catalogue_entries e WHERE e.tenant_id = $1 AND e.sku = $2 ORDER BY e.id DESC"
        ))
        .bind(tenant)
        .bind(sku)
        .fetch_all(&self.read)
        .await?)
    }

    pub(crate) async fn sku(&self, tenant: &str, sku: &str) -> Result<Option<SkuRow>, AppError> {
        Ok(sqlx::query_as::<_, SkuRow>(concat!(sku_select!(), " WHERE tenant_id = $1 AND sku = $2"))
        .bind(tenant)
        .bind(sku)
        .fetch_optional(&self.read)
        .await?)
    }

    pub(crate) async fn quote_basket(&self, tenant: &str, id: &str) -> Result<Option<String>, AppError> {
        Ok(sqlx::query_scalar("SELECT basket FROM quotes WHERE tenant_id = $1 AND id = $2")
            .bind(tenant)
            .bind(id)
            .fetch_optional(&self.read)
            .await?)
    }

    pub(crate) async fn record_catalogue_entry(
        &self,
        tenant: &str,
        idem: &Idem,
        entry: &NewEntry,
        render: &(dyn Fn(&EntryOutcome) -> (u16, serde_json::Value) + Sync),
        now: i64,
    ) -> Result<Stored, AppError> {
        let mut tx = self.begin_write().await?;
        if let Some(s) = idem_check(&mut tx, tenant, idem).await? {
            return Ok(s);
        }
        let assessment = match entry.source {
            landed::catalogue::Confirmation::BrokerCorrected => Some(broker_assessment(&mut tx, tenant, entry, now).await?),
            _ => None,
        };
        let (row, recorded) = append_entry(&mut tx, tenant, entry, (None, None), now).await?;
        let (status, body) = render(&EntryOutcome { entry: row, recorded, assessment });
        let s = idem_save(&mut tx, tenant, idem, status, &body, now).await?;
        tx.commit().await?;
        Ok(s)
    }

    pub(crate) async fn settings(&self, tenant: &str) -> Result<(bool, Option<i64>), AppError> {
        let r: Option<(i64, i64)> = sqlx::query_as("SELECT share_corrections, updated_at FROM tenant_settings WHERE tenant_id = $1")
            .bind(tenant)
            .fetch_optional(&self.read)
            .await?;
        Ok(r.map_or((false, None), |(s, at)| (s != 0, Some(at))))
    }

    pub(crate) async fn put_settings(
        &self,
        tenant: &str,
        idem: &Idem,
        share: bool,
        render: &(dyn Fn(bool, i64) -> serde_json::Value + Sync),
        now: i64,
    ) -> Result<Stored, AppError> {
        let mut tx = self.begin_write().await?;
        if let Some(s) = idem_check(&mut tx, tenant, idem).await? {
            return Ok(s);
        }
        sqlx::query(
            "INSERT INTO tenant_settings (tenant_id, share_corrections, updated_at) VALUES ($1, $2, $3) ON CONFLICT (tenant_id) DO UPDATE SET share_corrections = excluded.share_corrections, updated_at = excluded.updated_at",
        )
        .bind(tenant)
        .bind(i64::from(share))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let s = idem_save(&mut tx, tenant, idem, 200, &render(share, now), now).await?;
        tx.commit().await?;
        Ok(s)
    }

    pub(crate) async fn assessments(&self, tenant: &str, from: i64, to: i64) -> Result<Vec<AssessmentRow>, AppError> {
        Ok(sqlx::query_as::<_, AssessmentRow>(concat!(
            "SELECT ", assessment_columns!(), " FROM hs_assessments a WHERE a.tenant_id = $1 AND a.created_at >= $2 AND a.created_at < $3 AND ",
            current_assessment!(), " ORDER BY a.created_at, a.id"
        ))
        .bind(tenant)
        .bind(from)
        .bind(to)
        .fetch_all(&self.read)
        .await?)
    }

    pub(crate) async fn clearance_assessments(&self, tenant: &str, clearance_id: &str) -> Result<Vec<AssessmentRow>, AppError> {
        let mut conn = self.read.begin().await?;
        let rows = assessments_of(&mut conn, tenant, clearance_id).await?;
        conn.commit().await?;
        Ok(rows)
    }

    pub(crate) async fn quote_assessments(&self, tenant: &str, from: i64, to: i64) -> Result<Vec<QuoteAssessment>, AppError> {
        // SUM over BIGINT is NUMERIC on PostgreSQL: cast back.
        Ok(sqlx::query_as::<_, QuoteAssessment>(concat!(
            "SELECT a.quote_id AS quote_id, COUNT(*) AS lines, CAST(SUM(a.misclassified) AS BIGINT) AS misclassified, ",
            "CAST(SUM(CASE WHEN a.misclassified = 1 THEN a.assessed_duty_minor - a.quoted_duty_minor ELSE 0 END) AS BIGINT) AS variance_minor ",
            "FROM hs_assessments a WHERE a.tenant_id = $1 AND a.origin = 'customs' AND ", current_assessment!(),
            " AND a.quote_id IN (SELECT c.quote_id FROM clearances c WHERE c.tenant_id = $1 AND c.created_at >= $2 AND c.created_at < $3) GROUP BY a.quote_id ORDER BY a.quote_id"
        ))
        .bind(tenant)
        .bind(from)
        .bind(to)
        .fetch_all(&self.read)
        .await?)
    }
}

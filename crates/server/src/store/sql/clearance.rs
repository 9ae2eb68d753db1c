// Queries of clearance visibility and risk, shared by both backends; included into `store::sqlite`
// and `store::pg` after `sql/core.rs` (which defines `Tx`, `idem_check`, `idem_save`, `new_id`).

macro_rules! parcel_columns {
    () => {
        "id, quote_id, seller_id, destination, currency, declared_total_minor, status, seq, inspected, held, flagged_lines, line_count, assessed_value_minor, duty_due_at, duty_paid_at, declared_at, updated_at"
    };
}

macro_rules! delivery_select {
    () => {
        "SELECT d.id, d.endpoint_id, d.event_id, d.event_type, d.payload, d.status, d.attempts, d.next_attempt_at, d.retry_from, d.last_attempt_at, d.last_status, d.last_error, d.created_at, d.delivered_at, e.url, e.secret FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id"
    };
}

/// Writes one outbox row per endpoint of the tenant subscribed to `event_type`.
async fn enqueue(tx: &mut Tx, tenant: &str, event_type: &str, event_id: &str, payload: &str, now: i64) -> Result<(), AppError> {
    let endpoints: Vec<(String, String)> =
        sqlx::query_as("SELECT id, event_types FROM webhook_endpoints WHERE tenant_id = $1 ORDER BY created_at, id")
            .bind(tenant)
            .fetch_all(&mut **tx)
            .await?;
    for (endpoint, types) in endpoints {
        if !types.split(' ').any(|t| t == event_type) {
            continue;
        }
        sqlx::query(
            "INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, event_type, payload, status, attempts, next_attempt_at, retry_from, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7, $7)",
        )
        .bind(new_id())
        .bind(tenant)
        .bind(&endpoint)
        .bind(event_id)
        .bind(event_type)
        .bind(payload)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn lines_of(ex: &mut Tx, tenant: &str, parcel: &str) -> Result<Vec<LineRow>, AppError> {
    Ok(sqlx::query_as::<_, LineRow>(
        "SELECT line_no, hs6, quantity, currency, unit_value_minor, flag FROM parcel_lines WHERE tenant_id = $1 AND parcel_id = $2 ORDER BY line_no",
    )
    .bind(tenant)
    .bind(parcel)
    .fetch_all(&mut **ex)
    .await?)
}

impl Backend {
    pub(crate) async fn record_event(
        &self,
        tenant: &str,
        idem: &Idem,
        req: &EventReq,
        render: &(dyn Fn(&EventOutcome) -> serde_json::Value + Sync),
        now: i64,
    ) -> Result<Stored, AppError> {
        use landed_domain::timeline::ParcelStatus;
        let mut tx = self.begin_write().await?;
        if let Some(s) = idem_check(&mut tx, tenant, idem).await? {
            return Ok(s);
        }
        let current = sqlx::query_as::<_, ParcelRow>(concat!(
            "SELECT ",
            parcel_columns!(),
            " FROM parcels WHERE tenant_id = $1 AND id = $2",
            for_update!("")
        ))
        .bind(tenant)
        .bind(&req.parcel_id)
        .fetch_optional(&mut *tx)
        .await?;
        let from = current.as_ref().and_then(|p| ParcelStatus::parse(&p.status));
        landed_domain::timeline::check(&req.parcel_id, from, req.status)?;
        let parcel = match (current, &req.declaration) {
            (None, Some(d)) => {
                if let Some(q) = &d.quote_id {
                    let found: Option<(String,)> = sqlx::query_as("SELECT id FROM quotes WHERE tenant_id = $1 AND id = $2")
                        .bind(tenant)
                        .bind(q)
                        .fetch_optional(&mut *tx)
                        .await?;
                    found.ok_or(AppError::NotFound("quote"))?;
                }
                let total = d.lines.iter().try_fold(0i64, |acc, l| {
                    l.unit_value_minor.checked_mul(l.quantity).and_then(|v| acc.checked_add(v))
                });
                let total = total.ok_or_else(|| AppError::invalid("amount_out_of_range", "lines", "declared total too large"))?;
                let flagged = i64::try_from(d.lines.iter().filter(|l| l.flag.is_some()).count()).unwrap_or(i64::MAX);
                let p = ParcelRow {
                    id: req.parcel_id.clone(),
                    quote_id: d.quote_id.clone(),
                    seller_id: d.seller_id.clone(),
                    destination: d.destination.clone(),
                    currency: d.currency.clone(),
                    declared_total_minor: total,
                    status: req.status.as_str().into(),
                    seq: 1,
                    inspected: 0,
                    held: 0,
                    flagged_lines: flagged,
                    line_count: i64::try_from(d.lines.len()).unwrap_or(i64::MAX),
                    assessed_value_minor: None,
                    duty_due_at: None,
                    duty_paid_at: None,
                    declared_at: req.occurred_at,
                    updated_at: now,
                };
                let r = sqlx::query(
                    "INSERT INTO parcels (tenant_id, id, quote_id, seller_id, destination, currency, declared_total_minor, status, seq, inspected, held, flagged_lines, line_count, declared_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, 0, $10, $11, $12, $13)",
                )
                .bind(tenant)
                .bind(&p.id)
                .bind(&p.quote_id)
                .bind(&p.seller_id)
                .bind(&p.destination)
                .bind(&p.currency)
                .bind(p.declared_total_minor)
                .bind(&p.status)
                .bind(p.seq)
                .bind(p.flagged_lines)
                .bind(p.line_count)
                .bind(p.declared_at)
                .bind(p.updated_at)
                .execute(&mut *tx)
                .await;
                match r {
                    // A concurrent first declaration of the same parcel won the race.
                    Err(e) if unique_violation(&e) => {
                        return Err(AppError::InvalidTransition { parcel: p.id, from: "declared", to: "declared" })
                    }
                    r => r?,
                };
                for (i, l) in d.lines.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO parcel_lines (tenant_id, parcel_id, line_no, destination, hs6, quantity, currency, unit_value_minor, flag, declared_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    )
                    .bind(tenant)
                    .bind(&p.id)
                    .bind(i64::try_from(i + 1).unwrap_or(i64::MAX))
                    .bind(&p.destination)
                    .bind(&l.hs6)
                    .bind(l.quantity)
                    .bind(&p.currency)
                    .bind(l.unit_value_minor)
                    .bind(l.flag.as_ref().map(|f| f.to_string()))
                    .bind(p.declared_at)
                    .execute(&mut *tx)
                    .await?;
                }
                p
            }
            (Some(mut p), _) => {
                p.seq += 1;
                p.status = req.status.as_str().into();
                if req.status.is_inspection() {
                    p.inspected = 1;
                }
                if req.status == ParcelStatus::Held {
                    p.held = 1;
                }
                if let Some(v) = req.assessed_value_minor {
                    p.assessed_value_minor = Some(v);
                }
                if req.status == ParcelStatus::AwaitingDuty {
                    p.duty_due_at = Some(req.occurred_at);
                    p.duty_paid_at = None;
                }
                if from == Some(ParcelStatus::AwaitingDuty) && req.status == ParcelStatus::Released {
                    p.duty_paid_at = Some(req.occurred_at);
                }
                p.updated_at = now;
                sqlx::query(
                    "UPDATE parcels SET status = $1, seq = $2, inspected = $3, held = $4, assessed_value_minor = $5, duty_due_at = $6, duty_paid_at = $7, updated_at = $8 WHERE tenant_id = $9 AND id = $10",
                )
                .bind(&p.status)
                .bind(p.seq)
                .bind(p.inspected)
                .bind(p.held)
                .bind(p.assessed_value_minor)
                .bind(p.duty_due_at)
                .bind(p.duty_paid_at)
                .bind(p.updated_at)
                .bind(tenant)
                .bind(&p.id)
                .execute(&mut *tx)
                .await?;
                p
            }
            (None, None) => return Err(AppError::Internal("a declared event without its declaration".into())),
        };
        let event = EventRow {
            id: new_id(),
            parcel_id: parcel.id.clone(),
            seq: parcel.seq,
            status: req.status.as_str().into(),
            occurred_at: req.occurred_at,
            recorded_at: now,
            detail: req.detail.to_string(),
        };
        sqlx::query(
            "INSERT INTO parcel_events (id, tenant_id, parcel_id, seq, status, occurred_at, recorded_at, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&event.id)
        .bind(tenant)
        .bind(&event.parcel_id)
        .bind(event.seq)
        .bind(&event.status)
        .bind(event.occurred_at)
        .bind(event.recorded_at)
        .bind(&event.detail)
        .execute(&mut *tx)
        .await?;
        let lines = lines_of(&mut tx, tenant, &parcel.id).await?;
        let outcome = EventOutcome { parcel, event, previous: from.map(|f| f.as_str().to_string()), lines };
        let body = render(&outcome);
        let payload = serde_json::json!({
            "id": outcome.event.id, "type": crate::webhook::EVENT_PARCEL,
            "created_at": crate::rfc3339(now), "data": body,
        });
        enqueue(&mut tx, tenant, crate::webhook::EVENT_PARCEL, &outcome.event.id, &payload.to_string(), now).await?;
        let s = idem_save(&mut tx, tenant, idem, 201, &body, now).await?;
        tx.commit().await?;
        Ok(s)
    }

    pub(crate) async fn parcel(&self, tenant: &str, id: &str) -> Result<Option<ParcelRow>, AppError> {
        Ok(sqlx::query_as::<_, ParcelRow>(concat!("SELECT ", parcel_columns!(), " FROM parcels WHERE tenant_id = $1 AND id = $2"))
            .bind(tenant)
            .bind(id)
            .fetch_optional(&self.read)
            .await?)
    }

    pub(crate) async fn parcel_lines(&self, tenant: &str, id: &str) -> Result<Vec<LineRow>, AppError> {
        Ok(sqlx::query_as::<_, LineRow>(
            "SELECT line_no, hs6, quantity, currency, unit_value_minor, flag FROM parcel_lines WHERE tenant_id = $1 AND parcel_id = $2 ORDER BY line_no",
        )
        .bind(tenant)
        .bind(id)
        .fetch_all(&self.read)
        .await?)
    }

    pub(crate) async fn parcel_events(&self, tenant: &str, id: &str) -> Result<Vec<EventRow>, AppError> {
        Ok(sqlx::query_as::<_, EventRow>(
            "SELECT id, parcel_id, seq, status, occurred_at, recorded_at, detail FROM parcel_events WHERE tenant_id = $1 AND parcel_id = $2 ORDER BY seq",
        )
        .bind(tenant)
        .bind(id)
        .fetch_all(&self.read)
        .await?)
    }

    pub(crate) async fn unit_values(
        &self,
        tenant: &str,
        destination: &str,
        hs6: &str,
        currency: &str,
        limit: i64,
    ) -> Result<Vec<i64>, AppError> {
        Ok(sqlx::query_scalar(
            "SELECT unit_value_minor FROM parcel_lines WHERE tenant_id = $1 AND destination = $2 AND hs6 = $3 AND currency = $4 ORDER BY declared_at DESC, parcel_id DESC, line_no DESC LIMIT $5",
        )
        .bind(tenant)
        .bind(destination)
        .bind(hs6)
        .bind(currency)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    pub(crate) async fn create_endpoint(
        &self,
        tenant: &str,
        idem: &Idem,
        e: &EndpointRow,
        render: &(dyn Fn(&EndpointRow) -> serde_json::Value + Sync),
        now: i64,
    ) -> Result<Stored, AppError> {
        let mut tx = self.begin_write().await?;
        if let Some(s) = idem_check(&mut tx, tenant, idem).await? {
            return Ok(s);
        }
        sqlx::query("INSERT INTO webhook_endpoints (id, tenant_id, url, secret, event_types, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&e.id)
            .bind(tenant)
            .bind(&e.url)
            .bind(&e.secret)
            .bind(&e.event_types)
            .bind(e.created_at)
            .execute(&mut *tx)
            .await?;
        let s = idem_save(&mut tx, tenant, idem, 201, &render(e), now).await?;
        tx.commit().await?;
        Ok(s)
    }

    pub(crate) async fn endpoints(&self, tenant: &str) -> Result<Vec<EndpointRow>, AppError> {
        Ok(sqlx::query_as::<_, EndpointRow>(
            "SELECT id, url, secret, event_types, created_at FROM webhook_endpoints WHERE tenant_id = $1 ORDER BY created_at, id",
        )
        .bind(tenant)
        .fetch_all(&self.read)
        .await?)
    }

    pub(crate) async fn deliveries(&self, tenant: &str, status: Option<&str>, limit: i64) -> Result<Vec<DeliveryRow>, AppError> {
        Ok(sqlx::query_as::<_, DeliveryRow>(concat!(
            delivery_select!(),
            " WHERE d.tenant_id = $1 AND ($2 IS NULL OR d.status = $2) ORDER BY d.created_at DESC, d.id DESC LIMIT $3"
        ))
        .bind(tenant)
        .bind(status)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    pub(crate) async fn claim_due(&self, tenant: Option<&str>, now: i64, lease_until: i64, limit: i64) -> Result<Vec<DeliveryRow>, AppError> {
        let due = sqlx::query_as::<_, DeliveryRow>(concat!(
            delivery_select!(),
            " WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND ($2 IS NULL OR d.tenant_id = $2) ORDER BY d.next_attempt_at, d.id LIMIT $3"
        ))
        .bind(now)
        .bind(tenant)
        .bind(limit)
        .fetch_all(&self.write)
        .await?;
        let mut claimed = Vec::with_capacity(due.len());
        for d in due {
            let r = sqlx::query("UPDATE webhook_deliveries SET next_attempt_at = $1 WHERE id = $2 AND status = 'pending' AND next_attempt_at = $3")
                .bind(lease_until)
                .bind(&d.id)
                .bind(d.next_attempt_at)
                .execute(&self.write)
                .await?;
            if r.rows_affected() == 1 {
                claimed.push(d);
            }
        }
        Ok(claimed)
    }

    pub(crate) async fn record_attempt(&self, id: &str, attempts: i64, outcome: &Attempt, now: i64) -> Result<(), AppError> {
        let (status, next_at, http, error, delivered_at) = match outcome {
            Attempt::Delivered { status } => ("delivered", now, Some(*status), None, Some(now)),
            Attempt::Retry { next_at, status, error } => ("pending", *next_at, *status, Some(error.as_str()), None),
            Attempt::Failed { status, error } => ("failed", now, *status, Some(error.as_str()), None),
        };
        sqlx::query(
            "UPDATE webhook_deliveries SET status = $1, attempts = $2, next_attempt_at = $3, last_attempt_at = $4, last_status = $5, last_error = $6, delivered_at = $7 WHERE id = $8",
        )
        .bind(status)
        .bind(attempts)
        .bind(next_at)
        .bind(now)
        .bind(http)
        .bind(error)
        .bind(delivered_at)
        .bind(id)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    pub(crate) async fn redeliver(
        &self,
        tenant: &str,
        idem: &Idem,
        id: &str,
        render: &(dyn Fn(&DeliveryRow) -> serde_json::Value + Sync),
        now: i64,
    ) -> Result<Stored, AppError> {
        let mut tx = self.begin_write().await?;
        if let Some(s) = idem_check(&mut tx, tenant, idem).await? {
            return Ok(s);
        }
        let r = sqlx::query(
            "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $1, retry_from = $1, delivered_at = NULL WHERE tenant_id = $2 AND id = $3",
        )
        .bind(now)
        .bind(tenant)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() == 0 {
            return Err(AppError::NotFound("delivery"));
        }
        let d = sqlx::query_as::<_, DeliveryRow>(concat!(delivery_select!(), " WHERE d.tenant_id = $1 AND d.id = $2"))
            .bind(tenant)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let s = idem_save(&mut tx, tenant, idem, 200, &render(&d), now).await?;
        tx.commit().await?;
        Ok(s)
    }

    pub(crate) async fn category_counts(&self, tenant: &str, from: i64, window_start: i64, to: i64) -> Result<Vec<CategoryCounts>, AppError> {
        macro_rules! per_level {
            ($level:literal, $len:literal) => {
                concat!(
                    "SELECT l.destination, '", $level, "' AS level, SUBSTR(l.hs6, 1, ", $len, ") AS category, ",
                    "COUNT(DISTINCT CASE WHEN l.declared_at >= $3 THEN l.parcel_id END) AS window_n, ",
                    "COUNT(DISTINCT CASE WHEN l.declared_at >= $3 AND p.inspected = 1 THEN l.parcel_id END) AS window_k, ",
                    "COUNT(DISTINCT CASE WHEN l.declared_at < $3 THEN l.parcel_id END) AS baseline_n, ",
                    "COUNT(DISTINCT CASE WHEN l.declared_at < $3 AND p.inspected = 1 THEN l.parcel_id END) AS baseline_k ",
                    "FROM parcel_lines l JOIN parcels p ON p.tenant_id = l.tenant_id AND p.id = l.parcel_id ",
                    "WHERE l.tenant_id = $1 AND l.declared_at >= $2 AND l.declared_at < $4 ",
                    "GROUP BY l.destination, SUBSTR(l.hs6, 1, ", $len, ")"
                )
            };
        }
        Ok(sqlx::query_as::<_, CategoryCounts>(concat!(per_level!("chapter", "2"), " UNION ALL ", per_level!("heading", "4"), " ORDER BY 1, 2, 3"))
            .bind(tenant)
            .bind(from)
            .bind(window_start)
            .bind(to)
            .fetch_all(&self.read)
            .await?)
    }

    pub(crate) async fn category_sellers(&self, tenant: &str, destination: &str, prefix: &str, from: i64, to: i64) -> Result<Vec<String>, AppError> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT p.seller_id FROM parcel_lines l JOIN parcels p ON p.tenant_id = l.tenant_id AND p.id = l.parcel_id WHERE l.tenant_id = $1 AND l.destination = $2 AND SUBSTR(l.hs6, 1, $3) = $4 AND l.declared_at >= $5 AND l.declared_at < $6 AND p.seller_id IS NOT NULL ORDER BY 1",
        )
        .bind(tenant)
        .bind(destination)
        .bind(i32::try_from(prefix.len()).unwrap_or(6))
        .bind(prefix)
        .bind(from)
        .bind(to)
        .fetch_all(&self.read)
        .await?)
    }

    pub(crate) async fn last_alert_at(&self, tenant: &str, destination: &str, level: &str, category: &str) -> Result<Option<i64>, AppError> {
        Ok(sqlx::query_scalar(
            "SELECT MAX(created_at) FROM alerts WHERE tenant_id = $1 AND destination = $2 AND level = $3 AND category = $4",
        )
        .bind(tenant)
        .bind(destination)
        .bind(level)
        .bind(category)
        .fetch_one(&self.write)
        .await?)
    }

    pub(crate) async fn insert_alert(&self, tenant: &str, a: &AlertRow, payload: &str, now: i64) -> Result<(), AppError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO alerts (id, tenant_id, destination, level, category, window_parcels, window_inspected, baseline_parcels, baseline_inspected, z, p_value, sellers, suggestion, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(&a.id)
        .bind(tenant)
        .bind(&a.destination)
        .bind(&a.level)
        .bind(&a.category)
        .bind(a.window_parcels)
        .bind(a.window_inspected)
        .bind(a.baseline_parcels)
        .bind(a.baseline_inspected)
        .bind(a.z)
        .bind(a.p_value)
        .bind(&a.sellers)
        .bind(&a.suggestion)
        .bind(a.created_at)
        .execute(&mut *tx)
        .await?;
        enqueue(&mut tx, tenant, crate::webhook::EVENT_ALERT, &a.id, payload, now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn alerts(&self, tenant: &str) -> Result<Vec<AlertRow>, AppError> {
        Ok(sqlx::query_as::<_, AlertRow>(
            "SELECT id, destination, level, category, window_parcels, window_inspected, baseline_parcels, baseline_inspected, z, p_value, sellers, suggestion, created_at FROM alerts WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC",
        )
        .bind(tenant)
        .fetch_all(&self.read)
        .await?)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn add_complaint(
        &self,
        tenant: &str,
        idem: &Idem,
        seller: &str,
        parcel: Option<&str>,
        reason: &str,
        render: &(dyn Fn(&str) -> serde_json::Value + Sync),
        now: i64,
    ) -> Result<Stored, AppError> {
        let mut tx = self.begin_write().await?;
        if let Some(s) = idem_check(&mut tx, tenant, idem).await? {
            return Ok(s);
        }
        let id = new_id();
        sqlx::query("INSERT INTO seller_complaints (id, tenant_id, seller_id, parcel_id, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&id)
            .bind(tenant)
            .bind(seller)
            .bind(parcel)
            .bind(reason)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let s = idem_save(&mut tx, tenant, idem, 201, &render(&id), now).await?;
        tx.commit().await?;
        Ok(s)
    }

    pub(crate) async fn seller_parcels(&self, tenant: &str, seller: &str) -> Result<Vec<landed_domain::profile::ProfileParcel>, AppError> {
        use sqlx::Row as _;
        let rows = sqlx::query(
            "SELECT p.id, p.status, p.held, p.flagged_lines, p.line_count, p.declared_total_minor, p.assessed_value_minor, p.duty_due_at, p.duty_paid_at, c.prepaid_minor AS clearance_prepaid_minor, c.assessed_minor AS clearance_assessed_minor FROM parcels p LEFT JOIN clearances c ON c.tenant_id = p.tenant_id AND c.quote_id = p.quote_id AND c.status = 'cleared' AND c.seq = (SELECT MAX(c2.seq) FROM clearances c2 WHERE c2.quote_id = p.quote_id) WHERE p.tenant_id = $1 AND p.seller_id = $2 ORDER BY p.declared_at, p.id",
        )
        .bind(tenant)
        .bind(seller)
        .fetch_all(&self.read)
        .await?;
        // The profile's input is the domain's plain struct, read column by column.
        rows.iter()
            .map(|r| {
                Ok(landed_domain::profile::ProfileParcel {
                    id: r.try_get("id")?,
                    status: r.try_get("status")?,
                    held: r.try_get("held")?,
                    flagged_lines: r.try_get("flagged_lines")?,
                    line_count: r.try_get("line_count")?,
                    declared_total_minor: r.try_get("declared_total_minor")?,
                    assessed_value_minor: r.try_get("assessed_value_minor")?,
                    duty_due_at: r.try_get("duty_due_at")?,
                    duty_paid_at: r.try_get("duty_paid_at")?,
                    clearance_prepaid_minor: r.try_get("clearance_prepaid_minor")?,
                    clearance_assessed_minor: r.try_get("clearance_assessed_minor")?,
                })
            })
            .collect()
    }

    pub(crate) async fn complaint_count(&self, tenant: &str, seller: &str) -> Result<i64, AppError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM seller_complaints WHERE tenant_id = $1 AND seller_id = $2")
            .bind(tenant)
            .bind(seller)
            .fetch_one(&self.read)
            .await?)
    }

    pub(crate) async fn tenant_ids(&self) -> Result<Vec<String>, AppError> {
        Ok(sqlx::query_scalar("SELECT id FROM tenants ORDER BY id").fetch_all(&self.read).await?)
    }
}

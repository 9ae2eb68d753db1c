// Queries shared by both backends; included into `store::sqlite` and `store::pg`, where `Db`,
// `Backend`, `begin_write` and `for_update!` are defined.

type Tx = sqlx::Transaction<'static, Db>;

/// The stored response of a quote creation: this prefix and the quote id. The quote row already
/// holds the quote and its token, so the response is rebuilt from it on replay.
const QUOTE_REF: &str = "quote:";


async fn idem_check(tx: &mut Tx, tenant: &str, idem: &Idem) -> Result<Option<Stored>, AppError> {
    let row: Option<(String, i64, String)> = sqlx::query_as(
        "SELECT request_hash, status, response FROM idempotency WHERE tenant_id = $1 AND key = $2",
    )
    .bind(tenant)
    .bind(&idem.key)
    .fetch_optional(&mut **tx)
    .await?;
    match row {
        None => Ok(None),
        Some((hash, _, _)) if hash != idem.hash => Err(AppError::IdempotencyKeyReused),
        Some((_, status, body)) => Ok(Some(Stored {
            status: u16::try_from(status).unwrap_or(500),
            body,
            replayed: true,
        })),
    }
}

async fn idem_save(
    tx: &mut Tx,
    tenant: &str,
    idem: &Idem,
    status: u16,
    body: &serde_json::Value,
    now: i64,
) -> Result<Stored, AppError> {
    let body = serde_json::to_string(body)?;
    idem_record(tx, tenant, idem, status, &body, now).await?;
    Ok(Stored { status, body, replayed: false })
}

/// Records an idempotency key with `stored` as its response: the response itself, or a
/// [`QUOTE_REF`] that replays rebuild from the quote row instead of keeping a second copy.
async fn idem_record(tx: &mut Tx, tenant: &str, idem: &Idem, status: u16, stored: &str, now: i64) -> Result<(), AppError> {
    let r = sqlx::query(
        "INSERT INTO idempotency (tenant_id, key, request_hash, status, response, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(tenant)
    .bind(&idem.key)
    .bind(&idem.hash)
    .bind(i64::from(status))
    .bind(stored)
    .bind(now)
    .execute(&mut **tx)
    .await;
    match r {
        Err(e) if unique_violation(&e) => Err(AppError::IdempotencyInFlight),
        Err(e) => Err(e.into()),
        Ok(_) => Ok(()),
    }
}

/// A tenant's quote by id, as a [`QuoteRow`].
macro_rules! quote_select {
    () => {
        "SELECT id, tenant_id, quote, token, kid, destination, currency, duty_minor, tax_minor, fees_minor, landed_cost_minor, due_at_checkout_minor, due_at_delivery_minor, prepaid_minor, pack_id, pack_version, created_at, expires_at, accepted_at, settled_at, seller_id, risk FROM quotes WHERE tenant_id = $1 AND id = $2"
    };
}

async fn lock_quote(tx: &mut Tx, tenant: &str, id: &str) -> Result<QuoteRow, AppError> {
    sqlx::query_as::<_, QuoteRow>(for_update!(quote_select!()))
    .bind(tenant)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(AppError::NotFound("quote"))
}

#[allow(clippy::too_many_arguments)]
async fn post(
    tx: &mut Tx,
    tenant: &str,
    quote_id: &str,
    transfer_id: &str,
    kind: &str,
    currency: &str,
    entries: &[(&str, i64)],
    now: i64,
) -> Result<Vec<EntryRow>, AppError> {
    debug_assert_eq!(entries.iter().map(|e| e.1).sum::<i64>(), 0, "a transfer balances");
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    // One statement for the transfer's entries; ids follow the order of the rows.
    let sql = format!(
        "INSERT INTO entries (tenant_id, transfer_id, quote_id, kind, account, currency, amount_minor, created_at) VALUES {}",
        placeholders(entries.len(), 8, 1)
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for (account, amount) in entries {
        q = q
            .bind(tenant)
            .bind(transfer_id)
            .bind(quote_id)
            .bind(kind)
            .bind(*account)
            .bind(currency)
            .bind(*amount)
            .bind(now);
    }
    q.execute(&mut **tx).await?;
    let out = entries
        .iter()
        .map(|(account, amount)| EntryRow {
            transfer_id: transfer_id.into(),
            quote_id: quote_id.into(),
            kind: kind.into(),
            account: (*account).into(),
            currency: currency.into(),
            amount_minor: *amount,
        })
        .collect();
    Ok(out)
}

fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Accepts a quote inside `tx`: holds the prepaid amount (once).
async fn accept_in(
    tx: &mut Tx,
    tenant: &str,
    idem: &Idem,
    id: &str,
    render: &(dyn Fn(&AcceptOutcome) -> serde_json::Value + Sync),
    now: i64,
) -> Result<Stored, AppError> {
    if let Some(s) = idem_check(tx, tenant, idem).await? {
        return Ok(s);
    }
    let mut q = lock_quote(tx, tenant, id).await?;
    let mut entries = Vec::new();
    if q.accepted_at.is_none() {
        if q.expires_at <= now {
            return Err(AppError::Conflict {
                code: "quote_expired",
                message: format!("quote {id} has expired; request a new quote"),
            });
        }
        let transfers = landed_domain::ledger::hold(q.prepaid_minor);
        entries = post(
            tx,
            tenant,
            id,
            &new_id(),
            "hold",
            &q.currency,
            &landed_domain::ledger::entries(&transfers),
            now,
        )
        .await?;
        sqlx::query("UPDATE quotes SET accepted_at = $1 WHERE tenant_id = $2 AND id = $3")
            .bind(now)
            .bind(tenant)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        q.accepted_at = Some(now);
    }
    let s = idem_save(tx, tenant, idem, 200, &render(&AcceptOutcome { quote: q, entries }), now).await?;
    Ok(s)
}

/// Records a clearance inside `tx` and posts it (a correction reverses the previous one first).
async fn clear_in(
    tx: &mut Tx,
    tenant: &str,
    idem: &Idem,
    req: &ClearanceReq,
    render: &(dyn Fn(&ClearanceOutcome) -> serde_json::Value + Sync),
    now: i64,
) -> Result<Stored, AppError> {
    use landed_domain::ledger::{self, Status};
    if let Some(s) = idem_check(tx, tenant, idem).await? {
        return Ok(s);
    }
    let q = lock_quote(tx, tenant, &req.quote_id).await?;
    if q.accepted_at.is_none() {
        return Err(AppError::Conflict {
            code: "quote_not_accepted",
            message: format!("quote {} was not accepted; accept it before clearance", q.id),
        });
    }
    if req.currency != q.currency {
        return Err(AppError::invalid(
            "currency_mismatch",
            "currency",
            format!("the quote is in {}, not {}", q.currency, req.currency),
        ));
    }
    let status = match req.status {
        Status::Cleared => "cleared",
        Status::Cancelled => "cancelled",
    };
    let assessed = match req.status {
        Status::Cleared => req
            .duty
            .checked_add(req.tax)
            .and_then(|v| v.checked_add(req.fees))
            .ok_or_else(|| AppError::invalid("amount_out_of_range", "assessed", "amount too large"))?,
        Status::Cancelled => 0,
    };
    let prev = sqlx::query_as::<_, ClearanceRow>(
        "SELECT id, quote_id, seq, parcel_id, status, currency, duty_minor, tax_minor, fees_minor, assessed_minor, prepaid_minor, transfer_id, created_at FROM clearances WHERE tenant_id = $1 AND quote_id = $2 ORDER BY seq DESC LIMIT 1",
    )
    .bind(tenant)
    .bind(&q.id)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(p) = &prev {
        // Assessed codes without a change of amounts are a changed clearance too; a request
        // without lines leaves the earlier ones standing.
        let before = assessed_codes(tx, tenant, &p.id).await?;
        let mut asked: Vec<(String, String)> =
            req.assessed.iter().map(|a| (a.item_id.clone(), a.assessed_code.clone())).collect();
        asked.sort();
        if p.parcel_id == req.parcel_id
            && p.status == status
            && (p.duty_minor, p.tax_minor, p.fees_minor) == (req.duty, req.tax, req.fees)
            && (asked.is_empty() || asked == before)
        {
            let assessments = assessments_of(tx, tenant, &p.id).await?;
            let outcome = ClearanceOutcome { clearance: p.clone(), entries: Vec::new(), posted: false, assessments };
            let s = idem_save(tx, tenant, idem, 200, &render(&outcome), now).await?;
            return Ok(s);
        }
    }
    let mut entries = Vec::new();
    let seq = prev.as_ref().map_or(1, |p| p.seq + 1);
    if let Some(p) = &prev {
        // A correction: reverse the previous clearance with new entries, then post the new one.
        let old: Vec<(String, i64)> =
            sqlx::query_as("SELECT account, amount_minor FROM entries WHERE transfer_id = $1 ORDER BY id")
                .bind(&p.transfer_id)
                .fetch_all(&mut **tx)
                .await?;
        let rev: Vec<(&str, i64)> = old.iter().map(|(a, v)| (a.as_str(), -v)).collect();
        entries.extend(post(tx, tenant, &q.id, &new_id(), "reversal", &q.currency, &rev, now).await?);
    }
    let transfer_id = new_id();
    let transfers = ledger::clear(q.prepaid_minor, assessed, req.status);
    let kind = if req.status == Status::Cancelled { "void" } else { "clearance" };
    entries.extend(
        post(tx, tenant, &q.id, &transfer_id, kind, &q.currency, &ledger::entries(&transfers), now).await?,
    );
    let c = ClearanceRow {
        id: new_id(),
        quote_id: q.id.clone(),
        seq,
        parcel_id: req.parcel_id.clone(),
        status: status.into(),
        currency: q.currency.clone(),
        duty_minor: req.duty,
        tax_minor: req.tax,
        fees_minor: req.fees,
        assessed_minor: assessed,
        prepaid_minor: q.prepaid_minor,
        transfer_id,
        created_at: now,
    };
    sqlx::query(
        "INSERT INTO clearances (id, tenant_id, quote_id, seq, parcel_id, status, currency, duty_minor, tax_minor, fees_minor, assessed_minor, prepaid_minor, transfer_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(&c.id)
    .bind(tenant)
    .bind(&c.quote_id)
    .bind(c.seq)
    .bind(&c.parcel_id)
    .bind(&c.status)
    .bind(&c.currency)
    .bind(c.duty_minor)
    .bind(c.tax_minor)
    .bind(c.fees_minor)
    .bind(c.assessed_minor)
    .bind(c.prepaid_minor)
    .bind(&c.transfer_id)
    .bind(c.created_at)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE quotes SET settled_at = $1 WHERE tenant_id = $2 AND id = $3")
        .bind(now)
        .bind(tenant)
        .bind(&q.id)
        .execute(&mut **tx)
        .await?;
    let assessments = record_assessments(tx, tenant, &q, &c, &req.assessed, now).await?;
    let outcome = ClearanceOutcome { clearance: c, entries, posted: true, assessments };
    let s = idem_save(tx, tenant, idem, 201, &render(&outcome), now).await?;
    Ok(s)
}

impl Backend {
    pub(crate) async fn create_tenant(&self, name: &str, key_hash: &str, now: i64) -> Result<String, AppError> {
        let id = new_id();
        sqlx::query("INSERT INTO tenants (id, name, key_hash, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&id)
            .bind(name)
            .bind(key_hash)
            .bind(now)
            .execute(&self.write)
            .await?;
        Ok(id)
    }

    pub(crate) async fn tenant_by_key_hash(&self, hash: &str) -> Result<Option<String>, AppError> {
        if let Some(id) = self.cache.tenant(hash) {
            return Ok(Some(id));
        }
        let r: Option<(String,)> = sqlx::query_as("SELECT id FROM tenants WHERE key_hash = $1")
            .bind(hash)
            .fetch_optional(&self.read)
            .await?;
        if let Some((id,)) = &r {
            self.cache.remember_tenant(hash, id);
        }
        Ok(r.map(|r| r.0))
    }

    pub(crate) async fn keys(&self) -> Result<Vec<KeyRow>, AppError> {
        Ok(sqlx::query_as::<_, KeyRow>(
            "SELECT kid, private_key, public_key, created_at, retired_at FROM signing_keys ORDER BY created_at, kid",
        )
        .fetch_all(&self.read)
        .await?)
    }

    pub(crate) async fn active_key(&self, now: i64) -> Result<KeyRow, AppError> {
        if let Some(k) = self.cache.key() {
            return Ok(k);
        }
        let k = self.read_active_key(now).await?;
        self.cache.set_key(Some(k.clone()));
        Ok(k)
    }

    async fn read_active_key(&self, now: i64) -> Result<KeyRow, AppError> {
        let sql = "SELECT kid, private_key, public_key, created_at, retired_at FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, kid LIMIT 1";
        if let Some(k) = sqlx::query_as::<_, KeyRow>(sql).fetch_optional(&self.read).await? {
            return Ok(k);
        }
        let mut tx = self.begin_write().await?;
        lock_keys(&mut tx).await?;
        if let Some(k) = sqlx::query_as::<_, KeyRow>(sql).fetch_optional(&mut *tx).await? {
            return Ok(k);
        }
        let k = insert_key(&mut tx, now).await?;
        tx.commit().await?;
        Ok(k)
    }

    pub(crate) async fn rotate_key(&self, now: i64) -> Result<(String, Vec<String>), AppError> {
        let mut tx = self.begin_write().await?;
        lock_keys(&mut tx).await?;
        let retired: Vec<(String,)> = sqlx::query_as("SELECT kid FROM signing_keys WHERE retired_at IS NULL")
            .fetch_all(&mut *tx)
            .await?;
        sqlx::query("UPDATE signing_keys SET retired_at = $1 WHERE retired_at IS NULL")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let k = insert_key(&mut tx, now).await?;
        tx.commit().await?;
        self.cache.set_key(Some(k.clone()));
        Ok((k.kid, retired.into_iter().map(|r| r.0).collect()))
    }

    pub(crate) async fn create_quote(
        &self,
        tenant: &str,
        idem: &Idem,
        q: &NewQuote,
        render: &(dyn Fn(&QuoteRow) -> Result<serde_json::Value, AppError> + Sync),
        now: i64,
    ) -> Result<Stored, AppError> {
        let job = QuoteJob { tenant: tenant.to_string(), idem: idem.clone(), q: q.clone(), now };
        // Fresh or replayed, the response is rendered from the quote row once it is durable.
        match self.commit.quote(job).await? {
            QuoteWrite::Fresh => Ok(Stored { status: 201, body: serde_json::to_string(&render(&q.row)?)?, replayed: false }),
            QuoteWrite::Replay { row: Some(row), status, .. } => {
                Ok(Stored { status, body: serde_json::to_string(&render(&row)?)?, replayed: true })
            }
            QuoteWrite::Replay { row: None, status, body } => Ok(Stored { status, body, replayed: true }),
        }
    }

    pub(crate) async fn quote(&self, tenant: &str, id: &str) -> Result<Option<QuoteRow>, AppError> {
        Ok(sqlx::query_as::<_, QuoteRow>(
            quote_select!(),
        )
        .bind(tenant)
        .bind(id)
        .fetch_optional(&self.read)
        .await?)
    }

    pub(crate) async fn clearances(&self, tenant: &str, quote_id: &str) -> Result<Vec<ClearanceRow>, AppError> {
        Ok(sqlx::query_as::<_, ClearanceRow>(
            "SELECT id, quote_id, seq, parcel_id, status, currency, duty_minor, tax_minor, fees_minor, assessed_minor, prepaid_minor, transfer_id, created_at FROM clearances WHERE tenant_id = $1 AND quote_id = $2 ORDER BY seq",
        )
        .bind(tenant)
        .bind(quote_id)
        .fetch_all(&self.read)
        .await?)
    }

    pub(crate) async fn accept<R>(&self, tenant: &str, idem: &Idem, id: &str, render: R, now: i64) -> Result<Stored, AppError>
    where
        R: Fn(&AcceptOutcome) -> serde_json::Value + Send + Sync + 'static,
    {
        let (tenant, idem, id) = (tenant.to_string(), idem.clone(), id.to_string());
        self.commit
            .work(&id.clone(), Box::new(move |tx: &mut Tx| -> WorkFuture<'_> {
                Box::pin(async move { accept_in(tx, &tenant, &idem, &id, &render, now).await })
            }))
            .await
    }

    pub(crate) async fn clear<R>(&self, tenant: &str, idem: &Idem, req: &ClearanceReq, render: R, now: i64) -> Result<Stored, AppError>
    where
        R: Fn(&ClearanceOutcome) -> serde_json::Value + Send + Sync + 'static,
    {
        let (tenant, idem, req) = (tenant.to_string(), idem.clone(), req.clone());
        self.commit
            .work(&req.quote_id.clone(), Box::new(move |tx: &mut Tx| -> WorkFuture<'_> {
                Box::pin(async move { clear_in(tx, &tenant, &idem, &req, &render, now).await })
            }))
            .await
    }

    pub(crate) async fn reconciliation(&self, tenant: &str, from: i64, to: i64) -> Result<Vec<ReconRow>, AppError> {
        Ok(sqlx::query_as::<_, ReconRow>(
            "SELECT c.quote_id, c.parcel_id, q.destination, c.status, c.currency, c.prepaid_minor, c.assessed_minor, c.seq, c.created_at FROM clearances c JOIN quotes q ON q.id = c.quote_id AND q.tenant_id = c.tenant_id WHERE c.tenant_id = $1 AND c.created_at >= $2 AND c.created_at < $3 AND c.seq = (SELECT MAX(c2.seq) FROM clearances c2 WHERE c2.quote_id = c.quote_id) ORDER BY q.destination, c.parcel_id, c.quote_id",
        )
        .bind(tenant)
        .bind(from)
        .bind(to)
        .fetch_all(&self.read)
        .await?)
    }

    pub(crate) async fn balances(&self, tenant: Option<&str>) -> Result<Vec<(String, String, i64)>, AppError> {
        // SUM over BIGINT is NUMERIC on PostgreSQL: cast back.
        Ok(sqlx::query_as(
            "SELECT account, currency, CAST(SUM(amount_minor) AS BIGINT) FROM entries WHERE ($1 IS NULL OR tenant_id = $1) GROUP BY account, currency ORDER BY account, currency",
        )
        .bind(tenant)
        .fetch_all(&self.read)
        .await?)
    }

    pub(crate) async fn entries(&self, tenant: &str) -> Result<Vec<EntryRow>, AppError> {
        Ok(sqlx::query_as::<_, EntryRow>(
            "SELECT transfer_id, quote_id, kind, account, currency, amount_minor FROM entries WHERE tenant_id = $1 ORDER BY id",
        )
        .bind(tenant)
        .fetch_all(&self.read)
        .await?)
    }

    pub(crate) async fn idempotency_response(&self, tenant: &str, key: &str) -> Result<Option<String>, AppError> {
        Ok(sqlx::query_scalar("SELECT response FROM idempotency WHERE tenant_id = $1 AND key = $2")
            .bind(tenant)
            .bind(key)
            .fetch_optional(&self.read)
            .await?)
    }

    pub(crate) async fn purge_idempotency(&self, before: i64) -> Result<u64, AppError> {
        let r = sqlx::query("DELETE FROM idempotency WHERE created_at < $1")
            .bind(before)
            .execute(&self.write)
            .await?;
        Ok(r.rows_affected())
    }
}

async fn insert_key(tx: &mut Tx, now: i64) -> Result<KeyRow, AppError> {
    let k = crate::sign::Key::generate();
    let row = KeyRow {
        kid: k.kid.clone(),
        private_key: k.seed_b64(),
        public_key: k.public_b64(),
        created_at: now,
        retired_at: None,
    };
    sqlx::query("INSERT INTO signing_keys (kid, private_key, public_key, created_at) VALUES ($1, $2, $3, $4)")
        .bind(&row.kid)
        .bind(&row.private_key)
        .bind(&row.public_key)
        .bind(row.created_at)
        .execute(&mut **tx)
        .await?;
    Ok(row)
}

// Group commit, shared by both backends; included into `store::sqlite` and `store::pg` after
// `sql/core.rs` (which defines `Tx`, `idem_check`, `idem_record`, `QUOTE_REF`) and `sql/learning.rs`
// (`remember_skus`). The backend module defines `begin_on(&Pool)`.
//
// Every money write (a quote, an acceptance, a clearance) is a job sent to one committer task per
// process. The committer takes every job waiting, runs them in one transaction — quotes with
// set-based statements, the others each in its own savepoint so that one job's error rolls back
// only that job — and commits once: one fsync for the whole batch. Each caller is answered only
// after that commit returned, so nothing is acknowledged before it is durable, and a crash
// mid-batch loses only unacknowledged work. Concurrent requests in one batch have no order among
// them (none was answered before the others were sent), so running quotes first is allowed.

use std::future::Future;
use std::pin::Pin;
use tokio::sync::{mpsc, oneshot};

/// Most jobs in one transaction: bounds the set-based statements and a batch's latency.
const MAX_BATCH: usize = 64;
/// Jobs waiting for the committer; beyond it callers wait to enqueue (backpressure).
const QUEUE: usize = 1024;
/// Most (tenant, SKU) pairs remembered with one statement; larger batches go quote by quote.
const MAX_SKU_PAIRS: usize = 400;

pub(crate) type WorkFuture<'t> = Pin<Box<dyn Future<Output = Result<Stored, AppError>> + Send + 't>>;
/// A write run inside the shared transaction.
pub(crate) type Work = Box<dyn for<'t> FnOnce(&'t mut Tx) -> WorkFuture<'t> + Send>;

/// A quote to store under an idempotency key.
pub(crate) struct QuoteJob {
    tenant: String,
    idem: Idem,
    q: NewQuote,
    now: i64,
}

/// What storing a quote did.
pub(crate) enum QuoteWrite {
    /// Stored now.
    Fresh,
    /// The key was used before with the same request: its stored response and, when it names a
    /// quote, that quote's row (the response is rebuilt from it).
    Replay { status: u16, body: String, row: Option<Box<QuoteRow>> },
}

enum Job {
    Quote(Box<QuoteJob>, oneshot::Sender<Result<QuoteWrite, AppError>>),
    /// A write, the quote it locks (batches lock quotes in this order) and its answer.
    Work(Work, String, oneshot::Sender<Result<Stored, AppError>>),
}

/// The way to a backend's committer task (it ends when the last handle is dropped).
#[derive(Clone)]
pub(crate) struct Committer(mpsc::Sender<Job>, std::sync::Arc<CommitCounters>);

impl std::fmt::Debug for Committer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Committer")
    }
}

fn committer_gone() -> AppError {
    AppError::Internal("the group committer has stopped".into())
}

impl Committer {
    /// Starts `tasks` committers over the write pool. With more than one, a batch is gathered
    /// while the previous one commits; each batch locks its quotes in one order (by id), so
    /// concurrent batches cannot deadlock on them.
    pub(crate) fn start(write: sqlx::Pool<Db>, tasks: usize) -> Committer {
        let (tx, rx) = mpsc::channel(QUEUE);
        let rx = std::sync::Arc::new(tokio::sync::Mutex::new(rx));
        let counters = std::sync::Arc::new(CommitCounters::default());
        for _ in 0..tasks.max(1) {
            tokio::spawn(run(write.clone(), rx.clone(), counters.clone()));
        }
        Committer(tx, counters)
    }

    /// Batches and jobs committed so far.
    pub(crate) fn stats(&self) -> CommitStats {
        self.1.read()
    }

    /// Stores a quote; answers once it is durable.
    pub(crate) async fn quote(&self, job: QuoteJob) -> Result<QuoteWrite, AppError> {
        let (done, answer) = oneshot::channel();
        self.0.send(Job::Quote(Box::new(job), done)).await.map_err(|_| committer_gone())?;
        answer.await.map_err(|_| committer_gone())?
    }

    /// Runs `work`, which locks quote `locks`, in a shared transaction; answers once it is
    /// durable (or rolled back).
    pub(crate) async fn work(&self, locks: &str, work: Work) -> Result<Stored, AppError> {
        let (done, answer) = oneshot::channel();
        self.0.send(Job::Work(work, locks.to_string(), done)).await.map_err(|_| committer_gone())?;
        answer.await.map_err(|_| committer_gone())?
    }
}

async fn run(
    write: sqlx::Pool<Db>,
    rx: std::sync::Arc<tokio::sync::Mutex<mpsc::Receiver<Job>>>,
    counters: std::sync::Arc<CommitCounters>,
) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    loop {
        // The receiver is held only while a batch is gathered, not while it commits.
        if rx.lock().await.recv_many(&mut jobs, MAX_BATCH).await == 0 {
            return;
        }
        counters.count(jobs.len());
        commit_batch(&write, std::mem::take(&mut jobs)).await;
    }
}

/// A batch-wide failure, told to every job of the batch.
fn batch_failed(e: &AppError) -> AppError {
    AppError::Internal(format!("group commit failed: {e}"))
}

enum Answer {
    Quote(oneshot::Sender<Result<QuoteWrite, AppError>>, Result<QuoteWrite, AppError>),
    Work(oneshot::Sender<Result<Stored, AppError>>, Result<Stored, AppError>),
}

impl Answer {
    fn failed(&self) -> bool {
        match self {
            Answer::Quote(_, r) => r.is_err(),
            Answer::Work(_, r) => r.is_err(),
        }
    }

    fn send(self, batch_error: Option<&AppError>) {
        // A caller that went away (its request was cancelled) is not waiting for the answer.
        match (self, batch_error) {
            (Answer::Quote(done, _), Some(e)) => drop(done.send(Err(batch_failed(e)))),
            (Answer::Work(done, _), Some(e)) => drop(done.send(Err(batch_failed(e)))),
            (Answer::Quote(done, r), None) => drop(done.send(r)),
            (Answer::Work(done, r), None) => drop(done.send(r)),
        }
    }
}

async fn commit_batch(write: &sqlx::Pool<Db>, jobs: Vec<Job>) {
    let shared = jobs.len() > 1;
    let mut quotes = Vec::new();
    let mut works = Vec::new();
    for j in jobs {
        match j {
            Job::Quote(q, done) => quotes.push((*q, done)),
            Job::Work(w, locks, done) => works.push((locks, w, done)),
        }
    }
    works.sort_by(|a, b| a.0.cmp(&b.0));
    let mut answers = Vec::with_capacity(quotes.len() + works.len());
    let outcome = async {
        let mut tx = begin_on(write).await?;
        let (jobs, dones): (Vec<QuoteJob>, Vec<_>) = quotes.into_iter().unzip();
        let results = write_quotes(&mut tx, &jobs, shared).await?;
        answers.extend(dones.into_iter().zip(results).map(|(d, r)| Answer::Quote(d, r)));
        for (_, work, done) in works {
            let r = if shared { in_savepoint(&mut tx, work).await? } else { work(&mut tx).await };
            answers.push(Answer::Work(done, r));
        }
        if !shared && answers.iter().any(Answer::failed) {
            // A lone job that failed leaves nothing behind: the transaction rolls back on drop.
            return Ok(());
        }
        tx.commit().await?;
        Ok::<(), AppError>(())
    }
    .await;
    let err = outcome.err();
    if let Some(e) = &err {
        tracing::error!(error = %e, jobs = answers.len(), "group commit failed; nothing of the batch was stored");
    }
    for a in answers {
        a.send(err.as_ref());
    }
}

/// Opens savepoint `name`; [`close_savepoint`] ends it.
async fn savepoint(tx: &mut Tx, name: &str) -> Result<(), AppError> {
    sqlx::query(sqlx::AssertSqlSafe(format!("SAVEPOINT {name}"))).execute(&mut **tx).await?;
    Ok(())
}

/// Ends savepoint `name`, first undoing what was written since it when `undo`.
async fn close_savepoint(tx: &mut Tx, name: &str, undo: bool) -> Result<(), AppError> {
    if undo {
        sqlx::query(sqlx::AssertSqlSafe(format!("ROLLBACK TO SAVEPOINT {name}"))).execute(&mut **tx).await?;
    }
    sqlx::query(sqlx::AssertSqlSafe(format!("RELEASE SAVEPOINT {name}"))).execute(&mut **tx).await?;
    Ok(())
}

/// Runs `work` in a savepoint: its error rolls back its writes only. The outer error is the
/// savepoint's own failure, which ends the batch.
async fn in_savepoint(tx: &mut Tx, work: Work) -> Result<Result<Stored, AppError>, AppError> {
    savepoint(tx, "job").await?;
    let r = work(tx).await;
    close_savepoint(tx, "job", r.is_err()).await?;
    Ok(r)
}

/// Stores the batch's quotes: set-based when there are several, falling back to one savepoint
/// per quote when a set-based statement fails (a key taken meanwhile by another process).
async fn write_quotes(tx: &mut Tx, jobs: &[QuoteJob], shared: bool) -> Result<Vec<Result<QuoteWrite, AppError>>, AppError> {
    match jobs {
        [] => return Ok(Vec::new()),
        [job] if !shared => return Ok(vec![write_quote(tx, job).await]),
        _ => {}
    }
    if jobs.len() > 1 {
        savepoint(tx, "quotes").await?;
        let set = write_quotes_set(tx, jobs).await;
        close_savepoint(tx, "quotes", set.is_err()).await?;
        match set {
            Ok(results) => return Ok(results),
            Err(e) => tracing::debug!(error = %e, "set-based quote write failed; writing the batch's quotes one by one"),
        }
    }
    let mut out = Vec::with_capacity(jobs.len());
    for job in jobs {
        savepoint(tx, "job").await?;
        let r = write_quote(tx, job).await;
        close_savepoint(tx, "job", r.is_err()).await?;
        out.push(r);
    }
    Ok(out)
}

const QUOTE_COLUMNS: &str = "id, tenant_id, basket, quote, token, kid, destination, currency, duty_minor, tax_minor, fees_minor, landed_cost_minor, due_at_checkout_minor, due_at_delivery_minor, prepaid_minor, pack_id, pack_version, created_at, expires_at, seller_id, risk";

/// `($s, $s+1, ...), (...)`: `rows` tuples of `cols` placeholders from `$start`.
fn placeholders(rows: usize, cols: usize, start: usize) -> String {
    let mut out = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        out.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..cols {
            if c > 0 {
                out.push_str(", ");
            }
            out.push('$');
            out.push_str(&(start + r * cols + c).to_string());
        }
        out.push(')');
    }
    out
}

/// `(a = $1 AND b = $2) OR (a = $3 AND b = $4) ...` for `n` pairs.
fn pairs_where(n: usize, a: &str, b: &str) -> String {
    (0..n)
        .map(|i| format!("({a} = ${} AND {b} = ${})", 2 * i + 1, 2 * i + 2))
        .collect::<Vec<_>>()
        .join(" OR ")
}

macro_rules! bind_quote {
    ($q:expr, $tenant:expr, $nq:expr) => {{
        let (nq, r) = ($nq, &$nq.row);
        $q.bind(&r.id)
            .bind($tenant)
            .bind(&nq.basket)
            .bind(&r.quote)
            .bind(&r.token)
            .bind(&r.kid)
            .bind(&r.destination)
            .bind(&r.currency)
            .bind(r.duty_minor)
            .bind(r.tax_minor)
            .bind(r.fees_minor)
            .bind(r.landed_cost_minor)
            .bind(r.due_at_checkout_minor)
            .bind(r.due_at_delivery_minor)
            .bind(r.prepaid_minor)
            .bind(&r.pack_id)
            .bind(&r.pack_version)
            .bind(r.created_at)
            .bind(r.expires_at)
            .bind(&r.seller_id)
            .bind(&r.risk)
    }};
}

/// One quote: replayed when its key was used, else inserted with its SKUs and key.
async fn write_quote(tx: &mut Tx, job: &QuoteJob) -> Result<QuoteWrite, AppError> {
    let QuoteJob { tenant, idem, q, now } = job;
    if let Some(s) = idem_check(tx, tenant, idem).await? {
        return replay(tx, tenant, s.status, s.body).await;
    }
    let sql = format!("INSERT INTO quotes ({QUOTE_COLUMNS}) VALUES {}", placeholders(1, 21, 1));
    bind_quote!(sqlx::query(sqlx::AssertSqlSafe(sql)), tenant, q).execute(&mut **tx).await?;
    let r = &q.row;
    remember_skus(tx, tenant, &r.id, &r.destination, &q.items, *now).await?;
    idem_record(tx, tenant, idem, 201, &format!("{QUOTE_REF}{}", r.id), *now).await?;
    Ok(QuoteWrite::Fresh)
}

/// A stored response; one that names a quote comes with the quote's row.
async fn replay(tx: &mut Tx, tenant: &str, status: u16, body: String) -> Result<QuoteWrite, AppError> {
    let Some(id) = body.strip_prefix(QUOTE_REF) else {
        return Ok(QuoteWrite::Replay { status, body, row: None });
    };
    let row = sqlx::query_as::<_, QuoteRow>(
        quote_select!(),
    )
    .bind(tenant)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::Internal(format!("idempotency record names a missing quote {id}")))?;
    Ok(QuoteWrite::Replay { status, body, row: Some(Box::new(row)) })
}

/// Several quotes with a statement per table: the keys used before, then one insert each into
/// `idempotency` and `quotes`, then the SKUs. An error undoes the whole set (the caller's
/// savepoint) and the quotes are written one by one instead.
async fn write_quotes_set(tx: &mut Tx, jobs: &[QuoteJob]) -> Result<Vec<Result<QuoteWrite, AppError>>, AppError> {
    let sql = format!(
        "SELECT tenant_id, key, request_hash, status, response FROM idempotency WHERE {}",
        pairs_where(jobs.len(), "tenant_id", "key")
    );
    let mut q = sqlx::query_as::<_, (String, String, String, i64, String)>(sqlx::AssertSqlSafe(sql));
    for j in jobs {
        q = q.bind(&j.tenant).bind(&j.idem.key);
    }
    let used = q.fetch_all(&mut **tx).await?;
    let mut out: Vec<Option<Result<QuoteWrite, AppError>>> = jobs.iter().map(|_| None).collect();
    let mut fresh: Vec<&QuoteJob> = Vec::with_capacity(jobs.len());
    for (slot, j) in out.iter_mut().zip(jobs) {
        match used.iter().find(|u| u.0 == j.tenant && u.1 == j.idem.key) {
            Some((_, _, hash, _, _)) if *hash != j.idem.hash => *slot = Some(Err(AppError::IdempotencyKeyReused)),
            Some((_, _, _, status, body)) => {
                let status = u16::try_from(*status).unwrap_or(500);
                *slot = Some(replay(tx, &j.tenant, status, body.clone()).await);
            }
            None => fresh.push(j),
        }
    }
    let mut keys: Vec<(&str, &str)> = fresh.iter().map(|j| (j.tenant.as_str(), j.idem.key.as_str())).collect();
    keys.sort_unstable();
    if keys.windows(2).any(|w| w[0] == w[1]) {
        return Err(AppError::Internal("one idempotency key twice in a batch".into()));
    }
    if !fresh.is_empty() {
        let sql = format!(
            "INSERT INTO idempotency (tenant_id, key, request_hash, status, response, created_at) VALUES {}",
            placeholders(fresh.len(), 6, 1)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for j in &fresh {
            q = q
                .bind(&j.tenant)
                .bind(&j.idem.key)
                .bind(&j.idem.hash)
                .bind(201_i64)
                .bind(format!("{QUOTE_REF}{}", j.q.row.id))
                .bind(j.now);
        }
        q.execute(&mut **tx).await?;
        let sql = format!("INSERT INTO quotes ({QUOTE_COLUMNS}) VALUES {}", placeholders(fresh.len(), 21, 1));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for j in &fresh {
            q = bind_quote!(q, &j.tenant, &j.q);
        }
        q.execute(&mut **tx).await?;
        remember_skus_set(tx, &fresh).await?;
    }
    Ok(out
        .into_iter()
        .map(|o| o.unwrap_or(Ok(QuoteWrite::Fresh)))
        .collect())
}

/// What the `skus` table says of a SKU: description, destination, code, source.
type SkuState = (String, String, Option<String>, String);

/// The SKUs of several quotes, with the outcome of remembering them quote by quote in order
/// (`remember_skus`): a SKU is written when a quote says something new about it, the last such
/// quote wins, and `first_quoted_at` is the first writer's time.
async fn remember_skus_set(tx: &mut Tx, jobs: &[&QuoteJob]) -> Result<(), AppError> {
    let mut pairs: Vec<(&str, &str)> = jobs
        .iter()
        .flat_map(|j| j.q.items.iter().map(|it| (j.tenant.as_str(), it.sku.as_str())))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    if pairs.is_empty() {
        return Ok(());
    }
    if pairs.len() > MAX_SKU_PAIRS {
        for j in jobs {
            remember_skus(tx, &j.tenant, &j.q.row.id, &j.q.row.destination, &j.q.items, j.now).await?;
        }
        return Ok(());
    }
    let sql = format!(
        "SELECT tenant_id, sku, description, last_destination, last_hs_code, last_hs_source FROM skus WHERE {}",
        pairs_where(pairs.len(), "tenant_id", "sku")
    );
    let mut q = sqlx::query_as::<_, (String, String, String, String, Option<String>, String)>(sqlx::AssertSqlSafe(sql));
    for (t, s) in &pairs {
        q = q.bind(*t).bind(*s);
    }
    let mut state: std::collections::HashMap<(String, String), SkuState> = q
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .map(|(t, s, d, dest, code, src)| ((t, s), (d, dest, code, src)))
        .collect();
    // (tenant, sku) -> (state, quote id, first_quoted_at, last_quoted_at)
    let mut writes: std::collections::BTreeMap<(String, String), (SkuState, String, i64, i64)> = Default::default();
    for j in jobs {
        let mut items: Vec<&QuotedItem> = j.q.items.iter().collect();
        items.sort_by(|a, b| a.sku.cmp(&b.sku));
        items.dedup_by(|a, b| a.sku == b.sku);
        for it in items {
            let key = (j.tenant.clone(), it.sku.clone());
            let now: SkuState = (it.description.clone(), j.q.row.destination.clone(), it.hs_code.clone(), it.hs_source.clone());
            if state.get(&key) == Some(&now) {
                continue;
            }
            state.insert(key.clone(), now.clone());
            writes
                .entry(key)
                .and_modify(|w| {
                    w.0 = now.clone();
                    w.1 = j.q.row.id.clone();
                    w.3 = j.now;
                })
                .or_insert((now, j.q.row.id.clone(), j.now, j.now));
        }
    }
    if writes.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO skus (tenant_id, sku, description, last_quote_id, last_destination, last_hs_code, last_hs_source, first_quoted_at, last_quoted_at) VALUES {} ON CONFLICT (tenant_id, sku) DO UPDATE SET description = excluded.description, last_quote_id = excluded.last_quote_id, last_destination = excluded.last_destination, last_hs_code = excluded.last_hs_code, last_hs_source = excluded.last_hs_source, last_quoted_at = excluded.last_quoted_at",
        placeholders(writes.len(), 9, 1)
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for ((tenant, sku), ((description, destination, code, source), quote_id, first, last)) in &writes {
        q = q
            .bind(tenant)
            .bind(sku)
            .bind(description)
            .bind(quote_id)
            .bind(destination)
            .bind(code)
            .bind(source)
            .bind(*first)
            .bind(*last);
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

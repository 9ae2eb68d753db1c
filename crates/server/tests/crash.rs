//! Crash safety of settlement: the real `landed-server` binary on a temp SQLite file (or on the
//! PostgreSQL that `DATABASE_URL` names, as `scripts/test.sh` runs it) is killed
//! with SIGKILL again and again while clients settle concurrently with idempotency keys; clients
//! retry unacknowledged requests with the same keys after each restart. Afterwards every
//! acknowledged settlement is in the ledger exactly once, replays return the acknowledged
//! response, and the ledger balances.

use serde_json::{json, Value};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod procs;
use procs::{request, wait_up, Proc, BIN};

/// The clearance of quote `i`: customs assessed the T-shirt on its national line (the same
/// subheading) for even `i`, as another subheading (a misclassification) for odd `i`.
fn settlement(id: &str, i: usize) -> String {
    let code = if i.is_multiple_of(2) {
        "61091000"
    } else {
        "61099020"
    };
    json!({"quote_id": id, "parcel_id": format!("P{i}"), "currency": "EUR", "status": "cleared",
           "assessed": {"duty": format!("{}.00", 1 + i % 5), "tax": "12.35", "fees": "0.00"},
           "lines": [{"id": "t", "hs_code": code}]})
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_during_settlement_loses_and_duplicates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
        .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("crash.db").display()));
    let out = Command::new(BIN)
        .args(["--database-url", &db, "create-tenant", "crash"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let proc = Arc::new(Mutex::new(Proc {
        child: None,
        db: db.clone(),
        port,
    }));
    proc.lock().unwrap().start();
    wait_up(port).await;

    let basket = procs::tshirt_basket();
    const N: usize = 24;
    let mut ids = Vec::new();
    for i in 0..N {
        let id = procs::quote(port, &key, i, &basket).await;
        procs::accept(port, &key, i, &id).await;
        ids.push(id);
    }

    // Clients: settle each quote, retrying the same key until acknowledged.
    let acked: Arc<Mutex<Vec<(usize, String)>>> = Arc::default();
    let retries = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut clients = Vec::new();
    for c in 0..4 {
        let (ids, key, acked, retries) = (ids.clone(), key.clone(), acked.clone(), retries.clone());
        clients.push(tokio::spawn(async move {
            for i in (c..N).step_by(4) {
                let body = settlement(&ids[i], i);
                let deadline = Instant::now() + Duration::from_secs(30);
                loop {
                    assert!(
                        Instant::now() < deadline,
                        "settlement {i} never acknowledged"
                    );
                    match request(
                        port,
                        "POST",
                        "/v1/clearances",
                        &key,
                        Some(&format!("settle-{i}")),
                        &body,
                    )
                    .await
                    {
                        Ok((201, resp)) | Ok((200, resp)) => {
                            acked.lock().unwrap().push((i, resp));
                            break;
                        }
                        Ok((409, _)) | Ok((500..=599, _)) | Err(_) => {
                            retries.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            tokio::time::sleep(Duration::from_millis(15)).await;
                        }
                        Ok((st, resp)) => panic!("settlement {i}: {st} {resp}"),
                    }
                }
                tokio::time::sleep(Duration::from_millis(40)).await;
            }
        }));
    }

    // The killer: SIGKILL and restart repeatedly for a few seconds.
    let mut kills = 0;
    let until = Instant::now() + Duration::from_secs(3);
    while Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(120 + (kills * 37) % 200)).await;
        proc.lock().unwrap().kill();
        kills += 1;
        tokio::time::sleep(Duration::from_millis(30)).await;
        proc.lock().unwrap().start();
        wait_up(port).await;
    }
    for c in clients {
        c.await.unwrap();
    }
    assert!(kills >= 5, "killed {kills} times");

    let acked = acked.lock().unwrap().clone();
    assert_eq!(acked.len(), N, "every settlement acknowledged");
    for (i, resp) in &acked {
        let resp: Value = serde_json::from_str(resp).unwrap();
        // The quote has exactly one clearance: the acknowledged one.
        let (st, q) = request(
            port,
            "GET",
            &format!("/v1/quotes/{}", ids[*i]),
            &key,
            None,
            "",
        )
        .await
        .unwrap();
        assert_eq!(st, 200);
        let q: Value = serde_json::from_str(&q).unwrap();
        let cl = q["clearances"].as_array().unwrap();
        assert_eq!(cl.len(), 1, "quote {i} settled exactly once: {q}");
        assert_eq!(cl[0]["id"], resp["clearance"]["id"]);
        assert_eq!(cl[0]["assessed"]["duty"], format!("{}.00", 1 + i % 5));
        // The assessed line was recorded with its settlement, once.
        assert_eq!(cl[0]["lines"].as_array().unwrap().len(), 1, "{q}");
        assert_eq!(cl[0]["lines"][0]["misclassified"], i % 2 == 1, "{q}");
        // A retry now replays the acknowledged response.
        let body = settlement(&ids[*i], *i);
        let (_, again) = request(
            port,
            "POST",
            "/v1/clearances",
            &key,
            Some(&format!("settle-{i}")),
            &body,
        )
        .await
        .unwrap();
        assert_eq!(serde_json::from_str::<Value>(&again).unwrap(), resp);
    }
    proc.lock().unwrap().kill();

    // Straight from the database (this tenant's rows: a PostgreSQL run shares the database):
    // one clearance transfer per quote, every transfer balanced, sum 0.
    let tenant: String = Db::open(&db)
        .await
        .text(
            "SELECT id FROM tenants WHERE key_hash = $1",
            &landed_server::hash_api_key(&key),
        )
        .await;
    let db = Db::open(&db).await;
    let per_quote = db
        .pairs("SELECT quote_id, COUNT(DISTINCT transfer_id) FROM entries WHERE tenant_id = $1 AND kind = 'clearance' GROUP BY quote_id", &tenant)
        .await;
    assert_eq!(per_quote.len(), N);
    assert!(per_quote.iter().all(|(_, n)| *n == 1), "{per_quote:?}");
    let holds = db
        .int(
            "SELECT COUNT(*) FROM entries WHERE tenant_id = $1 AND kind = 'hold'",
            &tenant,
        )
        .await;
    assert_eq!(holds, 2 * N as i64);
    let unbalanced = db
        .int("SELECT COUNT(*) FROM (SELECT transfer_id FROM entries WHERE tenant_id = $1 GROUP BY transfer_id HAVING SUM(amount_minor) <> 0) AS t", &tenant)
        .await;
    assert_eq!(unbalanced, 0);
    let total = db
        .int(
            "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM entries WHERE tenant_id = $1",
            &tenant,
        )
        .await;
    assert_eq!(total, 0);
    let customs = db
        .int(
            "SELECT CAST(SUM(amount_minor) AS BIGINT) FROM entries WHERE tenant_id = $1 AND account = 'customs_payable'",
            &tenant,
        )
        .await;
    let expected: i64 = (0..N).map(|i| (1 + i as i64 % 5) * 100 + 1235).sum();
    assert_eq!(customs, expected);
    // One assessed line per quote, written in the settlement's transaction; the catalogue holds
    // what customs assessed.
    let assessed = db
        .pairs(
            "SELECT quote_id, COUNT(*) FROM hs_assessments WHERE tenant_id = $1 GROUP BY quote_id",
            &tenant,
        )
        .await;
    assert_eq!(assessed.len(), N);
    assert!(assessed.iter().all(|(_, n)| *n == 1), "{assessed:?}");
    let wrong = db
        .int(
            "SELECT COUNT(*) FROM hs_assessments WHERE tenant_id = $1 AND misclassified = 1",
            &tenant,
        )
        .await;
    assert_eq!(wrong, N as i64 / 2);
    let confirmed = db
        .int(
            "SELECT COUNT(*) FROM catalogue_entries WHERE tenant_id = $1 AND sku = 't' AND source = 'customs_assessed'",
            &tenant,
        )
        .await;
    assert!((1..=N as i64).contains(&confirmed), "{confirmed}");
    eprintln!(
        "crash test: {kills} SIGKILLs, {} retries, {N} settlements exactly once",
        retries.load(std::sync::atomic::Ordering::Relaxed)
    );
}

/// The database behind the server, for the final checks.
enum Db {
    Sqlite(sqlx::SqlitePool),
    Pg(sqlx::PgPool),
}

impl Db {
    async fn open(url: &str) -> Db {
        if url.starts_with("postgres") {
            Db::Pg(sqlx::PgPool::connect(url).await.unwrap())
        } else {
            Db::Sqlite(sqlx::SqlitePool::connect(url).await.unwrap())
        }
    }
    async fn int(&self, sql: &'static str, bind: &str) -> i64 {
        match self {
            Db::Sqlite(p) => sqlx::query_scalar(sql).bind(bind).fetch_one(p).await,
            Db::Pg(p) => sqlx::query_scalar(sql).bind(bind).fetch_one(p).await,
        }
        .unwrap()
    }
    async fn text(&self, sql: &'static str, bind: &str) -> String {
        match self {
            Db::Sqlite(p) => sqlx::query_scalar(sql).bind(bind).fetch_one(p).await,
            Db::Pg(p) => sqlx::query_scalar(sql).bind(bind).fetch_one(p).await,
        }
        .unwrap()
    }
    async fn pairs(&self, sql: &'static str, bind: &str) -> Vec<(String, i64)> {
        match self {
            Db::Sqlite(p) => sqlx::query_as(sql).bind(bind).fetch_all(p).await,
            Db::Pg(p) => sqlx::query_as(sql).bind(bind).fetch_all(p).await,
        }
        .unwrap()
    }
}

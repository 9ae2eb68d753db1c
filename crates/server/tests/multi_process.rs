//! More than one machine: two `landed-server` processes on one database (the PostgreSQL that
//! `DATABASE_URL` names, as `scripts/test.sh` runs it; else a shared SQLite file) serve the same
//! tenant with the same signing keys, and the guarantees hold across them: a quote made on one is
//! accepted on the other, both publish the same JWKS, and one clearance sent through both at once
//! with one idempotency key is settled once, both answering with it.

mod procs;
use procs::{create_tenant, free_port, request, wait_up, Proc};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn body(resp: &str) -> Value {
    serde_json::from_str(resp).unwrap_or_else(|e| panic!("{e}: {resp}"))
}

/// Sends until the server answers with a final status (a concurrent twin may hold the key in
/// flight: 409, retried with the same key as a client would).
async fn settle(port: u16, key: &str, idem: &str, clearance: &str) -> (u16, String) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let r = request(port, "POST", "/v1/clearances", key, Some(idem), clearance).await;
        match r {
            Ok((409, _)) | Err(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            Ok(r) => return r,
            Err(e) => panic!("settlement through {port}: {e}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_processes_on_one_database_settle_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
        .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("two.db").display()));
    let key = create_tenant(&db, "two-processes");
    let mut a = Proc {
        child: None,
        db: db.clone(),
        port: free_port(),
    };
    let mut b = Proc {
        child: None,
        db: db.clone(),
        port: free_port(),
    };
    a.start();
    b.start();
    wait_up(a.port).await;
    wait_up(b.port).await;

    // The same signing keys on both.
    let (_, ja) = request(a.port, "GET", "/.well-known/jwks.json", "", None, "")
        .await
        .unwrap();
    let (_, jb) = request(b.port, "GET", "/.well-known/jwks.json", "", None, "")
        .await
        .unwrap();
    assert_eq!(body(&ja), body(&jb));
    assert!(!body(&ja)["keys"].as_array().unwrap().is_empty());

    let basket = procs::tshirt_basket();
    const N: usize = 8;
    for i in 0..N {
        // Quoted on A, the same request replayed on B (one idempotency key: the same quote).
        let id = procs::quote(a.port, &key, i, &basket).await;
        let (st, again) = procs::post(b.port, "/v1/quotes", &key, &format!("q{i}"), &basket).await;
        assert!(st == 200 || st == 201, "{st} {again}");
        assert_eq!(
            again["id"],
            id.as_str(),
            "one quote for one key across processes"
        );
        // Accepted on B.
        procs::accept(b.port, &key, i, &id).await;

        // One clearance through both at once, one key.
        let clearance = json!({"quote_id": id, "parcel_id": format!("P{i}"), "currency": "EUR", "status": "cleared",
            "assessed": {"duty": "3.00", "tax": "12.35", "fees": "0.00"},
            "lines": [{"id": "t", "hs_code": "61091000"}]})
        .to_string();
        let idem = format!("settle-{i}");
        let (ra, rb) = tokio::join!(
            settle(a.port, &key, &idem, &clearance),
            settle(b.port, &key, &idem, &clearance)
        );
        assert!(
            matches!((ra.0, rb.0), (201, 200) | (200, 201) | (201, 201)),
            "{ra:?} {rb:?}"
        );
        assert_eq!(
            body(&ra.1),
            body(&rb.1),
            "both processes answer with the one settlement"
        );
        // The quote has exactly that one clearance, seen from either process.
        for port in [a.port, b.port] {
            let (st, q) = request(port, "GET", &format!("/v1/quotes/{id}"), &key, None, "")
                .await
                .unwrap();
            assert_eq!(st, 200);
            let cl = body(&q)["clearances"].as_array().unwrap().clone();
            assert_eq!(cl.len(), 1, "settled once: {q}");
            assert_eq!(cl[0]["id"], body(&ra.1)["clearance"]["id"]);
        }
    }
    a.kill();
    b.kill();
}

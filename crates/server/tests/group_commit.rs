//! Group commit: concurrent money writes share a transaction, each keeps its own outcome (stored
//! once, replayed, refused), and the result equals writing them one by one. The futures are
//! polled together on one thread, so they reach the committer before it runs and share batches.

mod common;

use landed_domain::ledger::Status;
use landed_server::store::{
    AcceptOutcome, ClearanceOutcome, ClearanceReq, Idem, NewQuote, QuoteRow, QuotedItem, Stored,
};
use landed_server::{AppError, Store};
use serde_json::{json, Value};

fn idem(key: &str, hash: &str) -> Idem {
    Idem {
        key: key.into(),
        hash: hash.into(),
    }
}

/// A stored quote of 100.00 EUR prepaid (the figures do not matter to the store).
fn new_quote(kid: &str, tenant: &str, id: &str, items: &[(&str, &str)], now: i64) -> NewQuote {
    NewQuote {
        row: QuoteRow {
            id: id.into(),
            tenant_id: tenant.into(),
            quote: json!({"id": id}).to_string(),
            token: format!("token-{id}"),
            kid: kid.into(),
            destination: "DE".into(),
            currency: "EUR".into(),
            duty_minor: 300,
            tax_minor: 1235,
            fees_minor: 0,
            landed_cost_minor: 7035,
            due_at_checkout_minor: 7035,
            due_at_delivery_minor: 0,
            prepaid_minor: 1535,
            pack_id: "p".into(),
            pack_version: "v".into(),
            created_at: now,
            expires_at: now + 3_600_000_000,
            accepted_at: None,
            settled_at: None,
            seller_id: None,
            risk: None,
        },
        basket: "{}".into(),
        items: items
            .iter()
            .map(|(sku, description)| QuotedItem {
                sku: (*sku).into(),
                description: (*description).into(),
                hs_code: Some("610910".into()),
                hs_source: "given".into(),
            })
            .collect(),
    }
}

fn render(r: &QuoteRow) -> Result<Value, AppError> {
    Ok(json!({"id": r.id, "token": r.token}))
}

async fn quote(
    store: &Store,
    tenant: &str,
    key: &str,
    hash: &str,
    q: NewQuote,
) -> Result<Stored, AppError> {
    store
        .create_quote(tenant, &idem(key, hash), &q, &render, q.row.created_at)
        .await
}

async fn tenant(store: &Store, name: &str) -> String {
    landed_server::create_tenant(store, name)
        .await
        .expect("tenant")
        .0
}

#[tokio::test]
async fn concurrent_quotes_share_a_commit_and_keep_their_own_outcomes() {
    let (store, _dir) = common::store().await;
    let run = uuid::Uuid::now_v7().to_string();
    let (a, b) = (tenant(&store, "a").await, tenant(&store, "b").await);
    let kid = store.active_key(0).await.expect("key").kid;
    let before = store.commit_stats();
    // 30 quotes of two tenants; every one names the SKU `shared` with one of three descriptions.
    let jobs: Vec<(String, String, NewQuote)> = (0..30)
        .map(|i| {
            let t = if i % 2 == 0 { &a } else { &b };
            let shared = format!("shared {}", i % 3);
            let own = format!("own-{i}");
            let q = new_quote(
                &kid,
                t,
                &format!("{run}-q{i}"),
                &[("shared", &shared), (&own, "own item")],
                1_000 + i,
            );
            (t.clone(), format!("{run}-k{i}"), q)
        })
        .collect();
    let first = futures_join(
        jobs.iter()
            .map(|(t, k, q)| quote(&store, t, k, "h", q.clone())),
    )
    .await;
    let stats = store.commit_stats();
    assert!(
        stats.largest > 1,
        "the quotes shared no transaction: {stats:?}"
    );
    assert_eq!(stats.jobs - before.jobs, 30, "{stats:?}");
    for ((t, _, q), r) in jobs.iter().zip(&first) {
        let s = r.as_ref().expect("stored");
        assert_eq!((s.status, s.replayed), (201, false));
        assert_eq!(
            s.body,
            json!({"id": q.row.id, "token": q.row.token}).to_string()
        );
        let row = store
            .quote(t, &q.row.id)
            .await
            .expect("read")
            .expect("stored quote");
        assert_eq!(row.token, q.row.token);
    }
    // Each tenant's `shared` row is what writing its quotes one by one in some order leaves: the
    // description of the quote it names, and its own SKUs once each.
    for t in [&a, &b] {
        let sku = store
            .sku(t, "shared")
            .await
            .expect("read")
            .expect("remembered");
        let named = jobs
            .iter()
            .find(|(_, _, q)| q.row.id == sku.last_quote_id)
            .expect("a quote of the batch");
        assert_eq!(&named.0, t, "a tenant's SKU names another tenant's quote");
        assert_eq!(sku.description, named.2.items[0].description);
        assert!(sku.first_quoted_at <= sku.last_quoted_at);
    }
    // The same requests again (replays), one key with another body (refused) and a new quote,
    // concurrently: each gets its own answer.
    let reused = jobs[0].clone();
    let new_key = format!("{run}-new");
    let mut again: Vec<_> = jobs
        .iter()
        .map(|(t, k, q)| quote(&store, t, k, "h", q.clone()))
        .collect();
    again.push(quote(
        &store,
        &reused.0,
        &reused.1,
        "another body",
        new_quote(&kid, &a, &format!("{run}-x"), &[], 5),
    ));
    again.push(quote(
        &store,
        &a,
        &new_key,
        "h",
        new_quote(&kid, &a, &new_key, &[], 6),
    ));
    let second = futures_join(again).await;
    for (i, r) in second.iter().enumerate().take(30) {
        let s = r.as_ref().expect("replayed");
        let f = first[i].as_ref().expect("stored");
        assert_eq!((s.status, s.replayed, &s.body), (201, true, &f.body));
    }
    assert!(
        matches!(second[30], Err(AppError::IdempotencyKeyReused)),
        "{:?}",
        second[30]
    );
    let fresh = second[31].as_ref().expect("stored");
    assert_eq!((fresh.status, fresh.replayed), (201, false));
    assert!(
        store
            .quote(&a, &format!("{run}-x"))
            .await
            .expect("read")
            .is_none(),
        "a refused quote was stored"
    );
}

#[tokio::test]
async fn one_key_twice_in_a_batch_is_stored_once() {
    // Two processes' requests cannot share a batch, but the store must not rely on the
    // in-process guard: the same key twice in one batch falls back to quote-by-quote writes.
    let (store, _dir) = common::store().await;
    let run = uuid::Uuid::now_v7().to_string();
    let t = tenant(&store, "t").await;
    let kid = store.active_key(0).await.expect("key").kid;
    let key = format!("{run}-same");
    let (q1, q2, q3) = (
        new_quote(&kid, &t, &format!("{run}-1"), &[("s", "one")], 1),
        new_quote(&kid, &t, &format!("{run}-2"), &[("s", "two")], 2),
        new_quote(&kid, &t, &format!("{run}-3"), &[("s", "three")], 3),
    );
    let r = futures_join(vec![
        quote(&store, &t, &key, "h", q1.clone()),
        quote(&store, &t, &key, "h", q2.clone()),
        quote(&store, &t, &format!("{run}-other"), "h", q3.clone()),
    ])
    .await;
    let ok: Vec<&Stored> = r.iter().map(|r| r.as_ref().expect("answered")).collect();
    assert_eq!(ok.iter().filter(|s| !s.replayed).count(), 2, "{ok:?}");
    assert_eq!(
        ok[0].body, ok[1].body,
        "the second answer replays the first"
    );
    let stored = [&q1, &q2]
        .iter()
        .filter(|q| ok[0].body.contains(&q.row.id))
        .count();
    assert_eq!(stored, 1);
    let loser = if ok[0].body.contains(&q1.row.id) {
        &q2
    } else {
        &q1
    };
    assert!(
        store
            .quote(&t, &loser.row.id)
            .await
            .expect("read")
            .is_none(),
        "both quotes under one key were stored"
    );
    assert_eq!(
        store
            .sku(&t, "s")
            .await
            .expect("read")
            .expect("sku")
            .description,
        "three"
    );
}

#[tokio::test]
async fn settlements_in_one_batch_fail_alone_and_balance() {
    let (store, _dir) = common::store().await;
    let run = uuid::Uuid::now_v7().to_string();
    let t = tenant(&store, "t").await;
    let kid = store.active_key(0).await.expect("key").kid;
    let quotes: Vec<NewQuote> = (0..12)
        .map(|i| new_quote(&kid, &t, &format!("{run}-q{i}"), &[], 10 + i))
        .collect();
    for (i, q) in quotes.iter().enumerate() {
        quote(&store, &t, &format!("{run}-k{i}"), "h", q.clone())
            .await
            .expect("quote");
    }
    let accept = |id: String, key: String| {
        let (store, t) = (store.clone(), t.clone());
        async move {
            let render =
                |o: &AcceptOutcome| json!({"accepted": o.quote.id, "entries": o.entries.len()});
            store.accept(&t, &idem(&key, "h"), &id, render, 100).await
        }
    };
    // Every quote accepted at once, with an unknown quote among them.
    let mut calls: Vec<_> = quotes
        .iter()
        .map(|q| accept(q.row.id.clone(), format!("{run}-a-{}", q.row.id)))
        .collect();
    calls.push(accept(format!("{run}-missing"), format!("{run}-a-missing")));
    let before = store.commit_stats();
    let r = futures_join(calls).await;
    assert!(store.commit_stats().largest > 1);
    assert!(store.commit_stats().batches > before.batches);
    for s in &r[..12] {
        let s = s.as_ref().expect("accepted");
        assert_eq!((s.status, s.replayed), (200, false));
        assert!(s.body.contains("\"entries\":2"), "{}", s.body);
    }
    assert!(
        matches!(r[12], Err(AppError::NotFound("quote"))),
        "{:?}",
        r[12]
    );
    // Clearances of all of them at once, one in another currency (refused alone).
    let clear = |id: String, currency: &str, key: String| {
        let (store, t) = (store.clone(), t.clone());
        let req = ClearanceReq {
            quote_id: id.clone(),
            parcel_id: format!("P-{id}"),
            status: Status::Cleared,
            currency: currency.into(),
            duty: 300,
            tax: 1300,
            fees: 0,
            assessed: Vec::new(),
        };
        async move {
            let render =
                |o: &ClearanceOutcome| json!({"posted": o.posted, "entries": o.entries.len()});
            store.clear(&t, &idem(&key, "h"), &req, render, 200).await
        }
    };
    let calls: Vec<_> = quotes
        .iter()
        .enumerate()
        .map(|(i, q)| {
            clear(
                q.row.id.clone(),
                if i == 5 { "USD" } else { "EUR" },
                format!("{run}-c{i}"),
            )
        })
        .collect();
    let r = futures_join(calls).await;
    for (i, s) in r.iter().enumerate() {
        if i == 5 {
            assert!(
                matches!(
                    s,
                    Err(AppError::Invalid {
                        code: "currency_mismatch",
                        ..
                    })
                ),
                "{s:?}"
            );
        } else {
            let s = s.as_ref().expect("cleared");
            assert_eq!((s.status, s.replayed), (201, false), "{}", s.body);
        }
    }
    let mut per: std::collections::BTreeMap<String, i64> = Default::default();
    for (_, c, v) in store.balances(Some(&t)).await.expect("balances") {
        *per.entry(c).or_default() += v;
    }
    assert_eq!(per.get("EUR"), Some(&0), "{per:?}");
    let settled = futures_join(quotes.iter().map(|q| store.quote(&t, &q.row.id))).await;
    let n = settled
        .iter()
        .filter(|q| {
            q.as_ref()
                .expect("read")
                .as_ref()
                .expect("quote")
                .settled_at
                .is_some()
        })
        .count();
    assert_eq!(n, 11);
}

/// Polls every future together on this task (tokio has no `join_all`).
async fn futures_join<F: std::future::Future>(fs: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    let mut set: Vec<std::pin::Pin<Box<F>>> = fs.into_iter().map(Box::pin).collect();
    let mut out: Vec<Option<F::Output>> = set.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, o) in set.iter_mut().zip(out.iter_mut()) {
            if o.is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *o = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter()
        .map(|o| o.expect("polled to completion"))
        .collect()
}

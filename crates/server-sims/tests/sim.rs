//! The seeded clearance simulation (`landed_server_sims::sim`) through the real server: the seller
//! profile ranks sellers by their hidden honesty, the undervaluation flag is precise, and an
//! injected rise of one category's inspection rate is alerted within a week while the stable
//! categories raise nothing. The bounds sit below the figures measured at the default seed
//! (`SIMULATION.md`), with a margin; they are not tuned to pass.

use landed_server_sims::{harness, sim};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulation_meets_its_bounds() {
    let s = harness::server(harness::postgres_url().as_deref(), "test-platform")
        .await
        .expect("server");
    let cfg = sim::Config::default();
    let r = sim::run(&s.state, &s.app, &s.key, &s.tenant, &cfg).await;
    let summary = sim::summary(&cfg, &r);
    println!("{summary}");
    assert_eq!(r.parcels, 7200, "{summary}");
    assert!(r.auc >= 0.90, "profile AUC {:.3}\n{summary}", r.auc);
    assert!(
        r.precision >= 0.85,
        "flag precision {:.3}\n{summary}",
        r.precision
    );
    assert!(r.recall >= 0.35, "flag recall {:.3}\n{summary}", r.recall);
    let days = r.days_to_alert.expect("the injected rise is alerted");
    assert!(days <= 7, "alerted after {days} days\n{summary}");
    assert_eq!(r.false_alerts, 0, "{summary}");
    // The lanes follow honesty: most dishonest sellers are out of green, most honest ones in it.
    let (green_honest, green_dishonest) = r.lanes.get("green").copied().unwrap_or_default();
    assert!(green_honest > 5 * green_dishonest, "{summary}");
}

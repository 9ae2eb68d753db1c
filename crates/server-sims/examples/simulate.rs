//! Runs the seeded clearance simulation (`landed_server_sims::sim`) through the real server on a
//! throwaway SQLite database and prints its figures.
//!
//! ```text
//! cargo run --release -p landed-server-sims --example simulate            # the default run of tests/sim.rs
//! cargo run --release -p landed-server-sims --example simulate -- 11 300 # seed, sellers
//! ```

use landed_server_sims::{harness, sim};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut cfg = sim::Config::default();
    if let Some(seed) = args.next() {
        cfg.seed = seed.parse()?;
    }
    if let Some(sellers) = args.next() {
        cfg.sellers = sellers.parse()?;
    }
    if let Some(per_day) = args.next() {
        cfg.parcels_per_day = per_day.parse()?;
    }
    if let Some(days) = args.next() {
        cfg.days = days.parse()?;
    }
    if let Some(from) = args.next() {
        let from: i64 = from.parse()?;
        cfg.injection = cfg.injection.map(|(d, h, _, r)| (d, h, from, r));
    }
    cfg.curve = std::env::var_os("SIM_CURVE").is_some();
    let server = harness::server(None, "simulation").await?;
    let started = std::time::Instant::now();
    let report = sim::run(
        &server.state,
        &server.app,
        &server.key,
        &server.tenant,
        &cfg,
    )
    .await;
    print!("{}", sim::summary(&cfg, &report));
    if cfg.curve {
        println!(
            "undervaluation rule on {} lines with a reference:",
            report.references.len()
        );
        for z in [0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5] {
            for cap in [600, 700] {
                let (p, r, n) = sim::flag_curve(&report, z, cap);
                println!(
                    "  robust_z {z:.1} cap {cap}‰: precision {p:.3} recall {r:.3} ({n} flagged)"
                );
            }
        }
    }
    println!("took {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

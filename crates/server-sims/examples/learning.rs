//! Runs the seeded learning-loop simulation (`landed_server_sims::learning_sim`) through the real
//! server on a throwaway SQLite database and prints its weekly table.
//!
//! ```text
//! cargo run --release -p landed-server-sims --example learning                # seed 7, 12 weeks, 150 parcels a week
//! cargo run --release -p landed-server-sims --example learning -- 8 300 12    # seed, parcels a week, weeks
//! LEARNING_ALL_TEXTS=1 cargo run --release -p landed-server-sims --example learning   # also texts the classifier trained on
//! LEARNING_CONTROL=1 cargo run --release -p landed-server-sims --example learning     # control: clearances without codes
//! ```

use landed_server_sims::harness;
use landed_server_sims::learning_sim::{self, SimError};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut cfg = learning_sim::Config::default();
    if let Some(seed) = args.next() {
        cfg.seed = seed.parse()?;
    }
    if let Some(n) = args.next() {
        cfg.parcels_per_week = n.parse()?;
    }
    if let Some(w) = args.next() {
        cfg.weeks = w.parse()?;
    }
    cfg.holdout_only = std::env::var_os("LEARNING_ALL_TEXTS").is_none();
    cfg.learn = std::env::var_os("LEARNING_CONTROL").is_none();
    let server = harness::server(None, "learning simulation").await?;
    let started = std::time::Instant::now();
    match learning_sim::run(&server.state, &server.app, &server.key, &cfg).await {
        Ok(report) => print!("{}", learning_sim::summary(&cfg, &report)),
        Err(SimError::DataMissing(p)) => {
            eprintln!("skipped: {} not found; set LANDED_SHARED_DATA", p.display());
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    }
    println!("took {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

//! Runs the seeded learning-loop simulation (`landed_server::learning_sim`) through the real
//! server on a throwaway SQLite database and prints its weekly table.
//!
//! ```text
//! cargo run --release -p landed-server --example learning                # seed 7, 12 weeks, 150 parcels a week
//! cargo run --release -p landed-server --example learning -- 8 300 12    # seed, parcels a week, weeks
//! LEARNING_ALL_TEXTS=1 cargo run --release -p landed-server --example learning   # also texts the classifier trained on
//! LEARNING_CONTROL=1 cargo run --release -p landed-server --example learning     # control: clearances without codes
//! ```

use landed_server::learning_sim::{self, SimError};
use landed_server::{app, AppState, Store};

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
    let shm = std::path::Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        tempfile::tempdir_in(shm)?
    } else {
        tempfile::tempdir()?
    };
    let store = Store::connect(&format!(
        "sqlite://{}",
        dir.path().join("learning.db").display()
    ))
    .await?;
    let (_, key) = landed_server::create_tenant(&store, "learning simulation").await?;
    let state = AppState::new(store, true)?;
    let router = app(state.clone());
    let started = std::time::Instant::now();
    match learning_sim::run(&state, &router, &key, &cfg).await {
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

//! A server for a simulation run: a fresh store, one tenant, the state and its router.

use landed_server::{app, AppState, Store};

/// A server for one run: its state, router, the tenant's id and API key, and the temporary
/// directory that holds its SQLite file (none on PostgreSQL).
pub struct Server {
    /// The shared state (the simulations move its clock and read its store).
    pub state: AppState,
    /// The router, driven with `oneshot`.
    pub app: axum::Router,
    /// The tenant's id.
    pub tenant: String,
    /// The tenant's API key.
    pub key: String,
    /// Removed when the server is dropped.
    pub dir: Option<tempfile::TempDir>,
}

/// `DATABASE_URL` when it names PostgreSQL.
pub fn postgres_url() -> Option<String> {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
}

/// A server on `postgres` when given, else on a throwaway SQLite file in memory-backed
/// `/dev/shm` where there is one (the same code paths without a disk flush per commit).
pub async fn server(postgres: Option<&str>, tenant_name: &str) -> anyhow::Result<Server> {
    let (store, dir) = match postgres {
        Some(url) => (Store::connect(url).await?, None),
        None => {
            let shm = std::path::Path::new("/dev/shm");
            let dir = if shm.is_dir() {
                tempfile::tempdir_in(shm)?
            } else {
                tempfile::tempdir()?
            };
            let url = format!("sqlite://{}", dir.path().join("sim.db").display());
            (Store::connect(&url).await?, Some(dir))
        }
    };
    let (tenant, key) = landed_server::create_tenant(&store, tenant_name).await?;
    let state = AppState::new(store, true)?;
    Ok(Server {
        app: app(state.clone()),
        state,
        tenant,
        key,
        dir,
    })
}

//! `landed-server-sims`: the seeded simulations of `SIMULATION.md`, driven through the real server
//! (`landed-server`) with `oneshot` requests to its router. Development only (`publish = false`):
//! the server's library does not contain them and its production dependencies do not include
//! what they need (`md-5`).
//!
//! What they use of the server, all of it public API: [`landed_server::AppState`] (`new`,
//! `set_now`, its `store` and `pack`), [`landed_server::app`], [`landed_server::Store`]
//! (`connect`, `unit_values`), [`landed_server::create_tenant`], [`landed_server::rfc3339`],
//! [`landed_server::inspection::scan`] (over the state's store); and of the domain crate the
//! undervaluation rule ([`landed_domain::risk`]) and [`landed_domain::money::from_minor`].

pub mod harness;
pub mod learning_sim;
pub mod sim;

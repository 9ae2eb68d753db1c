//! `landed-domain`: the pure rules of the landed-cost server, beside the core (`landed`). They take
//! plain data and return plain data: no HTTP (axum), no database (sqlx), no async runtime (tokio).
//! The server (`landed-server`) reads and writes what they need and answers with what they decide.
//!
//! - [`ledger`]: the settlement transfers of the double-entry ledger;
//! - [`timeline`]: a parcel's clearance states and their allowed transitions;
//! - [`risk`]: reference unit values and the undervaluation flag;
//! - [`profile`]: a seller's score and lane from their parcels;
//! - [`inspection`]: the inspection-rate rise test (one-sided Fisher exact test);
//! - [`money`]: integer minor units back to decimals.

pub mod inspection;
pub mod ledger;
pub mod money;
pub mod profile;
pub mod risk;
pub mod timeline;

//! The Lead Importer server: configuration, the router (pages, server functions, REST API),
//! middleware, the admin CLI and telemetry set-up. Business logic lives in the crates.

pub mod cli;
pub mod config;
pub mod db;
pub mod http;
pub mod metrics;
pub mod middleware;
pub mod rest;
pub mod router;
pub mod telemetry;

pub use router::build_router;

//! The server's router and database tests, as one test binary: one link instead of one per
//! file, which is most of a test build's time on two cores. Each module is one area.
#![allow(clippy::unwrap_used, clippy::expect_used)] // reason: a failing test should panic with the value it got

mod common;

mod accounts_api;
mod alerts;
mod aliases_api;
mod api;
mod apply_api;
mod config_api;
mod corpus_api;
mod dashboard;
mod drift;
mod imports_api;
mod leptos_config;
mod metrics;
mod openapi;
mod production_http;
mod prometheus;
mod telemetry;

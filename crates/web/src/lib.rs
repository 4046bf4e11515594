//! The Leptos UI of Lead Importer: the app shell, pages and their server functions.
//!
//! With the `ssr` feature this crate renders on the server and runs the server functions
//! (calling the service crates); with `hydrate` it runs in the browser as WASM. Shared
//! types live in `model` so both sides agree on what travels between them.

// The wizard's views are deeply nested static types; the release build of the hydrate
// code needs more than the default 128 levels to lay them out.
#![recursion_limit = "256"]

pub mod app;
pub mod components;
pub mod error;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;
pub mod server_fns;

pub use app::{shell, App};

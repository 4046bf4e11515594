//! Building blocks shared by pages.

mod layout;

pub use layout::{AppLayout, ErrorNote};

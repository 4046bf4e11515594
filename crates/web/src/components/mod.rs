//! Building blocks shared by pages.

pub mod grid;
mod layout;
mod stepper;

pub use layout::{AppLayout, ErrorNote};
pub use stepper::{Stepper, WizardStep};

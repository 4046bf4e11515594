//! Building blocks shared by pages.

mod layout;
mod stepper;

pub use layout::{AppLayout, ErrorNote};
pub use stepper::{Stepper, WizardStep};

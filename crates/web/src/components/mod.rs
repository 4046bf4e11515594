//! Building blocks shared by pages.

mod apply_panel;
pub mod grid;
mod layout;
mod stepper;

pub use apply_panel::ApplyPanel;
pub use layout::{AdminsOnly, AppLayout, ErrorNote};
pub use stepper::{Stepper, WizardStep};

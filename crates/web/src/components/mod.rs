//! Building blocks shared by pages.

mod apply_panel;
mod layout;
mod stepper;

pub use apply_panel::ApplyPanel;
pub use layout::{AppLayout, ErrorNote};
pub use stepper::{Stepper, WizardStep};

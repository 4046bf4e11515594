//! The import pages: the history, the upload step and the wizard of a staged import.

mod file_step;
mod filter;
mod history;
mod mapping_step;
mod new;
mod preview_step;
mod review_step;
mod summary_step;
mod wizard;

pub use history::ImportsPage;
pub use new::NewImportPage;
pub use summary_step::{ApplyDecision, ApplySlot};
pub use wizard::{ImportWizardPage, WizardCtx};

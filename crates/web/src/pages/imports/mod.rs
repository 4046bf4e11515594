//! The import pages: the history, the upload step and the review of a staged import.

mod history;
mod new;
mod review;

pub use history::ImportsPage;
pub use new::NewImportPage;
pub use review::ImportReviewPage;

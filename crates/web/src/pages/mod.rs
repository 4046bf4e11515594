//! One module per page.

mod admin_audit;
mod admin_dashboard;
mod admin_presets;
mod admin_rules;
mod admin_tokens;
mod admin_users;
mod help;
mod home;
pub mod imports;
mod login;
mod not_found;

pub use admin_audit::AdminAuditPage;
pub use admin_dashboard::AdminDashboardPage;
pub use admin_presets::AdminPresetsPage;
pub use admin_rules::AdminRulesPage;
pub use admin_tokens::AdminTokensPage;
pub use admin_users::AdminUsersPage;
pub use help::CodeHelpPage;
pub use home::HomePage;
pub use imports::{ImportWizardPage, ImportsPage, NewImportPage};
pub use login::LoginPage;
pub use not_found::NotFoundPage;

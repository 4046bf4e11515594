//! Server functions: the UI's calls into the service layer. Each one decodes its input,
//! checks the caller's role, calls a service function and maps the error; nothing more.

pub mod aliases;
pub mod apply;
pub mod audit;
pub mod config;
pub mod dashboard;
pub mod help;
pub mod imports;
pub mod presets;
pub mod review;
pub mod session;
pub mod tokens;
pub mod users;
pub mod wizard;

pub use aliases::{approve_alias, list_alias_proposals, propose_alias, reject_alias};
pub use apply::{apply_import, revert_import, ApplyImport, RevertImport};
pub use audit::audit_log;
pub use config::{
    diff_config_versions, field_usage, list_config_versions, preview_config, publish_config,
    rollback_config, rules_config,
};
pub use dashboard::dashboard_figures;
pub use help::help_for_code;
pub use imports::{get_import, import_rows, list_imports};
pub use presets::{delete_preset, list_presets, update_preset};
pub use review::{bulk_action, edit_cells, import_config, redo, undo, undo_state};
pub use session::{get_me, login, logout, Login, Logout};
pub use tokens::{create_token, list_tokens, revoke_token, CreateToken};
pub use users::{add_user, list_users, remove_user, update_user, AddUser};
pub use wizard::{file_preview, remap_import, reread_file, revalidate_import, save_preset};

//! Data that travels between the server and the browser and is the UI's own (the signed-in
//! user). Everything else is the contract crate's (`api`),
//! re-exported here so pages name one module.

use serde::{Deserialize, Serialize};

/// The signed-in user as the UI shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub email: String,
    pub display_name: String,
    pub company_slug: String,
    pub company_name: String,
    pub role: Role,
}

impl Me {
    /// Whether the admin pages apply to this user.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

pub use api::*;

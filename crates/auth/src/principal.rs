//! The signed-in identity and its role checks.

use uuid::Uuid;

pub use api::Role;

use crate::AuthError;

/// Who is calling, in which company, with which role. The company always comes from here
/// (the session or token), never from a request body.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Principal {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub company_id: Uuid,
    pub company_slug: String,
    pub company_name: String,
    pub role: Role,
}

impl Principal {
    /// Every member may read and import; this documents the check at the call site.
    pub fn require_member(&self) -> Result<&Self, AuthError> {
        Ok(self)
    }

    /// Only admins may change configuration, presets shared company-wide, and users.
    pub fn require_admin(&self) -> Result<&Self, AuthError> {
        match self.role {
            Role::Admin => Ok(self),
            Role::Member => Err(AuthError::Forbidden),
        }
    }

    pub(crate) fn from_row(row: store::accounts::PrincipalRow) -> Result<Self, AuthError> {
        Ok(Principal {
            user_id: row.user_id,
            email: row.email,
            display_name: row.display_name,
            company_id: row.company_id,
            company_slug: row.company_slug,
            company_name: row.company_name,
            role: row.role.parse()?,
        })
    }
}

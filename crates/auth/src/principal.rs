//! The signed-in identity and its role checks.

use std::fmt;

use uuid::Uuid;

use crate::AuthError;

/// A role within one company.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Member,
}

impl Role {
    /// The role's name as stored in `memberships.role`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = AuthError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "admin" => Ok(Role::Admin),
            "member" => Ok(Role::Member),
            other => Err(AuthError::Invalid(format!(
                "Unknown role \"{other}\": use admin or member."
            ))),
        }
    }
}

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

//! Users and API tokens on the wire: a company's members with their roles, and the tokens
//! scripts sign in with.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::{TokenId, UserId};

/// A role within one company.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Changes the rules, shared presets, users and tokens, and reads the audit log.
    Admin,
    /// Uploads, reviews, applies and reverts imports.
    Member,
}

impl Role {
    /// The role's name, as stored in `memberships.role` and sent on the wire.
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

/// A role name that is neither `admin` nor `member`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRole(pub String);

impl fmt::Display for UnknownRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Unknown role \"{}\": use admin or member.", self.0)
    }
}

impl std::error::Error for UnknownRole {}

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "admin" => Ok(Role::Admin),
            "member" => Ok(Role::Member),
            other => Err(UnknownRole(other.to_owned())),
        }
    }
}

/// A member of the company, as `GET /api/users` lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UserView {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// False once an admin deactivated the member: they cannot sign in and their sessions
    /// and tokens are refused until they are activated again.
    pub active: bool,
    /// When they joined this company.
    #[serde(with = "crate::timestamp")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub joined_at: OffsetDateTime,
}

/// `GET /api/users`: the company's members, admins first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UserList {
    pub users: Vec<UserView>,
}

/// `POST /api/users`: adds someone to the company. A new e-mail gets an account with this
/// password; an e-mail that has an account in another company keeps its password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct NewUser {
    pub email: String,
    #[serde(default)]
    pub display_name: String,
    pub role: Role,
    /// The initial password (at least 8 characters) for a new account.
    #[serde(default)]
    pub password: String,
}

/// `PATCH /api/users/{id}`: what to change; fields left out stay as they are. (Not the
/// display name: an account may belong to several companies, and one company's admin does
/// not rename it for the others. Any other field is refused.)
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    #[serde(default)]
    pub role: Option<Role>,
    /// False deactivates the member: their sessions end at once.
    #[serde(default)]
    pub active: Option<bool>,
}

/// An API token as listed: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TokenView {
    pub id: TokenId,
    pub name: String,
    /// The e-mail of the member the token acts as.
    pub owner: String,
    #[serde(with = "crate::timestamp")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub created_at: OffsetDateTime,
    #[serde(with = "crate::timestamp::option")]
    #[schemars(with = "Option<String>", extend("format" = "date-time"))]
    pub last_used_at: Option<OffsetDateTime>,
}

/// `GET /api/tokens`: the company's tokens that are not revoked, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TokenList {
    pub tokens: Vec<TokenView>,
}

/// `POST /api/tokens`: a token acting as the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct NewToken {
    /// A label to recognise it by, unique in the company (1–100 characters).
    pub name: String,
}

/// The answer to `POST /api/tokens`: the token and, this once, its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CreatedToken {
    #[serde(flatten)]
    pub token: TokenView,
    /// The secret `li_…`: send it as `Authorization: Bearer …`. Only a hash is stored; it
    /// cannot be shown again.
    #[serde(rename = "token")]
    pub secret: String,
}

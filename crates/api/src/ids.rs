//! Id newtypes: an import id cannot be passed where a lead id is expected. On the wire each
//! is the plain UUID string.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
        )]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// The UUID inside, for the store.
            pub fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                $name(id)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            /// Surrounding blanks are forgiven (ids pasted from a URL or a sheet).
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim()).map($name)
            }
        }
    };
}

id!(
    /// An import (one uploaded file, its staged rows and what became of them).
    ImportId
);
id!(
    /// A saved mapping preset.
    PresetId
);
id!(
    /// A lead in the CRM table.
    LeadId
);
id!(
    /// A user account (one person, possibly a member of several companies).
    UserId
);
id!(
    /// An API token.
    TokenId
);
id!(
    /// An alias proposal.
    ProposalId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_a_plain_uuid_string_on_the_wire_and_parses_with_blanks_around() {
        let id: ImportId = " 6f1c2a4e-8b9d-4c3e-9f00-1a2b3c4d5e6f ".parse().unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"6f1c2a4e-8b9d-4c3e-9f00-1a2b3c4d5e6f\"");
        assert_eq!(serde_json::from_str::<ImportId>(&json).unwrap(), id);
        assert!("not-a-uuid".parse::<ImportId>().is_err());
    }
}

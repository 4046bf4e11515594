//! The rule engine shared by the browser (WASM) and the server: configuration model,
//! transformers, validators, error codes, header matching and duplicate keys. Pure: no I/O.

pub mod codes;
pub mod config;
pub mod config_diff;
pub mod config_edit;
pub mod conformance;
mod countries_data;
pub mod country;
pub mod dates;
pub mod email;
pub mod engine;
pub mod formula;
pub mod headers;
pub mod issue;
pub mod number;
pub mod phone;
pub mod text;
pub mod url;
mod vocab;

pub use codes::{Code, Level};
pub use config::{json_schema, ImportConfig};
pub use engine::{BatchOutcome, RowOutcome, RowStatus, Validator};
pub use headers::{header_fingerprint, suggest_mapping, ColumnSuggestion, MatchReason};
pub use issue::{Issue, SuggestedFix};

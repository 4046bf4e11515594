//! The one list of stable issue codes (file, header, row, cell — modelled on Frictionless)
//! and their levels. The dotted strings are an API: reports, REST and telemetry use them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How bad an issue is. `error` blocks a row from being imported, `warning` lets it through
/// with a note, `info` only tells the user what was changed.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Info,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The code string was not one of [`Code::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown issue code `{0}`")]
pub struct UnknownCode(pub String);

impl FromStr for Level {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "info" => Ok(Level::Info),
            "warning" => Ok(Level::Warning),
            "error" => Ok(Level::Error),
            other => Err(UnknownCode(other.to_owned())),
        }
    }
}

/// Where in the file a code applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    File,
    Header,
    Row,
    Cell,
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $text:literal, $level:ident; )*) => {
        /// Every stable issue code. `as_str` gives the dotted form used on the wire.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// All codes, in documentation order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The stable dotted string, e.g. `cell.email_invalid`.
            pub const fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $text, )* }
            }

            /// The level this code has unless the configuration says otherwise (a field's
            /// requirement or `on_invalid` may turn an error into a warning).
            pub const fn default_level(self) -> Level {
                match self { $( Code::$variant => Level::$level, )* }
            }
        }

        /// On the wire a code is its dotted string, one of this list.
        impl schemars::JsonSchema for Code {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                "Code".into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "description": "A stable issue code (docs/error-codes.md).",
                    "enum": [ $( $text, )* ],
                })
            }
        }

        impl FromStr for Code {
            type Err = UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $( $text => Ok(Code::$variant), )*
                    other => Err(UnknownCode(other.to_owned())),
                }
            }
        }
    };
}

codes! {
    /// The file has no data at all.
    FileEmpty = "file.empty", Error;
    /// The text encoding could not be recognised.
    FileEncodingUnknown = "file.encoding_unknown", Error;
    /// A legacy encoding was guessed; accents may be wrong.
    FileEncodingGuessed = "file.encoding_guessed", Warning;
    /// The upload is larger than the size limit.
    FileTooLarge = "file.too_large", Error;
    /// The sheet has more rows than the row limit.
    FileTooManyRows = "file.too_many_rows", Error;
    /// The sheet has more columns than the column limit.
    FileTooManyColumns = "file.too_many_columns", Error;
    /// A zip entry inflates beyond the allowed size.
    FileZipBomb = "file.zip_bomb", Error;
    /// Reading the file took longer than the time budget.
    FileTooSlow = "file.too_slow", Error;
    /// The workbook is password protected.
    FileEncrypted = "file.encrypted", Error;
    /// Not CSV, TSV, XLSX, XLS or ODS.
    FileUnsupportedFormat = "file.unsupported_format", Error;
    /// The file claims a known format but cannot be read.
    FileUnreadable = "file.unreadable", Error;
    /// The sheet asked for does not exist in the workbook.
    FileSheetNotFound = "file.sheet_not_found", Error;
    /// A reading option (header row, delimiter, encoding) cannot apply to this file.
    FileOptionInvalid = "file.option_invalid", Error;
    /// No row looks like a header row.
    FileHeaderNotFound = "file.header_not_found", Warning;
    /// Two columns have the same header text.
    HeaderDuplicate = "header.duplicate", Warning;
    /// A column has no header text.
    HeaderEmpty = "header.empty", Warning;
    /// A column is not mapped to any field and will not be imported.
    HeaderUnmapped = "header.unmapped", Info;
    /// Two columns want the same field; only one can have it.
    HeaderFieldConflict = "header.field_conflict", Warning;
    /// A field whose requirement is error has no column.
    HeaderRequiredMissing = "header.required_missing", Error;
    /// The row has more cells than the header.
    RowExtraCells = "row.extra_cells", Warning;
    /// The row has fewer cells than the header.
    RowMissingCells = "row.missing_cells", Warning;
    /// An earlier row in this file has the same duplicate key.
    RowDuplicateInFile = "row.duplicate_in_file", Warning;
    /// A lead with the same duplicate key already exists.
    RowDuplicateInDb = "row.duplicate_in_db", Warning;
    /// A cross-field rule failed.
    RowRuleFailed = "row.rule_failed", Error;
    /// Every cell of the row is empty; the row is skipped.
    RowEmpty = "row.empty", Info;
    /// A quoted CSV field was never closed.
    RowUnclosedQuote = "row.unclosed_quote", Error;
    /// A required value is missing.
    CellRequired = "cell.required", Error;
    /// Not a usable e-mail address.
    CellEmailInvalid = "cell.email_invalid", Error;
    /// A well-formed address whose domain looks like a typo.
    CellEmailTypo = "cell.email_typo", Warning;
    /// Not a valid phone number.
    CellPhoneInvalid = "cell.phone_invalid", Error;
    /// The phone number belongs to a different country than the row's country.
    CellPhoneCountryMismatch = "cell.phone_country_mismatch", Warning;
    /// A phone number stored as a spreadsheet number (leading zero or digits may be lost).
    CellNumberAsPhone = "cell.number_as_phone", Warning;
    /// Not one of the allowed values.
    CellEnumUnknown = "cell.enum_unknown", Error;
    /// Not a date.
    CellDateInvalid = "cell.date_invalid", Error;
    /// A date that reads both day-first and month-first, and the column does not settle it.
    CellDateAmbiguous = "cell.date_ambiguous", Error;
    /// Longer than the maximum length.
    CellTooLong = "cell.too_long", Error;
    /// Shorter than the minimum length.
    CellTooShort = "cell.too_short", Error;
    /// Does not match the field's pattern.
    CellPatternMismatch = "cell.pattern_mismatch", Error;
    /// Not a number.
    CellNumberInvalid = "cell.number_invalid", Error;
    /// A number outside the allowed range.
    CellOutOfRange = "cell.out_of_range", Error;
    /// Not a web address.
    CellUrlInvalid = "cell.url_invalid", Error;
    /// Not a recognised country.
    CellCountryUnknown = "cell.country_unknown", Error;
    /// The value was changed by a transformer (information only).
    CellNormalized = "cell.normalized", Info;
    /// The spreadsheet cell held a formula; its cached result was used.
    CellFormulaCached = "cell.formula_cached", Info;
    /// The value starts like a spreadsheet formula (`=`, `@`, or `+`/`-` calling something).
    CellFormulaLike = "cell.formula_like", Warning;
    /// The spreadsheet cell held an error value such as #N/A or #REF!.
    CellErrorValue = "cell.error_value", Error;
    /// The cell was longer than the intake limit and was cut.
    CellTruncated = "cell.truncated", Error;
    /// NUL characters (U+0000) were removed from the cell.
    CellNulRemoved = "cell.nul_removed", Warning;
}

impl Code {
    /// File, header, row or cell.
    pub fn scope(self) -> Scope {
        let s = self.as_str();
        if s.starts_with("file.") {
            Scope::File
        } else if s.starts_with("header.") {
            Scope::Header
        } else if s.starts_with("row.") {
            Scope::Row
        } else {
            Scope::Cell
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Code::from_str(&s).map_err(serde::de::Error::custom)
    }
}

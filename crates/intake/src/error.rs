//! The errors that stop intake from reading a file, each with a stable code and a hint.

use crate::issue::Code;

/// Why a file (or the rest of it) cannot be read. Each variant maps to a stable code
/// via [`IntakeError::code`]; `Display` is the human message, [`IntakeError::hint`]
/// says what to do.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// Zero bytes, or no cell with a value.
    #[error("the file is empty")]
    Empty,
    /// Over the upload size limit.
    #[error("the file is {size} bytes, more than the limit of {limit} bytes")]
    TooLarge {
        /// Size of the file.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A sheet holds more cells than the limit (or, for XLS, spans a larger grid).
    #[error("the sheet holds more than {limit} cells")]
    TooManyCells {
        /// The limit.
        limit: u64,
    },
    /// More rows than the limit.
    #[error("the file has more than {limit} rows")]
    TooManyRows {
        /// The limit.
        limit: u32,
    },
    /// More columns than the limit.
    #[error("row {row} has {columns} columns, more than the limit of {limit}")]
    TooManyColumns {
        /// The first row seen over the limit (1-based).
        row: u32,
        /// Columns seen.
        columns: u64,
        /// The limit.
        limit: u32,
    },
    /// Not a spreadsheet or delimited text file.
    #[error("the file is not a CSV, TSV, XLSX, XLS or ODS file ({detail})")]
    UnsupportedFormat {
        /// What was found instead.
        detail: String,
    },
    /// A password-protected workbook.
    #[error("the workbook is password protected")]
    Encrypted,
    /// A zip container whose entries inflate past the limits.
    #[error("the file looks like a zip bomb: {detail}")]
    ZipBomb {
        /// Which limit and which entry.
        detail: String,
    },
    /// Reading took longer than the time budget (see [`crate::Limits::open_time_budget`]).
    #[error("reading the file took longer than the limit of {limit_ms} ms")]
    TooSlow {
        /// The budget that ran out, in milliseconds from the start of the read.
        limit_ms: u64,
    },
    /// A spreadsheet container that cannot be parsed.
    #[error("the file is damaged and cannot be read ({detail})")]
    Corrupt {
        /// The parser's reason.
        detail: String,
    },
    /// The encoding given by the caller is unknown, or the text cannot be decoded.
    #[error("the text encoding {name:?} is not known")]
    EncodingUnknown {
        /// The label given or detected.
        name: String,
    },
    /// The requested sheet does not exist.
    #[error("there is no sheet {wanted:?}; the sheets are: {}", available.join(", "))]
    SheetNotFound {
        /// What the caller asked for.
        wanted: String,
        /// Names of the sheets present.
        available: Vec<String>,
    },
    /// A caller option does not fit this file (e.g. a header row past the end).
    #[error("{0}")]
    InvalidOption(String),
    /// Reading the stored upload failed (server-side problem, not the user's file).
    #[error("the file could not be read")]
    Io(#[from] std::io::Error),
}

impl IntakeError {
    /// The stable code of this error (`as_str` gives the dotted form).
    pub fn code(&self) -> Code {
        match self {
            IntakeError::Empty => Code::FileEmpty,
            IntakeError::TooLarge { .. } | IntakeError::TooManyCells { .. } => Code::FileTooLarge,
            IntakeError::TooManyRows { .. } => Code::FileTooManyRows,
            IntakeError::TooManyColumns { .. } => Code::FileTooManyColumns,
            IntakeError::UnsupportedFormat { .. } => Code::FileUnsupportedFormat,
            IntakeError::Encrypted => Code::FileEncrypted,
            IntakeError::ZipBomb { .. } => Code::FileZipBomb,
            IntakeError::TooSlow { .. } => Code::FileTooSlow,
            IntakeError::Corrupt { .. } | IntakeError::Io(_) => Code::FileUnreadable,
            IntakeError::EncodingUnknown { .. } => Code::FileEncodingUnknown,
            IntakeError::SheetNotFound { .. } => Code::FileSheetNotFound,
            IntakeError::InvalidOption(_) => Code::FileOptionInvalid,
        }
    }

    /// The human message (same as `Display`).
    pub fn message(&self) -> String {
        self.to_string()
    }

    /// What the user can do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            IntakeError::Empty => "Check that you picked the right file and that it was saved with data.",
            IntakeError::TooLarge { .. } | IntakeError::TooManyCells { .. } => {
                "Split the file into smaller files, or remove unused sheets and columns."
            }
            IntakeError::TooManyRows { .. } => "Split the file into several files with fewer rows.",
            IntakeError::TooManyColumns { .. } => {
                "Delete unused columns (and stray cells far to the right), or export only the columns you need."
            }
            IntakeError::UnsupportedFormat { .. } => {
                "Save the file as CSV (UTF-8) or as an Excel workbook (.xlsx) and upload it again."
            }
            IntakeError::Encrypted => {
                "Open the workbook, remove the password (File > Info > Protect Workbook), save and upload it again."
            }
            IntakeError::ZipBomb { .. } => {
                "The file expands to far more data than it holds. Re-save it from your spreadsheet program."
            }
            IntakeError::TooSlow { .. } => {
                "The file takes far longer to read than its size suggests. Re-save it from your spreadsheet program, or save it as CSV UTF-8."
            }
            IntakeError::Corrupt { .. } | IntakeError::Io(_) => {
                "Open the file in your spreadsheet program, save it again (or as CSV UTF-8) and upload the new copy."
            }
            IntakeError::EncodingUnknown { .. } => {
                "Choose the encoding from the list, or save the file as CSV UTF-8."
            }
            IntakeError::SheetNotFound { .. } => "Pick one of the listed sheets.",
            IntakeError::InvalidOption(_) => "Change the option and try again.",
        }
    }

    pub(crate) fn corrupt(detail: impl std::fmt::Display) -> Self {
        IntakeError::Corrupt {
            detail: detail.to_string(),
        }
    }
}

//! The help entry of an issue code, read from `docs/error-codes.md` (compiled into the
//! server, so the page and the document cannot disagree; the browser bundle does not
//! carry it). Public, like the document: no sign-in needed.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::CodeHelp;

/// The entry of `code`, or `None` for a code that does not exist.
#[server(prefix = "/api/fn", endpoint = "help/code")]
pub async fn help_for_code(code: String) -> Result<Option<CodeHelp>, AppError> {
    Ok(catalogue::lookup(&code))
}

#[cfg(feature = "ssr")]
pub mod catalogue {
    use crate::model::{Code, CodeHelp};

    const DOC: &str = include_str!("../../../../docs/error-codes.md");

    /// The table row of `code`: `| code | level | raised by | meaning | hint |`.
    pub fn lookup(code: &str) -> Option<CodeHelp> {
        let code: Code = code.trim().parse().ok()?;
        let wanted = format!("| `{}` |", code.as_str());
        let line = DOC.lines().find(|l| l.starts_with(&wanted))?;
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
        let [_, _, raised_by, meaning, fix] = cells.as_slice() else {
            return None;
        };
        // The document's inline code marks read as plain text on the page.
        let plain = |s: &str| s.replace('`', "");
        Some(CodeHelp {
            code,
            level: code.default_level(),
            raised_by: plain(raised_by),
            meaning: plain(meaning),
            fix: plain(fix),
        })
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn every_code_has_a_help_entry_and_an_unknown_one_has_none() {
            for code in Code::ALL {
                let help = lookup(code.as_str())
                    .unwrap_or_else(|| panic!("{code}: no row in docs/error-codes.md"));
                assert!(!help.meaning.is_empty() && !help.fix.is_empty(), "{code}");
            }
            let email = lookup("cell.email_invalid").expect("a known code");
            assert_eq!(email.meaning, "Not a usable e-mail address.");
            assert_eq!(email.raised_by, "rules");
            assert!(lookup("cell.nope").is_none());
        }
    }
}

//! The browser's instant check of an edited row: the `rules` crate's Validator, built from
//! the configuration version the import was checked with (and the date orders its dry run
//! decided), fed the row's values exactly as the server's revalidation feeds them. The
//! server's answer remains the authority; this only makes the grid answer at once.

use std::collections::HashMap;

use rules::engine::ColumnAnalysis;
use rules::Validator;

use crate::model::{ColumnMapping, ImportConfigView, Issue, RowView};

/// A compiled validator and how the import's columns feed its fields.
#[derive(Debug)]
pub struct BrowserCheck {
    validator: Validator,
    /// For each validator field, the header of the column that feeds it.
    headers: Vec<Option<String>>,
}

/// The browser's verdict on one row.
#[derive(Debug, Clone, PartialEq)]
pub struct RowVerdict {
    /// Issues by field key (row-level issues under `None` are dropped: the server's
    /// duplicate checks need the whole import).
    pub issues: Vec<Issue>,
}

impl RowVerdict {
    /// The issues of one field.
    pub fn for_field(&self, field: &str) -> Vec<Issue> {
        self.issues
            .iter()
            .filter(|i| i.field.as_deref() == Some(field))
            .cloned()
            .collect()
    }
}

impl BrowserCheck {
    /// Compiles the import's configuration with its mapping.
    pub fn new(config: &ImportConfigView, columns: &[ColumnMapping]) -> Result<Self, String> {
        let mut validator =
            Validator::new(&config.config).map_err(|e| format!("configuration: {e:?}"))?;
        // The server stages without `cell.normalized` notes; the grid must match it.
        validator.set_normalization_notes(false);
        validator.apply_column_analysis(&ColumnAnalysis {
            dates: config.date_columns.clone(),
        });
        let by_field: HashMap<&str, &str> = columns
            .iter()
            .filter_map(|c| c.field.as_deref().map(|f| (f, c.header.as_str())))
            .collect();
        let headers = validator
            .fields()
            .iter()
            .map(|f| by_field.get(f.key.as_str()).map(|h| (*h).to_owned()))
            .collect();
        let check = BrowserCheck { validator, headers };
        check.warm_up();
        Ok(check)
    }

    /// Runs the validator once over typical good and bad values of every field type, so
    /// the one-time work (phone metadata, country and vocabulary tables, regex caches) is
    /// done now and not on the user's first edit.
    fn warm_up(&self) {
        use rules::config::FieldType as T;
        let sample = |good: bool, t: &T| -> &'static str {
            match (t, good) {
                (T::Email, true) => "warm.up@example.com",
                (T::Email, false) => "warm.up@gmial.con",
                (T::Phone, true) => "+49 30 12345678",
                (T::Phone, false) => "030 1234",
                (T::Country, true) => "Germany",
                (T::Country, false) => "Germny",
                (T::Date, true) => "2024-01-31",
                (T::Date, false) => "31/01/24",
                (T::Url, true) => "https://example.com",
                (T::Url, false) => "example com",
                (T::Number, true) => "12",
                (T::Number, false) => "twelve",
                (T::Enum, true) => "new",
                (T::Enum, false) => "Neu Lead",
                (T::Text, _) => "Warm Up",
            }
        };
        for good in [true, false] {
            let values: Vec<Option<&str>> = self
                .validator
                .fields()
                .iter()
                .map(|f| Some(sample(good, &f.field_type)))
                .collect();
            let _ = self.validator.validate_row(1, &values);
        }
    }

    /// Validates `row` with `changes` (`field → value`, `None` = cleared) applied on top of
    /// its stored edits, in the same order of precedence as the server: change, stored
    /// edit, original cell of the mapped column.
    pub fn check(&self, row: &RowView, changes: &HashMap<String, Option<String>>) -> RowVerdict {
        let values: Vec<Option<String>> = self
            .validator
            .fields()
            .iter()
            .zip(&self.headers)
            .map(|(field, header)| {
                if let Some(v) = changes.get(&field.key) {
                    return v.clone();
                }
                match row.edits.get(&field.key) {
                    Some(serde_json::Value::String(s)) => Some(s.clone()),
                    Some(_) => None,
                    None => header
                        .as_ref()
                        .and_then(|h| row.original.get(h))
                        .and_then(|v| v.as_str())
                        .map(str::to_owned),
                }
            })
            .collect();
        let borrowed: Vec<Option<&str>> = values.iter().map(Option::as_deref).collect();
        let outcome = self.validator.validate_row(row.row, &borrowed);
        let issues = outcome
            .issues
            .iter()
            .filter(|i| i.field.is_some())
            .cloned()
            .collect();
        RowVerdict { issues }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use crate::model::RowStatus;

    use super::*;

    fn setup() -> (BrowserCheck, RowView) {
        let config = ImportConfigView {
            version: 1,
            config: rules::config::ImportConfig::default_leads(),
            date_columns: Vec::new(),
        };
        let columns = vec![
            ColumnMapping {
                index: 0,
                header: "Mail".into(),
                field: Some("email".into()),
                confidence: 1.0,
                reason: "exact".into(),
            },
            ColumnMapping {
                index: 1,
                header: "Name".into(),
                field: Some("last_name".into()),
                confidence: 1.0,
                reason: "exact".into(),
            },
        ];
        let row = RowView {
            row: 3,
            seq: 1,
            status: RowStatus::Error,
            original: BTreeMap::from([
                ("Mail".to_owned(), serde_json::json!("not-an-email")),
                ("Name".to_owned(), serde_json::json!("Broken")),
            ]),
            normalized: BTreeMap::new(),
            edits: BTreeMap::new(),
            issues: Vec::new(),
            excluded: false,
        };
        (BrowserCheck::new(&config, &columns).unwrap(), row)
    }

    #[test]
    fn the_original_bad_email_is_an_error_and_a_fixed_one_is_not() {
        let (check, row) = setup();
        let before = check.check(&row, &HashMap::new()).for_field("email");
        assert_eq!(before.len(), 1);
        assert_eq!(before[0].code.as_str(), "cell.email_invalid");
        assert_eq!(before[0].level.as_str(), "error");
        let fixed = HashMap::from([("email".to_owned(), Some("bob@example.com".to_owned()))]);
        assert!(check.check(&row, &fixed).for_field("email").is_empty());
    }

    #[test]
    fn a_stored_edit_counts_unless_a_newer_change_overrides_it() {
        let (check, mut row) = setup();
        row.edits
            .insert("email".into(), serde_json::json!("ok@example.org"));
        assert!(check
            .check(&row, &HashMap::new())
            .for_field("email")
            .is_empty());
        let broken = HashMap::from([("email".to_owned(), Some("nope".to_owned()))]);
        assert_eq!(check.check(&row, &broken).for_field("email").len(), 1);
    }
}

//! The review step's row filter (status, issue code, column, search text) as it lives in
//! the query string, so every view of the rows has an address and works without JavaScript.

use leptos_router::params::ParamsMap;

/// The current filter and, for the page-by-page table without JavaScript, the offset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub status: Option<String>,
    pub code: Option<String>,
    pub field: Option<String>,
    pub q: Option<String>,
    pub offset: i64,
}

impl Filter {
    /// Reads the filter from the query string; empty values mean "no filter".
    pub fn from_query(query: &ParamsMap) -> Filter {
        let nonempty = |k: &str| query.get(k).filter(|v| !v.trim().is_empty());
        Filter {
            status: nonempty("status"),
            code: nonempty("code"),
            field: nonempty("field"),
            q: nonempty("q"),
            offset: query
                .get("offset")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
                .max(0),
        }
    }

    /// The review step's address with this filter.
    pub fn href(&self) -> String {
        let mut parts = vec!["step=review".to_owned()];
        for (key, value) in [
            ("status", &self.status),
            ("code", &self.code),
            ("field", &self.field),
            ("q", &self.q),
        ] {
            if let Some(v) = value {
                parts.push(format!("{key}={}", encode(v)));
            }
        }
        if self.offset > 0 {
            parts.push(format!("offset={}", self.offset));
        }
        format!("?{}", parts.join("&"))
    }

    /// The rows this filter selects, as the server is asked for them (a status a
    /// hand-edited address misspells selects every row).
    pub fn row_query(&self, offset: i64, limit: i64) -> crate::model::RowQuery {
        crate::model::RowQuery {
            offset: Some(offset),
            limit: Some(limit),
            status: self.status.as_deref().and_then(|s| s.parse().ok()),
            field: self.field.clone(),
            code: self.code.clone(),
            q: self.q.clone(),
        }
    }

    pub fn only(status: Option<&str>, code: Option<&str>) -> Filter {
        Filter {
            status: status.map(str::to_owned),
            code: code.map(str::to_owned),
            ..Filter::default()
        }
    }

    pub fn at(&self, offset: i64) -> Filter {
        Filter {
            offset: offset.max(0),
            ..self.clone()
        }
    }

    /// The same filter from the first row (the grid scrolls; it has no offset).
    pub fn without_offset(&self) -> Filter {
        self.at(0)
    }

    pub fn is_empty(&self) -> bool {
        self.status.is_none() && self.code.is_none() && self.field.is_none() && self.q.is_none()
    }
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// What the current filter shows, in words.
pub fn describe(filter: &Filter) -> String {
    let mut parts = Vec::new();
    match filter.status.as_deref() {
        Some("error") => parts.push("Rows with errors".to_owned()),
        Some("warning") => parts.push("Rows with warnings".to_owned()),
        Some("valid") => parts.push("Valid rows".to_owned()),
        Some(other) => parts.push(format!("Rows with status {other}")),
        None => {}
    }
    if let Some(code) = &filter.code {
        parts.push(format!("rows with issue {code}"));
    }
    if let Some(field) = &filter.field {
        parts.push(format!("rows with an issue in {field}"));
    }
    if let Some(q) = &filter.q {
        parts.push(format!("rows containing “{q}”"));
    }
    if parts.is_empty() {
        "All rows.".to_owned()
    } else {
        let mut text = parts.join(", ");
        if let Some(first) = text.get(..1) {
            text = first.to_uppercase() + &text[1..];
        }
        text + "."
    }
}

#[cfg(test)]
mod tests {
    use super::{describe, Filter};

    #[test]
    fn a_filter_becomes_a_query_string_of_the_review_step() {
        let f = Filter::only(Some("error"), Some("cell.email_invalid")).at(50);
        assert_eq!(
            f.href(),
            "?step=review&status=error&code=cell.email_invalid&offset=50"
        );
        assert_eq!(Filter::default().href(), "?step=review");
        let searched = Filter {
            q: Some("a b&c".into()),
            ..Filter::default()
        };
        assert_eq!(searched.href(), "?step=review&q=a%20b%26c");
    }

    #[test]
    fn the_filter_is_described_in_words() {
        assert_eq!(describe(&Filter::default()), "All rows.");
        assert_eq!(
            describe(&Filter::only(Some("error"), None)),
            "Rows with errors."
        );
    }
}

//! Whole batches: duplicate keys of a row, the column analysis (day/month order of date
//! columns) and validating many rows with in-file duplicates counted.

use super::*;

impl Validator {
    /// Duplicate keys of a row of normalized values, in the configured priority order, so
    /// the server can look up existing leads with exactly the keys the batch used. Invalid
    /// values yield no key.
    pub fn dedupe_keys<S: AsRef<str>>(
        &self,
        normalized: &[Option<S>],
    ) -> Vec<(DedupeKeyKind, String)> {
        let get = |i: usize| {
            normalized
                .get(i)
                .and_then(|v| v.as_ref())
                .map(AsRef::as_ref)
        };
        let d = &self.config.duplicates;
        let mut keys = Vec::with_capacity(d.keys.len());
        for k in &d.keys {
            match k {
                DedupeKeyKind::Email => {
                    if let Some(e) = self.email_field.and_then(get) {
                        if email::check(e).is_ok() {
                            keys.push((
                                *k,
                                email::dedupe_key(e, d.fold_plus_addressing, d.fold_gmail_dots),
                            ));
                        }
                    }
                }
                DedupeKeyKind::Phone => {
                    if let Some(p) = self.phone_field.and_then(get) {
                        if is_e164(p) {
                            keys.push((*k, p.to_owned()));
                        }
                    }
                }
                DedupeKeyKind::NameCompany => {
                    if let Some((a, b, c)) = self.name_company {
                        if let (Some(a), Some(b), Some(c)) = (get(a), get(b), get(c)) {
                            keys.push((
                                *k,
                                format!(
                                    "{}|{}|{}",
                                    text::fold_words(a),
                                    text::fold_words(b),
                                    text::fold_words(c)
                                ),
                            ));
                        }
                    }
                }
            }
        }
        keys
    }

    /// Looks at every date column of a batch and decides day-first or month-first from
    /// values that can only be read one way.
    pub fn analyze_columns<'a, V: AsRef<[Option<&'a str>]>>(
        &self,
        rows: &[(u32, V)],
    ) -> ColumnAnalysis {
        let mut dates_out = Vec::new();
        for (fi, f) in self.fields.iter().enumerate() {
            if !(f.is_date || f.steps.contains(&Transformer::DateIso)) {
                continue;
            }
            let mut col = DateColumn {
                field: f.spec.key.clone(),
                order: self.date_orders[fi],
                day_first_rows: Vec::new(),
                month_first_rows: Vec::new(),
                ambiguous_rows: Vec::new(),
                ambiguous_count: 0,
            };
            let (mut df, mut mf) = (0u32, 0u32);
            for (row, values) in rows {
                let Some(v) = values.as_ref().get(fi).copied().flatten() else {
                    continue;
                };
                match dates::evidence(v) {
                    Evidence::DayFirst => {
                        df += 1;
                        push_capped(&mut col.day_first_rows, *row);
                    }
                    Evidence::MonthFirst => {
                        mf += 1;
                        push_capped(&mut col.month_first_rows, *row);
                    }
                    Evidence::Either => {
                        col.ambiguous_count += 1;
                        push_capped(&mut col.ambiguous_rows, *row);
                    }
                    Evidence::Neutral | Evidence::Invalid => {}
                }
            }
            if col.order == DateOrder::Auto {
                col.order = match (df > 0, mf > 0) {
                    (true, false) => DateOrder::DayFirst,
                    (false, true) => DateOrder::MonthFirst,
                    _ => DateOrder::Auto,
                };
            }
            dates_out.push(col);
        }
        ColumnAnalysis { dates: dates_out }
    }

    /// Validates many rows: the column pass, every row, then duplicates inside the batch
    /// (the first occurrence of a key wins; later rows get `row.duplicate_in_file`).
    pub fn validate_batch<'a, V: AsRef<[Option<&'a str>]>>(
        &self,
        rows: &[(u32, V)],
    ) -> BatchOutcome<'a> {
        let columns = self.analyze_columns(rows);
        let mut orders = self.date_orders.clone();
        for c in &columns.dates {
            if let Some(i) = self.field_index(&c.field) {
                orders[i] = c.order;
            }
        }
        let ambiguous: HashMap<&str, String> = columns
            .dates
            .iter()
            .filter(|c| c.is_ambiguous())
            .map(|c| (c.field.as_str(), c.evidence_text()))
            .collect();
        let mut out: Vec<RowOutcome<'a>> = Vec::with_capacity(rows.len());
        // One map per key kind so lookups borrow the key instead of cloning it.
        let mut first_seen: [HashMap<String, u32>; 3] = Default::default();
        let kind_slot = |k: DedupeKeyKind| match k {
            DedupeKeyKind::Email => 0,
            DedupeKeyKind::Phone => 1,
            DedupeKeyKind::NameCompany => 2,
        };
        let mut by_code = vec![0u32; Code::ALL.len()];
        let mut stats = BatchStats::default();
        for (row, values) in rows {
            let mut r = self.validate_row_with(*row, values.as_ref(), &orders);
            if !ambiguous.is_empty() {
                for issue in r
                    .issues
                    .iter_mut()
                    .filter(|i| i.code == Code::CellDateAmbiguous)
                {
                    if let Some(text) = issue.field.as_deref().and_then(|f| ambiguous.get(f)) {
                        issue.message.push(' ');
                        issue.message.push_str(text);
                    }
                }
            }
            if r.status != RowStatus::Empty {
                let mut dup: Option<(DedupeKeyKind, &str, u32)> = None;
                for (kind, key) in &r.keys {
                    let seen = &mut first_seen[kind_slot(*kind)];
                    match seen.get(key.as_str()) {
                        Some(&first) => {
                            if dup.is_none() {
                                dup = Some((*kind, key.as_str(), first));
                            }
                        }
                        None => {
                            seen.insert(key.clone(), *row);
                        }
                    }
                }
                if let Some((kind, key, first)) = dup {
                    let field = match kind {
                        DedupeKeyKind::Email => self.email_field.map(|i| self.specs[i].key.clone()),
                        DedupeKeyKind::Phone => self.phone_field.map(|i| self.specs[i].key.clone()),
                        DedupeKeyKind::NameCompany => Some("last_name".to_owned()),
                    };
                    let mut issue = Issue::new(
                        Code::RowDuplicateInFile,
                        *row,
                        format!(
                            "Same {} as row {first} ({key}); the first row wins.",
                            kind.as_str().replace('_', " + ")
                        ),
                    )
                    .with_value(key)
                    .with_hint("Remove this row or change its key if it is a different lead.");
                    issue.field = field;
                    r.issues.push(issue);
                    r.duplicate_of = Some(first);
                    if r.status == RowStatus::Valid {
                        r.status = RowStatus::Warning;
                    }
                    stats.duplicates_in_file += 1;
                }
            }
            stats.rows += 1;
            match r.status {
                RowStatus::Valid => stats.valid += 1,
                RowStatus::Warning => stats.warning += 1,
                RowStatus::Error => stats.error += 1,
                RowStatus::Empty => stats.empty += 1,
            }
            for i in &r.issues {
                by_code[i.code as usize] += 1;
            }
            out.push(r);
        }
        for (code, &count) in Code::ALL.iter().zip(&by_code) {
            if count > 0 {
                stats.issues_by_code.insert(code.as_str().to_owned(), count);
            }
        }
        BatchOutcome {
            rows: out,
            columns,
            stats,
        }
    }
}

pub(super) fn push_capped(v: &mut Vec<u32>, row: u32) {
    if v.len() < 10 {
        v.push(row);
    }
}

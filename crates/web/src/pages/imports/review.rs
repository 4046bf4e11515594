//! `/imports/{id}`: a staged import — the file's facts, the mapping, the dry run's counts
//! and top issue codes, and the staged rows, filtered and paged through query parameters
//! (`status`, `code`, `field`, `offset`) so every view has an address and the page works
//! without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::{AppLayout, ErrorNote, Stepper, WizardStep};
use crate::model::{ImportSummaryView, RowPageView, RowView, RowsQuery};
use crate::server_fns::{get_import, import_rows};

/// Rows per page of the table.
const PAGE_SIZE: i64 = 50;
/// How many issue codes the preview lists.
const TOP_CODES: usize = 8;

/// The current filter and position, as read from (and written to) the query string.
#[derive(Debug, Clone, Default, PartialEq)]
struct Filter {
    status: Option<String>,
    code: Option<String>,
    field: Option<String>,
    offset: i64,
}

impl Filter {
    /// The query string of this filter (`?` alone when empty, which clears the filter).
    fn href(&self) -> String {
        let mut parts = Vec::new();
        for (key, value) in [
            ("status", &self.status),
            ("code", &self.code),
            ("field", &self.field),
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

    fn only(status: Option<&str>, code: Option<&str>) -> Filter {
        Filter {
            status: status.map(str::to_owned),
            code: code.map(str::to_owned),
            ..Filter::default()
        }
    }

    fn at(&self, offset: i64) -> Filter {
        Filter {
            offset: offset.max(0),
            ..self.clone()
        }
    }

    fn is_empty(&self) -> bool {
        self.status.is_none() && self.code.is_none() && self.field.is_none()
    }
}

/// Percent-encodes a query value (codes and field keys are plain ASCII, but be safe).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The review page of one import.
#[component]
pub fn ImportReviewPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let filter = Memo::new(move |_| {
        let q = query.read();
        let nonempty = |k: &str| q.get(k).filter(|v| !v.trim().is_empty());
        Filter {
            status: nonempty("status"),
            code: nonempty("code"),
            field: nonempty("field"),
            offset: q
                .get("offset")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
                .max(0),
        }
    });
    // Blocking: the server sends the finished page, so it reads without JavaScript.
    let summary = Resource::new_blocking(id, get_import);
    let rows = Resource::new_blocking(
        move || {
            let f = filter.get();
            RowsQuery {
                import_id: id(),
                offset: f.offset,
                limit: PAGE_SIZE,
                status: f.status,
                field: f.field,
                code: f.code,
            }
        },
        import_rows,
    );

    view! {
        <Title text="Review import"/>
        <AppLayout children=move |_| view! {
            <Transition fallback=|| view! { <p class="loading">"Loading the import…"</p> }>
                {move || Suspend::new(async move {
                    let summary = summary.await;
                    let rows = rows.await;
                    let f = filter.get_untracked();
                    match (summary, rows) {
                        (Ok(s), Ok(r)) => view! { <Review summary=s rows=r filter=f/> }.into_any(),
                        (Err(err), _) | (_, Err(err)) => view! {
                            <h1>"Import"</h1>
                            <ErrorNote message=err.message/>
                            <p><a href="/imports">"Back to all imports"</a></p>
                        }.into_any(),
                    }
                })}
            </Transition>
        }/>
    }
}

fn step_anchor(step: WizardStep) -> Option<String> {
    match step {
        WizardStep::Upload => Some("/imports/new".to_owned()),
        WizardStep::Mapping => Some("#mapping".to_owned()),
        WizardStep::Preview => Some("#preview".to_owned()),
        WizardStep::Review => Some("#review".to_owned()),
        WizardStep::Summary => None,
    }
}

#[component]
fn Review(summary: ImportSummaryView, rows: RowPageView, filter: Filter) -> impl IntoView {
    let samples = sample_values(&summary, &rows.rows);
    let file = summary.file.clone();
    view! {
        <div class="page-head">
            <h1>"Review " <span class="file-name">{file.name.clone()}</span></h1>
            <span class=format!("badge status-{}", summary.status)>{summary.status.clone()}</span>
        </div>
        <Stepper current=WizardStep::Review link=step_anchor/>
        <div class="review-top">
            <FileFactsPanel summary=summary.clone()/>
            <PreviewPanel summary=summary.clone() filter=filter.clone()/>
        </div>
        <MappingPanel summary=summary.clone() samples/>
        <RowsPanel summary rows filter/>
    }
}

#[component]
fn FileFactsPanel(summary: ImportSummaryView) -> impl IntoView {
    let uploaded = format!(
        "{} UTC{}",
        summary.created_short(),
        summary
            .created_by
            .as_deref()
            .map(|by| format!(" by {by}"))
            .unwrap_or_default()
    );
    let f = summary.file;
    let or_dash = |v: Option<String>| {
        v.filter(|s| !s.is_empty())
            .unwrap_or_else(|| "—".to_owned())
    };
    let delimiter = f.delimiter.map(|d| match d.as_str() {
        "\t" => "tab".to_owned(),
        " " => "space".to_owned(),
        other => other.to_owned(),
    });
    view! {
        <section class="panel" aria-labelledby="file-heading">
            <h2 id="file-heading">"File"</h2>
            <dl class="facts">
                <dt>"Format"</dt><dd>{f.format.to_uppercase()}</dd>
                <dt>"Encoding"</dt><dd>{or_dash(f.encoding)}</dd>
                <dt>"Delimiter"</dt><dd><code>{or_dash(delimiter)}</code></dd>
                <dt>"Sheet"</dt><dd>{or_dash(f.sheet)}</dd>
                <dt>"Header row"</dt><dd>{f.header_row}</dd>
                <dt>"Rows"</dt><dd>{f.total_rows}</dd>
                <dt>"Source"</dt><dd>{or_dash(Some(summary.source))}</dd>
                <dt>"Uploaded"</dt>
                <dd>{uploaded}</dd>
            </dl>
        </section>
    }
}

#[component]
fn PreviewPanel(summary: ImportSummaryView, filter: Filter) -> impl IntoView {
    let s = summary.stats;
    let cards = [
        ("valid", "Valid", s.valid_rows),
        ("warning", "Warnings", s.warning_rows),
        ("error", "Errors", s.error_rows),
        ("dup", "Duplicates in file", s.duplicate_in_file),
        ("dup", "Duplicates in database", s.duplicate_in_db),
    ];
    let top = s.top_codes(TOP_CODES);
    let current_code = filter.code.clone();
    view! {
        <section class="panel" id="preview" aria-labelledby="preview-heading">
            <h2 id="preview-heading">"Preview"</h2>
            <div class="stat-cards">
                {cards
                    .into_iter()
                    .enumerate()
                    .map(|(i, (kind, label, n))| {
                        let label_id = format!("stat-{i}");
                        let labelledby = label_id.clone();
                        view! {
                            <div class=format!("stat stat-{kind}") role="group" aria-labelledby=labelledby>
                                <span class="stat-value">{n}</span>
                                <span class="stat-label" id=label_id>{label}</span>
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
            <p class="muted small">{format!("{} rows in total", s.total_rows)}</p>
            {(!top.is_empty()).then(|| view! {
                <h3 class="subhead">"Top issues"</h3>
                <ul class="code-list">
                    {top
                        .into_iter()
                        .map(|(code, n)| {
                            let href = format!("{}#review", Filter::only(None, Some(&code)).href());
                            let current = (current_code.as_deref() == Some(code.as_str())).then_some("true");
                            view! {
                                <li>
                                    <a href=href aria-current=current><code>{code}</code></a>
                                    <span class="count">{n}</span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            })}
        </section>
    }
}

#[component]
fn MappingPanel(summary: ImportSummaryView, samples: Vec<Option<String>>) -> impl IntoView {
    let preset = summary.mapping.preset_name.clone();
    view! {
        <section class="panel table-panel" id="mapping" aria-labelledby="mapping-heading">
            <h2 id="mapping-heading">"Mapping"</h2>
            {preset.map(|name| view! { <p class="muted">"From the saved mapping " <strong>{name}</strong> "."</p> })}
            <div class="scroll-x">
                <table class="table">
                    <caption class="visually-hidden">"Column mapping"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Column"</th>
                            <th scope="col">"Sample"</th>
                            <th scope="col">"Field"</th>
                            <th scope="col" class="num">"Confidence"</th>
                            <th scope="col">"Reason"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {summary
                            .mapping
                            .columns
                            .into_iter()
                            .zip(samples)
                            .map(|(c, sample)| {
                                let ignored = c.field.is_none();
                                let confidence = format!("{:.0} %", c.confidence * 100.0);
                                let level = if c.confidence >= 0.9 { "high" } else if c.confidence >= 0.6 { "medium" } else { "low" };
                                view! {
                                    <tr class:ignored=ignored>
                                        <th scope="row">{c.header}</th>
                                        <td class="sample">{sample.unwrap_or_default()}</td>
                                        <td>
                                            {match c.field {
                                                Some(f) => view! { <code>{f}</code> }.into_any(),
                                                None => view! { <span class="muted">"Ignored"</span> }.into_any(),
                                            }}
                                        </td>
                                        <td class="num">
                                            {(!ignored).then(|| view! { <span class=format!("confidence {level}")>{confidence}</span> })}
                                        </td>
                                        <td class="muted">{c.reason}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// A sample value per mapped column: the first non-empty original cell on the loaded page.
fn sample_values(summary: &ImportSummaryView, rows: &[RowView]) -> Vec<Option<String>> {
    summary
        .mapping
        .columns
        .iter()
        .map(|c| {
            rows.iter().find_map(|r| match r.original.get(&c.header) {
                Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
                _ => None,
            })
        })
        .collect()
}

#[component]
fn RowsPanel(summary: ImportSummaryView, rows: RowPageView, filter: Filter) -> impl IntoView {
    // The mapped columns, in file order: (field key, header).
    let columns: Vec<(String, String)> = summary
        .mapping
        .columns
        .iter()
        .filter_map(|c| c.field.clone().map(|f| (f, c.header.clone())))
        .collect();
    let page = rows.page;
    let first = if page.total == 0 { 0 } else { page.offset + 1 };
    let last = (page.offset + rows.rows.len() as i64).min(page.total);
    let prev = (page.offset > 0).then(|| filter.at(page.offset - page.limit).href());
    let next = (last < page.total).then(|| filter.at(page.offset + page.limit).href());
    let filter_links = [
        ("All rows", Filter::default()),
        ("Only errors", Filter::only(Some("error"), None)),
        ("Only warnings", Filter::only(Some("warning"), None)),
    ];
    let active = filter.clone();
    let described = describe(&filter);
    let column_count = columns.len() + 3;
    view! {
        <section class="panel table-panel" id="review" aria-labelledby="review-heading">
            <div class="rows-head">
                <h2 id="review-heading">"Rows"</h2>
                <nav class="filters" aria-label="Row filters">
                    {filter_links
                        .into_iter()
                        .map(|(label, f)| {
                            let is_current = f.status == active.status && active.code.is_none() && active.field.is_none();
                            let href = format!("{}#review", f.href());
                            view! {
                                <a class="chip" href=href aria-current=is_current.then_some("true")>{label}</a>
                            }
                        })
                        .collect_view()}
                </nav>
            </div>
            <p class="muted small" role="status">
                {described} {format!(" Showing {first}–{last} of {}.", page.total)}
            </p>
            <div class="scroll-x">
                <table class="table rows-table">
                    <caption class="visually-hidden">"Staged rows"</caption>
                    <thead>
                        <tr>
                            <th scope="col" class="num">"Row"</th>
                            <th scope="col">"Status"</th>
                            {columns
                                .iter()
                                .map(|(field, header)| view! {
                                    <th scope="col"><span class="field-key">{field.clone()}</span><span class="header-name">{header.clone()}</span></th>
                                })
                                .collect_view()}
                            <th scope="col">"Issues"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {if rows.rows.is_empty() {
                            let message = if filter.is_empty() { "This import has no rows." } else { "No rows match this filter." };
                            view! {
                                <tr><td colspan=column_count.to_string() class="empty-row">{message}</td></tr>
                            }.into_any()
                        } else {
                            rows.rows
                                .into_iter()
                                .map(|r| view! { <RowLine row=r columns=columns.clone()/> })
                                .collect_view()
                                .into_any()
                        }}
                    </tbody>
                </table>
            </div>
            <nav class="pager" aria-label="Pages">
                {match prev {
                    Some(href) => view! { <a class="button secondary" href=format!("{href}#review") rel="prev">"Previous"</a> }.into_any(),
                    None => view! { <span class="button secondary" aria-disabled="true">"Previous"</span> }.into_any(),
                }}
                {match next {
                    Some(href) => view! { <a class="button secondary" href=format!("{href}#review") rel="next">"Next"</a> }.into_any(),
                    None => view! { <span class="button secondary" aria-disabled="true">"Next"</span> }.into_any(),
                }}
            </nav>
        </section>
    }
}

/// What the current filter shows, in words.
fn describe(filter: &Filter) -> String {
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

#[component]
fn RowLine(row: RowView, columns: Vec<(String, String)>) -> impl IntoView {
    let seq = row.seq;
    let issue_id = move |i: usize| format!("issue-{seq}-{i}");
    let status = row.status.clone();
    let (marker, status_label) = match status.as_str() {
        "error" => ("✕", "Error"),
        "warning" => ("!", "Warning"),
        "valid" => ("✓", "Valid"),
        _ => ("·", "Other"),
    };
    let cells = columns
        .iter()
        .map(|(field, header)| {
            let value = row.display_value(field, header);
            let ids: Vec<String> = row
                .issues
                .iter()
                .enumerate()
                .filter(|(_, issue)| issue.field.as_deref() == Some(field.as_str()))
                .map(|(i, _)| issue_id(i))
                .collect();
            let worst = row
                .issues
                .iter()
                .filter(|issue| issue.field.as_deref() == Some(field.as_str()))
                .map(|issue| issue.level.as_str())
                .fold("", |acc, level| {
                    if acc == "error" || level == "error" {
                        "error"
                    } else if level == "warning" || acc == "warning" {
                        "warning"
                    } else {
                        level
                    }
                });
            let invalid = (!ids.is_empty()).then_some("true");
            let describedby = (!ids.is_empty()).then(|| ids.join(" "));
            let class = if worst.is_empty() {
                String::new()
            } else {
                format!("cell-{worst}")
            };
            view! { <td class=class aria-invalid=invalid aria-describedby=describedby>{value}</td> }
        })
        .collect_view();
    let issues = row
        .issues
        .iter()
        .enumerate()
        .map(|(i, issue)| {
            let level = issue.level.clone();
            let field = issue.field.clone().map(|f| format!("{f}: "));
            let hint = issue.hint.clone();
            view! {
                <li id=issue_id(i) class=format!("issue issue-{level}")>
                    <span class="visually-hidden">{format!("{level}: ")}</span>
                    <strong>{field}</strong>
                    {issue.message.clone()}
                    {hint.map(|h| view! { <span class="hint">" " {h}</span> })}
                    " " <code class="issue-code">{issue.code.clone()}</code>
                </li>
            }
        })
        .collect_view();
    view! {
        <tr class=format!("row-{status}") class:excluded=row.excluded>
            <th scope="row" class="num row-no">{row.row}</th>
            <td>
                <span class=format!("badge status-{status}")>
                    <span aria-hidden="true">{marker} " "</span>
                    {status_label}
                </span>
            </td>
            {cells}
            <td class="issues-cell"><ul class="issues">{issues}</ul></td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::{describe, Filter};

    #[test]
    fn a_filter_becomes_a_query_string_and_back_to_no_filter() {
        let f = Filter::only(Some("error"), Some("cell.email_invalid")).at(50);
        assert_eq!(f.href(), "?status=error&code=cell.email_invalid&offset=50");
        assert_eq!(Filter::default().href(), "?");
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

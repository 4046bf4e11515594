//! The Review step: the live counts, the row filters (status, issue code, column, search)
//! and the rows. Without JavaScript the rows are a server-rendered table paged by links;
//! once the app has hydrated they become the editable, virtualized grid with bulk actions
//! and undo. Pending edits live in the page's `EditQueue`, which outlives filters and steps.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::components::grid::{BrowserCheck, BulkBar, Grid, GridColumn};
use crate::components::WizardStep;
use crate::model::{ImportSummary, RowPage, RowStatus, RowView};
use crate::server_fns::{import_config, revalidate_import, rules_config};

use super::filter::{describe, Filter};
use super::preview_step::StatCards;
use super::wizard::{StepNav, WizardCtx};

#[component]
pub fn ReviewStep(summary: ImportSummary, rows: Option<RowPage>) -> impl IntoView {
    let ctx = expect_context::<WizardCtx>();
    let query = use_query_map();
    let filter = Memo::new(move |_| Filter::from_query(&query.read()));
    let columns: Vec<GridColumn> = summary
        .mapping
        .columns
        .iter()
        .filter_map(|c| {
            c.field.clone().map(|f| GridColumn {
                label: f.clone(),
                field: f,
                header: c.header.clone(),
                allowed: Vec::new(),
            })
        })
        .collect();
    let queue = ctx.queue;
    let hydrated = ctx.hydrated;
    // Effects run only in the browser: this switches to the grid after hydration, loads
    // the configuration for the browser's check and asks what undo would do.
    let mapping = summary.mapping.columns.clone();
    // Each field's key, label and allowed values, from the import's configuration.
    let labels = RwSignal::new(Vec::<(String, String, Vec<String>)>::new());
    Effect::new(move |_| {
        queue.reload_undo_state();
        let id = ctx.import_id.get_untracked();
        let mapping = mapping.clone();
        leptos::task::spawn_local(async move {
            if let Ok(config) = import_config(id).await {
                labels.set(
                    config
                        .config
                        .fields
                        .iter()
                        .map(|f| {
                            let allowed = f
                                .constraints
                                .allowed
                                .iter()
                                .map(|a| a.value.clone())
                                .collect();
                            (f.key.clone(), f.label.clone(), allowed)
                        })
                        .collect(),
                );
                match BrowserCheck::new(&config, &mapping) {
                    Ok(check) => queue.check.set(Some(Arc::new(check))),
                    Err(e) => leptos::logging::warn!("the browser check is off: {e}"),
                }
            }
        });
    });
    let codes: Vec<String> = summary.stats.by_code.keys().cloned().collect();
    let message = RwSignal::new(None::<Result<String, String>>);
    let grid_columns = columns.clone();
    let undo =
        Callback::new(move |()| crate::components::grid::undo_redo_public(queue, message, true));
    let redo =
        Callback::new(move |()| crate::components::grid::undo_redo_public(queue, message, false));
    let checked_with = summary.config_version;
    view! {
        <RulesChanged checked_with/>
        <section class="panel review-panel" aria-labelledby="review-heading">
            <div class="rows-head">
                <h2 id="review-heading">"Rows"</h2>
                <StatCards stats=ctx.stats compact=true/>
            </div>
            <FilterBar filter columns=columns.clone() codes=codes.clone()/>
            <p class="muted small filter-words" role="status">{move || describe(&filter.get())}</p>
            {move || if hydrated.get() {
                let f = filter.get();
                let q = f.row_query(0, 0);
                let named: Vec<GridColumn> = grid_columns
                    .iter()
                    .map(|c| labels.with(|l| match l.iter().find(|(k, _, _)| *k == c.field) {
                        Some((_, label, allowed)) => GridColumn { label: label.clone(), allowed: allowed.clone(), ..c.clone() },
                        None => c.clone(),
                    }))
                    .collect();
                view! {
                    <BulkBar queue columns=named.clone() query=q.clone() codes=codes.clone() message/>
                    <Grid queue columns=named query=q on_undo=undo on_redo=redo/>
                }.into_any()
            } else {
                match rows.clone() {
                    Some(rows) => view! { <StaticRows rows columns=columns.clone() filter=filter.get_untracked()/> }.into_any(),
                    None => view! { <p class="loading">"Loading rows…"</p> }.into_any(),
                }
            }}
        </section>
        <StepNav current=WizardStep::Review/>
    }
}

/// Status chips, issue-code and column selects and the search box. A GET form: it works
/// without JavaScript, and with it the router navigates without reloading the page.
#[component]
fn FilterBar(filter: Memo<Filter>, columns: Vec<GridColumn>, codes: Vec<String>) -> impl IntoView {
    let chips = [
        ("All rows", None),
        ("Only errors", Some("error")),
        ("Only warnings", Some("warning")),
    ];
    let f = filter.get_untracked();
    view! {
        <div class="filter-bar">
            <nav class="filters" aria-label="Row filters">
                {chips.into_iter().map(|(label, status)| {
                    let target = Filter { status: status.map(str::to_owned), ..filter.get_untracked().without_offset() };
                    let target = if status.is_none() { Filter::default() } else { target };
                    let href = target.href();
                    let current = move || {
                        let f = filter.get();
                        let here = f.status.as_deref() == status && (status.is_some() || f.is_empty());
                        here.then_some("true")
                    };
                    view! { <a class="chip" href=href aria-current=current>{label}</a> }
                }).collect_view()}
            </nav>
            <Form method="GET" action="" attr:class="filter-form">
                <input type="hidden" name="step" value="review"/>
                {f.status.clone().map(|s| view! { <input type="hidden" name="status" value=s/> })}
                <div>
                    <label for="filter-code">"Issue"</label>
                    <select id="filter-code" name="code">
                        <option value="">"Any issue"</option>
                        {codes.into_iter().map(|c| {
                            let selected = f.code.as_deref() == Some(c.as_str());
                            view! { <option value=c.clone() selected=selected>{c.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div>
                    <label for="filter-field">"Column"</label>
                    <select id="filter-field" name="field">
                        <option value="">"Any column"</option>
                        {columns.into_iter().map(|c| {
                            let selected = f.field.as_deref() == Some(c.field.as_str());
                            view! { <option value=c.field.clone() selected=selected>{c.label.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="search">
                    <label for="filter-q">"Search rows"</label>
                    <input id="filter-q" type="search" name="q" value=f.q.clone().unwrap_or_default() placeholder="Text in any cell"/>
                </div>
                <button type="submit" class="button secondary">"Filter"</button>
            </Form>
        </div>
    }
}

#[component]
fn StaticRows(rows: RowPage, columns: Vec<GridColumn>, filter: Filter) -> impl IntoView {
    let columns: Vec<(String, String)> = columns.into_iter().map(|c| (c.field, c.header)).collect();
    let page = rows.page;
    let first = if page.total == 0 { 0 } else { page.offset + 1 };
    let last = (page.offset + rows.rows.len() as i64).min(page.total);
    let prev = (page.offset > 0).then(|| filter.at(page.offset - page.limit).href());
    let next = (last < page.total).then(|| filter.at(page.offset + page.limit).href());
    let column_count = columns.len() + 3;
    view! {
        <p class="muted small">{format!("Showing {first}–{last} of {}.", page.total)}</p>
        <div class="scroll-x">
            <table class="table rows-table">
                <caption class="visually-hidden">"Staged rows"</caption>
                <thead>
                    <tr>
                        <th scope="col" class="num">"Row"</th>
                        <th scope="col">"Status"</th>
                        {columns.iter().map(|(field, header)| view! {
                            <th scope="col"><span class="field-key">{field.clone()}</span><span class="header-name">{header.clone()}</span></th>
                        }).collect_view()}
                        <th scope="col">"Issues"</th>
                    </tr>
                </thead>
                <tbody>
                    {if rows.rows.is_empty() {
                        let message = if filter.is_empty() { "This import has no rows." } else { "No rows match this filter." };
                        view! { <tr><td colspan=column_count.to_string() class="empty-row">{message}</td></tr> }.into_any()
                    } else {
                        rows.rows.into_iter().map(|r| view! { <RowLine row=r columns=columns.clone()/> }).collect_view().into_any()
                    }}
                </tbody>
            </table>
        </div>
        <nav class="pager" aria-label="Pages">
            {match prev {
                Some(href) => view! { <a class="button secondary" href=href rel="prev">"Previous"</a> }.into_any(),
                None => view! { <span class="button secondary" aria-disabled="true">"Previous"</span> }.into_any(),
            }}
            {match next {
                Some(href) => view! { <a class="button secondary" href=href rel="next">"Next"</a> }.into_any(),
                None => view! { <span class="button secondary" aria-disabled="true">"Next"</span> }.into_any(),
            }}
        </nav>
    }
}

#[component]
fn RowLine(row: RowView, columns: Vec<(String, String)>) -> impl IntoView {
    let seq = row.seq;
    let issue_id = move |i: usize| format!("issue-{seq}-{i}");
    let (marker, status_label) = match row.status {
        RowStatus::Error => ("✕", "Error"),
        RowStatus::Warning => ("!", "Warning"),
        RowStatus::Valid => ("✓", "Valid"),
        RowStatus::Empty => ("·", "Other"),
    };
    let status = row.status.as_str();
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
            let level = issue.level;
            let field = issue.field.clone().map(|f| format!("{f}: "));
            let hint = issue.hint.clone();
            view! {
                <li id=issue_id(i) class=format!("issue issue-{level}")>
                    <span class="visually-hidden">{format!("{level}: ")}</span>
                    <strong>{field}</strong>
                    {issue.message.clone()}
                    {hint.map(|h| view! { <span class="hint">" " {h}</span> })}
                    " " <code class="issue-code">{issue.code.as_str()}</code>
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

/// A notice when the company published newer rules than this import was checked with,
/// offering to check the staged rows again with them (edits are kept). Asked in the
/// browser after hydration, so the server's page and the hydrated one agree.
#[component]
fn RulesChanged(checked_with: i32) -> impl IntoView {
    let ctx = expect_context::<WizardCtx>();
    let active = RwSignal::new(None::<i32>);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(view) = rules_config().await {
                active.set(Some(view.version));
            }
        });
    });
    let run = Action::new(move |_: &()| revalidate_import(ctx.import_id.get_untracked()));
    Effect::new(move |_| {
        if matches!(run.value().get(), Some(Ok(_))) {
            // The grid's browser check was compiled from the old version: load afresh.
            let _ = location().reload();
        }
    });
    move || {
        let newer = active.get().filter(|v| *v > checked_with)?;
        Some(view! {
            <div class="notice" role="region" aria-label="Newer rules">
                <p>{format!("These rows were checked with rules version {checked_with}; version {newer} has been published since.")}</p>
                <button type="button" class="button secondary" disabled=move || run.pending().get()
                    on:click=move |_| { run.dispatch(()); }>{format!("Revalidate with version {newer}")}</button>
                {move || run.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error-note" role="alert">{e.message}</p> })}
            </div>
        })
    }
}

//! The side panel of the grid: the active cell's field, value, original value and status,
//! every message with its hint, a one-click button for each suggested fix, the row's other
//! issues (duplicates, cross-field rules), and excluding or restoring the row.

use leptos::prelude::*;

use crate::model::{BulkAction, BulkRequest, Issue, Selection};
use crate::server_fns::bulk_action;

use super::cell::{cell_state, CellStatus};
use super::GridCtx;

#[component]
pub(super) fn DetailsPanel(ctx: GridCtx) -> impl IntoView {
    let busy = RwSignal::new(false);
    let current = Memo::new(move |_| {
        let (r, c) = ctx.active.get();
        let row = ctx.row_at(r)?;
        let column = ctx.column(c)?;
        let local = ctx
            .queue
            .local
            .with(|l| l.get(&(row.seq, column.field.clone())).cloned());
        let state = cell_state(&row, &column, local.as_ref());
        Some((row, column, state))
    });
    let toggle_excluded = move |seq: u32, exclude: bool| {
        let queue = ctx.queue;
        let id = queue.import_id.get_untracked();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let request = BulkRequest {
                action: if exclude {
                    BulkAction::Exclude
                } else {
                    BulkAction::Restore
                },
                selection: Selection {
                    seqs: Some(vec![seq]),
                    ..Selection::default()
                },
            };
            if let Ok(result) = bulk_action(id, request).await {
                queue.stats.set(result.stats);
                queue.rows_changed_on_server();
                queue.reload_undo_state();
            }
            busy.set(false);
        });
    };
    view! {
        <aside class="grid-details" aria-labelledby="details-heading">
            <h3 id="details-heading">"Cell details"</h3>
            {move || match current.get() {
                None => view! { <p class="muted">"Choose a cell to see its value and any problems."</p> }.into_any(),
                Some((row, column, state)) => {
                    let seq = row.seq;
                    let excluded = row.excluded;
                    let other: Vec<Issue> = row
                        .issues
                        .iter()
                        .filter(|i| i.field.as_deref() != Some(column.field.as_str()))
                        .cloned()
                        .collect();
                    let status_words = match state.status {
                        CellStatus::Plain => "No problems.",
                        CellStatus::Error => "Error: not importable until fixed.",
                        CellStatus::Warning => "Warning: importable, but check it.",
                        CellStatus::Fixed => "Fixed by an edit.",
                    };
                    let original_differs = state.original != state.text;
                    view! {
                        <p class="details-where">{format!("Row {} · {}", row.row, column.label)}</p>
                        <dl class="facts details-facts">
                            <dt>"Value"</dt><dd class="value">{if state.text.is_empty() { "(empty)".to_owned() } else { state.text.clone() }}</dd>
                            {original_differs.then(|| view! {
                                <dt>"Original"</dt><dd class="value">{if state.original.is_empty() { "(empty)".to_owned() } else { state.original.clone() }}</dd>
                            })}
                            <dt>"Status"</dt>
                            <dd class=format!("details-status {}", state.status.class())>
                                {status_words}
                                {state.unconfirmed.then(|| view! { <span class="muted small">" Checked here; saving…"</span> })}
                            </dd>
                        </dl>
                        {move || ctx.queue.last_check_ms.get().map(|ms| view! {
                            <p class="muted small">{format!("Last check in the browser: {ms:.2} ms.")}</p>
                        })}
                        <IssueList issues=state.issues.clone() row=row.clone() ctx/>
                        {(!other.is_empty()).then(|| view! {
                            <h4>"Other issues in this row"</h4>
                            <IssueList issues=other row=row.clone() ctx/>
                        })}
                        <button type="button" class="button secondary small-button" disabled=move || busy.get()
                            on:click=move |_| toggle_excluded(seq, !excluded)>
                            {if excluded { "Restore this row" } else { "Exclude this row" }}
                        </button>
                    }.into_any()
                }
            }}
        </aside>
    }
}

#[component]
fn IssueList(issues: Vec<Issue>, row: crate::model::RowView, ctx: GridCtx) -> impl IntoView {
    if issues.is_empty() {
        return ().into_any();
    }
    view! {
        <ul class="issues details-issues">
            {issues.into_iter().map(|issue| {
                let level = issue.level;
                let fix = issue.fix.clone().zip(issue.field.clone());
                let row = row.clone();
                view! {
                    <li class=format!("issue issue-{level}")>
                        <span class="visually-hidden">{format!("{level}: ")}</span>
                        {issue.message.clone()}
                        {issue.hint.clone().map(|h| view! { <span class="hint">" " {h}</span> })}
                        " " <code class="issue-code">{issue.code.as_str()}</code>
                        {fix.map(|(fix, field)| {
                            let value = fix.value.clone();
                            view! {
                                <div>
                                    <button type="button" class="button primary small-button"
                                        on:click=move |_| ctx.queue.edit(&row, &field, value.clone())>
                                        {fix.label.clone()}
                                    </button>
                                </div>
                            }
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

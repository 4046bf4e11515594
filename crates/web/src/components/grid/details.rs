//! The side panel of the grid: the active cell's field, value, original value and status,
//! every message with its hint, a one-click button for each suggested fix, the row's other
//! issues (duplicates, cross-field rules), excluding or restoring the row, and — after an
//! unknown enum value was fixed — proposing its spelling as an alias for an admin.

use leptos::prelude::*;

use crate::model::{BulkAction, BulkRequest, Issue, Selection};
use crate::server_fns::{bulk_action, propose_alias};

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
                    // A spelling fixed to an allowed value may be worth accepting next time.
                    let proposal = (state.status == CellStatus::Fixed
                        && !state.original.trim().is_empty()
                        && column.allowed.contains(&state.text))
                        .then(|| (column.field.clone(), state.original.clone(), state.text.clone()));
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
                        {proposal.map(|(field, alias, value)| view! { <ProposeAlias field alias value ctx/> })}
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
                        " " <a class="issue-code" href=format!("/help/codes/{}", issue.code.as_str())
                            title="What this code means and how to fix it"><code>{issue.code.as_str()}</code></a>
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

/// "Propose as an alias": asks an admin to accept the original spelling as `value` from
/// now on; says so once proposed, or why not.
#[component]
fn ProposeAlias(field: String, alias: String, value: String, ctx: GridCtx) -> impl IntoView {
    let sent = RwSignal::new(None::<Result<String, String>>);
    let question = format!(
        "\u{201c}{alias}\u{201d} was fixed to {value}. Should the rules read it as {value} from now on?"
    );
    let propose = {
        let (field, alias, value) = (field.clone(), alias.clone(), value.clone());
        move |_| {
            let (field, alias, value) = (field.clone(), alias.clone(), value.clone());
            let id = ctx.queue.import_id.get_untracked();
            leptos::task::spawn_local(async move {
                let answer = match id.parse() {
                    Ok(import_id) => propose_alias(field, alias.clone(), value.clone(), import_id)
                        .await
                        .map(|_| format!("Proposed. When an admin approves it, \u{201c}{alias}\u{201d} is read as {value} in every import."))
                        .map_err(|e| e.message),
                    Err(_) => Err("This import has no id yet.".to_owned()),
                };
                sent.set(Some(answer));
            });
        }
    };
    view! {
        <div class="propose-alias">
            {move || match sent.get() {
                None => {
                    let propose = propose.clone();
                    view! {
                        <p class="muted small">{question.clone()}</p>
                        <button type="button" class="button secondary small-button" on:click=propose>"Propose as an alias"</button>
                    }.into_any()
                }
                Some(Ok(text)) => view! { <p class="success-note" role="status">{text}</p> }.into_any(),
                Some(Err(message)) => view! { <p class="error-note" role="alert">{message}</p> }.into_any(),
            }}
        </div>
    }
    .into_any()
}

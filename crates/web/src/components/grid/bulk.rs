//! Bulk actions on a column or on the rows the current filter selects (clear, set a
//! default for empty cells, find and replace, apply the suggested fix for a code, exclude
//! or restore), undo and redo, and the save status of the edit queue.

use leptos::prelude::*;

use crate::components::ErrorNote;
use crate::model::{BulkAction, BulkRequest, RowQuery, Selection};
use crate::server_fns::{bulk_action, redo, undo};

use super::cell::GridColumn;
use super::store::{EditQueue, SaveState};

/// Undo (`true`) or redo (`false`), as a callback the grid's keyboard can call too.
pub fn undo_redo(
    queue: EditQueue,
    message: RwSignal<Option<Result<String, String>>>,
    is_undo: bool,
) {
    if queue.has_pending() || matches!(queue.save.get_untracked(), SaveState::Saving) {
        message.set(Some(Err(
            "Wait until your edits are saved, then undo.".to_owned()
        )));
        return;
    }
    let available = queue.undo.with_untracked(|u| {
        if is_undo {
            u.undo.is_some()
        } else {
            u.redo.is_some()
        }
    });
    if !available {
        return;
    }
    let id = queue.import_id.get_untracked();
    leptos::task::spawn_local(async move {
        let answer = if is_undo {
            undo(id).await
        } else {
            redo(id).await
        };
        match answer {
            Ok(r) => {
                queue.stats.set(r.stats);
                queue.undo.set(r.state);
                queue.local.set(Default::default());
                queue.rows_changed_on_server();
                let verb = if is_undo { "Undone" } else { "Redone" };
                message.set(Some(Ok(format!("{verb}: {}.", r.label))));
            }
            Err(e) => message.set(Some(Err(e.message))),
        }
    });
}

#[component]
pub fn BulkBar(
    queue: EditQueue,
    columns: Vec<GridColumn>,
    /// The current filter (the selection "rows matching the filter").
    query: RowQuery,
    /// Issue codes present in the import, for "apply the fix for a code".
    codes: Vec<String>,
    message: RwSignal<Option<Result<String, String>>>,
) -> impl IntoView {
    let action = RwSignal::new("set_default".to_owned());
    let field = RwSignal::new(columns.first().map(|c| c.field.clone()).unwrap_or_default());
    let value = RwSignal::new(String::new());
    let find = RwSignal::new(String::new());
    let replace = RwSignal::new(String::new());
    let code = RwSignal::new(codes.first().cloned().unwrap_or_default());
    let filtered = query.status.is_some()
        || query.code.is_some()
        || query.field.is_some()
        || query.q.is_some();
    let scope_filtered = RwSignal::new(filtered);
    let busy = RwSignal::new(false);
    let needs_field = move || {
        matches!(
            action.get().as_str(),
            "clear_column" | "set_default" | "find_replace"
        )
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let field = field.get_untracked();
        let action = match action.get_untracked().as_str() {
            "clear_column" => BulkAction::ClearColumn { field },
            "find_replace" => BulkAction::FindReplace {
                field,
                find: find.get_untracked(),
                replace: replace.get_untracked(),
            },
            "apply_fix" => BulkAction::ApplyFix {
                code: code.get_untracked(),
                field: None,
            },
            "exclude" => BulkAction::Exclude,
            "restore" => BulkAction::Restore,
            _ => BulkAction::SetDefault {
                field,
                value: value.get_untracked(),
            },
        };
        let selection = if scope_filtered.get_untracked() {
            Selection {
                seqs: None,
                status: query.status,
                filter_code: query.code.clone(),
                filter_field: query.field.clone(),
                q: query.q.clone(),
            }
        } else {
            Selection::default()
        };
        let request = BulkRequest { action, selection };
        let id = queue.import_id.get_untracked();
        busy.set(true);
        message.set(None);
        leptos::task::spawn_local(async move {
            match bulk_action(id, request).await {
                Ok(r) => {
                    queue.stats.set(r.stats);
                    queue.local.set(Default::default());
                    queue.rows_changed_on_server();
                    queue.reload_undo_state();
                    message.set(Some(Ok(format!("Done: {} rows changed.", r.affected))));
                }
                Err(e) => message.set(Some(Err(e.message))),
            }
            busy.set(false);
        });
    };
    let undo_label = move || queue.undo.with(|u| u.undo.clone());
    let redo_label = move || queue.undo.with(|u| u.redo.clone());
    view! {
        <div class="grid-toolbar">
            <div class="undo-redo">
                <button type="button" class="button secondary" disabled=move || undo_label().is_none()
                    on:click=move |_| undo_redo(queue, message, true)>
                    "Undo" {move || undo_label().map(|l| view! { <span class="small muted">" " {l}</span> })}
                </button>
                <button type="button" class="button secondary" disabled=move || redo_label().is_none()
                    on:click=move |_| undo_redo(queue, message, false)>
                    "Redo" {move || redo_label().map(|l| view! { <span class="small muted">" " {l}</span> })}
                </button>
            </div>
            <SaveStatus queue/>
        </div>
        <details class="bulk">
            <summary>"Bulk actions"</summary>
            <form class="bulk-form" on:submit=submit>
                <div>
                    <label for="bulk-action">"Action"</label>
                    <select id="bulk-action" on:change=move |ev| action.set(event_target_value(&ev))>
                        <option value="set_default" selected=true>"Set a default for empty cells"</option>
                        <option value="clear_column">"Clear the column"</option>
                        <option value="find_replace">"Find and replace"</option>
                        <option value="apply_fix">"Apply the suggested fix for an issue"</option>
                        <option value="exclude">"Exclude rows"</option>
                        <option value="restore">"Restore rows"</option>
                    </select>
                </div>
                <Show when=needs_field>
                    <div>
                        <label for="bulk-field">"Column to change"</label>
                        <select id="bulk-field" on:change=move |ev| field.set(event_target_value(&ev))>
                            {columns.iter().map(|c| {
                                let f = c.field.clone();
                                view! { <option value=f.clone() selected=move || field.get() == f>{c.label.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                </Show>
                <Show when=move || action.get() == "set_default">
                    <div>
                        <label for="bulk-value">"Default value"</label>
                        <input id="bulk-value" type="text" required prop:value=move || value.get()
                            on:input=move |ev| value.set(event_target_value(&ev))/>
                    </div>
                </Show>
                <Show when=move || action.get() == "find_replace">
                    <div>
                        <label for="bulk-find">"Find"</label>
                        <input id="bulk-find" type="text" required prop:value=move || find.get()
                            on:input=move |ev| find.set(event_target_value(&ev))/>
                    </div>
                    <div>
                        <label for="bulk-replace">"Replace with"</label>
                        <input id="bulk-replace" type="text" prop:value=move || replace.get()
                            on:input=move |ev| replace.set(event_target_value(&ev))/>
                    </div>
                </Show>
                <Show when=move || action.get() == "apply_fix">
                    <div>
                        <label for="bulk-code">"Issue"</label>
                        <select id="bulk-code" on:change=move |ev| code.set(event_target_value(&ev))>
                            {codes.iter().map(|c| view! { <option value=c.clone()>{c.clone()}</option> }).collect_view()}
                        </select>
                    </div>
                </Show>
                <fieldset class="scope">
                    <legend>"Rows"</legend>
                    <label class="choice-inline">
                        <input type="radio" name="bulk-scope" prop:checked=move || !scope_filtered.get()
                            on:change=move |_| scope_filtered.set(false)/>
                        " All rows"
                    </label>
                    <label class="choice-inline">
                        <input type="radio" name="bulk-scope" disabled=!filtered prop:checked=move || scope_filtered.get()
                            on:change=move |_| scope_filtered.set(true)/>
                        " Rows matching the filter"
                    </label>
                </fieldset>
                <button type="submit" class="button primary" disabled=move || busy.get()>
                    {move || if busy.get() { "Working…" } else { "Apply to rows" }}
                </button>
            </form>
        </details>
        {move || message.get().map(|m| match m {
            Ok(text) => view! { <p class="success-note" role="status">{text}</p> }.into_any(),
            Err(text) => view! { <ErrorNote message=text/> }.into_any(),
        })}
    }
}

/// "All changes saved", "Saving…", or a failed save with its retry.
#[component]
fn SaveStatus(queue: EditQueue) -> impl IntoView {
    let count = move || queue.pending.with(|p| p.len());
    view! {
        <div class="save-status">
            {move || match queue.save.get() {
                SaveState::Failed { message, attempt } => view! {
                    <div class="error-note" role="alert">
                        {format!("{} change(s) not saved yet: {message} Retrying (attempt {attempt})… ", count())}
                        <button type="button" class="button secondary small-button" on:click=move |_| queue.flush()>"Retry now"</button>
                    </div>
                }.into_any(),
                SaveState::Saving => view! { <p class="muted small" role="status">{format!("Saving {} change(s)…", count())}</p> }.into_any(),
                SaveState::Idle if count() > 0 => view! { <p class="muted small" role="status">{format!("{} change(s) waiting to be saved…", count())}</p> }.into_any(),
                SaveState::Idle => view! { <p class="muted small" role="status">"All changes saved."</p> }.into_any(),
            }}
        </div>
    }
}

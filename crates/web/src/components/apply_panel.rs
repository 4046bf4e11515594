//! The Summary step's apply panel: choose the mode and the duplicate policy, apply, follow
//! the progress bar, read the result, download the error reports, and revert. It works as
//! plain forms without JavaScript (the page reloads with the new state); with JavaScript it
//! polls the import's summary while the apply runs.

use leptos::prelude::*;

use crate::model::{
    short_time, ApplyMode, ApplyResult, Conflicts, DuplicatePolicy, ImportId, ImportStatus,
    ImportSummary, RevertOutcome,
};
use crate::server_fns::{get_import, ApplyImport, RevertImport};

/// How often the panel asks for progress while an import is being applied.
const POLL_MS: u64 = 700;

/// Apply, progress, result and revert for one import. With `decision` (mode, policy) the
/// choice was made elsewhere on the page (the Summary step) and travels as hidden fields;
/// without it the panel asks for both itself. `on_status` hears when the import's status
/// moves (applied, reverted), so the page around the panel can reload what it shows.
#[component]
pub fn ApplyPanel(
    summary: ImportSummary,
    #[prop(optional, into)] decision: Option<Signal<(ApplyMode, DuplicatePolicy)>>,
    #[prop(optional)] on_status: Option<Callback<ImportStatus>>,
) -> impl IntoView {
    let first_status = summary.status;
    let current = RwSignal::new(summary);
    if let Some(on_status) = on_status {
        Effect::new(move |_| {
            let status = current.with(|s| s.status);
            if status != first_status && status != ImportStatus::Applying {
                on_status.run(status);
            }
        });
    }
    let id = current.with_untracked(|s| s.id);
    let apply = ServerAction::<ApplyImport>::new();
    let revert = ServerAction::<RevertImport>::new();
    let conflicts: RwSignal<Option<Conflicts>> = RwSignal::new(None);

    // Answers of the actions replace the summary (or show the revert conflicts).
    Effect::new(move |_| {
        if let Some(Ok(summary)) = apply.value().get() {
            current.set(summary);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(outcome)) = revert.value().get() {
            match outcome {
                RevertOutcome::Reverted { summary } => {
                    conflicts.set(None);
                    current.set(*summary);
                }
                RevertOutcome::Conflicts(found) => conflicts.set(Some(found)),
            }
        }
    });
    // While applying, poll the summary (effects run only in the browser).
    {
        Effect::new(move |_| {
            if current.with(|s| s.status != ImportStatus::Applying) {
                return;
            }
            let handle = set_interval_with_handle(
                move || {
                    leptos::task::spawn_local(async move {
                        if let Ok(fresh) = get_import(id.to_string()).await {
                            if fresh.status != ImportStatus::Applying
                                || current
                                    .with_untracked(|s| s.apply.progress != fresh.apply.progress)
                            {
                                current.set(fresh);
                            }
                        }
                    });
                },
                std::time::Duration::from_millis(POLL_MS),
            );
            if let Ok(handle) = handle {
                on_cleanup(move || handle.clear());
            }
        });
    }

    let apply_error = move || {
        apply
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| view! { <p class="error-note" role="alert">{e.message}</p> })
    };
    let revert_error = move || {
        revert
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| view! { <p class="error-note" role="alert">{e.message}</p> })
    };

    view! {
        <section class="apply-panel" aria-labelledby="apply-heading">
            <h2 id="apply-heading">"Import"</h2>
            {move || {
                let s = current.get();
                match s.status {
                    ImportStatus::Staged | ImportStatus::Failed => {
                        apply_form(&s, apply, decision).into_any()
                    }
                    ImportStatus::Applying => progress_view(&s).into_any(),
                    ImportStatus::Applied => applied_view(&s, revert).into_any(),
                    ImportStatus::Reverted => reverted_view(&s).into_any(),
                    ImportStatus::Validating => {
                        view! { <p class="muted">"The dry run is still running."</p> }.into_any()
                    }
                }
            }}
            {apply_error}
            {revert_error}
            {move || conflicts.get().map(|c| conflict_view(id, c, revert))}
            {move || report_links(&current.get())}
        </section>
    }
}

/// The decision form: what to import and what to do with existing leads.
fn apply_form(
    s: &ImportSummary,
    apply: ServerAction<ApplyImport>,
    decision: Option<Signal<(ApplyMode, DuplicatePolicy)>>,
) -> impl IntoView {
    let stats = &s.stats;
    let importable = stats
        .total_rows
        .saturating_sub(stats.error_rows + stats.empty_rows + stats.excluded_rows);
    let policy = s.apply.duplicate_policy.unwrap_or_default();
    let failure = s.apply.failure.clone().map(|f| {
        view! {
            <p class="error-note" role="alert">
                <strong>"The last attempt did not import anything. "</strong>
                {f}
            </p>
        }
    });
    let earlier = s.apply.already_imported.clone().map(|e| {
        let who = e.applied_by.unwrap_or_else(|| "someone".into());
        let when = short_time(e.applied_at);
        view! {
            <p class="notice" role="status">
                "This file was already imported with the same mapping and rules on " {when}
                " by " {who} ". "
                <a href=format!("/imports/{}", e.import_id)>"See that import"</a>
                ". With “Skip existing leads”, nothing new is created."
            </p>
        }
    });
    let checked = move |value: DuplicatePolicy| policy == value;
    let has_errors = stats.error_rows > 0;
    let in_db = stats.duplicate_in_db;
    let fill_empty_only = s.apply.fill_empty_only;
    let id = s.id.to_string();
    view! {
        {failure}
        {earlier}
        <ActionForm action=apply attr:class="apply-form">
            <input type="hidden" name="id" value=id/>
            {match decision {
                Some(d) => view! {
                    <input type="hidden" name="mode" value=move || d.get().0.as_str()/>
                    <input type="hidden" name="duplicate_policy" value=move || d.get().1.as_str()/>
                    <label class="choice">
                        <input type="checkbox" name="fill_empty_only" value="on" checked=fill_empty_only/>
                        " When updating existing leads, only fill fields that are empty"
                    </label>
                }.into_any(),
                None => view! {
                    <fieldset>
                        <legend>"Which rows"</legend>
                        <label>
                            <input type="radio" name="mode" value="valid_only" checked=true/>
                            " Rows without errors (" {importable} "); rows with errors go to the error report"
                        </label>
                        <label>
                            <input type="radio" name="mode" value="all" disabled=has_errors/>
                            " All rows — only once no row has errors"
                        </label>
                    </fieldset>
                    <fieldset>
                        <legend>"Leads that already exist (" {in_db} " in this file)"</legend>
                        <label>
                            <input type="radio" name="duplicate_policy" value="skip" checked=checked(DuplicatePolicy::Skip)/>
                            " Skip them: only create new leads"
                        </label>
                        <label>
                            <input type="radio" name="duplicate_policy" value="update" checked=checked(DuplicatePolicy::Update)/>
                            " Update them: create nothing new"
                        </label>
                        <label>
                            <input type="radio" name="duplicate_policy" value="upsert" checked=checked(DuplicatePolicy::Upsert)/>
                            " Update them and create new leads"
                        </label>
                        <label>
                            <input type="checkbox" name="fill_empty_only" value="on" checked=fill_empty_only/>
                            " When updating, only fill fields that are empty"
                        </label>
                    </fieldset>
                }.into_any(),
            }}
            <button type="submit" class="button primary" disabled=move || apply.pending().get()>
                {move || if apply.pending().get() { "Starting…" } else { "Import leads" }}
            </button>
        </ActionForm>
    }
}

/// The progress bar while applying.
fn progress_view(s: &ImportSummary) -> impl IntoView {
    let p = s.apply.progress.unwrap_or_default();
    view! {
        <div class="apply-progress" role="status" aria-live="polite">
            <label for="apply-progress-bar">"Importing…"</label>
            <progress id="apply-progress-bar" max=p.total.max(1) value=p.done aria-label="Import progress">
                {p.percent()} "%"
            </progress>
            <p class="muted">{p.done} " of " {p.total} " leads written"</p>
        </div>
    }
}

/// The result of an applied import and the revert button.
fn applied_view(s: &ImportSummary, revert: ServerAction<RevertImport>) -> impl IntoView {
    let r = s.apply.result.unwrap_or_default();
    let who = s.apply.applied_by.clone().unwrap_or_default();
    let when = s.apply.applied_at.map(short_time).unwrap_or_default();
    let id = s.id.to_string();
    view! {
        <p class="success-note" role="status">"Imported " {when} " by " {who} "."</p>
        {result_list(r)}
        <ActionForm action=revert attr:class="revert-form">
            <input type="hidden" name="id" value=id/>
            <input type="hidden" name="on_conflict" value="abort"/>
            <button type="submit" class="button danger" disabled=move || revert.pending().get()>
                "Revert this import"
            </button>
            <span class="muted">" Removes the leads it created and restores the ones it updated."</span>
        </ActionForm>
    }
}

fn result_list(r: ApplyResult) -> impl IntoView {
    view! {
        <dl class="result-counts" aria-label="Import result">
            <div><dt>"Created"</dt><dd>{r.inserted}</dd></div>
            <div><dt>"Updated"</dt><dd>{r.updated}</dd></div>
            <div><dt>"Skipped"</dt><dd>{r.skipped}</dd></div>
            <div><dt>"Left out (errors)"</dt><dd>{r.failed}</dd></div>
        </dl>
        <p class="muted">
            "Skipped: " {r.duplicates_in_file} " repeated in the file, " {r.unchanged}
            " already up to date, " {r.excluded} " excluded; the rest were existing or new leads the policy left alone."
        </p>
    }
}

/// What a revert did.
fn reverted_view(s: &ImportSummary) -> impl IntoView {
    let r = s.apply.revert_result.unwrap_or_default();
    let who = s.apply.reverted_by.clone().unwrap_or_default();
    let when = s.apply.reverted_at.map(short_time).unwrap_or_default();
    view! {
        <p class="notice" role="status">"Reverted " {when} " by " {who} "."</p>
        <dl class="result-counts" aria-label="Revert result">
            <div><dt>"Removed"</dt><dd>{r.removed}</dd></div>
            <div><dt>"Restored"</dt><dd>{r.restored}</dd></div>
            <div><dt>"Kept (changed since)"</dt><dd>{r.kept}</dd></div>
            <div><dt>"Already deleted"</dt><dd>{r.missing}</dd></div>
        </dl>
    }
}

/// Leads changed since the import, and the two ways to go on.
fn conflict_view(id: ImportId, c: Conflicts, revert: ServerAction<RevertImport>) -> impl IntoView {
    let id = id.to_string();
    let id2 = id.clone();
    let rows = c
        .conflicts
        .into_iter()
        .map(|lead| {
            let fields = lead
                .fields
                .iter()
                .map(|f| format!("{}: {} → {}", f.field, text(&f.imported), text(&f.current)))
                .collect::<Vec<_>>()
                .join("; ");
            view! {
                <li>
                    <strong>{lead.email.unwrap_or_else(|| lead.lead_id.to_string())}</strong>
                    " (" {lead_action(lead.action)} " by the import) — " {fields}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="revert-conflicts" role="region" aria-label="Revert conflicts">
            <p role="alert">
                {c.total} " lead(s) were changed after this import. Nothing was reverted yet."
            </p>
            <ul>{rows}</ul>
            <div class="actions">
                <ActionForm action=revert>
                    <input type="hidden" name="id" value=id/>
                    <input type="hidden" name="on_conflict" value="keep"/>
                    <button type="submit" class="button secondary">"Revert the rest, keep their changes"</button>
                </ActionForm>
                <ActionForm action=revert>
                    <input type="hidden" name="id" value=id2/>
                    <input type="hidden" name="on_conflict" value="overwrite"/>
                    <button type="submit" class="button danger">"Revert everything, overwrite their changes"</button>
                </ActionForm>
            </div>
        </section>
    }
}

/// Download links for the error reports (the import's rows with issues): the workbook,
/// the failed rows as CSV (every original column; fix and upload as a new file) and the
/// issue list as CSV.
fn report_links(s: &ImportSummary) -> impl IntoView {
    let with_issues = s.stats.error_rows + s.stats.warning_rows;
    (with_issues > 0).then(|| {
        view! {
            <p class="downloads">
                "Error report (" {with_issues} " rows with issues): "
                <a href=format!("/api/imports/{}/report.xlsx", s.id) download="">"Excel (.xlsx)"</a>
                " · "
                <a href=format!("/api/imports/{}/report.csv?shape=rows", s.id) download=""
                    title="Every column of the failed rows; fix them and upload the file again">
                    "Failed rows (CSV)"
                </a>
                " · "
                <a href=format!("/api/imports/{}/report.csv?shape=issues", s.id) download="">"Issue list (CSV)"</a>
            </p>
        }
    })
}

fn text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "(empty)".into(),
        serde_json::Value::String(s) if s.is_empty() => "(empty)".into(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// What the import did to a lead, as the conflict list says it.
fn lead_action(action: crate::model::LeadAction) -> &'static str {
    match action {
        crate::model::LeadAction::Created => "created",
        crate::model::LeadAction::Updated => "updated",
    }
}

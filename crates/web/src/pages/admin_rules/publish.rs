//! Reviewing the draft: its changes against the version it started from, the impact
//! preview on recent imports and leads, and publishing with a comment (a stale draft is
//! refused and shows what the other publish changed).

use leptos::prelude::*;
use rules::config_diff::diff;

use super::Draft;
use crate::components::ErrorNote;
use crate::model::{ConfigChange, ImpactKind, ImpactReport, PublishOutcome};
use crate::server_fns::{preview_config, publish_config, rules_config};

#[component]
pub fn Publish() -> impl IntoView {
    let d = expect_context::<Draft>();
    let changes = Memo::new(move |_| d.base.with(|b| d.config.with(|c| diff(&b.config, c))));
    let comment = RwSignal::new(String::new());
    let preview = Action::new(move |_: &()| preview_config(d.config.get_untracked()));
    let publish = Action::new(move |_: &()| {
        publish_config(
            d.base.with_untracked(|b| b.version),
            d.config.get_untracked(),
            comment.get_untracked(),
        )
    });
    let notice = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(PublishOutcome::Published(view))) = publish.value().get() {
            notice.set(Some(format!(
                "Published version {}. The next import uses it.",
                view.version
            )));
            comment.set(String::new());
            d.reset(*view);
        }
    });
    let load_active = Action::new(move |_: &()| async move {
        if let Ok(view) = rules_config().await {
            d.reset(view);
        }
    });
    let keep_mine = move |active_version: i32| {
        d.base.update(|b| b.version = active_version);
        publish.value().set(None);
    };
    view! {
        <section class="panel" aria-labelledby="publish-heading">
            <h2 id="publish-heading">"Review and publish"</h2>
            {move || {
                let list = changes.get();
                if list.is_empty() {
                    view! { <p class="muted">"No unpublished changes."</p> }.into_any()
                } else {
                    view! {
                        <p>{format!("{} unpublished change(s):", list.len())}</p>
                        <ChangeList changes=list/>
                    }.into_any()
                }
            }}
            <div class="form-actions">
                <button type="button" class="button secondary" disabled=move || preview.pending().get()
                    on:click=move |_| { preview.dispatch(()); }>"Preview the impact"</button>
                <button type="button" class="button secondary" disabled=move || changes.with(Vec::is_empty)
                    on:click=move |_| { let base = d.base.get_untracked(); d.reset(base); }>"Discard the draft"</button>
            </div>
            <div aria-live="polite">
                {move || preview.pending().get().then(|| view! { <p class="loading">"Replaying recent imports…"</p> })}
                {move || preview.value().get().map(|r| match r {
                    Ok(report) => view! { <Impact report/> }.into_any(),
                    Err(e) => view! { <ErrorNote message=e.message/> }.into_any(),
                })}
            </div>
            <div class="grid-form">
                <label for="publish-comment">"Comment"</label>
                <input id="publish-comment" type="text" maxlength="1000" placeholder="What changed and why"
                    prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))/>
            </div>
            <div class="form-actions">
                <button type="button" class="button primary" disabled=move || changes.with(Vec::is_empty) || publish.pending().get()
                    on:click=move |_| { notice.set(None); publish.dispatch(()); }>"Publish"</button>
            </div>
            <div aria-live="polite">
                {move || notice.get().map(|n| view! { <p class="success-note" role="status">{n}</p> })}
                {move || publish.value().get().and_then(|r| match r {
                    Ok(PublishOutcome::Published(_)) => None,
                    Ok(PublishOutcome::Stale { active_version, changes }) => Some(view! {
                        <div class="error-note" role="alert">
                            <p>{format!("Version {active_version} was published after you started this draft. It changed:")}</p>
                            <ChangeList changes/>
                            <button type="button" class="button secondary" on:click=move |_| { load_active.dispatch(()); }>{format!("Load version {active_version} (discard my draft)")}</button>
                            <button type="button" class="button secondary" on:click=move |_| keep_mine(active_version)>"Keep my draft and publish it over that version"</button>
                        </div>
                    }.into_any()),
                    Ok(PublishOutcome::Invalid { problems }) => Some(view! {
                        <div class="error-note" role="alert">
                            <p>"The draft has problems; nothing was published:"</p>
                            <ul>{problems.into_iter().map(|p| view! { <li><code>{p.pointer}</code>" "{p.message}</li> }).collect_view()}</ul>
                        </div>
                    }.into_any()),
                    Err(e) => Some(view! { <ErrorNote message=e.message/> }.into_any()),
                })}
            </div>
        </section>
    }
    .into_any()
}

/// A list of changes in words.
#[component]
pub fn ChangeList(changes: Vec<ConfigChange>) -> impl IntoView {
    view! {
        <ul class="change-list">
            {changes.into_iter().map(|c| view! { <li>{c.summary}</li> }).collect_view()}
        </ul>
    }
    .into_any()
}

/// The impact report: per import, per field, sample rows, orphaned values.
#[component]
fn Impact(report: ImpactReport) -> impl IntoView {
    let kind = |k: ImpactKind| match k {
        ImpactKind::NewlyFailing => "would fail",
        ImpactKind::NewlyPassing => "would pass",
        ImpactKind::Changed => "would change",
    };
    let summary = format!(
        "Replayed {} row(s) of {} recent import(s){}.",
        report.rows_checked,
        report.imports.len(),
        if report.truncated {
            " (the newest ones; older imports were left out to answer quickly)"
        } else {
            ""
        }
    );
    view! {
        <h3 class="small-heading">"Impact on recent imports"</h3>
        <p>{summary}</p>
        {(!report.imports.is_empty()).then(|| view! {
            <table class="table">
                <caption class="visually-hidden">"Impact per import"</caption>
                <thead><tr>
                    <th scope="col">"File"</th><th scope="col">"Checked with"</th><th scope="col">"Rows"</th>
                    <th scope="col">"Newly failing"</th><th scope="col">"Newly passing"</th><th scope="col">"Values changed"</th>
                </tr></thead>
                <tbody>
                    {report.imports.iter().map(|i| view! {
                        <tr>
                            <td><a href=format!("/imports/{}", i.import_id)>{i.file_name.clone()}</a></td>
                            <td>{format!("v{}", i.config_version)}</td>
                            <td>{i.rows_checked}</td><td>{i.newly_failing}</td><td>{i.newly_passing}</td><td>{i.changed}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        })}
        {report.imports.into_iter().filter(|i| !i.by_field.is_empty()).map(|i| view! {
            <details>
                <summary>{format!("{}: by field", i.file_name)}</summary>
                <table class="table compact">
                    <caption class="visually-hidden">{format!("Impact on {} by field", i.file_name)}</caption>
                    <thead><tr><th scope="col">"Field"</th><th scope="col">"Newly failing"</th><th scope="col">"Newly passing"</th><th scope="col">"Changed"</th></tr></thead>
                    <tbody>
                        {i.by_field.iter().map(|(f, n)| view! {
                            <tr><td>{if f == "_row" { "rules over several fields".to_owned() } else { f.clone() }}</td><td>{n.newly_failing}</td><td>{n.newly_passing}</td><td>{n.changed}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <ul>
                    {i.samples.into_iter().map(|s| view! {
                        <li>{format!("Row {} {} on {}: {} → {}{}", s.row, kind(s.kind), s.field,
                            s.before.unwrap_or_else(|| "—".into()), s.after.unwrap_or_else(|| "—".into()),
                            s.message.map(|m| format!(" ({m})")).unwrap_or_default())}</li>
                    }).collect_view()}
                </ul>
            </details>
        }).collect_view()}
        {if report.orphaned_values.is_empty() {
            view! { <p class="muted">"No existing lead holds a value the draft would no longer allow."</p> }.into_any()
        } else {
            view! {
                <p>"Existing leads hold values the draft no longer allows:"</p>
                <ul>{report.orphaned_values.into_iter().map(|o| view! { <li>{format!("{} = “{}”: {} lead(s)", o.field, o.value, o.leads)}</li> }).collect_view()}</ul>
            }.into_any()
        }}
    }
    .into_any()
}

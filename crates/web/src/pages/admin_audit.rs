//! The admin screen for the audit log: who did what, newest first, filtered by action,
//! actor and entity, fifty entries a page.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{AdminsOnly, AppLayout, ErrorNote};
use crate::model::{short_time, AuditEntry, AuditQuery, Me};
use crate::server_fns::audit_log;

const PAGE_SIZE: i64 = 50;

/// The company's audit log; admins only.
#[component]
pub fn AdminAuditPage() -> impl IntoView {
    view! {
        <Title text="Audit log"/>
        <AppLayout children=|me: Me| {
            if me.is_admin() { view! { <AuditLog/> }.into_any() } else { view! { <AdminsOnly message="Only company admins can read the audit log."/> }.into_any() }
        }/>
    }
}

#[component]
fn AuditLog() -> impl IntoView {
    let query = RwSignal::new(AuditQuery {
        limit: Some(PAGE_SIZE),
        ..AuditQuery::default()
    });
    let entries = Resource::new(
        move || query.get(),
        |q| {
            audit_log(
                q.action,
                q.actor,
                q.entity,
                PAGE_SIZE,
                q.offset.unwrap_or(0),
            )
        },
    );
    // The filter form edits these; "Filter" copies them into the query from the first page.
    let action = RwSignal::new(String::new());
    let actor = RwSignal::new(String::new());
    let entity = RwSignal::new(String::new());
    let some = |s: String| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        query.set(AuditQuery {
            action: some(action.get_untracked()),
            actor: some(actor.get_untracked()),
            entity: some(entity.get_untracked()),
            limit: Some(PAGE_SIZE),
            offset: None,
        });
    };
    let go = move |delta: i64| {
        query.update(|q| q.offset = Some((q.offset.unwrap_or(0) + delta).max(0)));
    };
    view! {
        <h1>"Audit log"</h1>
        <section class="panel" aria-labelledby="audit-filter-heading">
            <h2 id="audit-filter-heading" class="visually-hidden">"Filter"</h2>
            <form class="filter-form" on:submit=apply>
                <label for="audit-action">"Action starts with"</label>
                <select id="audit-action" on:change=move |ev| action.set(event_target_value(&ev))>
                    <option value="">"any action"</option>
                    <option value="config.">"configuration (config.)"</option>
                    <option value="user.">"users (user.)"</option>
                    <option value="token.">"API tokens (token.)"</option>
                    <option value="import.">"imports (import.)"</option>
                    <option value="preset.">"presets (preset.)"</option>
                </select>
                <label for="audit-actor">"Actor e-mail"</label>
                <input id="audit-actor" type="text" on:input=move |ev| actor.set(event_target_value(&ev))/>
                <label for="audit-entity">"Entity"</label>
                <input id="audit-entity" type="text" placeholder="import_config, user, api_token…" on:input=move |ev| entity.set(event_target_value(&ev))/>
                <button type="submit" class="button secondary">"Filter"</button>
            </form>
        </section>
        <section class="panel" aria-labelledby="audit-heading">
            <h2 id="audit-heading">"Entries"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading the audit log…"</p> }>
                {move || entries.get().map(|result| match result {
                    Ok(page) if page.entries.is_empty() => view! { <p class="empty-state">"No entries match."</p> }.into_any(),
                    Ok(page) => {
                        let first = page.page.offset + 1;
                        let last = page.page.offset + page.entries.len() as i64;
                        let total = page.page.total;
                        let has_prev = page.page.offset > 0;
                        let has_next = last < total;
                        view! {
                            <table class="table">
                                <caption class="visually-hidden">"Audit log entries"</caption>
                                <thead><tr>
                                    <th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"Action"</th>
                                    <th scope="col">"Entity"</th><th scope="col">"Details"</th>
                                </tr></thead>
                                <tbody>{page.entries.into_iter().map(|e| view! { <EntryRow entry=e/> }).collect_view()}</tbody>
                            </table>
                            <nav class="pager" aria-label="Audit log pages">
                                <button type="button" class="button secondary" disabled=!has_prev on:click=move |_| go(-PAGE_SIZE)>"Previous"</button>
                                <span>{format!("{first}–{last} of {total}")}</span>
                                <button type="button" class="button secondary" disabled=!has_next on:click=move |_| go(PAGE_SIZE)>"Next"</button>
                            </nav>
                        }.into_any()
                    }
                    Err(err) => view! { <ErrorNote message=err.message/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn EntryRow(entry: AuditEntry) -> impl IntoView {
    let entity = match &entry.entity_id {
        Some(id) => format!("{} {id}", entry.entity),
        None => entry.entity.clone(),
    };
    view! {
        <tr>
            <td>{short_time(entry.at)}</td>
            <td>{entry.actor.clone().unwrap_or_else(|| "command line".into())}</td>
            <td class="mono">{entry.action.clone()}</td>
            <td>{entity}</td>
            <td>{details(&entry.diff)}</td>
        </tr>
    }
    .into_any()
}

/// A readable line for an entry's diff: a configuration change lists its changes' summaries,
/// anything else shows its fields as `key: value`.
fn details(diff: &serde_json::Value) -> String {
    if let Some(changes) = diff.get("changes").and_then(|c| c.as_array()) {
        let mut parts: Vec<String> = changes
            .iter()
            .filter_map(|c| c.get("summary").and_then(|s| s.as_str()).map(str::to_owned))
            .collect();
        if let Some(comment) = diff
            .get("comment")
            .and_then(|c| c.as_str())
            .filter(|c| !c.is_empty())
        {
            parts.insert(0, format!("“{comment}”"));
        }
        return parts.join("; ");
    }
    match diff.as_object() {
        Some(map) => map
            .iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k}: {s}"),
                other => format!("{k}: {other}"),
            })
            .collect::<Vec<_>>()
            .join(", "),
        None => diff.to_string(),
    }
}

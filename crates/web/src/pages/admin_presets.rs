//! The presets screen (`/admin/presets`): the mapping presets the caller can use — their
//! own and the company's — with source, scope, usage and last use; rename, change the
//! source, the scope or the mapping, delete. Members manage their own; company presets are
//! for admins (the server refuses anything else and the page says so).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{AppLayout, ErrorNote};
use crate::error::AppError;
use crate::model::{short_time, ExplicitMapping, Me, PresetInput, PresetScope, PresetView};
use crate::server_fns::{delete_preset, list_presets, rules_config, update_preset};

#[component]
pub fn AdminPresetsPage() -> impl IntoView {
    view! {
        <Title text="Mapping presets"/>
        <AppLayout children=|me: Me| view! { <Presets admin=me.is_admin()/> }.into_any()/>
    }
}

/// The presets and the fields a column can go to, loaded together (one resource, so the
/// server's HTML and hydration see the same data).
#[component]
fn Presets(admin: bool) -> impl IntoView {
    let changed = RwSignal::new(0_u32);
    let loaded = Resource::new(
        move || changed.get(),
        |_| async move {
            let presets = list_presets().await?;
            let fields: Vec<(String, String)> = rules_config()
                .await?
                .config
                .fields
                .into_iter()
                .map(|f| (f.key, f.label))
                .collect();
            Ok::<_, AppError>((presets, fields))
        },
    );
    view! {
        <h1>"Mapping presets"</h1>
        <p class="muted">"A preset maps a partner's columns to fields; the upload step finds it again by source and header layout, or you pick it there. Your own presets are yours to change; company presets are changed by admins."</p>
        <Transition fallback=|| view! { <p class="loading">"Loading presets…"</p> }>
            {move || loaded.get().map(|result| match result {
                Ok((presets, _)) if presets.is_empty() => view! {
                    <p class="empty-state">"No presets yet. Save one from the Mapping step of an import."</p>
                }.into_any(),
                Ok((presets, fields)) => {
                    let fields = StoredValue::new(fields);
                    presets.into_iter().map(|p| {
                        let may_edit = admin || p.scope == PresetScope::User;
                        view! { <PresetCard p fields admin may_edit changed/> }
                    }).collect_view().into_any()
                }
                Err(err) => view! { <ErrorNote message=err.message/> }.into_any(),
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn PresetCard(
    p: PresetView,
    fields: StoredValue<Vec<(String, String)>>,
    admin: bool,
    may_edit: bool,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let id = p.id;
    let name = RwSignal::new(p.name.clone());
    let source = RwSignal::new(p.source.clone());
    let scope = RwSignal::new(p.scope);
    let mapping = RwSignal::new(p.mapping.clone());
    let save = Action::new(move |_: &()| {
        let input = PresetInput {
            name: name.get_untracked(),
            source: source.get_untracked(),
            scope: Some(scope.get_untracked()),
            mapping: mapping.get_untracked(),
            headers: None,
        };
        update_preset(id, input)
    });
    let delete = Action::new(move |_: &()| delete_preset(id));
    let confirming = RwSignal::new(false);
    Effect::new(move |_| {
        if matches!(delete.value().get(), Some(Ok(()))) {
            changed.update(|n| *n += 1);
        }
    });
    let saved = move || matches!(save.value().get(), Some(Ok(_)));
    let error = move || {
        let s = save.value().get().and_then(|r| r.err());
        let d = delete.value().get().and_then(|r| r.err());
        s.or(d).map(|e| e.message)
    };
    let key = id.to_string();
    let heading = format!("preset-{key}");
    let used = match (p.usage_count, p.last_used_at) {
        (0, _) | (_, None) => "Not used yet".to_owned(),
        (n, Some(t)) => format!("Used {n} time(s), last {}", short_time(t)),
    };
    let scope_words = match p.scope {
        PresetScope::Company => "Everyone in the company",
        PresetScope::User => "Only you",
    };
    let title = p.name.clone();
    let columns: Vec<(String, Option<String>)> = p.mapping.clone().into_iter().collect();
    view! {
        <section class="panel" aria-labelledby=heading.clone()>
            <h2 id=heading.clone()>{title.clone()}</h2>
            <p class="muted small">{format!("{scope_words} · source \u{201c}{}\u{201d} · {used} · {} column(s)", p.source, p.mapping.len())}</p>
            {(!may_edit).then(|| view! { <p class="muted">"Only company admins change company presets."</p> })}
            <div class="grid-form">
                <label for=format!("{key}-name")>"Name"<span class="visually-hidden">{format!(" of {title}")}</span></label>
                <input id=format!("{key}-name") type="text" maxlength="200" prop:value=move || name.get()
                    disabled=!may_edit on:input=move |ev| name.set(event_target_value(&ev))/>
                <label for=format!("{key}-source")>"Source"<span class="visually-hidden">{format!(" of {title}")}</span></label>
                <input id=format!("{key}-source") type="text" prop:value=move || source.get()
                    disabled=!may_edit on:input=move |ev| source.set(event_target_value(&ev))/>
                <label for=format!("{key}-scope")>"Who can use it"<span class="visually-hidden">{format!(": {title}")}</span></label>
                <select id=format!("{key}-scope") disabled=!may_edit on:change=move |ev| {
                    scope.set(if event_target_value(&ev) == "company" { PresetScope::Company } else { PresetScope::User })
                }>
                    <option value="user" selected=p.scope == PresetScope::User>"Only me"</option>
                    <option value="company" selected=p.scope == PresetScope::Company disabled=!admin>"Everyone in the company"</option>
                </select>
            </div>
            <details>
                <summary>"Columns"<span class="visually-hidden">{format!(" of {title}")}</span></summary>
                <table class="table compact">
                    <caption class="visually-hidden">{format!("Columns of {title}")}</caption>
                    <thead><tr><th scope="col">"Column"</th><th scope="col">"Field"</th></tr></thead>
                    <tbody>
                        {columns.into_iter().map(|(header, field)| {
                            let label = format!("Field for column {header} in {title}");
                            let h = header.clone();
                            view! {
                                <tr>
                                    <td>{header.clone()}</td>
                                    <td>
                                        <select aria-label=label disabled=!may_edit on:change=move |ev| {
                                            let v = event_target_value(&ev);
                                            let h = h.clone();
                                            mapping.update(|m: &mut ExplicitMapping| { m.insert(h, (!v.is_empty()).then_some(v)); });
                                        }>
                                            <option value="" selected=field.is_none()>"(ignore)"</option>
                                            {fields.with_value(|fs| fs.iter().map(|(k, l)| {
                                                let selected = field.as_deref() == Some(k.as_str());
                                                view! { <option value=k.clone() selected=selected>{format!("{l} ({k})")}</option> }
                                            }).collect_view())}
                                        </select>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </details>
            <div aria-live="polite">
                {move || error().map(|message| view! { <ErrorNote message/> })}
                <Show when=saved><p class="success-note" role="status">"Saved."</p></Show>
            </div>
            {may_edit.then(|| view! {
                <div class="form-actions">
                    <button type="button" class="button primary" disabled=move || save.pending().get()
                        on:click=move |_| { save.dispatch(()); }>"Save changes"<span class="visually-hidden">{format!(" to {}", title.clone())}</span></button>
                    {move || if confirming.get() {
                        view! {
                            <span class="confirm">
                                <span>"Delete this preset?"</span>
                                <button type="button" class="button primary small-button" on:click=move |_| { confirming.set(false); delete.dispatch(()); }>"Yes, delete"</button>
                                <button type="button" class="button secondary small-button" on:click=move |_| confirming.set(false)>"Cancel"</button>
                            </span>
                        }.into_any()
                    } else {
                        view! { <button type="button" class="button secondary" on:click=move |_| confirming.set(true)>"Delete"<span class="visually-hidden">{format!(" {title}")}</span></button> }.into_any()
                    }}
                </div>
            })}
        </section>
    }
    .into_any()
}

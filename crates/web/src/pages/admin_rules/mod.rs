//! The rules editor (`/admin/rules`, admins only): every part of the company's import
//! configuration as a draft in the browser, changed through `rules::config_edit` (so the
//! draft always passes the server's check), previewed against recent imports, published
//! as a new version; the versions with their diffs and rollback; alias proposals from
//! Review, approved or rejected.

use leptos::prelude::*;
use leptos_meta::Title;
use rules::config::FieldSpec;
use rules::config_edit::{self, Edit};
use rules::ImportConfig;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::components::{AdminsOnly, AppLayout, ErrorNote};
use crate::error::AppError;
use crate::model::{AliasProposalList, ConfigVersionView, ConfigVersions, Me};
use crate::server_fns::{list_alias_proposals, list_config_versions, rules_config};

mod field;
mod proposals;
mod publish;
mod settings;
mod versions;

/// The page; members see a 403.
#[component]
pub fn AdminRulesPage() -> impl IntoView {
    view! {
        <Title text="Import rules"/>
        <AppLayout children=|me: Me| {
            if me.is_admin() {
                view! { <RulesAdmin/> }.into_any()
            } else {
                view! { <AdminsOnly message="Only company admins can change the import rules. Ask an admin of your company."/> }.into_any()
            }
        }/>
    }
    .into_any()
}

/// The page's one resource: the active version and the version list, loaded together so
/// the server render and hydration see the same data (a second resource created once the
/// first resolved was fetched again while hydrating, and the page's HTML no longer matched).
#[component]
fn RulesAdmin() -> impl IntoView {
    let loaded = Resource::new(
        || (),
        |_| async move {
            Ok::<_, AppError>((
                rules_config().await?,
                list_config_versions().await?,
                list_alias_proposals().await?,
            ))
        },
    );
    view! {
        <h1>"Import rules"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading the rules…"</p> }>
            {move || loaded.get().map(|result| match result {
                Ok((view, versions, proposals)) => view! { <Editor initial=view versions proposals/> }.into_any(),
                Err(err) => view! { <ErrorNote message=err.message/> }.into_any(),
            })}
        </Suspense>
    }
    .into_any()
}

/// The draft and the version it started from, shared by every part of the editor.
#[derive(Clone, Copy)]
pub(crate) struct Draft {
    pub config: RwSignal<ImportConfig>,
    pub base: RwSignal<ConfigVersionView>,
    /// Why the last edit was refused.
    pub refused: RwSignal<Option<String>>,
    /// Every version, newest first; reloaded after a publish or rollback.
    pub versions: RwSignal<ConfigVersions>,
    /// The alias proposals from Review; reloaded after a decision.
    pub proposals: RwSignal<AliasProposalList>,
}

impl Draft {
    /// Applies an edit to the draft, or shows why it was refused. Returns whether it applied.
    pub fn edit(&self, edit: Edit) -> bool {
        let next = self.config.with_untracked(|c| config_edit::apply(c, &edit));
        match next {
            Ok(c) => {
                self.config.set(c);
                self.refused.set(None);
                true
            }
            Err(why) => {
                self.refused.set(Some(why));
                false
            }
        }
    }

    /// Starts over from `version`.
    pub fn reset(&self, version: ConfigVersionView) {
        self.config.set(version.config.clone());
        self.base.set(version);
        self.refused.set(None);
        let versions = self.versions;
        leptos::task::spawn_local(async move {
            if let Ok(list) = list_config_versions().await {
                versions.set(list);
            }
        });
    }

    /// The field `key` as it is in the draft now.
    pub fn field(&self, key: StoredValue<String>) -> Memo<Option<FieldSpec>> {
        let config = self.config;
        Memo::new(move |_| config.with(|c| key.with_value(|k| c.field(k).cloned())))
    }
}

#[component]
fn Editor(
    initial: ConfigVersionView,
    versions: ConfigVersions,
    proposals: AliasProposalList,
) -> impl IntoView {
    let draft = Draft {
        config: RwSignal::new(initial.config.clone()),
        base: RwSignal::new(initial),
        refused: RwSignal::new(None),
        versions: RwSignal::new(versions),
        proposals: RwSignal::new(proposals),
    };
    provide_context(draft);
    let based_on = move || {
        draft.base.with(|b| {
            let by = b.created_by.clone().unwrap_or_else(|| "the default".into());
            format!(
                "Your draft starts from version {} ({}, {}). Changes stay in this page until you publish them.",
                b.version,
                by,
                crate::model::short_time(b.created_at)
            )
        })
    };
    view! {
        <p class="muted">{based_on}</p>
        <div aria-live="assertive">
            {move || draft.refused.get().map(|message| view! { <ErrorNote message/> })}
        </div>
        <proposals::Proposals/>
        <section class="panel" aria-labelledby="fields-heading">
            <h2 id="fields-heading">"Fields"</h2>
            <p class="muted">"Open a field to change how its values are read and checked."</p>
            <field::FieldList/>
            <field::AddField/>
        </section>
        <settings::Rules/>
        <settings::Duplicates/>
        <settings::Other/>
        <publish::Publish/>
        <versions::Versions/>
    }
    .into_any()
}

/// The API name of an enum value (`warning`, `phone_e164`).
pub(crate) fn name_of<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The enum value with API name `name`.
pub(crate) fn parse_name<T: DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
}

/// `a, b ,, c` → `["a", "b", "c"]`.
pub(crate) fn split_list(text: &str) -> Vec<String> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A labelled select of an enum's values; `on_pick` gets the chosen value.
#[component]
pub(crate) fn Choice<T, F>(
    id: String,
    label: &'static str,
    options: &'static [(T, &'static str)],
    value: Signal<Option<T>>,
    on_pick: F,
) -> impl IntoView
where
    T: Serialize + DeserializeOwned + PartialEq + Clone + Send + Sync + 'static,
    F: Fn(T) + 'static,
{
    view! {
        <label for=id.clone()>{label}</label>
        <select id=id on:change=move |ev| {
            if let Some(v) = parse_name::<T>(&event_target_value(&ev)) { on_pick(v) }
        }>
            {options.iter().map(|(v, text)| {
                let v2 = v.clone();
                view! {
                    <option value=name_of(v) selected=move || value.get().as_ref() == Some(&v2)>{*text}</option>
                }
            }).collect_view()}
        </select>
    }
    .into_any()
}

//! The Mapping step: one line per column with its header, sample values, the suggested
//! field with its confidence and reason, and a select to change it or ignore the column.
//! Two columns sent to one field are shown as a conflict before anything is applied.
//! Applying re-runs the checks on the staged cells; the mapping can be saved as a preset.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::components::{ErrorNote, WizardStep};
use crate::model::{
    ColumnMapping, ExplicitMapping, ImportConfigView, ImportSummary, PresetInput, PresetScope,
    RowPage, RowView,
};
use crate::server_fns::{remap_import, save_preset};

use super::wizard::{StepNav, WizardCtx};

#[component]
pub fn MappingStep(
    summary: ImportSummary,
    config: Option<ImportConfigView>,
    samples: Option<RowPage>,
) -> impl IntoView {
    let rows = samples.map(|p| p.rows).unwrap_or_default();
    match config {
        Some(config) => view! { <MappingEditor summary config rows/> }.into_any(),
        None => view! { <ErrorNote message="The configuration of this import could not be loaded.".to_owned()/> }.into_any(),
    }
}

/// Columns that send a value to the same field: `(field, headers)`.
pub fn conflicts(
    columns: &[ColumnMapping],
    choice: &BTreeMap<usize, Option<String>>,
) -> Vec<(String, Vec<String>)> {
    let mut by_field: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in columns {
        if let Some(Some(f)) = choice.get(&c.index) {
            by_field
                .entry(f.clone())
                .or_default()
                .push(c.header.clone());
        }
    }
    by_field.into_iter().filter(|(_, h)| h.len() > 1).collect()
}

#[component]
fn MappingEditor(
    summary: ImportSummary,
    config: ImportConfigView,
    rows: Vec<RowView>,
) -> impl IntoView {
    let ctx = expect_context::<WizardCtx>();
    let columns = summary.mapping.columns.clone();
    let initial: BTreeMap<usize, Option<String>> =
        columns.iter().map(|c| (c.index, c.field.clone())).collect();
    let choice = RwSignal::new(initial.clone());
    let dirty = {
        let initial = initial.clone();
        Memo::new(move |_| choice.with(|c| *c != initial))
    };
    let cols_for_conflicts = columns.clone();
    let conflict_list = Memo::new(move |_| choice.with(|c| conflicts(&cols_for_conflicts, c)));
    let field_labels: BTreeMap<String, String> = config
        .config
        .fields
        .iter()
        .map(|f| (f.key.clone(), f.label.clone()))
        .collect();
    let fields: Vec<(String, String, bool)> = config
        .config
        .fields
        .iter()
        .map(|f| {
            let required = matches!(f.requirement, rules::config::Requirement::Error);
            (f.key.clone(), f.label.clone(), required)
        })
        .collect();
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let headers: Vec<String> = columns.iter().map(|c| c.header.clone()).collect();
    let explicit = {
        let columns = columns.clone();
        move || -> ExplicitMapping {
            choice.with_untracked(|c| {
                columns
                    .iter()
                    .map(|col| (col.header.clone(), c.get(&col.index).cloned().flatten()))
                    .collect()
            })
        }
    };
    let navigate = leptos_router::hooks::use_navigate();
    let apply = {
        let explicit = explicit.clone();
        move |_| {
            let mapping = explicit();
            let id = ctx.import_id.get_untracked();
            busy.set(true);
            error.set(None);
            let navigate = navigate.clone();
            leptos::task::spawn_local(async move {
                match remap_import(id, mapping).await {
                    Ok(summary) => {
                        navigate(
                            &format!("/imports/{}?step=preview", summary.id),
                            Default::default(),
                        );
                        ctx.summary.refetch();
                    }
                    Err(e) => error.set(Some(e.message)),
                }
                busy.set(false);
            });
        }
    };
    let required_missing = {
        let fields = fields.clone();
        Memo::new(move |_| {
            choice.with(|c| {
                fields
                    .iter()
                    .filter(|(key, _, required)| {
                        *required && !c.values().any(|v| v.as_deref() == Some(key))
                    })
                    .map(|(_, label, _)| label.clone())
                    .collect::<Vec<_>>()
            })
        })
    };
    let preset = summary.mapping.preset_name.clone();
    view! {
        <section class="panel table-panel" aria-labelledby="mapping-heading">
            <h2 id="mapping-heading">"Mapping"</h2>
            {match preset {
                Some(name) => view! { <p class="note">"Matched the saved mapping " <strong>{name}</strong> "."</p> }.into_any(),
                None => view! { <p class="muted">"Suggested from the column names. Check each line; choose “Ignore” for columns you do not need."</p> }.into_any(),
            }}
            <div class="scroll-x">
                <table class="table mapping-table">
                    <caption class="visually-hidden">"Column mapping"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Column"</th>
                            <th scope="col">"Sample values"</th>
                            <th scope="col">"Field"</th>
                            <th scope="col">"Suggestion"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {columns.iter().map(|c| {
                            let index = c.index;
                            let header = c.header.clone();
                            let samples = sample_values(&rows, &header, 3);
                            let suggested = c.field.clone();
                            let select_id = format!("map-{index}");
                            let confidence = format!("{:.0} %", c.confidence * 100.0);
                            let level = if c.confidence >= 0.9 { "high" } else if c.confidence >= 0.6 { "medium" } else { "low" };
                            let reason = c.reason.clone();
                            let suggestion_text = suggested.as_ref().map(|f| field_labels.get(f).cloned().unwrap_or_else(|| f.clone()));
                            let in_conflict = {
                                let header = header.clone();
                                Signal::derive(move || conflict_list.with(|l| l.iter().any(|(_, hs)| hs.contains(&header))))
                            };
                            let fields = fields.clone();
                            view! {
                                <tr class:ignored=move || choice.with(|m| m.get(&index).cloned().flatten().is_none())
                                    class:conflict=move || in_conflict.get()>
                                    <th scope="row">{header.clone()}</th>
                                    <td class="sample">
                                        {if samples.is_empty() {
                                            view! { <span class="muted">"(empty)"</span> }.into_any()
                                        } else {
                                            samples.join(" · ").into_any()
                                        }}
                                    </td>
                                    <td>
                                        <label class="visually-hidden" for=select_id.clone()>{format!("Field for column {header}")}</label>
                                        <select id=select_id aria-invalid=move || in_conflict.get().then_some("true")
                                            on:change=move |ev| {
                                                let v = event_target_value(&ev);
                                                choice.update(|m| { m.insert(index, Some(v).filter(|v| !v.is_empty())); });
                                            }>
                                            <option value="" selected=move || choice.with(|m| m.get(&index).cloned().flatten().is_none())>"— Ignore —"</option>
                                            {fields.into_iter().map(|(key, label, required)| {
                                                let k = key.clone();
                                                let text = if required { format!("{label} (required)") } else { label };
                                                view! {
                                                    <option value=key selected=move || choice.with(|m| m.get(&index).cloned().flatten().as_deref() == Some(k.as_str()))>{text}</option>
                                                }
                                            }).collect_view()}
                                        </select>
                                    </td>
                                    <td class="suggestion">
                                        {match suggestion_text {
                                            Some(text) => view! {
                                                <span>{text}</span> " "
                                                <span class=format!("confidence {level}")>{confidence}</span>
                                                <span class="muted small reason">{reason}</span>
                                            }.into_any(),
                                            None => view! { <span class="muted">"No match"</span> }.into_any(),
                                        }}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {move || {
                let list = conflict_list.get();
                (!list.is_empty()).then(|| view! {
                    <div class="error-note" role="alert">
                        <strong>"Two columns go to one field. "</strong>
                        {list.into_iter().map(|(field, headers)| view! {
                            <span class="conflict-line">{format!("{} ← {}. ", field, headers.join(" and "))}</span>
                        }).collect_view()}
                        "Choose another field or “Ignore” for one of them."
                    </div>
                })
            }}
            {move || {
                let missing = required_missing.get();
                (!missing.is_empty()).then(|| view! {
                    <p class="warning-note">{format!("No column is mapped to {}: those rows will report it as missing.", missing.join(", "))}</p>
                })
            }}
            {move || error.get().map(|message| view! { <ErrorNote message/> })}
        </section>
        <SavePreset source=summary.source.clone() headers explicit=Callback::new(move |()| explicit())/>
        <StepNav current=WizardStep::Mapping>
            {move || if dirty.get() {
                let apply = apply.clone();
                view! {
                    <button type="button" class="button primary" on:click=apply
                        disabled=move || busy.get() || !conflict_list.with(Vec::is_empty)>
                        {move || if busy.get() { "Applying…" } else { "Apply mapping and continue" }}
                    </button>
                }.into_any()
            } else {
                view! { <a class="button primary" href="?step=preview">"Next: Preview"</a> }.into_any()
            }}
        </StepNav>
    }
}

#[component]
fn SavePreset(
    source: String,
    headers: Vec<String>,
    explicit: Callback<(), ExplicitMapping>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let scope = RwSignal::new("user".to_owned());
    let done = RwSignal::new(None::<Result<String, String>>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = PresetInput {
            name: name.get_untracked().trim().to_owned(),
            source: source.clone(),
            scope: Some(if scope.get_untracked() == "company" {
                PresetScope::Company
            } else {
                PresetScope::User
            }),
            mapping: explicit.run(()),
            headers: Some(headers.clone()),
        };
        leptos::task::spawn_local(async move {
            done.set(Some(save_preset(input).await.map_err(|e| e.message)));
        });
    };
    view! {
        <section class="panel" aria-labelledby="preset-heading">
            <h2 id="preset-heading">"Save as a preset"</h2>
            <p class="muted small">"The next file from this source with the same columns is mapped the same way."</p>
            <form class="inline-form" on:submit=save>
                <div>
                    <label for="preset-name">"Preset name"</label>
                    <input id="preset-name" type="text" required maxlength="200"
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </div>
                <div>
                    <label for="preset-scope">"Who can use it"</label>
                    <select id="preset-scope" on:change=move |ev| scope.set(event_target_value(&ev))>
                        <option value="user" selected=true>"Only me"</option>
                        <option value="company">"Everyone in the company"</option>
                    </select>
                </div>
                <button type="submit" class="button secondary">"Save preset"</button>
            </form>
            {move || done.get().map(|r| match r {
                Ok(n) => view! { <p class="success-note" role="status">{format!("Saved as “{n}”.")}</p> }.into_any(),
                Err(message) => view! { <ErrorNote message/> }.into_any(),
            })}
        </section>
    }
}

/// Up to `n` distinct non-empty original values of `header`.
fn sample_values(rows: &[RowView], header: &str, n: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in rows {
        if let Some(serde_json::Value::String(s)) = r.original.get(header) {
            let s = s.trim();
            if !s.is_empty() && !out.iter().any(|o| o == s) {
                out.push(s.chars().take(40).collect());
                if out.len() == n {
                    break;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(index: usize, header: &str) -> ColumnMapping {
        ColumnMapping {
            index,
            header: header.into(),
            field: None,
            confidence: 0.0,
            reason: String::new(),
        }
    }

    #[test]
    fn two_columns_to_one_field_are_a_conflict_and_ignored_ones_are_not() {
        let columns = vec![
            col(0, "Email"),
            col(1, "E-mail 2"),
            col(2, "Notes"),
            col(3, "Other"),
        ];
        let choice = BTreeMap::from([
            (0, Some("email".to_owned())),
            (1, Some("email".to_owned())),
            (2, None),
            (3, None),
        ]);
        assert_eq!(
            conflicts(&columns, &choice),
            vec![(
                "email".to_owned(),
                vec!["Email".to_owned(), "E-mail 2".to_owned()]
            )]
        );
        let fine = BTreeMap::from([(0, Some("email".to_owned())), (1, None)]);
        assert!(conflicts(&columns, &fine).is_empty());
    }
}

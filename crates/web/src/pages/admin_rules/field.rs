//! The fields of the draft: one disclosure per field with everything about it (label,
//! type, requirement, steps, constraints, default, lock, synonyms, allowed values with
//! aliases and the fallback), removing a field (with how many leads use it) and adding one.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rules::config::{FieldType, Requirement, Transformer};
use rules::config_edit::Edit;

use super::{split_list, Choice, Draft};
use crate::server_fns::field_usage;

pub(crate) const TYPES: &[(FieldType, &str)] = &[
    (FieldType::Text, "Text"),
    (FieldType::Email, "Email"),
    (FieldType::Phone, "Phone"),
    (FieldType::Enum, "Choice of values"),
    (FieldType::Date, "Date"),
    (FieldType::Number, "Number"),
    (FieldType::Url, "Web address"),
    (FieldType::Country, "Country"),
];

pub(crate) const LEVELS: &[(Requirement, &str)] = &[
    (Requirement::Off, "Off"),
    (Requirement::Warning, "Warning"),
    (Requirement::Error, "Error"),
];

const STEPS: &[(Transformer, &str)] = &[
    (Transformer::Trim, "Trim spaces"),
    (Transformer::CollapseWhitespace, "Collapse whitespace"),
    (Transformer::Lowercase, "Lower case"),
    (Transformer::Uppercase, "Upper case"),
    (Transformer::TitleCase, "Title case"),
    (Transformer::EmailNormalize, "Normalize e-mail"),
    (Transformer::PhoneE164, "Phone to E.164"),
    (Transformer::DateIso, "Date to ISO"),
    (Transformer::CountryIso2, "Country to ISO code"),
    (Transformer::EnumCanonical, "Alias to allowed value"),
    (Transformer::UrlNormalize, "Normalize web address"),
    (Transformer::NumberNormalize, "Normalize number"),
];

fn step_name(t: Transformer) -> &'static str {
    STEPS.iter().find(|(s, _)| *s == t).map_or("", |(_, n)| n)
}

fn label_of<T: PartialEq>(options: &[(T, &'static str)], v: &T) -> &'static str {
    options.iter().find(|(o, _)| o == v).map_or("", |(_, n)| n)
}

/// Every field, in order.
#[component]
pub fn FieldList() -> impl IntoView {
    let d = expect_context::<Draft>();
    let keys = move || {
        d.config
            .with(|c| c.fields.iter().map(|f| f.key.clone()).collect::<Vec<_>>())
    };
    view! {
        <div class="field-list">
            <For each=keys key=|k| k.clone() children=move |key| view! { <FieldCard key/> }/>
        </div>
    }
    .into_any()
}

#[component]
fn FieldCard(key: String) -> impl IntoView {
    let d = expect_context::<Draft>();
    let k = StoredValue::new(key.clone());
    let field = d.field(k);
    let id = move |what: &str| format!("f-{}-{what}", k.get_value());
    let text = move |get: fn(&rules::config::FieldSpec) -> String| {
        move || field.with(|f| f.as_ref().map(get).unwrap_or_default())
    };
    let summary = move || {
        field.with(|f| {
            f.as_ref().map(|f| {
                let req = match f.requirement {
                    Requirement::Off => "optional",
                    Requirement::Warning => "missing → warning",
                    Requirement::Error => "required",
                };
                format!(
                    "{} ({}) · {} · {}{}",
                    f.label,
                    f.key,
                    label_of(TYPES, &f.field_type),
                    req,
                    if f.locked { " · locked" } else { "" }
                )
            })
        })
    };
    let is_enum = move || {
        field.with(|f| {
            f.as_ref().is_some_and(|f| {
                f.field_type == FieldType::Enum || !f.constraints.allowed.is_empty()
            })
        })
    };
    let is_number = move || {
        field.with(|f| {
            f.as_ref()
                .is_some_and(|f| f.field_type == FieldType::Number)
        })
    };
    let num = |v: String| v.trim().parse::<u32>().ok();
    let float = |v: String| v.trim().replace(',', ".").parse::<f64>().ok();
    let confirm = RwSignal::new(None::<i64>);
    let remove = move |_| {
        let key = k.get_value();
        spawn_local(async move {
            match field_usage(key.clone()).await {
                Ok(0) => {
                    d.edit(Edit::RemoveField { key });
                }
                Ok(n) => confirm.set(Some(n)),
                Err(e) => d.refused.set(Some(e.message)),
            }
        });
    };
    view! {
        <details class="field-card">
            <summary>{summary}</summary>
            <div class="grid-form">
                <label for=id("label")>"Label"</label>
                <input id=id("label") type="text" prop:value=text(|f| f.label.clone())
                    on:change=move |ev| { d.edit(Edit::SetLabel { key: k.get_value(), label: event_target_value(&ev) }); }/>
                <Choice id=id("type") label="Type" options=TYPES
                    value=Signal::derive(move || field.with(|f| f.as_ref().map(|f| f.field_type)))
                    on_pick=move |field_type| { d.edit(Edit::SetType { key: k.get_value(), field_type }); }/>
                <Choice id=id("requirement") label="When empty" options=LEVELS
                    value=Signal::derive(move || field.with(|f| f.as_ref().map(|f| f.requirement)))
                    on_pick=move |requirement| { d.edit(Edit::SetRequirement { key: k.get_value(), requirement }); }/>
                <Choice id=id("invalid") label="When invalid" options=LEVELS
                    value=Signal::derive(move || field.with(|f| f.as_ref().map(|f| f.on_invalid)))
                    on_pick=move |level| { d.edit(Edit::SetOnInvalid { key: k.get_value(), level }); }/>
                <label for=id("default")>"Default value"</label>
                <input id=id("default") type="text" prop:value=text(|f| f.default.clone().unwrap_or_default())
                    on:change=move |ev| { d.edit(Edit::SetDefault { key: k.get_value(), value: Some(event_target_value(&ev)) }); }/>
                <label for=id("synonyms")>"Header synonyms"</label>
                <input id=id("synonyms") type="text" aria-describedby=id("synonyms-help") prop:value=text(|f| f.synonyms.join(", "))
                    on:change=move |ev| { d.edit(Edit::SetSynonyms { key: k.get_value(), synonyms: split_list(&event_target_value(&ev)) }); }/>
                <span id=id("synonyms-help") class="hint">"Comma-separated column names that mean this field."</span>
                <label for=id("pattern")>"Pattern"</label>
                <input id=id("pattern") type="text" class="mono" prop:value=text(|f| f.constraints.pattern.clone().unwrap_or_default())
                    on:change=move |ev| {
                        let description = field.with_untracked(|f| f.as_ref().and_then(|f| f.constraints.pattern_description.clone()));
                        d.edit(Edit::SetPattern { key: k.get_value(), pattern: Some(event_target_value(&ev)), description });
                    }/>
                <label for=id("pattern-text")>"Pattern in words"</label>
                <input id=id("pattern-text") type="text" placeholder="e.g. 5 digits" prop:value=text(|f| f.constraints.pattern_description.clone().unwrap_or_default())
                    on:change=move |ev| {
                        let pattern = field.with_untracked(|f| f.as_ref().and_then(|f| f.constraints.pattern.clone()));
                        d.edit(Edit::SetPattern { key: k.get_value(), pattern, description: Some(event_target_value(&ev)) });
                    }/>
                <label for=id("min-length")>"Minimum length"</label>
                <input id=id("min-length") type="number" min="0" prop:value=text(|f| f.constraints.min_length.map(|n| n.to_string()).unwrap_or_default())
                    on:change=move |ev| {
                        let max = field.with_untracked(|f| f.as_ref().and_then(|f| f.constraints.max_length));
                        d.edit(Edit::SetLength { key: k.get_value(), min: num(event_target_value(&ev)), max });
                    }/>
                <label for=id("max-length")>"Maximum length"</label>
                <input id=id("max-length") type="number" min="0" prop:value=text(|f| f.constraints.max_length.map(|n| n.to_string()).unwrap_or_default())
                    on:change=move |ev| {
                        let min = field.with_untracked(|f| f.as_ref().and_then(|f| f.constraints.min_length));
                        d.edit(Edit::SetLength { key: k.get_value(), min, max: num(event_target_value(&ev)) });
                    }/>
                <Show when=is_number>
                    <label for=id("min-value")>"Smallest value"</label>
                    <input id=id("min-value") type="text" inputmode="decimal" prop:value=text(|f| f.constraints.min_value.map(|n| n.to_string()).unwrap_or_default())
                        on:change=move |ev| {
                            let max = field.with_untracked(|f| f.as_ref().and_then(|f| f.constraints.max_value));
                            d.edit(Edit::SetRange { key: k.get_value(), min: float(event_target_value(&ev)), max });
                        }/>
                    <label for=id("max-value")>"Largest value"</label>
                    <input id=id("max-value") type="text" inputmode="decimal" prop:value=text(|f| f.constraints.max_value.map(|n| n.to_string()).unwrap_or_default())
                        on:change=move |ev| {
                            let min = field.with_untracked(|f| f.as_ref().and_then(|f| f.constraints.min_value));
                            d.edit(Edit::SetRange { key: k.get_value(), min, max: float(event_target_value(&ev)) });
                        }/>
                </Show>
                <span class="checkbox-row">
                    <input id=id("locked") type="checkbox" prop:checked=move || field.with(|f| f.as_ref().is_some_and(|f| f.locked))
                        on:change=move |ev| { d.edit(Edit::SetLocked { key: k.get_value(), locked: event_target_checked(&ev) }); }/>
                    <label for=id("locked")>"Locked: an update never overwrites it"</label>
                </span>
            </div>
            <Steps key=k/>
            <Show when=is_enum>
                <AllowedValues key=k/>
            </Show>
            <div class="form-actions">
                <button type="button" class="button secondary" on:click=move |_| { d.edit(Edit::MoveField { key: k.get_value(), up: true }); }>"Move up"</button>
                <button type="button" class="button secondary" on:click=move |_| { d.edit(Edit::MoveField { key: k.get_value(), up: false }); }>"Move down"</button>
                <button type="button" class="button danger" on:click=remove>{move || format!("Remove {}", field.with(|f| f.as_ref().map(|f| f.label.clone()).unwrap_or_default()))}</button>
            </div>
            {move || confirm.get().map(|n| view! {
                <div class="confirm" role="alertdialog" aria-labelledby=id("confirm-text")>
                    <p id=id("confirm-text")>{format!("{n} lead(s) hold a value for this field. Their values stay in the leads, but new imports will no longer fill or check it.")}</p>
                    <button type="button" class="button danger" on:click=move |_| { confirm.set(None); d.edit(Edit::RemoveField { key: k.get_value() }); }>"Remove the field"</button>
                    <button type="button" class="button secondary" on:click=move |_| confirm.set(None)>"Keep it"</button>
                </div>
            })}
        </details>
    }
    .into_any()
}

/// The field's steps in order: move, remove, add.
#[component]
fn Steps(key: StoredValue<String>) -> impl IntoView {
    let d = expect_context::<Draft>();
    let field = d.field(key);
    let pick = RwSignal::new(Transformer::Trim);
    let add_id = format!("f-{}-add-step", key.get_value());
    view! {
        <h3 class="small-heading">"Steps, in order"</h3>
        <ol class="steps-list">
            {move || field.with(|f| f.as_ref().map(|f| f.transformers.clone()).unwrap_or_default()).into_iter().enumerate().map(|(index, t)| {
                let name = step_name(t);
                view! {
                    <li>
                        <span>{name}</span>
                        <button type="button" class="icon" aria-label=format!("Move {name} up") on:click=move |_| { d.edit(Edit::MoveTransformer { key: key.get_value(), index, up: true }); }>"↑"</button>
                        <button type="button" class="icon" aria-label=format!("Move {name} down") on:click=move |_| { d.edit(Edit::MoveTransformer { key: key.get_value(), index, up: false }); }>"↓"</button>
                        <button type="button" class="icon" aria-label=format!("Remove step {name}") on:click=move |_| { d.edit(Edit::RemoveTransformer { key: key.get_value(), index }); }>"×"</button>
                    </li>
                }
            }).collect_view()}
        </ol>
        <div class="inline-form">
            <Choice id=add_id label="Add a step" options=STEPS value=Signal::derive(move || Some(pick.get())) on_pick=move |t| pick.set(t)/>
            <button type="button" class="button secondary" on:click=move |_| { d.edit(Edit::AddTransformer { key: key.get_value(), transformer: pick.get_untracked() }); }>"Add step"</button>
        </div>
    }
    .into_any()
}

/// Allowed values with their aliases, and the fallback.
#[component]
fn AllowedValues(key: StoredValue<String>) -> impl IntoView {
    let d = expect_context::<Draft>();
    let field = d.field(key);
    let values = move || {
        field.with(|f| {
            f.as_ref()
                .map(|f| {
                    f.constraints
                        .allowed
                        .iter()
                        .map(|a| a.value.clone())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let new_value = RwSignal::new(String::new());
    let add_id = format!("f-{}-new-value", key.get_value());
    let fallback_id = format!("f-{}-fallback", key.get_value());
    let label = move || field.with(|f| f.as_ref().map(|f| f.label.clone()).unwrap_or_default());
    view! {
        <h3 class="small-heading">"Allowed values"</h3>
        <table class="table compact">
            <caption class="visually-hidden">{move || format!("Allowed values of {}", label())}</caption>
            <thead><tr><th scope="col">"Value"</th><th scope="col">"Aliases"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
            <tbody>
                <For each=values key=|v| v.clone() children=move |value| view! { <AllowedRow key value/> }/>
            </tbody>
        </table>
        <div class="inline-form">
            <label for=add_id.clone()>"New allowed value"</label>
            <input id=add_id type="text" prop:value=move || new_value.get() on:input=move |ev| new_value.set(event_target_value(&ev))/>
            <button type="button" class="button secondary" on:click=move |_| {
                if d.edit(Edit::AddValue { key: key.get_value(), value: new_value.get_untracked() }) { new_value.set(String::new()); }
            }>"Add value"</button>
        </div>
        <div class="inline-form">
            <label for=fallback_id.clone()>"Unknown values become"</label>
            <select id=fallback_id on:change=move |ev| {
                let v = event_target_value(&ev);
                d.edit(Edit::SetFallback { key: key.get_value(), value: (!v.is_empty()).then_some(v) });
            }>
                <option value="" selected=move || field.with(|f| f.as_ref().is_some_and(|f| f.constraints.enum_fallback.is_none()))>"nothing (the cell is reported)"</option>
                {move || values().into_iter().map(|v| {
                    let v2 = v.clone();
                    let value = v.clone();
                    view! { <option value=value selected=move || field.with(|f| f.as_ref().and_then(|f| f.constraints.enum_fallback.clone()) == Some(v2.clone()))>{v}</option> }
                }).collect_view()}
            </select>
        </div>
    }
    .into_any()
}

#[component]
fn AllowedRow(key: StoredValue<String>, value: String) -> impl IntoView {
    let d = expect_context::<Draft>();
    let field = d.field(key);
    let v = StoredValue::new(value.clone());
    let aliases = move || {
        field.with(|f| {
            f.as_ref()
                .and_then(|f| {
                    f.constraints
                        .allowed
                        .iter()
                        .find(|a| v.with_value(|v| a.value == *v))
                        .map(|a| a.aliases.clone())
                })
                .unwrap_or_default()
        })
    };
    let alias = RwSignal::new(String::new());
    let add_alias = move || {
        if d.edit(Edit::AddAlias {
            key: key.get_value(),
            value: v.get_value(),
            alias: alias.get_untracked(),
        }) {
            alias.set(String::new());
        }
    };
    view! {
        <tr>
            <td>
                <input type="text" aria-label=format!("Allowed value {value}") prop:value=value.clone()
                    on:change=move |ev| { d.edit(Edit::RenameValue { key: key.get_value(), from: v.get_value(), to: event_target_value(&ev) }); }/>
            </td>
            <td>
                <ul class="chips" aria-label=format!("Aliases of {value}")>
                    {move || aliases().into_iter().map(|a| {
                        let a2 = a.clone();
                        view! {
                            <li>{a.clone()}
                                <button type="button" class="icon" aria-label=format!("Remove alias {a}")
                                    on:click=move |_| { d.edit(Edit::RemoveAlias { key: key.get_value(), value: v.get_value(), alias: a2.clone() }); }>"×"</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <input type="text" aria-label=format!("New alias for {value}") placeholder="Add an alias"
                    prop:value=move || alias.get() on:input=move |ev| alias.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); add_alias(); }/>
                <button type="button" class="button secondary" aria-label=format!("Add alias to {value}") on:click=move |_| add_alias()>"Add"</button>
            </td>
            <td>
                <button type="button" class="button secondary" aria-label=format!("Remove allowed value {value}")
                    on:click=move |_| { d.edit(Edit::RemoveValue { key: key.get_value(), value: v.get_value() }); }>"Remove"</button>
            </td>
        </tr>
    }
    .into_any()
}

/// Adding a field; a new key is a custom field stored in the lead's custom data.
#[component]
pub fn AddField() -> impl IntoView {
    let d = expect_context::<Draft>();
    let key = RwSignal::new(String::new());
    let label = RwSignal::new(String::new());
    let field_type = RwSignal::new(FieldType::Text);
    let synonyms = RwSignal::new(String::new());
    let values = RwSignal::new(String::new());
    let add = move |_| {
        let added = d.edit(Edit::AddField {
            key: key.get_untracked(),
            label: label.get_untracked(),
            field_type: field_type.get_untracked(),
            synonyms: split_list(&synonyms.get_untracked()),
            values: split_list(&values.get_untracked()),
        });
        if added {
            for s in [key, label, synonyms, values] {
                s.set(String::new());
            }
        }
    };
    let input = |id: &'static str, text: &'static str, signal: RwSignal<String>| {
        view! {
            <label for=id>{text}</label>
            <input id=id type="text" prop:value=move || signal.get() on:input=move |ev| signal.set(event_target_value(&ev))/>
        }
    };
    view! {
        <details class="add-field">
            <summary>"Add a field"</summary>
            <div class="grid-form">
                {input("new-field-key", "Key (a-z, 0-9, _)", key)}
                {input("new-field-label", "Label", label)}
                <Choice id="new-field-type".to_owned() label="Type" options=TYPES value=Signal::derive(move || Some(field_type.get())) on_pick=move |t| field_type.set(t)/>
                {input("new-field-synonyms", "Header synonyms (comma-separated)", synonyms)}
                <Show when=move || field_type.get() == FieldType::Enum>
                    {input("new-field-values", "Allowed values (comma-separated)", values)}
                </Show>
                <div class="form-actions">
                    <button type="button" class="button primary" on:click=add>"Add field"</button>
                </div>
            </div>
            <p class="hint">{move || format!("A key that is not a built-in lead column ({}) is stored in the lead's custom data.", rules::config::BUILTIN_FIELDS.join(", "))}</p>
        </details>
    }
    .into_any()
}

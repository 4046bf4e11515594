//! The parts of the draft beyond single fields: cross-field rules, duplicate detection,
//! phone region, date order, formula-like values and the texts that mean "no value".

use leptos::prelude::*;
use rules::config::{CrossFieldRule, DedupeKeyKind, DuplicatePolicy, Requirement};
use rules::config_diff::describe_rule;
use rules::config_edit::Edit;
use rules::dates::DateOrder;

use super::field::LEVELS;
use super::{split_list, Choice, Draft};

const POLICIES: &[(DuplicatePolicy, &str)] = &[
    (DuplicatePolicy::Skip, "Skip: leave the existing lead alone"),
    (DuplicatePolicy::Update, "Update the existing lead"),
    (
        DuplicatePolicy::Upsert,
        "Update it, or create the lead if new",
    ),
];

const ORDERS: &[(DateOrder, &str)] = &[
    (DateOrder::Auto, "Decide per column from the values"),
    (DateOrder::DayFirst, "Day first (31/12/2026)"),
    (DateOrder::MonthFirst, "Month first (12/31/2026)"),
];

/// What kind of rule the add form makes.
#[derive(Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum RuleKind {
    AtLeastOneOf,
    RequiredIf,
    PhoneMatchesCountry,
}

const KINDS: &[(RuleKind, &str)] = &[
    (
        RuleKind::AtLeastOneOf,
        "At least one of two fields has a value",
    ),
    (
        RuleKind::RequiredIf,
        "A field is required when another has a value",
    ),
    (
        RuleKind::PhoneMatchesCountry,
        "The phone number matches the country",
    ),
];

/// The cross-field rules: list, remove, add.
#[component]
pub fn Rules() -> impl IntoView {
    let d = expect_context::<Draft>();
    let kind = RwSignal::new(RuleKind::AtLeastOneOf);
    let first = RwSignal::new(String::new());
    let second = RwSignal::new(String::new());
    let equals = RwSignal::new(String::new());
    let level = RwSignal::new(Requirement::Error);
    let keys = move || {
        d.config.with(|c| {
            c.fields
                .iter()
                .map(|f| (f.key.clone(), f.label.clone()))
                .collect::<Vec<_>>()
        })
    };
    let field_select = move |id: &'static str,
                             text: Signal<&'static str>,
                             signal: RwSignal<String>| {
        view! {
            <label for=id>{text}</label>
            <select id=id on:change=move |ev| signal.set(event_target_value(&ev))>
                <option value="" selected=move || signal.get().is_empty()>"Choose a field"</option>
                {move || keys().into_iter().map(|(k, label)| {
                    let k2 = k.clone();
                    view! { <option value=k selected=move || signal.get() == k2>{label}</option> }
                }).collect_view()}
            </select>
        }
    };
    let add = move |_| {
        let (a, b, level) = (
            first.get_untracked(),
            second.get_untracked(),
            level.get_untracked(),
        );
        let rule = match kind.get_untracked() {
            RuleKind::AtLeastOneOf => CrossFieldRule::AtLeastOneOf {
                fields: vec![a, b],
                level,
            },
            RuleKind::RequiredIf => CrossFieldRule::RequiredIf {
                field: a,
                equals: equals.get_untracked(),
                then: b,
                level,
            },
            RuleKind::PhoneMatchesCountry => CrossFieldRule::PhoneMatchesCountry {
                phone: a,
                country: b,
                level,
            },
        };
        d.edit(Edit::AddRule { rule });
    };
    let first_label = Signal::derive(move || match kind.get() {
        RuleKind::AtLeastOneOf => "First field",
        RuleKind::RequiredIf => "When this field",
        RuleKind::PhoneMatchesCountry => "Phone field",
    });
    let second_label = Signal::derive(move || match kind.get() {
        RuleKind::AtLeastOneOf => "Second field",
        RuleKind::RequiredIf => "Then this field is required",
        RuleKind::PhoneMatchesCountry => "Country field",
    });
    view! {
        <section class="panel" aria-labelledby="rules-heading">
            <h2 id="rules-heading">"Rules over several fields"</h2>
            <ul class="rule-list">
                {move || d.config.with(|c| c.rules.clone()).into_iter().enumerate().map(|(index, r)| {
                    let text = describe_rule(&r);
                    view! {
                        <li>
                            <span>{text.clone()}</span>
                            <button type="button" class="button secondary" aria-label=format!("Remove rule: {text}")
                                on:click=move |_| { d.edit(Edit::RemoveRule { index }); }>"Remove"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <details>
                <summary>"Add a rule"</summary>
                <div class="grid-form">
                    <Choice id="rule-kind".to_owned() label="Kind" options=KINDS value=Signal::derive(move || Some(kind.get())) on_pick=move |k| kind.set(k)/>
                    {field_select("rule-first", first_label, first)}
                    <Show when=move || kind.get() == RuleKind::RequiredIf>
                        <label for="rule-equals">"has the value"</label>
                        <input id="rule-equals" type="text" prop:value=move || equals.get() on:input=move |ev| equals.set(event_target_value(&ev))/>
                    </Show>
                    {field_select("rule-second", second_label, second)}
                    <Choice id="rule-level".to_owned() label="Level" options=LEVELS value=Signal::derive(move || Some(level.get())) on_pick=move |l| level.set(l)/>
                    <div class="form-actions">
                        <button type="button" class="button primary" on:click=add>"Add rule"</button>
                    </div>
                </div>
            </details>
        </section>
    }
    .into_any()
}

/// Duplicate keys, the default policy and address folding.
#[component]
pub fn Duplicates() -> impl IntoView {
    let d = expect_context::<Draft>();
    let has = move |k: DedupeKeyKind| d.config.with(|c| c.duplicates.keys.contains(&k));
    let toggle = move |k: DedupeKeyKind, on: bool| {
        let mut keys = d.config.with_untracked(|c| c.duplicates.keys.clone());
        keys.retain(|x| *x != k);
        if on {
            keys.push(k);
        }
        d.edit(Edit::SetDedupeKeys { keys });
    };
    let key_box = move |id: &'static str, text: &'static str, k: DedupeKeyKind| {
        view! {
            <span class="checkbox-row">
                <input id=id type="checkbox" prop:checked=move || has(k) on:change=move |ev| toggle(k, event_target_checked(&ev))/>
                <label for=id>{text}</label>
            </span>
        }
    };
    let folding = move |plus: Option<bool>, dots: Option<bool>| {
        let (p, g) = d.config.with_untracked(|c| {
            (
                c.duplicates.fold_plus_addressing,
                c.duplicates.fold_gmail_dots,
            )
        });
        d.edit(Edit::SetFolding {
            plus_addressing: plus.unwrap_or(p),
            gmail_dots: dots.unwrap_or(g),
        });
    };
    view! {
        <section class="panel" aria-labelledby="dup-heading">
            <h2 id="dup-heading">"Duplicates"</h2>
            <fieldset>
                <legend>"A row is a duplicate when it matches a lead on"</legend>
                {key_box("dup-email", "E-mail", DedupeKeyKind::Email)}
                {key_box("dup-phone", "Phone", DedupeKeyKind::Phone)}
                {key_box("dup-name", "First name, last name and company", DedupeKeyKind::NameCompany)}
            </fieldset>
            <div class="grid-form">
                <Choice id="dup-policy".to_owned() label="Default policy" options=POLICIES
                    value=Signal::derive(move || Some(d.config.with(|c| c.duplicates.policy)))
                    on_pick=move |policy| { d.edit(Edit::SetPolicy { policy }); }/>
            </div>
            <span class="checkbox-row">
                <input id="dup-plus" type="checkbox" prop:checked=move || d.config.with(|c| c.duplicates.fold_plus_addressing)
                    on:change=move |ev| folding(Some(event_target_checked(&ev)), None)/>
                <label for="dup-plus">"jane+news@x.com is the same person as jane@x.com"</label>
            </span>
            <span class="checkbox-row">
                <input id="dup-dots" type="checkbox" prop:checked=move || d.config.with(|c| c.duplicates.fold_gmail_dots)
                    on:change=move |ev| folding(None, Some(event_target_checked(&ev)))/>
                <label for="dup-dots">"j.ane@gmail.com is the same person as jane@gmail.com"</label>
            </span>
        </section>
    }
    .into_any()
}

/// Phone region, date order, formula-like values, empty texts.
#[component]
pub fn Other() -> impl IntoView {
    let d = expect_context::<Draft>();
    view! {
        <section class="panel" aria-labelledby="other-heading">
            <h2 id="other-heading">"Reading values"</h2>
            <div class="grid-form">
                <label for="phone-region">"Default phone region"</label>
                <input id="phone-region" type="text" maxlength="2" aria-describedby="phone-region-help"
                    prop:value=move || d.config.with(|c| c.phone.default_region.clone().unwrap_or_default())
                    on:change=move |ev| { d.edit(Edit::SetDefaultRegion { region: Some(event_target_value(&ev)) }); }/>
                <span id="phone-region-help" class="hint">"Two letters (DE, FR, US) for numbers written without a country code; empty for none."</span>
                <Choice id="date-order".to_owned() label="Dates like 03/04/2026" options=ORDERS
                    value=Signal::derive(move || Some(d.config.with(|c| c.date_order)))
                    on_pick=move |order| { d.edit(Edit::SetDateOrder { order }); }/>
                <Choice id="formula-like".to_owned() label="Values a spreadsheet would run (=, +, @)" options=LEVELS
                    value=Signal::derive(move || Some(d.config.with(|c| c.formula_like)))
                    on_pick=move |level| { d.edit(Edit::SetFormulaLike { level }); }/>
                <label for="empty-values">"Texts that mean “no value”"</label>
                <textarea id="empty-values" rows="3" aria-describedby="empty-values-help"
                    prop:value=move || d.config.with(|c| c.empty_values.join(", "))
                    on:change=move |ev| { d.edit(Edit::SetEmptyValues { values: split_list(&event_target_value(&ev)) }); }></textarea>
                <span id="empty-values-help" class="hint">"Comma-separated, compared ignoring case."</span>
            </div>
        </section>
    }
    .into_any()
}

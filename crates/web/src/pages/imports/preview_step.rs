//! The Preview step: the dry run's counts and the most frequent issue codes, each a link
//! that opens the grid filtered to it.

use leptos::prelude::*;

use crate::components::WizardStep;
use crate::model::{ImportSummary, Stats};

use super::filter::Filter;
use super::wizard::{StepNav, WizardCtx};

/// How many issue codes the preview lists.
const TOP_CODES: usize = 8;

#[component]
pub fn PreviewStep(summary: ImportSummary) -> impl IntoView {
    let ctx = expect_context::<WizardCtx>();
    let file_issues = summary
        .stats
        .by_code
        .get("header.unmapped")
        .copied()
        .unwrap_or(0);
    view! {
        <section class="panel" aria-labelledby="preview-heading">
            <h2 id="preview-heading">"Preview"</h2>
            <p class="muted">
                "Every row was checked; nothing has been written to your leads. "
                "Open a count or an issue to see its rows in the grid."
            </p>
            <StatCards stats=ctx.stats/>
            {move || {
                let stats = ctx.stats.get();
                view! {
                    <p class="muted small">{format!("{} rows in total, {} excluded by you.", stats.total_rows, stats.excluded_rows)}</p>
                    <TopCodes stats/>
                }
            }}
            {(file_issues > 0).then(|| view! {
                <p class="muted small">"Some columns are not mapped; change that in the Mapping step."</p>
            })}
        </section>
        <StepNav current=WizardStep::Preview/>
    }
}

/// One card: style, label, how to read its count, the status it filters to.
type StatCard = (
    &'static str,
    &'static str,
    fn(&Stats) -> u64,
    Option<&'static str>,
);

/// The counts as cards, each a group named by its label (so tests and screen readers find
/// "Errors" and read its number).
#[component]
pub fn StatCards(stats: RwSignal<Stats>, #[prop(optional)] compact: bool) -> impl IntoView {
    let cards: [StatCard; 5] = [
        ("valid", "Valid", |s| s.valid_rows, Some("valid")),
        ("warning", "Warnings", |s| s.warning_rows, Some("warning")),
        ("error", "Errors", |s| s.error_rows, Some("error")),
        ("dup", "Duplicates in file", |s| s.duplicate_in_file, None),
        ("dup", "Duplicates in database", |s| s.duplicate_in_db, None),
    ];
    view! {
        <div class="stat-cards" class:compact=compact>
            {cards
                .into_iter()
                .enumerate()
                .map(|(i, (kind, label, count, status))| {
                    let label_id = format!("stat-{i}");
                    let labelledby = label_id.clone();
                    let href = status.map(|s| Filter::only(Some(s), None).href());
                    let dup_code = match i {
                        3 => Some("row.duplicate_in_file"),
                        4 => Some("row.duplicate_in_db"),
                        _ => None,
                    };
                    let href = href.or_else(|| dup_code.map(|c| Filter::only(None, Some(c)).href()));
                    view! {
                        <div class=format!("stat stat-{kind}") role="group" aria-labelledby=labelledby>
                            <span class="stat-value">{move || stats.with(count)}</span>
                            <span class="stat-label" id=label_id>
                                {match href {
                                    Some(h) => view! { <a href=h>{label}</a> }.into_any(),
                                    None => view! { <span>{label}</span> }.into_any(),
                                }}
                            </span>
                        </div>
                    }
                })
                .collect_view()}
        </div>
    }
}

#[component]
fn TopCodes(stats: Stats) -> impl IntoView {
    let top = stats.top_codes(TOP_CODES);
    if top.is_empty() {
        return view! { <p class="success-note">"No issues: every row is ready to import."</p> }
            .into_any();
    }
    view! {
        <h3 class="subhead">"Top issues"</h3>
        <ul class="code-list">
            {top
                .into_iter()
                .map(|(code, n)| {
                    let href = Filter::only(None, Some(&code)).href();
                    view! {
                        <li>
                            <a href=href><code>{code}</code></a>
                            <span class="count">{n}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

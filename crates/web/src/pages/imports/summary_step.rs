//! The Summary step: what was decided (mode and duplicate policy, kept in the URL as
//! `?mode=…&policy=…` so the choice survives a reload and other code can read it through
//! [`ApplyDecision::from_query`]) and the dry run's totals; then [`ApplySlot`] applies the
//! import with that decision, shows the progress and the result, the error reports and
//! the revert. Once the import was applied the decision is history and is not asked again.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::{ApplyPanel, WizardStep};
use crate::model::{ApplyMode, DuplicatePolicy, ImportStatus, ImportSummary, Stats};

use super::preview_step::StatCards;
use super::wizard::{StepNav, WizardCtx};

/// The decision of the Summary step, read from the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ApplyDecision {
    pub mode: ApplyMode,
    pub policy: DuplicatePolicy,
}

impl ApplyDecision {
    /// The decision in the current URL (defaults: valid rows only, skip duplicates).
    pub fn from_query() -> Memo<ApplyDecision> {
        let query = use_query_map();
        Memo::new(move |_| {
            let q = query.read();
            ApplyDecision {
                // An unknown value in a hand-edited URL is the default choice.
                mode: q
                    .get("mode")
                    .and_then(|m| m.parse().ok())
                    .unwrap_or_default(),
                policy: q
                    .get("policy")
                    .and_then(|p| p.parse().ok())
                    .unwrap_or_default(),
            }
        })
    }

    /// How many rows this decision would write, from the dry run's counts.
    pub fn rows_to_import(self, stats: &Stats) -> u64 {
        let candidates = match self.mode {
            ApplyMode::ValidOnly => stats.valid_rows + stats.warning_rows,
            ApplyMode::All => stats.valid_rows + stats.warning_rows + stats.error_rows,
        };
        candidates.saturating_sub(stats.excluded_rows.min(candidates))
    }
}

#[component]
pub fn SummaryStep(summary: ImportSummary) -> impl IntoView {
    let ctx = expect_context::<WizardCtx>();
    let decision = ApplyDecision::from_query();
    let modes = [
        (
            ApplyMode::ValidOnly,
            "Only rows without errors",
            "Rows with errors stay out until they are fixed.",
        ),
        (
            ApplyMode::All,
            "All rows",
            "Only once no row has errors: fix or exclude them first.",
        ),
    ];
    let policies = [
        (
            DuplicatePolicy::Skip,
            "Skip",
            "Existing leads stay as they are.",
        ),
        (
            DuplicatePolicy::Update,
            "Update",
            "Existing leads get the new values; locked fields are kept.",
        ),
        (
            DuplicatePolicy::Upsert,
            "Update or create",
            "Existing leads are updated, new ones created.",
        ),
    ];
    let explain = move || {
        let d = decision.get();
        let stats = ctx.stats.get();
        let dups = stats.duplicate_in_db;
        let what_dups = match d.policy {
            DuplicatePolicy::Skip => format!("{dups} rows match existing leads and are skipped."),
            DuplicatePolicy::Update => format!("{dups} rows match existing leads and update them."),
            DuplicatePolicy::Upsert => format!(
                "{dups} rows match existing leads and update them; the rest create new leads."
            ),
        };
        format!(
            "About {} rows would be imported. {} {} rows with errors {}.",
            d.rows_to_import(&stats),
            what_dups,
            stats.error_rows,
            if d.mode == ApplyMode::All {
                "are included"
            } else {
                "stay out"
            },
        )
    };
    let file_name = summary.file.name.clone();
    let navigate = leptos_router::hooks::use_navigate();
    let choose = move |d: ApplyDecision| {
        navigate(
            &format!(
                "?step=summary&mode={}&policy={}",
                d.mode.as_str(),
                d.policy.as_str()
            ),
            leptos_router::NavigateOptions {
                scroll: false,
                ..Default::default()
            },
        );
    };
    let choose_mode = choose.clone();
    let open = summary.status.is_editable();
    let slot_summary = summary.clone();
    view! {
        <section class="panel" aria-labelledby="summary-heading">
            <h2 id="summary-heading">"Summary"</h2>
            <StatCards stats=ctx.stats/>
            {open.then(|| view! {
                <p class="muted">{format!("{file_name}: nothing has been written to your leads yet.")}</p>
                <form method="get" class="decision">
                    <input type="hidden" name="step" value="summary"/>
                    <fieldset>
                        <legend>"Which rows"</legend>
                        {modes.into_iter().map(|(m, label, help)| {
                            let id = format!("mode-{}", m.as_str());
                            let choose = choose_mode.clone();
                            view! {
                                <div class="choice">
                                    <input type="radio" id=id.clone() name="mode" value=m.as_str()
                                        prop:checked=move || decision.get().mode == m
                                        checked=decision.get_untracked().mode == m
                                        on:change=move |_| choose(ApplyDecision { mode: m, ..decision.get_untracked() })/>
                                    <label for=id>{label} <span class="muted small">" — " {help}</span></label>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                    <fieldset>
                        <legend>"Leads that exist already"</legend>
                        {policies.into_iter().map(|(p, label, help)| {
                            let id = format!("policy-{}", p.as_str());
                            let choose = choose.clone();
                            view! {
                                <div class="choice">
                                    <input type="radio" id=id.clone() name="policy" value=p.as_str()
                                        prop:checked=move || decision.get().policy == p
                                        checked=decision.get_untracked().policy == p
                                        on:change=move |_| choose(ApplyDecision { policy: p, ..decision.get_untracked() })/>
                                    <label for=id>{label} <span class="muted small">" — " {help}</span></label>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                    <noscript><button type="submit" class="button secondary">"Use these choices"</button></noscript>
                </form>
                <p class="what-happens" role="status">{explain}</p>
            })}
            <ApplySlot summary=slot_summary decision/>
        </section>
        <StepNav current=WizardStep::Summary>
            <a class="button secondary" href="/imports">"All imports"</a>
        </StepNav>
    }
}

/// Applying the import with the step's decision: the apply button, the progress, the
/// result with the error reports, and the revert (see [`ApplyPanel`]).
#[component]
pub fn ApplySlot(summary: ImportSummary, decision: Memo<ApplyDecision>) -> impl IntoView {
    let chosen = Signal::derive(move || {
        let d = decision.get();
        (d.mode, d.policy)
    });
    // Once applied or reverted, the page loads again from the server: the decision is no
    // longer asked, the status badge and the counts are the import's final ones.
    let reload = Callback::new(move |_: ImportStatus| {
        if let Err(e) = window().location().reload() {
            leptos::logging::warn!("could not reload the page: {e:?}");
        }
    });
    view! { <ApplyPanel summary decision=chosen on_status=reload/> }
}

//! `/imports/{id}`: a staged import as the wizard's steps after the upload — Upload (file
//! facts, sheet and header row), Mapping, Preview, Review (the grid) and Summary. The step
//! is in the URL (`?step=…`), everything else is staged on the server, so the wizard
//! resumes where it was after a reload or a later visit, and Back keeps what was done.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::{AppLayout, ErrorNote, Stepper, WizardStep};
use crate::error::AppError;
use crate::model::{ImportStats, ImportSummaryView};
use crate::server_fns::get_import;

use super::file_step::FileStep;
use super::mapping_step::MappingStep;
use super::preview_step::PreviewStep;
use super::review_step::ReviewStep;
use super::summary_step::SummaryStep;

/// What every step of one import shares, provided as context.
#[derive(Clone, Copy)]
pub struct WizardCtx {
    pub import_id: Signal<String>,
    /// The import's summary; refetched after a re-mapping.
    pub summary: Resource<Result<ImportSummaryView, AppError>>,
    /// The live counts: edits and bulk actions update them without reloading the summary.
    pub stats: RwSignal<ImportStats>,
}

/// The page of one staged import.
#[component]
pub fn ImportWizardPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let import_id = Signal::derive(move || params.read().get("id").unwrap_or_default());
    let step = Memo::new(move |_| WizardStep::from_key(query.read().get("step").as_deref()));
    // Blocking: the server sends the finished page, so it reads without JavaScript.
    let summary = Resource::new_blocking(move || import_id.get(), get_import);
    let stats = RwSignal::new(ImportStats::default());
    provide_context(WizardCtx {
        import_id,
        summary,
        stats,
    });

    view! {
        <Title text=move || format!("{} · Import", step.get().label())/>
        <AppLayout children=move |_| view! {
            <Transition fallback=|| view! { <p class="loading">"Loading the import…"</p> }>
                {move || Suspend::new(async move {
                    match summary.await {
                        Ok(s) => {
                            stats.set(s.stats.clone());
                            view! { <Wizard summary=s step/> }.into_any()
                        }
                        Err(err) => view! {
                            <h1>"Import"</h1>
                            <ErrorNote message=err.message/>
                            <p><a href="/imports">"Back to all imports"</a></p>
                        }.into_any(),
                    }
                })}
            </Transition>
        }/>
    }
}

fn step_link(step: WizardStep) -> Option<String> {
    Some(format!("?step={}", step.key()))
}

#[component]
fn Wizard(summary: ImportSummaryView, step: Memo<WizardStep>) -> impl IntoView {
    let file_name = summary.file.name.clone();
    let status = summary.status.clone();
    view! {
        <div class="page-head">
            <h1>"Import " <span class="file-name">{file_name}</span></h1>
            <span class=format!("badge status-{status}")>{status.clone()}</span>
        </div>
        {move || {
            let current = step.get();
            let summary = summary.clone();
            view! {
                <Stepper current=current link=step_link/>
                {match current {
                    WizardStep::Upload => view! { <FileStep summary/> }.into_any(),
                    WizardStep::Mapping => view! { <MappingStep summary/> }.into_any(),
                    WizardStep::Preview => view! { <PreviewStep summary/> }.into_any(),
                    WizardStep::Review => view! { <ReviewStep summary/> }.into_any(),
                    WizardStep::Summary => view! { <SummaryStep summary/> }.into_any(),
                }}
            }
        }}
    }
}

/// Back and Next links at the foot of a step. `next_label` overrides the default text.
#[component]
pub fn StepNav(current: WizardStep, #[prop(optional)] children: Option<Children>) -> impl IntoView {
    let back = current.previous().map(|s| {
        let href = if s == WizardStep::Upload {
            "?step=upload".to_owned()
        } else {
            format!("?step={}", s.key())
        };
        view! { <a class="button secondary" href=href>"Back: " {s.label()}</a> }
    });
    let next = current.next().map(|s| {
        view! { <a class="button primary" href=format!("?step={}", s.key())>"Next: " {s.label()}</a> }
    });
    view! {
        <nav class="step-nav" aria-label="Wizard">
            {back}
            <span class="spacer"></span>
            {match children {
                Some(c) => c().into_any(),
                None => next.into_any(),
            }}
        </nav>
    }
}

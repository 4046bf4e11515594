//! `/imports/{id}`: a staged import as the wizard's steps after the upload — Upload (file
//! facts, sheet and header row), Mapping, Preview, Review (the grid) and Summary. The step
//! is in the URL (`?step=…`), everything else is staged on the server, so the wizard
//! resumes where it was after a reload or a later visit, and Back keeps what was done.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::grid::EditQueue;
use crate::components::{AppLayout, ErrorNote, Stepper, WizardStep};
use crate::error::AppError;
use crate::model::{
    FilePreview, ImportConfigView, ImportSummary, Overrides, RowPage, RowQuery, Stats,
};
use crate::server_fns::{file_preview, get_import, import_config, import_rows};

use super::filter::Filter;

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
    pub summary: Resource<Result<ImportSummary, AppError>>,
    /// The live counts: edits and bulk actions update them without reloading the summary.
    pub stats: RwSignal<Stats>,
    /// Set once the app has hydrated: from then on the browser does the work (the grid).
    pub hydrated: RwSignal<bool>,
    /// The review's edits, owned by the page (not the step) so moving between steps never
    /// drops an edit still on its way to the server.
    pub queue: EditQueue,
}

/// What the server loads for the current step, so the first render (and hydration) has it.
/// Every resource is created at the top of the page, before anything suspends, so the
/// browser finds the server's data for each of them while hydrating.
#[derive(Clone, Default)]
pub struct StepData {
    /// Review: the page of rows for the table without JavaScript.
    pub rows: Option<RowPage>,
    /// Mapping: the configuration's fields.
    pub config: Option<ImportConfigView>,
    /// Mapping: rows for sample values.
    pub samples: Option<RowPage>,
    /// Upload: the file's first rows.
    pub preview: Option<FilePreview>,
}

/// Rows per page of the table without JavaScript.
pub const STATIC_PAGE_SIZE: i64 = 50;
/// Rows read for the mapping's sample values.
const SAMPLE_ROWS: i64 = 25;

/// Runs `fetch` when the step needs it (`Some`), else answers `None` at once.
async fn when<T, F>(input: Option<F>) -> Result<Option<T>, AppError>
where
    F: std::future::Future<Output = Result<T, AppError>>,
{
    match input {
        Some(f) => f.await.map(Some),
        None => Ok(None),
    }
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
    let stats = RwSignal::new(Stats::default());
    let hydrated = RwSignal::new(false);
    // Effects run only in the browser, after hydration.
    Effect::new(move |_| hydrated.set(true));
    let filter = Memo::new(move |_| Filter::from_query(&query.read()));
    let rows = Resource::new_blocking(
        move || {
            let f = filter.get();
            (step.get() == WizardStep::Review && !hydrated.get())
                .then(|| (import_id.get(), f.row_query(f.offset, STATIC_PAGE_SIZE)))
        },
        |q| when(q.map(|(id, q)| import_rows(id, q))),
    );
    let for_mapping = move || (step.get() == WizardStep::Mapping).then(|| import_id.get());
    let config = Resource::new_blocking(for_mapping, |id| when(id.map(import_config)));
    let samples = Resource::new_blocking(for_mapping, |id| {
        when(id.map(|id| {
            import_rows(
                id,
                RowQuery {
                    limit: Some(SAMPLE_ROWS),
                    ..RowQuery::default()
                },
            )
        }))
    });
    let preview = Resource::new_blocking(
        move || (step.get() == WizardStep::Upload).then(|| import_id.get()),
        |id| when(id.map(|id| file_preview(id, Overrides::default()))),
    );
    let queue = EditQueue::new(import_id.get_untracked(), stats);
    queue.guard_leaving();
    // The router keeps this page when only the id changes (e.g. after reading the file
    // again): the queue follows the import.
    Effect::new(move |_| queue.switch_to(import_id.get()));
    provide_context(WizardCtx {
        import_id,
        summary,
        stats,
        hydrated,
        queue,
    });

    view! {
        <Title text=move || format!("{} · Import", step.get().label())/>
        <AppLayout children=move |_| view! {
            <Transition fallback=|| view! { <p class="loading">"Loading the import…"</p> }>
                {move || Suspend::new(async move {
                    let current = step.get();
                    let loaded = async {
                        Ok::<_, AppError>((
                            summary.await?,
                            StepData {
                                rows: rows.await?,
                                config: config.await?,
                                samples: samples.await?,
                                preview: preview.await?,
                            },
                        ))
                    };
                    match loaded.await {
                        Ok((s, data)) => {
                            stats.set(s.stats.clone());
                            // An import that was applied opens on its Summary (its result),
                            // unless a step was asked for.
                            let explicit = query.read_untracked().get("step").is_some();
                            let written = matches!(s.status.as_str(), "applying" | "applied" | "reverted");
                            let current = if written && !explicit { WizardStep::Summary } else { current };
                            view! { <Wizard summary=s step=current data/> }.into_any()
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
fn Wizard(summary: ImportSummary, step: WizardStep, data: StepData) -> impl IntoView {
    let file_name = summary.file.name.clone();
    let status = summary.status.as_str();
    view! {
        <div class="page-head">
            <h1>"Import " <span class="file-name">{file_name}</span></h1>
            <span class=format!("badge status-{status}")>{status}</span>
        </div>
        <Stepper current=step link=step_link/>
        {(step != WizardStep::Upload).then(|| ambiguous_sheet_notice(&summary))}
        {match step {
            WizardStep::Upload => view! { <FileStep summary preview=data.preview/> }.into_any(),
            WizardStep::Mapping => view! { <MappingStep summary config=data.config samples=data.samples/> }.into_any(),
            WizardStep::Preview => view! { <PreviewStep summary/> }.into_any(),
            WizardStep::Review => view! { <ReviewStep summary rows=data.rows/> }.into_any(),
            WizardStep::Summary => view! { <SummaryStep summary/> }.into_any(),
        }}
    }
}

/// On every step after Upload: when several sheets looked like lead lists, say which one
/// was read and send the user to the sheet picker.
fn ambiguous_sheet_notice(summary: &ImportSummary) -> Option<impl IntoView> {
    let choice = summary.file.sheet_choice.clone().filter(|c| c.ambiguous)?;
    Some(view! {
        <p class="notice" role="status">
            {choice.reason}" "
            <a href="?step=upload">"Check the sheet"</a>
        </p>
    })
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

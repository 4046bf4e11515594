//! `/imports`: the company's imports, newest first: who and when, the decision (mode,
//! duplicate policy, configuration version), status, counts, the result of an apply and
//! the most frequent issue codes. Each file name leads to the import's own page.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{AppLayout, ErrorNote};
use crate::model::{datetime_attr, ImportStatus, ImportSummary};
use crate::server_fns::list_imports;

/// The import history.
#[component]
pub fn ImportsPage() -> impl IntoView {
    // Blocking, so the server sends the finished table (the page works without JavaScript).
    let imports = Resource::new_blocking(|| (), |_| list_imports());
    view! {
        <Title text="Imports"/>
        <AppLayout children=move |_| view! {
            <div class="page-head">
                <h1>"Imports"</h1>
                <a class="button primary" href="/imports/new">"New import"</a>
            </div>
            <Suspense fallback=|| view! { <p class="loading">"Loading imports…"</p> }>
                {move || Suspend::new(async move {
                    match imports.await {
                        Ok(list) if list.is_empty() => view! { <EmptyHistory/> }.into_any(),
                        Ok(list) => view! { <HistoryTable list/> }.into_any(),
                        Err(err) => view! { <ErrorNote message=err.message/> }.into_any(),
                    }
                })}
            </Suspense>
        }/>
    }
}

#[component]
fn EmptyHistory() -> impl IntoView {
    view! {
        <section class="panel empty-state" aria-labelledby="empty-heading">
            <h2 id="empty-heading">"No imports yet"</h2>
            <p class="muted">
                "Upload a spreadsheet of leads (CSV, TSV, Excel or OpenDocument). Every row is "
                "checked before anything is written, and you can fix problems here in the browser."
            </p>
            <a class="button primary" href="/imports/new">"Start your first import"</a>
        </section>
    }
}

#[component]
fn HistoryTable(list: Vec<ImportSummary>) -> impl IntoView {
    view! {
        <section class="panel table-panel">
            <table class="table">
                <caption class="visually-hidden">"Import history"</caption>
                <thead>
                    <tr>
                        <th scope="col">"File"</th>
                        <th scope="col">"Source"</th>
                        <th scope="col">"By"</th>
                        <th scope="col">"Created (UTC)"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Mode / policy"</th>
                        <th scope="col" class="num">"Config"</th>
                        <th scope="col" class="num">"Rows"</th>
                        <th scope="col" class="num">"Valid"</th>
                        <th scope="col" class="num">"Warnings"</th>
                        <th scope="col" class="num">"Errors"</th>
                        <th scope="col">"Result"</th>
                        <th scope="col">"Top issues"</th>
                    </tr>
                </thead>
                <tbody>
                    {list
                        .into_iter()
                        .map(|i| {
                            let created = i.created_short();
                            let href = format!("/imports/{}", i.id);
                            let status_class = format!("badge status-{}", i.status);
                            // The revert itself happens on the import's Summary, where
                            // conflicts can be shown and decided.
                            let revert = (i.status == ImportStatus::Applied).then(|| {
                                (
                                    format!("/imports/{}?step=summary", i.id),
                                    format!("Revert {}", i.file.name),
                                )
                            });
                            let decision = match (&i.apply.mode, &i.apply.duplicate_policy) {
                                (Some(m), Some(p)) => {
                                    format!("{} / {}", m.as_str().replace('_', " "), p.as_str())
                                }
                                _ => "—".into(),
                            };
                            let result = i.apply.result.map_or_else(
                                || "—".to_owned(),
                                |r| format!(
                                    "{} created, {} updated, {} skipped, {} left out",
                                    r.inserted, r.updated, r.skipped, r.failed
                                ),
                            );
                            let top = i
                                .stats
                                .top_codes(3)
                                .into_iter()
                                .map(|(code, n)| format!("{code} ({n})"))
                                .collect::<Vec<_>>()
                                .join(", ");
                            view! {
                                <tr>
                                    <th scope="row"><a href=href>{i.file.name}</a></th>
                                    <td>{i.source}</td>
                                    <td>{i.created_by.unwrap_or_default()}</td>
                                    <td><time datetime=datetime_attr(i.created_at)>{created}</time></td>
                                    <td><span class=status_class>{i.status.as_str()}</span></td>
                                    <td>{decision}</td>
                                    <td class="num">{format!("v{}", i.config_version)}</td>
                                    <td class="num">{i.stats.total_rows}</td>
                                    <td class="num">{i.stats.valid_rows}</td>
                                    <td class="num">{i.stats.warning_rows}</td>
                                    <td class="num">{i.stats.error_rows}</td>
                                    <td class="result">
                                        {result}
                                        {revert.map(|(href, label)| view! {
                                            " "
                                            <a href=href aria-label=label>"Revert…"</a>
                                        })}
                                    </td>
                                    <td class="small">{top}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}

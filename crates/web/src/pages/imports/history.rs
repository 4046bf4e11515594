//! `/imports`: the company's imports, newest first, with their counts.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{AppLayout, ErrorNote};
use crate::model::ImportSummaryView;
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
fn HistoryTable(list: Vec<ImportSummaryView>) -> impl IntoView {
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
                        <th scope="col" class="num">"Rows"</th>
                        <th scope="col" class="num">"Valid"</th>
                        <th scope="col" class="num">"Warnings"</th>
                        <th scope="col" class="num">"Errors"</th>
                    </tr>
                </thead>
                <tbody>
                    {list
                        .into_iter()
                        .map(|i| {
                            let created = i.created_short();
                            let href = format!("/imports/{}", i.id);
                            let status_class = format!("badge status-{}", i.status);
                            view! {
                                <tr>
                                    <th scope="row"><a href=href>{i.file.name}</a></th>
                                    <td>{i.source}</td>
                                    <td>{i.created_by.unwrap_or_default()}</td>
                                    <td><time datetime=i.created_at>{created}</time></td>
                                    <td><span class=status_class>{i.status}</span></td>
                                    <td class="num">{i.stats.total_rows}</td>
                                    <td class="num">{i.stats.valid_rows}</td>
                                    <td class="num">{i.stats.warning_rows}</td>
                                    <td class="num">{i.stats.error_rows}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}

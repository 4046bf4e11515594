//! `/imports`: the company's imports, newest first: who and when, the decision (mode,
//! duplicate policy, configuration version), status, counts, the result of an apply and
//! the most frequent issue codes. Each file name leads to the import's own page. The URL's
//! query narrows the list (the dashboard's numbers link here).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::{AppLayout, ErrorNote};
use crate::model::{datetime_attr, ImportListQuery, ImportStatus, ImportSummary};
use crate::server_fns::list_imports;

/// The filter in the page's URL (`?from=&to=&source=&status=&code=`: the dashboard's links).
fn url_filter(q: &leptos_router::params::ParamsMap) -> ImportListQuery {
    let get = |name: &str| q.get(name).filter(|v| !v.trim().is_empty());
    ImportListQuery {
        from: get("from"),
        to: get("to"),
        source: get("source"),
        status: get("status").and_then(|s| s.parse::<ImportStatus>().ok()),
        code: get("code"),
        offset: None,
        limit: Some(100),
    }
}

/// The filter in words: "created 2026-11-02 to 2026-12-01 · source “crm” · status applied".
fn describe(f: &ImportListQuery) -> String {
    let mut parts = Vec::new();
    match (&f.from, &f.to) {
        (Some(a), Some(b)) if a == b => parts.push(format!("created on {a}")),
        (Some(a), Some(b)) => parts.push(format!("created {a} to {b}")),
        (Some(a), None) => parts.push(format!("created from {a}")),
        (None, Some(b)) => parts.push(format!("created until {b}")),
        (None, None) => {}
    }
    if let Some(s) = &f.source {
        parts.push(format!("source “{s}”"));
    }
    if let Some(s) = f.status {
        parts.push(format!("status {}", s.as_str()));
    }
    if let Some(c) = &f.code {
        parts.push(format!("with {c} issues"));
    }
    parts.join(" · ")
}

/// The import history.
#[component]
pub fn ImportsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || query.with(url_filter);
    // Blocking, so the server sends the finished table (the page works without JavaScript).
    let imports = Resource::new_blocking(filter, list_imports);
    view! {
        <Title text="Imports"/>
        <AppLayout children=move |_| view! {
            <div class="page-head">
                <h1>"Imports"</h1>
                <a class="button primary" href="/imports/new">"New import"</a>
            </div>
            {move || {
                let f = filter();
                f.is_filtered().then(|| view! {
                    <p class="filter-note" role="status">
                        "Showing imports " {describe(&f)} ". "
                        <a href="/imports">"Show all imports"</a>
                    </p>
                })
            }}
            <Suspense fallback=|| view! { <p class="loading">"Loading imports…"</p> }>
                {move || Suspend::new(async move {
                    match imports.await {
                        Ok(list) if list.is_empty() && filter().is_filtered() => view! {
                            <section class="panel empty-state" aria-labelledby="none-heading">
                                <h2 id="none-heading">"No imports match"</h2>
                                <p class="muted">"Nothing in the history matches this filter."</p>
                                <a class="button secondary" href="/imports">"Show all imports"</a>
                            </section>
                        }.into_any(),
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

//! The versions: who published what and why, a readable diff between any two, and rolling
//! back (an old version's content published as a new version).

use leptos::prelude::*;

use super::publish::ChangeList;
use super::Draft;
use crate::components::ErrorNote;
use crate::model::PublishOutcome;
use crate::server_fns::{diff_config_versions, rollback_config};

#[component]
pub fn Versions() -> impl IntoView {
    let d = expect_context::<Draft>();
    let from = RwSignal::new(None::<i32>);
    let to = RwSignal::new(None::<i32>);
    let compare = Action::new(move |&(a, b): &(i32, i32)| diff_config_versions(a, b));
    let rollback = Action::new(move |&v: &i32| rollback_config(v, String::new()));
    Effect::new(move |_| {
        if let Some(Ok(PublishOutcome::Published(view))) = rollback.value().get() {
            d.reset(*view);
        }
    });
    let pick =
        |signal: RwSignal<Option<i32>>| move |ev| signal.set(event_target_value(&ev).parse().ok());
    view! {
        <section class="panel" aria-labelledby="versions-heading">
            <h2 id="versions-heading">"Versions"</h2>
            {move || d.versions.with(|list| {
                let numbers: Vec<i32> = list.versions.iter().map(|v| v.version).collect();
                let options = move |signal: RwSignal<Option<i32>>| numbers.iter().map(|n| {
                    let n = *n;
                    view! { <option value=n.to_string() selected=move || signal.get() == Some(n)>{format!("Version {n}")}</option> }
                }).collect_view();
                view! {
                    <table class="table">
                        <caption class="visually-hidden">"Configuration versions"</caption>
                        <thead><tr><th scope="col">"Version"</th><th scope="col">"Published"</th><th scope="col">"By"</th><th scope="col">"Comment"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                        <tbody>
                            {list.versions.iter().map(|v| {
                                let n = v.version;
                                // One element per text: adjacent text nodes merge in the
                                // server's HTML and would not match while hydrating.
                                view! {
                                    <tr>
                                        <td><span>{n.to_string()}</span>{v.active.then(|| view! { <span class="role-badge">"active"</span> })}</td>
                                        <td>{v.created_short()}</td>
                                        <td>{v.created_by.clone().unwrap_or_else(|| "—".into())}</td>
                                        <td>{v.comment.clone()}</td>
                                        <td>{(!v.active).then(|| view! {
                                            <button type="button" class="button secondary"
                                                disabled=move || rollback.pending().get()
                                                on:click=move |_| { rollback.dispatch(n); }>{format!("Roll back to version {n}")}</button>
                                        })}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    <div class="inline-form">
                        <label for="diff-from">"Compare"</label>
                        <select id="diff-from" on:change=pick(from)><option value="">"choose"</option>{options.clone()(from)}</select>
                        <label for="diff-to">"with"</label>
                        <select id="diff-to" on:change=pick(to)><option value="">"choose"</option>{options(to)}</select>
                        <button type="button" class="button secondary"
                            on:click=move |_| if let (Some(a), Some(b)) = (from.get_untracked(), to.get_untracked()) { compare.dispatch((a, b)); }>"Show differences"</button>
                    </div>
                }
            })}
            <div aria-live="polite">
                {move || compare.value().get().map(|r| match r {
                    Ok(diff) if diff.changes.is_empty() => view! { <p>{format!("Versions {} and {} are the same.", diff.from, diff.to)}</p> }.into_any(),
                    Ok(diff) => view! {
                        <p>{format!("From version {} to version {}:", diff.from, diff.to)}</p>
                        <ChangeList changes=diff.changes/>
                    }.into_any(),
                    Err(e) => view! { <ErrorNote message=e.message/> }.into_any(),
                })}
                {move || rollback.value().get().and_then(|r| match r {
                    Ok(PublishOutcome::Published(v)) => Some(view! { <p class="success-note" role="status">{format!("Published version {} with the content of the version you chose.", v.version)}</p> }.into_any()),
                    Ok(PublishOutcome::Invalid { problems }) => Some(view! { <ErrorNote message=format!("That version no longer passes the check: {}", problems.first().map(ToString::to_string).unwrap_or_default())/> }.into_any()),
                    Ok(PublishOutcome::Stale { .. }) => None,
                    Err(e) => Some(view! { <ErrorNote message=e.message/> }.into_any()),
                })}
            </div>
        </section>
    }
    .into_any()
}

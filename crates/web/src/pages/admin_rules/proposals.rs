//! Alias proposals made in Review: each pending one with its evidence (rows and imports
//! that still fail on the spelling, who proposed it), approved with one click (the server
//! publishes the alias as a new version; the draft takes it over too) or rejected with a
//! reason.

use leptos::prelude::*;
use rules::config_edit::{self, Edit};

use super::Draft;
use crate::components::ErrorNote;
use crate::model::{AliasProposal, ProposalId, ProposalStatus};
use crate::server_fns::{approve_alias, list_alias_proposals, reject_alias, rules_config};

#[component]
pub fn Proposals() -> impl IntoView {
    let d = expect_context::<Draft>();
    let approve = Action::new(|id: &ProposalId| approve_alias(*id));
    let reject =
        Action::new(|(id, reason): &(ProposalId, String)| reject_alias(*id, reason.clone()));
    let notice = RwSignal::new(None::<String>);
    // After an approval the draft moves onto the published version and keeps its own
    // unpublished edits: the alias is added to the draft the same way.
    Effect::new(move |_| {
        if let Some(Ok(p)) = approve.value().get() {
            notice.set(Some(match p.config_version {
                Some(n) => format!(
                    "Approved: \"{}\" now means {} ({}), published as version {n}.",
                    p.alias, p.value, p.field
                ),
                None => format!("Approved: the rules already accept \"{}\".", p.alias),
            }));
            let edit = Edit::AddAlias {
                key: p.field.clone(),
                value: p.value.clone(),
                alias: p.alias.clone(),
            };
            leptos::task::spawn_local(async move {
                if let Ok(active) = rules_config().await {
                    d.config.update(|c| {
                        if let Ok(next) = config_edit::apply(c, &edit) {
                            *c = next;
                        }
                    });
                    d.base.set(active);
                }
                reload(d);
            });
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(p)) = reject.value().get() {
            notice.set(Some(format!("Rejected \"{}\" for {}.", p.alias, p.value)));
            reload(d);
        }
    });
    let error = move || {
        let a = approve.value().get().and_then(|r| r.err());
        let r = reject.value().get().and_then(|r| r.err());
        a.or(r).map(|e| e.message)
    };
    view! {
        <section class="panel" aria-labelledby="proposals-heading">
            <h2 id="proposals-heading">"Alias proposals"</h2>
            <div aria-live="polite">
                {move || notice.get().map(|n| view! { <p class="success-note" role="status">{n}</p> })}
                {move || error().map(|message| view! { <ErrorNote message/> })}
            </div>
            {move || d.proposals.with(|list| {
                let pending: Vec<AliasProposal> = list.proposals.iter().filter(|p| p.status == ProposalStatus::Pending).cloned().collect();
                if pending.is_empty() {
                    return view! { <p class="muted">"No proposals waiting. When someone fixes an unknown value in Review they can propose its spelling as an alias; it appears here."</p> }.into_any();
                }
                view! {
                    <table class="table">
                        <caption class="visually-hidden">"Pending alias proposals"</caption>
                        <thead><tr>
                            <th scope="col">"Field"</th><th scope="col">"Spelling"</th><th scope="col">"Means"</th>
                            <th scope="col">"Evidence"</th><th scope="col">"Proposed by"</th>
                            <th scope="col"><span class="visually-hidden">"Decision"</span></th>
                        </tr></thead>
                        <tbody>
                            {pending.into_iter().map(|p| view! { <ProposalRow p approve reject/> }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            })}
        </section>
    }
    .into_any()
}

#[component]
fn ProposalRow(
    p: AliasProposal,
    approve: Action<ProposalId, Result<AliasProposal, crate::error::AppError>>,
    reject: Action<(ProposalId, String), Result<AliasProposal, crate::error::AppError>>,
) -> impl IntoView {
    let id = p.id;
    let reason = RwSignal::new(String::new());
    let busy = move || approve.pending().get() || reject.pending().get();
    let evidence = format!(
        "{} row(s) in {} import(s) still fail on it",
        p.evidence.rows, p.evidence.imports
    );
    let who = format!(" \"{}\" as {}", p.alias, p.value);
    let reason_label = format!("Reason for rejecting \"{}\"", p.alias);
    view! {
        <tr>
            <td>{p.field.clone()}</td>
            <td>{p.alias.clone()}</td>
            <td>{p.value.clone()}</td>
            <td>{evidence}</td>
            <td>{format!("{} · {}", p.proposed_by.clone().unwrap_or_else(|| "—".into()), crate::model::short_time(p.proposed_at))}</td>
            <td class="actions">
                <button type="button" class="button primary small-button" disabled=busy
                    on:click=move |_| { approve.dispatch(id); }>"Approve and publish"<span class="visually-hidden">{who.clone()}</span></button>
                <input type="text" aria-label=reason_label placeholder="reason (optional)"
                    on:input=move |ev| reason.set(event_target_value(&ev))/>
                <button type="button" class="button secondary small-button" disabled=busy
                    on:click=move |_| { reject.dispatch((id, reason.get_untracked())); }>"Reject"<span class="visually-hidden">{who.clone()}</span></button>
            </td>
        </tr>
    }
    .into_any()
}

/// Loads the proposals again after a decision.
fn reload(d: Draft) {
    leptos::task::spawn_local(async move {
        if let Ok(list) = list_alias_proposals().await {
            d.proposals.set(list);
        }
    });
}

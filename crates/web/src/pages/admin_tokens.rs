//! The admin screen for API tokens: the company's tokens (name, owner, created, last used),
//! a new one (its secret shown once), revoking one (refused from the next request on).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{AdminsOnly, AppLayout, ErrorNote};
use crate::model::{short_time, Me, TokenId, TokenView};
use crate::server_fns::{list_tokens, revoke_token, CreateToken};

/// Lists and manages the company's API tokens; admins only.
#[component]
pub fn AdminTokensPage() -> impl IntoView {
    view! {
        <Title text="API tokens"/>
        <AppLayout children=|me: Me| {
            if me.is_admin() { view! { <TokensAdmin/> }.into_any() } else { view! { <AdminsOnly message="Only company admins can manage API tokens. Ask an admin of your company for one."/> }.into_any() }
        }/>
    }
}

#[component]
fn TokensAdmin() -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let revoke = Action::new(|id: &TokenId| revoke_token(*id));
    let confirming = RwSignal::new(None::<TokenId>);
    let tokens = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_tokens(),
    );
    let revoke_error = move || {
        revoke
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.message)
    };
    view! {
        <h1>"API tokens"</h1>
        <section class="panel" aria-labelledby="new-token-heading">
            <h2 id="new-token-heading">"Create a token"</h2>
            <p class="muted">"A token signs scripts and syncs in as you: send it as "<code>"Authorization: Bearer …"</code>". Only a hash is kept, so it is shown once."</p>
            <ActionForm action=create attr:class="inline-form">
                <label for="token-name">"Name"</label>
                <input id="token-name" name="name" type="text" maxlength="100" required placeholder="nightly CRM sync"/>
                <button type="submit" class="button primary">"Create token"</button>
            </ActionForm>
            <div aria-live="polite">
                {move || create.value().get().map(|r| match r {
                    Ok(created) => view! {
                        <div class="notice" role="status">
                            <p>{format!("Token \"{}\" created. Copy it now: it is not shown again.", created.token.name)}</p>
                            <label for="token-secret">"Token"</label>
                            <input id="token-secret" class="mono" type="text" readonly value=created.secret size="60"/>
                        </div>
                    }.into_any(),
                    Err(e) => view! { <ErrorNote message=e.message/> }.into_any(),
                })}
            </div>
        </section>
        <section class="panel" aria-labelledby="tokens-heading">
            <h2 id="tokens-heading">"Tokens"</h2>
            <div aria-live="polite">{move || revoke_error().map(|message| view! { <ErrorNote message/> })}</div>
            <Transition fallback=|| view! { <p class="loading">"Loading tokens…"</p> }>
                {move || tokens.get().map(|result| match result {
                    Ok(list) if list.tokens.is_empty() => view! { <p class="empty-state">"No tokens yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="table">
                            <caption class="visually-hidden">"API tokens"</caption>
                            <thead><tr>
                                <th scope="col">"Name"</th><th scope="col">"Owner"</th><th scope="col">"Created"</th>
                                <th scope="col">"Last used"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th>
                            </tr></thead>
                            <tbody>
                                {list.tokens.into_iter().map(|t| view! { <TokenRow token=t revoke confirming/> }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(err) => view! { <ErrorNote message=err.message/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn TokenRow(
    token: TokenView,
    revoke: Action<TokenId, Result<(), crate::error::AppError>>,
    confirming: RwSignal<Option<TokenId>>,
) -> impl IntoView {
    let id = token.id;
    let who = format!(" {}", token.name);
    let question = format!(
        "Revoke \"{}\"? Scripts using it stop working at once.",
        token.name
    );
    view! {
        <tr>
            <td>{token.name.clone()}</td>
            <td>{token.owner.clone()}</td>
            <td>{short_time(token.created_at)}</td>
            <td>{token.last_used_at.map_or_else(|| "never".to_owned(), short_time)}</td>
            <td class="actions">
                {move || if confirming.get() == Some(id) {
                    view! {
                        <span class="confirm" role="group" aria-label=question.clone()>
                            <span>{question.clone()}</span>
                            <button type="button" class="button primary small-button" disabled=move || revoke.pending().get()
                                on:click=move |_| { confirming.set(None); revoke.dispatch(id); }>"Yes, revoke"</button>
                            <button type="button" class="button secondary small-button" on:click=move |_| confirming.set(None)>"Cancel"</button>
                        </span>
                    }.into_any()
                } else {
                    view! {
                        <button type="button" class="button secondary small-button"
                            on:click=move |_| confirming.set(Some(id))>"Revoke"<span class="visually-hidden">{who.clone()}</span></button>
                    }.into_any()
                }}
            </td>
        </tr>
    }.into_any()
}

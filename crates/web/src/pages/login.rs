//! The sign-in page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::ErrorNote;
use crate::server_fns::Login;

/// Email + password form; errors are shown inline and announced.
#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next").unwrap_or_default());
    let error = move || login.value().get().and_then(|r| r.err()).map(|e| e.message);
    // A full page load after signing in, so everything on the next page (navigation,
    // resources) starts from the new session.
    Effect::new(move |_| {
        if let Some(Ok(target)) = login.value().get() {
            #[cfg(feature = "hydrate")]
            {
                let _ = window().location().set_href(&target);
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = target;
        }
    });
    view! {
        <Title text="Sign in"/>
        <main class="auth-page">
            <section class="auth-card" aria-labelledby="login-heading">
                <h1 id="login-heading">"Sign in to Lead Importer"</h1>
                <p class="muted">"Turn partner spreadsheets into clean leads, without losing a row."</p>
                <ActionForm action=login>
                    <input type="hidden" name="next" value=next/>
                    <label for="email">"Email"</label>
                    <input id="email" name="email" type="email" autocomplete="username" required/>
                    <label for="password">"Password"</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required/>
                    {move || error().map(|message| view! { <ErrorNote message/> })}
                    <button type="submit" class="button primary" disabled=move || login.pending().get()>
                        {move || if login.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ActionForm>
            </section>
        </main>
    }
}

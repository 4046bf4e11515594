//! The signed-in app frame: header with navigation, company, user and sign-out.

use leptos::prelude::*;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_location;

use crate::app::CurrentUser;
use crate::model::Me;
use crate::server_fns::Logout;

/// Frames a page for a signed-in user; visitors are sent to the login page. The child
/// receives the user so pages need not look them up again.
#[component]
pub fn AppLayout<F, V>(children: F) -> impl IntoView
where
    F: Fn(Me) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let CurrentUser(me) = expect_context::<CurrentUser>();
    let location = use_location();
    let children = std::sync::Arc::new(children);
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let children = children.clone();
                me.get().map(move |result| match result {
                    Ok(Some(user)) => {
                        let body = children(user.clone());
                        view! { <Frame user=user>{body}</Frame> }.into_any()
                    }
                    Ok(None) => {
                        let next = location.pathname.get_untracked();
                        view! { <Redirect path=format!("/login?next={next}")/> }.into_any()
                    }
                    Err(err) => view! { <ErrorNote message=err.message/> }.into_any(),
                })
            }}
        </Transition>
    }
}

#[component]
fn Frame(user: Me, children: Children) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let is_admin = user.is_admin();
    view! {
        <header class="topbar">
            <a class="brand" href="/">"Lead Importer"</a>
            <nav aria-label="Main">
                // `A` marks the link of the current page with aria-current="page".
                <A href="/" exact=true>"Home"</A>
                <A href="/imports">"Imports"</A>
                <A href="/admin/presets">"Presets"</A>
                <Show when=move || is_admin>
                    <A href="/admin/rules">"Rules"</A>
                    <A href="/admin/users">"Users"</A>
                    <A href="/admin/tokens">"Tokens"</A>
                    <A href="/admin/audit">"Audit"</A>
                    <A href="/admin/dashboard">"Dashboard"</A>
                </Show>
            </nav>
            <div class="who">
                <span class="company" title="Company">{user.company_name.clone()}</span>
                <span class="user">{user.email.clone()}</span>
                <span class="role-badge">{user.role.as_str()}</span>
                <ActionForm action=logout attr:class="inline">
                    <button type="submit" class="button secondary">"Sign out"</button>
                </ActionForm>
            </div>
        </header>
        <main class="page">{children()}</main>
    }
}

/// A visible error message, announced to screen readers.
#[component]
pub fn ErrorNote(message: String) -> impl IntoView {
    view! {
        <p class="error-note" role="alert">
            {message}
        </p>
    }
}

/// The page a member sees at an admin address: a 403 with who to ask.
#[component]
pub fn AdminsOnly(message: &'static str) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::FORBIDDEN);
    }
    view! {
        <h1>"Admins only"</h1>
        <ErrorNote message=message.to_owned()/>
    }
}

//! The document shell, the router and the app-wide "who is signed in" resource.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::model::Me;
use crate::pages::{
    AdminAuditPage, AdminDashboardPage, AdminPresetsPage, AdminRulesPage, AdminTokensPage,
    AdminUsersPage, CodeHelpPage, HomePage, ImportWizardPage, ImportsPage, LoginPage,
    NewImportPage, NotFoundPage,
};
use crate::server_fns::get_me;

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HashedStylesheet id="leptos" options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The signed-in user, shared through context. Blocking, so the server renders the right
/// navigation before the first byte leaves; reloaded on every navigation, so signing in or
/// out (which navigates) is reflected at once.
#[derive(Clone, Copy)]
pub struct CurrentUser(pub Resource<Result<Option<Me>, crate::error::AppError>>);

/// Provides [`CurrentUser`] to everything inside the router.
#[component]
fn CurrentUserScope(children: Children) -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let me = Resource::new_blocking(move || location.pathname.get(), |_| get_me());
    provide_context(CurrentUser(me));
    children()
}

/// The application: the title and the routes (the stylesheet is linked by the shell, which
/// knows the hashed file name).
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        <Title formatter=|text: String| {
            if text.is_empty() { "Lead Importer".to_owned() } else { format!("{text} · Lead Importer") }
        }/>
        <Router>
            <CurrentUserScope>
            <Routes fallback=|| view! { <NotFoundPage/> }>
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/") view=HomePage/>
                <Route path=path!("/admin/rules") view=AdminRulesPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/users") view=AdminUsersPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/presets") view=AdminPresetsPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/tokens") view=AdminTokensPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/audit") view=AdminAuditPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/dashboard") view=AdminDashboardPage ssr=SsrMode::Async/>
                <Route path=path!("/imports") view=ImportsPage ssr=SsrMode::Async/>
                <Route path=path!("/imports/new") view=NewImportPage ssr=SsrMode::Async/>
                <Route path=path!("/help/codes/:code") view=CodeHelpPage ssr=SsrMode::Async/>
                <Route path=path!("/imports/:id") view=ImportWizardPage ssr=SsrMode::Async/>
            </Routes>
            </CurrentUserScope>
        </Router>
    }
}

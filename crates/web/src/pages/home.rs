//! The home page: where the signed-in user is and what they can do from here.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::AppLayout;

/// The landing page after sign-in.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="Home"/>
        <AppLayout children=|me| {
            let greeting = if me.display_name.is_empty() { me.email.clone() } else { me.display_name.clone() };
            let is_admin = me.is_admin();
            view! {
                <h1>"Welcome, " {greeting}</h1>
                <section class="panel" aria-labelledby="workspace-heading">
                    <h2 id="workspace-heading">"Your workspace"</h2>
                    <dl class="facts">
                        <dt>"Company"</dt><dd>{me.company_name.clone()}</dd>
                        <dt>"Company slug"</dt><dd><code>{me.company_slug.clone()}</code></dd>
                        <dt>"Your role"</dt><dd>{me.role.as_str()}</dd>
                    </dl>
                </section>
                <section class="panel" aria-labelledby="import-heading">
                    <h2 id="import-heading">"Import leads"</h2>
                    <p>
                        "Upload a CSV, TSV, XLSX, XLS or ODS file, check every row before anything is written, and fix what needs fixing. "
                        <a href="/imports/new">"Start a new import"</a>
                        " or "
                        <a href="/imports">"see earlier imports"</a>
                        "."
                    </p>
                </section>
                <section class="panel" aria-labelledby="api-heading">
                    <h2 id="api-heading">"Scripts and syncs"</h2>
                    <p>
                        "The REST API accepts this session or a Bearer token. An operator creates a token with "
                        <code>"lead-importer token create --company "{me.company_slug.clone()}" --email you@example.com --name sync"</code>
                        "; check it with " <code>"GET /api/me"</code> "."
                    </p>
                </section>
                <Show when=move || is_admin>
                    <section class="panel" aria-labelledby="admin-heading">
                        <h2 id="admin-heading">"Administration"</h2>
                        <p><a href="/admin/users">"Manage the company's users"</a></p>
                    </section>
                </Show>
            }
        }/>
    }
}

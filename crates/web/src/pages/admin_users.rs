//! The admin screen for the company's users: list them and add one.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{AdminsOnly, AppLayout, ErrorNote};
use crate::model::Me;
use crate::server_fns::{list_users, AddUser};

/// Lists the company's members; admins only.
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    view! {
        <Title text="Users"/>
        <AppLayout children=|me: Me| {
            if me.is_admin() { view! { <UsersAdmin/> }.into_any() } else { view! { <AdminsOnly message="Only company admins can manage users. Ask an admin of your company for access."/> }.into_any() }
        }/>
    }
}

#[component]
fn UsersAdmin() -> impl IntoView {
    let add = ServerAction::<AddUser>::new();
    let users = Resource::new(move || add.version().get(), |_| list_users());
    let add_error = move || add.value().get().and_then(|r| r.err()).map(|e| e.message);
    let added = move || matches!(add.value().get(), Some(Ok(())));
    view! {
        <h1>"Users"</h1>
        <section class="panel" aria-labelledby="members-heading">
            <h2 id="members-heading">"Members"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading users…"</p> }>
                {move || users.get().map(|result| match result {
                    Ok(rows) => view! {
                        <table class="table">
                            <caption class="visually-hidden">"Company members"</caption>
                            <thead><tr><th scope="col">"Email"</th><th scope="col">"Name"</th><th scope="col">"Role"</th><th scope="col">"Member since"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|u| view! {
                                    <tr><td>{u.email}</td><td>{u.display_name}</td><td>{u.role}</td><td>{u.joined_at}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(err) => view! { <ErrorNote message=err.message/> }.into_any(),
                })}
            </Transition>
        </section>
        <section class="panel" aria-labelledby="add-heading">
            <h2 id="add-heading">"Add a user"</h2>
            <ActionForm action=add attr:class="grid-form">
                <label for="new-email">"Email"</label>
                <input id="new-email" name="email" type="email" required/>
                <label for="new-name">"Name"</label>
                <input id="new-name" name="display_name" type="text"/>
                <label for="new-role">"Role"</label>
                <select id="new-role" name="role">
                    <option value="member" selected>"Member"</option>
                    <option value="admin">"Admin"</option>
                </select>
                <label for="new-password">"Initial password"</label>
                <input id="new-password" name="password" type="password" minlength="8" autocomplete="new-password" required/>
                <div class="form-actions">
                    <button type="submit" class="button primary">"Add user"</button>
                </div>
            </ActionForm>
            {move || add_error().map(|message| view! { <ErrorNote message/> })}
            <Show when=added>
                <p class="success-note" role="status">"User added."</p>
            </Show>
        </section>
    }
}

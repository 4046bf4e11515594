//! The admin screen for the company's users: list them, add one, change a role,
//! deactivate or activate, remove. The server refuses to leave the company without an
//! active admin and says so here.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{AdminsOnly, AppLayout, ErrorNote};
use crate::model::{Me, Role, UserId, UserPatch, UserView};
use crate::server_fns::{list_users, remove_user, update_user, AddUser};

/// Lists the company's members; admins only.
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    view! {
        <Title text="Users"/>
        <AppLayout children=|me: Me| {
            if me.is_admin() { view! { <UsersAdmin me/> }.into_any() } else { view! { <AdminsOnly message="Only company admins can manage users. Ask an admin of your company for access."/> }.into_any() }
        }/>
    }
}

/// The changes an admin makes on this page, as one action each.
#[derive(Clone, Copy)]
struct UserActions {
    update: Action<(UserId, UserPatch), Result<UserView, crate::error::AppError>>,
    remove: Action<UserId, Result<(), crate::error::AppError>>,
    /// The member whose removal waits for a confirmation.
    confirming: RwSignal<Option<UserId>>,
}

#[component]
fn UsersAdmin(me: Me) -> impl IntoView {
    let add = ServerAction::<AddUser>::new();
    let actions = UserActions {
        update: Action::new(|(id, patch): &(UserId, UserPatch)| update_user(*id, patch.clone())),
        remove: Action::new(|id: &UserId| remove_user(*id)),
        confirming: RwSignal::new(None),
    };
    let users = Resource::new(
        move || {
            (
                add.version().get(),
                actions.update.version().get(),
                actions.remove.version().get(),
            )
        },
        |_| list_users(),
    );
    let add_error = move || add.value().get().and_then(|r| r.err()).map(|e| e.message);
    let added = move || matches!(add.value().get(), Some(Ok(())));
    let change_error = move || {
        let update = actions.update.value().get().and_then(|r| r.err());
        let remove = actions.remove.value().get().and_then(|r| r.err());
        update.or(remove).map(|e| e.message)
    };
    let me = StoredValue::new(me.email);
    view! {
        <h1>"Users"</h1>
        <section class="panel" aria-labelledby="members-heading">
            <h2 id="members-heading">"Members"</h2>
            <p class="muted">"A deactivated member cannot sign in; their sessions end at once and their API tokens are refused until you activate them again. Removing a member also revokes their tokens; their imports stay."</p>
            <div aria-live="polite">{move || change_error().map(|message| view! { <ErrorNote message/> })}</div>
            <Transition fallback=|| view! { <p class="loading">"Loading users…"</p> }>
                {move || users.get().map(|result| match result {
                    Ok(list) => view! {
                        <table class="table">
                            <caption class="visually-hidden">"Company members"</caption>
                            <thead><tr>
                                <th scope="col">"Email"</th><th scope="col">"Name"</th><th scope="col">"Role"</th>
                                <th scope="col">"Status"</th><th scope="col">"Member since"</th>
                                <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                            </tr></thead>
                            <tbody>
                                {list.users.into_iter().map(|u| {
                                    let you = me.with_value(|m| *m == u.email);
                                    view! { <MemberRow user=u you actions/> }
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

/// One member: their role as a select, their status, and the buttons that change them.
#[component]
fn MemberRow(user: UserView, you: bool, actions: UserActions) -> impl IntoView {
    let id = user.id;
    let email = user.email.clone();
    let busy = move || actions.update.pending().get() || actions.remove.pending().get();
    let set_role = move |ev| {
        if let Ok(role) = event_target_value(&ev).parse::<Role>() {
            actions.update.dispatch((
                id,
                UserPatch {
                    role: Some(role),
                    ..UserPatch::default()
                },
            ));
        }
    };
    let active = user.active;
    let toggle = move |_| {
        actions.update.dispatch((
            id,
            UserPatch {
                active: Some(!active),
                ..UserPatch::default()
            },
        ));
    };
    let role_label = format!("Role of {}", user.email);
    let toggle_label = if active { "Deactivate" } else { "Activate" };
    // The e-mail is in each button's name, for screen readers and tests, but not shown.
    let who = format!(" {}", user.email);
    let confirm_text = format!("Remove {} from the company?", user.email);
    let name = if you {
        format!("{} (you)", user.display_name)
    } else {
        user.display_name.clone()
    };
    view! {
        <tr>
            <td>{email}</td>
            <td>{name}</td>
            <td>
                <select aria-label=role_label on:change=set_role disabled=busy>
                    <option value="admin" selected=user.role == Role::Admin>"Admin"</option>
                    <option value="member" selected=user.role == Role::Member>"Member"</option>
                </select>
            </td>
            <td>{if active { "Active" } else { "Deactivated" }}</td>
            <td>{user.joined_at.date().to_string()}</td>
            <td class="actions">
                <button type="button" class="button secondary small-button" disabled=busy on:click=toggle>{toggle_label}<span class="visually-hidden">{who.clone()}</span></button>
                {move || if actions.confirming.get() == Some(id) {
                    view! {
                        <span class="confirm" role="group" aria-label=confirm_text.clone()>
                            <span>{confirm_text.clone()}</span>
                            <button type="button" class="button primary small-button" disabled=busy
                                on:click=move |_| { actions.confirming.set(None); actions.remove.dispatch(id); }>"Yes, remove"</button>
                            <button type="button" class="button secondary small-button"
                                on:click=move |_| actions.confirming.set(None)>"Cancel"</button>
                        </span>
                    }.into_any()
                } else {
                    view! {
                        <button type="button" class="button secondary small-button" disabled=busy
                            on:click=move |_| actions.confirming.set(Some(id))>"Remove"<span class="visually-hidden">{who.clone()}</span></button>
                    }.into_any()
                }}
            </td>
        </tr>
    }.into_any()
}

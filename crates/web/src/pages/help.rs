//! `/help/codes/{code}`: what an issue code means, what its level is, which part of the
//! import finds it and how to fix it; linked from the grid's details panel.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::components::{AppLayout, ErrorNote};
use crate::model::Me;
use crate::server_fns::help_for_code;

#[component]
pub fn CodeHelpPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let help = Resource::new(code, help_for_code);
    view! {
        <Title text=move || format!("Help: {}", code())/>
        <AppLayout children=move |_: Me| view! {
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || help.get().map(|answer| match answer {
                    Ok(Some(h)) => view! {
                        <h1><code>{h.code.as_str()}</code></h1>
                        <section class="panel" aria-labelledby="meaning-heading">
                            <h2 id="meaning-heading">"What it means"</h2>
                            <p>{h.meaning}</p>
                            <dl class="facts">
                                <div><dt>"Level"</dt><dd>{h.level.as_str()}</dd></div>
                                <div><dt>"Found by"</dt><dd>{h.raised_by}</dd></div>
                            </dl>
                            <p class="muted small">
                                "Error rows cannot be imported until fixed; warnings can, but someone should look; "
                                "info only says what was changed. A company's rules may make a check stricter or milder."
                            </p>
                        </section>
                        <section class="panel" aria-labelledby="fix-heading">
                            <h2 id="fix-heading">"How to fix it"</h2>
                            <p>{h.fix}</p>
                            <p class="muted small">
                                "Fix the cell in the review grid (the details panel offers a suggested fix where there is one), "
                                "or correct the error report and upload it on the Review step."
                            </p>
                        </section>
                    }.into_any(),
                    Ok(None) => {
                        #[cfg(feature = "ssr")]
                        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                            response.set_status(http::StatusCode::NOT_FOUND);
                        }
                        view! {
                            <h1>"Unknown code"</h1>
                            <p>"There is no issue code “" {code()} "”. The list of codes is in docs/error-codes.md."</p>
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorNote message=e.message/> }.into_any(),
                })}
            </Suspense>
        }/>
    }
}

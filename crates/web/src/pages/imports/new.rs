//! `/imports/new`: the upload step. With JavaScript the file is posted with
//! XMLHttpRequest (for a progress bar) and the user lands on the review page; without it
//! the same form posts to the REST endpoint, which answers the dry-run report as JSON.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{AppLayout, ErrorNote, Stepper, WizardStep};

/// Where the upload goes: the REST dry run, same origin, authenticated by the session cookie.
const VALIDATE_URL: &str = "/api/imports/leads/validate";
/// What the file picker offers; intake decides by content, not by name.
const ACCEPT: &str = ".csv,.tsv,.txt,.xlsx,.xls,.ods";

/// Where an upload is.
#[cfg_attr(
    not(feature = "hydrate"),
    expect(
        dead_code,
        reason = "only the browser build uploads; the server renders Idle"
    )
)]
#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    Idle,
    /// Sending; the percentage when the browser knows it.
    Uploading(Option<f64>),
    /// Sent; the server is reading and checking the file.
    Processing,
}

/// The upload step of the wizard.
#[component]
pub fn NewImportPage() -> impl IntoView {
    view! {
        <Title text="New import"/>
        <AppLayout children=|_| view! { <UploadStep/> }/>
    }
}

#[component]
fn UploadStep() -> impl IntoView {
    let phase = RwSignal::new(Phase::Idle);
    // A refusal the server sent the plain form back with (`?error=…`, without JavaScript).
    let refused = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("error"))
        .filter(|m| !m.trim().is_empty());
    let error = RwSignal::new(refused);
    let chosen = RwSignal::new(None::<String>);
    let dragging = RwSignal::new(false);
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let file_ref = NodeRef::<leptos::html::Input>::new();
    #[cfg(feature = "hydrate")]
    let navigate = leptos_router::hooks::use_navigate();
    // The preset picker's choices, loaded in the browser after hydration (the server's
    // page has only "find one by source and headers", so both renders agree).
    let presets = RwSignal::new(Vec::<crate::model::PresetView>::new());
    // `data-ready` turns "true" once the form is the app's (progress, then the wizard);
    // before that a submit is the plain HTML post. Tests wait for it instead of racing.
    let ready = RwSignal::new(false);
    Effect::new(move |_| {
        ready.set(true);
        leptos::task::spawn_local(async move {
            if let Ok(list) = crate::server_fns::list_presets().await {
                presets.set(list);
            }
        });
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            ev.prevent_default();
            if !matches!(phase.get_untracked(), Phase::Idle) {
                return;
            }
            let Some(form) = form_ref.get_untracked() else {
                return;
            };
            error.set(None);
            phase.set(Phase::Uploading(None));
            let navigate = navigate.clone();
            let done = move |answer: Result<String, String>| match answer {
                Ok(id) => navigate(&format!("/imports/{id}?step=mapping"), Default::default()),
                Err(message) => {
                    error.set(Some(message));
                    phase.set(Phase::Idle);
                }
            };
            if let Err(message) = browser::send(&form, phase, done) {
                error.set(Some(message));
                phase.set(Phase::Idle);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, form_ref);
    };

    let on_change = move |_: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        if let Some(input) = file_ref.get_untracked() {
            chosen.set(browser::first_file_name(&input));
        }
    };

    let on_dragover = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(true);
    };
    let on_dragleave = move |_: leptos::ev::DragEvent| dragging.set(false);
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        #[cfg(feature = "hydrate")]
        if let Some(input) = file_ref.get_untracked() {
            if let Some(name) = browser::take_dropped(&ev, &input) {
                chosen.set(Some(name));
                error.set(None);
            }
        }
    };

    let busy = move || !matches!(phase.get(), Phase::Idle);
    let percent = move || match phase.get() {
        Phase::Uploading(Some(p)) => Some(p),
        Phase::Processing => Some(100.0),
        _ => None,
    };
    let status_text = move || match phase.get() {
        Phase::Idle => String::new(),
        Phase::Uploading(Some(p)) => format!("Uploading… {p:.0} %"),
        Phase::Uploading(None) => "Uploading…".to_owned(),
        Phase::Processing => "Processing… reading and checking every row.".to_owned(),
    };

    view! {
        <h1>"New import"</h1>
        <Stepper current=WizardStep::Upload/>
        <section class="panel" aria-labelledby="upload-heading">
            <h2 id="upload-heading">"Choose a spreadsheet"</h2>
            <p class="muted">
                "CSV, TSV, Excel (.xlsx, .xls) or OpenDocument (.ods). Format, encoding, delimiter "
                "and header row are detected; nothing is written to your leads until you apply."
            </p>
            <form
                node_ref=form_ref
                method="post"
                enctype="multipart/form-data"
                action=VALIDATE_URL
                class="upload-form"
                data-ready=move || if ready.get() { "true" } else { "false" }
                on:submit=on_submit
            >
                <div
                    class="dropzone"
                    class:dragging=move || dragging.get()
                    on:dragover=on_dragover
                    on:dragenter=on_dragover
                    on:dragleave=on_dragleave
                    on:drop=on_drop
                >
                    <span class="dropzone-icon" aria-hidden="true">"⇪"</span>
                    <label for="import-file">"File"</label>
                    <input
                        node_ref=file_ref
                        id="import-file"
                        name="file"
                        type="file"
                        accept=ACCEPT
                        required
                        on:change=on_change
                    />
                    <p class="muted small">"Choose a file, or drop it here."</p>
                    {move || chosen.get().map(|name| view! {
                        <p class="chosen">"Selected: " <strong>{name}</strong></p>
                    })}
                </div>
                <label for="import-source">"Source " <span class="optional">"(optional)"</span></label>
                <input
                    id="import-source"
                    name="source"
                    type="text"
                    placeholder="e.g. trade-fair-2024"
                    aria-describedby="import-source-hint"
                />
                <p id="import-source-hint" class="muted small">
                    "Where the file comes from. Mappings you save are remembered per source."
                </p>
                <label for="import-preset">"Mapping preset " <span class="optional">"(optional)"</span></label>
                <select id="import-preset" name="preset_id" aria-describedby="import-preset-hint">
                    <option value="">"Find one by source and headers"</option>
                    {move || presets.get().into_iter().map(|p| {
                        let whose = match p.scope {
                            crate::model::PresetScope::Company => "company",
                            crate::model::PresetScope::User => "yours",
                        };
                        let text = if p.source.is_empty() { format!("{} ({whose})", p.name) } else { format!("{} — {} ({whose})", p.name, p.source) };
                        view! { <option value=p.id.to_string()>{text}</option> }
                    }).collect_view()}
                </select>
                <p id="import-preset-hint" class="muted small">
                    "Pick a saved mapping to use it for this file; manage them under Presets."
                </p>
                <details class="more-options">
                    <summary>"Reading options"</summary>
                    <p class="muted small">"Leave empty to detect. You can also change these after the upload."</p>
                    <div class="options-grid">
                        <div>
                            <label for="import-sheet">"Sheet " <span class="optional">"(workbooks)"</span></label>
                            <input id="import-sheet" name="sheet" type="text" placeholder="first visible sheet"/>
                        </div>
                        <div>
                            <label for="import-header-row">"Header row"</label>
                            <input id="import-header-row" name="header_row" type="number" min="1" placeholder="detected"/>
                        </div>
                        <div>
                            <label for="import-encoding">"Encoding " <span class="optional">"(text files)"</span></label>
                            <select id="import-encoding" name="encoding">
                                <option value="">"Detect"</option>
                                <option value="UTF-8">"UTF-8"</option>
                                <option value="windows-1252">"windows-1252 (Western)"</option>
                                <option value="UTF-16LE">"UTF-16LE"</option>
                                <option value="Shift_JIS">"Shift_JIS"</option>
                            </select>
                        </div>
                        <div>
                            <label for="import-delimiter">"Delimiter " <span class="optional">"(text files)"</span></label>
                            <select id="import-delimiter" name="delimiter">
                                <option value="">"Detect"</option>
                                <option value=",">"comma ,"</option>
                                <option value=";">"semicolon ;"</option>
                                <option value="tab">"tab"</option>
                                <option value="|">"pipe |"</option>
                            </select>
                        </div>
                    </div>
                </details>
                <div class="upload-actions">
                    <button type="submit" class="button primary" disabled=busy>"Upload and check"</button>
                </div>
            </form>
            <Show when=busy>
                <div class="upload-progress">
                    <progress max="100" value=move || percent().map(|p| p.to_string()) aria-label="Upload progress"></progress>
                    <p role="status" class="muted">{status_text}</p>
                </div>
            </Show>
            {move || error.get().map(|message| view! { <ErrorNote message/> })}
        </section>
    }
}

/// The dry run's answer: the new import's id, or the message to show.
#[cfg(any(feature = "hydrate", test))]
fn read_answer(status: u16, body: &str) -> Result<String, String> {
    let json: Option<serde_json::Value> = serde_json::from_str(body).ok();
    if (200..300).contains(&status) {
        if let Some(id) = json
            .as_ref()
            .and_then(|j| j.get("import_id"))
            .and_then(|v| v.as_str())
        {
            return Ok(id.to_owned());
        }
    }
    let message = json
        .as_ref()
        .and_then(|j| j.pointer("/error/message"))
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    Err(message.unwrap_or_else(|| match status {
        0 => "The upload did not reach the server. Check your connection and try again.".to_owned(),
        413 => "The file is too large.".to_owned(),
        _ => format!("The server could not check the file (status {status}). Please try again."),
    }))
}

#[cfg(feature = "hydrate")]
mod browser {
    //! The browser half of the upload: FormData + XMLHttpRequest for progress events.

    use leptos::prelude::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    use super::{read_answer, Phase, VALIDATE_URL};

    fn js_message(_: wasm_bindgen::JsValue) -> String {
        "Your browser could not send the file. Please try again.".to_owned()
    }

    /// Posts `form` (file and fields) and calls `done` with the import id or a message.
    /// The callbacks live as long as the page: one upload's closures are small, and
    /// the browser drops the request itself when it finishes.
    pub(super) fn send(
        form: &web_sys::HtmlFormElement,
        phase: RwSignal<Phase>,
        done: impl Fn(Result<String, String>) + 'static,
    ) -> Result<(), String> {
        let data = web_sys::FormData::new_with_form(form).map_err(js_message)?;
        let xhr = web_sys::XmlHttpRequest::new().map_err(js_message)?;
        xhr.open("POST", VALIDATE_URL).map_err(js_message)?;
        xhr.set_request_header("Accept", "application/json")
            .map_err(js_message)?;

        let upload = xhr.upload().map_err(js_message)?;
        let on_progress =
            Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |ev: web_sys::ProgressEvent| {
                if ev.length_computable() && ev.total() > 0.0 {
                    let pct = (ev.loaded() / ev.total() * 100.0).clamp(0.0, 100.0);
                    if pct >= 100.0 {
                        phase.set(Phase::Processing);
                    } else {
                        phase.set(Phase::Uploading(Some(pct)));
                    }
                }
            });
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        on_progress.forget();
        let on_sent = Closure::<dyn FnMut()>::new(move || phase.set(Phase::Processing));
        upload.set_onload(Some(on_sent.as_ref().unchecked_ref()));
        on_sent.forget();

        let done = std::rc::Rc::new(done);
        let answered = xhr.clone();
        let done_load = done.clone();
        let on_load = Closure::<dyn FnMut()>::new(move || {
            let status = answered.status().unwrap_or(0);
            let body = answered.response_text().ok().flatten().unwrap_or_default();
            done_load(read_answer(status, &body));
        });
        xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
        on_load.forget();
        let on_error = Closure::<dyn FnMut()>::new(move || done(read_answer(0, "")));
        xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();

        xhr.send_with_opt_form_data(Some(&data)).map_err(js_message)
    }

    /// The name of the file chosen in `input`, if any.
    pub(super) fn first_file_name(input: &web_sys::HtmlInputElement) -> Option<String> {
        input
            .files()
            .and_then(|files| files.get(0))
            .map(|f| f.name())
    }

    /// Puts the dropped files into the form's file input; the first file's name.
    pub(super) fn take_dropped(
        ev: &web_sys::DragEvent,
        input: &web_sys::HtmlInputElement,
    ) -> Option<String> {
        let files = ev.data_transfer()?.files()?;
        let name = files.get(0)?.name();
        input.set_files(Some(&files));
        Some(name)
    }
}

#[cfg(test)]
mod tests {
    use super::read_answer;

    #[test]
    fn a_successful_dry_run_answers_the_import_id() {
        let body = r#"{"import_id":"0b6c6f8e-1111-4a4a-9999-123456789abc","status":"staged"}"#;
        assert_eq!(
            read_answer(200, body),
            Ok("0b6c6f8e-1111-4a4a-9999-123456789abc".to_owned())
        );
    }

    #[test]
    fn an_error_answer_shows_the_servers_message() {
        let body = r#"{"error":{"code":"file.too_large","message":"The file is over 50 MB."}}"#;
        assert_eq!(
            read_answer(413, body),
            Err("The file is over 50 MB.".to_owned())
        );
    }

    #[test]
    fn a_network_failure_has_a_message_too() {
        assert!(read_answer(0, "").is_err());
    }
}

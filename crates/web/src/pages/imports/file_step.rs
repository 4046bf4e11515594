//! The Upload step of a staged import: what intake detected (format, encoding, delimiter,
//! sheet and why that sheet, header row), the file's first rows with a header-row picker, a sheet picker for
//! workbooks and overrides for encoding and delimiter. Reading the file again with other
//! choices makes a new import (the kept file is read again; nothing is uploaded twice).

use leptos::prelude::*;

use crate::components::{ErrorNote, WizardStep};
use crate::model::{FilePreview, ImportSummary, Overrides};
use crate::server_fns::{file_preview, reread_file};

use super::wizard::{StepNav, WizardCtx};

/// Encodings offered for text files (intake accepts any WHATWG label).
const ENCODINGS: [&str; 6] = [
    "UTF-8",
    "windows-1252",
    "ISO-8859-15",
    "UTF-16LE",
    "Shift_JIS",
    "GB18030",
];
/// Delimiters offered for text files: (value sent, label).
const DELIMITERS: [(&str, &str); 4] = [
    (",", "comma ,"),
    (";", "semicolon ;"),
    ("tab", "tab"),
    ("|", "pipe |"),
];

#[component]
pub fn FileStep(summary: ImportSummary, preview: Option<FilePreview>) -> impl IntoView {
    let ctx = expect_context::<WizardCtx>();
    let f = summary.file.clone();
    let is_text = f.encoding.is_some();
    let sheet = RwSignal::new(f.sheet.clone().unwrap_or_default());
    let header_row = RwSignal::new(f.header_row);
    let encoding = RwSignal::new(String::new());
    let delimiter = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let overrides = move || Overrides {
        sheet: Some(sheet.get()).filter(|s| !s.is_empty()),
        header_row: None,
        encoding: Some(encoding.get()).filter(|s| !s.is_empty()),
        delimiter: Some(delimiter.get()).filter(|s| !s.is_empty()),
    };
    // The server's first read came with the page; other choices are read in the browser.
    let preview = RwSignal::new(Some(
        preview.ok_or_else(|| "The file could not be read.".to_owned()),
    ));
    let overrides_for_effect = overrides;
    Effect::new(move |first: Option<()>| {
        let o = overrides_for_effect();
        if first.is_none() {
            return;
        }
        preview.set(None);
        let id = ctx.import_id.get_untracked();
        leptos::task::spawn_local(async move {
            preview.set(Some(file_preview(id, o).await.map_err(|e| e.message)));
        });
    });
    let navigate = leptos_router::hooks::use_navigate();
    let reread = move |_| {
        let mut o = overrides();
        o.header_row = Some(header_row.get_untracked());
        let id = ctx.import_id.get_untracked();
        busy.set(true);
        error.set(None);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match reread_file(id, o).await {
                Ok(new_id) => navigate(
                    &format!("/imports/{new_id}?step=mapping"),
                    Default::default(),
                ),
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    let delimiter_text = f.delimiter.clone().map(|d| match d.as_str() {
        "\t" => "tab".to_owned(),
        other => other.to_owned(),
    });
    let or_dash = |v: Option<String>| {
        v.filter(|s| !s.is_empty())
            .unwrap_or_else(|| "—".to_owned())
    };
    let choice = f.sheet_choice.clone();
    let ambiguous = choice.as_ref().is_some_and(|c| c.ambiguous);
    let sheets = f.sheets.clone();
    let chosen = f.sheet.clone();
    // When several sheets look like lead lists the picker leads the page, with the sentence
    // saying which one was read; otherwise it sits with the other overrides.
    let sheet_picker = move || {
        view! {
            <label for="sheet-picker">"Sheet"</label>
            <select id="sheet-picker" on:change=move |ev| sheet.set(event_target_value(&ev))>
                {sheets.iter().map(|s| {
                    let name = s.name.clone();
                    let selected = Some(&name) == chosen.as_ref();
                    let label = if s.visible { name.clone() } else { format!("{name} (hidden)") };
                    view! { <option value=name selected=selected>{label}</option> }
                }).collect_view()}
            </select>
        }
    };
    let sheet_picker_top = sheet_picker.clone();
    let why_sheet = choice.clone().map(|c| {
        view! {
            <dt>"Why this sheet"</dt>
            <dd>
                {c.reason.clone()}
                {(!c.skipped.is_empty()).then(|| view! {
                    <ul class="skipped-sheets small muted">
                        {c.skipped.iter().map(|s| view! {
                            <li>{format!("“{}” {}", s.name, s.reason)}</li>
                        }).collect_view()}
                    </ul>
                })}
            </dd>
        }
    });
    view! {
        {(ambiguous && !f.sheets.is_empty()).then(|| view! {
            <section class="panel notice" aria-labelledby="sheet-choice-heading">
                <h2 id="sheet-choice-heading">"Which sheet holds the leads?"</h2>
                <p role="status">{choice.clone().map(|c| c.reason).unwrap_or_default()}</p>
                {sheet_picker_top()}
                <p class="muted small">"Pick the sheet and choose “Read again with these choices” below; keep it as it is if the sheet read is the right one."</p>
            </section>
        })}
        <div class="two-col">
            <section class="panel" aria-labelledby="file-heading">
                <h2 id="file-heading">"File"</h2>
                <dl class="facts">
                    <dt>"Name"</dt><dd>{f.name.clone()}</dd>
                    <dt>"Format"</dt><dd>{f.format.to_uppercase()}</dd>
                    <dt>"Encoding"</dt><dd>{or_dash(f.encoding.clone())}</dd>
                    <dt>"Delimiter"</dt><dd><code>{or_dash(delimiter_text)}</code></dd>
                    <dt>"Sheet"</dt><dd>{or_dash(f.sheet.clone())}</dd>
                    {why_sheet}
                    <dt>"Header row"</dt><dd>{f.header_row}</dd>
                    <dt>"Rows"</dt><dd>{f.total_rows}</dd>
                    <dt>"Source"</dt><dd>{or_dash(Some(summary.source.clone()))}</dd>
                    <dt>"Uploaded"</dt><dd>{format!("{} UTC", summary.created_short())}</dd>
                </dl>
                <p class="muted small"><a href="/imports/new">"Upload another file"</a></p>
            </section>
            <section class="panel" aria-labelledby="reread-heading">
                <h2 id="reread-heading">"Read the file differently"</h2>
                <p class="muted small">"Detection is usually right. If the columns look wrong, choose here and read the kept file again; this makes a new import."</p>
                {(!f.sheets.is_empty() && !ambiguous).then(sheet_picker)}
                {is_text.then(|| view! {
                    <label for="encoding-picker">"Encoding"</label>
                    <select id="encoding-picker" on:change=move |ev| encoding.set(event_target_value(&ev))>
                        <option value="">"Detected (" {f.encoding.clone().unwrap_or_default()} ")"</option>
                        {ENCODINGS.into_iter().map(|e| view! { <option value=e>{e}</option> }).collect_view()}
                    </select>
                    <label for="delimiter-picker">"Delimiter"</label>
                    <select id="delimiter-picker" on:change=move |ev| delimiter.set(event_target_value(&ev))>
                        <option value="">"Detected"</option>
                        {DELIMITERS.into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                    </select>
                })}
            </section>
        </div>
        <section class="panel table-panel" aria-labelledby="header-heading">
            <h2 id="header-heading">"Header row"</h2>
            <p class="muted small">"The first rows as read. Choose the row that holds the column names."</p>
            {move || match preview.get() {
                None => view! { <p class="loading">"Reading the first rows…"</p> }.into_any(),
                Some(Ok(p)) => view! { <HeaderPicker preview=p header_row/> }.into_any(),
                Some(Err(message)) => view! { <ErrorNote message/> }.into_any(),
            }}
            <div class="actions">
                <button type="button" class="button primary" on:click=reread disabled=move || busy.get()>
                    {move || if busy.get() { "Reading…" } else { "Read again with these choices" }}
                </button>
            </div>
            {move || error.get().map(|message| view! { <ErrorNote message/> })}
        </section>
        <StepNav current=WizardStep::Upload/>
    }
}

#[component]
fn HeaderPicker(preview: FilePreview, header_row: RwSignal<u32>) -> impl IntoView {
    if preview.rows.is_empty() {
        return view! { <p class="muted">"The file has no rows with values."</p> }.into_any();
    }
    let width = preview
        .rows
        .iter()
        .map(|r| r.cells.len())
        .max()
        .unwrap_or(0)
        .min(12);
    view! {
        <div class="scroll-x">
            <table class="table preview-table">
                <caption class="visually-hidden">"First rows of the file"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Header?"</th>
                        <th scope="col" class="num">"Row"</th>
                        {(1..=width).map(|i| view! { <th scope="col">{format!("Column {i}")}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {preview.rows.into_iter().map(|r| {
                        let n = r.row;
                        let id = format!("header-row-{n}");
                        view! {
                            <tr class:chosen-header=move || header_row.get() == n>
                                <td>
                                    <input type="radio" name="header-row" id=id.clone()
                                        checked=header_row.get_untracked() == n
                                        prop:checked=move || header_row.get() == n
                                        on:change=move |_| header_row.set(n)/>
                                    <label for=id class="visually-hidden">{format!("Row {n} is the header")}</label>
                                </td>
                                <th scope="row" class="num row-no">{n}</th>
                                {r.cells.into_iter().take(width).map(|c| view! { <td class="sample">{c}</td> }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

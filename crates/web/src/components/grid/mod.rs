//! The review grid: a virtualized, editable view of an import's staged rows. Fixed row
//! height; only the visible rows plus an overscan are in the DOM; pages are fetched from
//! the server as they scroll into view; the header and the row numbers (the file's own)
//! stay in place while the body scrolls both ways. Edits are checked in the browser at
//! once (`check`), then saved in batches (`store`). ARIA grid roles throughout; the
//! keyboard model is in `keyboard`, the cell model in `cell`, bulk actions and undo in
//! `bulk`, the side panel with messages and one-click fixes in `details`.

mod bulk;
mod cell;
mod check;
mod details;
mod keyboard;
mod store;
mod viewport;

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;

use crate::model::{Level, RowQuery, RowStatus, RowView};
use crate::server_fns::import_rows;

pub use bulk::{undo_redo as undo_redo_public, BulkBar};
pub use cell::{cell_state, CellStatus, GridColumn};
pub use check::BrowserCheck;
pub use store::{EditQueue, SaveState};

use details::DetailsPanel;
use keyboard::{editor_key, grid_key, step, EditorKey, GridKey, Mods};
use viewport::{pages_for, scroll_to_show, visible_range, PAGE_ROWS, ROW_HEIGHT};

/// Height of the sticky header row inside the scroller (the stylesheet uses the same).
const HEADER_HEIGHT: f64 = 44.0;

/// Everything the rows and cells of one grid share.
#[derive(Clone, Copy)]
struct GridCtx {
    queue: EditQueue,
    columns: StoredValue<Vec<GridColumn>>,
    pages: RwSignal<HashMap<i64, Vec<RowView>>>,
    total: RwSignal<Option<i64>>,
    /// (row index, column index) of the active cell.
    active: RwSignal<(i64, i64)>,
    /// The editor's text while a cell is being edited.
    editing: RwSignal<Option<String>>,
    /// The active cell should take focus when it is (re)drawn.
    focus_pending: RwSignal<bool>,
    scroller: NodeRef<leptos::html::Div>,
}

impl GridCtx {
    /// The row at `index` of the filtered rows, newest known state.
    fn row_at(&self, index: i64) -> Option<RowView> {
        let page = self.pages.with(|p| {
            p.get(&(index / PAGE_ROWS))
                .and_then(|rows| rows.get((index % PAGE_ROWS) as usize))
                .cloned()
        })?;
        Some(self.queue.row(page))
    }

    fn column(&self, index: i64) -> Option<GridColumn> {
        self.columns
            .with_value(|c| usize::try_from(index).ok().and_then(|i| c.get(i)).cloned())
    }

    fn col_count(&self) -> i64 {
        self.columns.with_value(|c| c.len() as i64)
    }

    /// Moves the active cell, scrolling it into view; the cell takes focus when drawn.
    fn move_to(&self, pos: (i64, i64)) {
        self.active.set(pos);
        self.focus_pending.set(true);
        if let Some(el) = self.scroller.get_untracked() {
            let top = f64::from(el.scroll_top());
            let height = f64::from(el.client_height());
            if let Some(y) = scroll_to_show(pos.0, top, height, HEADER_HEIGHT) {
                el.set_scroll_top(y as i32);
            }
        }
    }

    /// Saves the editor's text into the active cell, then moves by `by`.
    fn commit(&self, by: (i64, i64)) {
        let Some(draft) = self.editing.get_untracked() else {
            return;
        };
        self.editing.set(None);
        let (r, c) = self.active.get_untracked();
        if let (Some(row), Some(col)) = (self.row_at(r), self.column(c)) {
            let local = self
                .queue
                .local
                .with_untracked(|l| l.get(&(row.seq, col.field.clone())).cloned());
            let current = cell_state(&row, &col, local.as_ref()).raw;
            if draft != current {
                let value = Some(draft).filter(|v| !v.is_empty());
                self.queue.edit(&row, &col.field, value);
            }
        }
        let total = self.total.get_untracked().unwrap_or(0);
        self.move_to(step((r, c), by, total, self.col_count()));
    }

    fn start_edit(&self, text: Option<String>) {
        let (r, c) = self.active.get_untracked();
        let (Some(row), Some(col)) = (self.row_at(r), self.column(c)) else {
            return;
        };
        let local = self
            .queue
            .local
            .with_untracked(|l| l.get(&(row.seq, col.field.clone())).cloned());
        let raw = cell_state(&row, &col, local.as_ref()).raw;
        self.editing.set(Some(text.unwrap_or(raw)));
    }
}

/// The grid over the rows matching `query` (its offset and limit are ignored).
#[component]
pub fn Grid(
    queue: EditQueue,
    columns: Vec<GridColumn>,
    query: RowQuery,
    /// Undo and redo, for Ctrl+Z and Ctrl+Y.
    on_undo: Callback<()>,
    on_redo: Callback<()>,
) -> impl IntoView {
    let col_count = columns.len();
    let ctx = GridCtx {
        queue,
        columns: StoredValue::new(columns.clone()),
        pages: RwSignal::new(HashMap::new()),
        total: RwSignal::new(None),
        active: RwSignal::new((0, 0)),
        editing: RwSignal::new(None),
        focus_pending: RwSignal::new(false),
        scroller: NodeRef::new(),
    };
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport_h = RwSignal::new(600.0_f64);
    let load_error = RwSignal::new(None::<String>);
    let requested: StoredValue<HashSet<i64>> = StoredValue::new(HashSet::new());
    let range = Memo::new(move |_| {
        visible_range(
            scroll_top.get(),
            viewport_h.get() - HEADER_HEIGHT,
            ctx.total.get().unwrap_or(0),
        )
    });

    // Fetch the pages the visible range needs; start over when the server's rows changed.
    let fetch_query = query.clone();
    Effect::new(move |previous: Option<u32>| {
        let generation = queue.refresh.get();
        if previous.is_some_and(|p| p != generation) {
            ctx.pages.set(HashMap::new());
            requested.update_value(HashSet::clear);
        }
        let (first, last) = range.get();
        for page in pages_for(first, last) {
            if requested.with_value(|r| r.contains(&page)) {
                continue;
            }
            requested.update_value(|r| {
                r.insert(page);
            });
            let q = RowQuery {
                offset: Some(page * PAGE_ROWS),
                limit: Some(PAGE_ROWS),
                ..fetch_query.clone()
            };
            leptos::task::spawn_local(async move {
                let answer = import_rows(queue.import_id.get_untracked(), q).await;
                if queue.refresh.get_untracked() != generation {
                    return;
                }
                match answer {
                    Ok(p) => {
                        ctx.total.set(Some(p.page.total));
                        ctx.pages.update(|pages| {
                            pages.insert(page, p.rows);
                        });
                        load_error.set(None);
                    }
                    Err(e) => {
                        requested.update_value(|r| {
                            r.remove(&page);
                        });
                        load_error.set(Some(e.message));
                    }
                }
            });
        }
        generation
    });

    // The viewport's height, once drawn.
    Effect::new(move |_| {
        if let Some(el) = ctx.scroller.get() {
            viewport_h.set(f64::from(el.client_height()));
        }
    });

    let on_scroll = move |_| {
        let Some(el) = ctx.scroller.get_untracked() else {
            return;
        };
        let top = f64::from(el.scroll_top());
        let height = f64::from(el.client_height());
        scroll_top.set(top);
        viewport_h.set(height);
        // Keep the active cell among the drawn rows so the grid stays reachable by Tab.
        if ctx.editing.get_untracked().is_none() {
            let (r, c) = ctx.active.get_untracked();
            let first = (top / ROW_HEIGHT).ceil() as i64;
            let last = ((top + height - HEADER_HEIGHT) / ROW_HEIGHT).floor() as i64 - 1;
            let total = ctx.total.get_untracked().unwrap_or(0);
            if last >= first && total > 0 && (r < first || r > last) {
                ctx.active.set((r.clamp(first, last.min(total - 1)), c));
            }
        }
    };

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ctx.editing.get_untracked().is_some() {
            return;
        }
        let mods = Mods {
            ctrl: ev.ctrl_key() || ev.meta_key(),
            shift: ev.shift_key(),
            alt: ev.alt_key(),
        };
        let total = ctx.total.get_untracked().unwrap_or(0);
        let cols = ctx.col_count();
        let pos = ctx.active.get_untracked();
        match grid_key(&ev.key(), mods) {
            GridKey::Move { rows, cols: dc } => {
                let next = step(pos, (rows, dc), total, cols);
                // Tab at either end leaves the grid, as it should.
                if ev.key() == "Tab" && next == pos {
                    return;
                }
                ev.prevent_default();
                ctx.move_to(next);
            }
            GridKey::RowStart => {
                ev.prevent_default();
                ctx.move_to((pos.0, 0));
            }
            GridKey::RowEnd => {
                ev.prevent_default();
                ctx.move_to((pos.0, (cols - 1).max(0)));
            }
            GridKey::First => {
                ev.prevent_default();
                ctx.move_to((0, pos.1));
            }
            GridKey::Last => {
                ev.prevent_default();
                ctx.move_to(((total - 1).max(0), pos.1));
            }
            GridKey::Edit => {
                ev.prevent_default();
                ctx.start_edit(None);
            }
            GridKey::Type(text) => {
                ev.prevent_default();
                ctx.start_edit(Some(text));
            }
            GridKey::Clear => {
                ev.prevent_default();
                ctx.editing.set(Some(String::new()));
                ctx.commit((0, 0));
            }
            GridKey::Undo => {
                ev.prevent_default();
                on_undo.run(());
            }
            GridKey::Redo => {
                ev.prevent_default();
                on_redo.run(());
            }
            GridKey::Ignore => {}
        }
    };

    let template = format!("--cols: {col_count};");
    let head_cells = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            // The file's column name under the field's, unless they say the same.
            let source = (!c.label.eq_ignore_ascii_case(&c.header)).then(|| {
                view! {
                    <span class="visually-hidden">" from column "</span>
                    <span class="header-name">{c.header.clone()}</span>
                }
            });
            view! {
                <div role="columnheader" aria-colindex=i + 3 class="gc" title=format!("{} ← column “{}”", c.label, c.header)>
                    <span class="field-label">{c.label.clone()}</span>
                    {source}
                </div>
            }
        })
        .collect_view();

    view! {
        <div class="grid-layout">
            <div class="grid-main">
                <div
                    class="grid-scroller"
                    class:empty=move || ctx.total.get() == Some(0)
                    node_ref=ctx.scroller
                    role="grid"
                    aria-label="Staged rows"
                    aria-rowcount=move || ctx.total.get().map(|t| (t + 1).to_string())
                    aria-colcount=col_count + 2
                    aria-busy=move || ctx.total.get().is_none().then_some("true")
                    data-check-ms=move || queue.last_check_ms.get().map(|ms| format!("{ms:.3}"))
                    style=template
                    on:scroll=on_scroll
                    on:keydown=on_keydown
                >
                    <div role="rowgroup" class="grid-head">
                        <div role="row" aria-rowindex="1" class="grid-row">
                            <div role="columnheader" aria-colindex="1" class="gc rowno">"Row"</div>
                            <div role="columnheader" aria-colindex="2" class="gc status">"Status"</div>
                            {head_cells}
                        </div>
                    </div>
                    <div role="rowgroup" class="grid-body"
                        style=move || format!("height: {}px", ctx.total.get().unwrap_or(0) as f64 * ROW_HEIGHT)>
                        <For each=move || { let (a, b) = range.get(); a..b } key=|i| *i let:index>
                            <GridRow ctx index/>
                        </For>
                    </div>
                </div>
                {move || match (ctx.total.get(), load_error.get()) {
                    (_, Some(message)) => view! {
                        <div class="grid-empty" role="alert">
                            <p>"The rows could not be loaded: " {message}</p>
                            <button type="button" class="button secondary" on:click=move |_| queue.rows_changed_on_server()>"Try again"</button>
                        </div>
                    }.into_any(),
                    (None, None) => view! { <p class="grid-empty loading">"Loading rows…"</p> }.into_any(),
                    (Some(0), None) => view! {
                        <div class="grid-empty">
                            <p><strong>"No rows match."</strong></p>
                            <p class="muted">"Change the filter or the search, or " <a href="?step=review">"show all rows"</a> "."</p>
                        </div>
                    }.into_any(),
                    (Some(_), None) => ().into_any(),
                }}
                <p class="muted small grid-help">
                    "Arrow keys move, Enter or F2 edits, Escape cancels, Tab moves on. Ctrl+Z undoes."
                </p>
            </div>
            <DetailsPanel ctx/>
        </div>
    }
}

#[component]
fn GridRow(ctx: GridCtx, index: i64) -> impl IntoView {
    let row = Memo::new(move |_| ctx.row_at(index));
    let pending = move || {
        row.with(|r| {
            r.as_ref().is_some_and(|r| {
                ctx.queue
                    .pending
                    .with(|p| p.keys().any(|(seq, _)| *seq == r.seq))
            })
        })
    };
    // `None` while the row's page is loading.
    let status = move || row.with(|r| r.as_ref().map(|r| r.status));
    let cols = ctx.col_count();
    view! {
        <div role="row" aria-rowindex=index + 2
            class=move || format!("grid-row row-{}", status().map_or("", RowStatus::as_str))
            class:excluded=move || row.with(|r| r.as_ref().is_some_and(|r| r.excluded))
            style=format!("transform: translateY({}px)", index as f64 * ROW_HEIGHT)>
            <div role="rowheader" aria-colindex="1" class="gc rowno">
                {move || row.with(|r| r.as_ref().map(|r| r.row.to_string()).unwrap_or_default())}
            </div>
            <div role="gridcell" aria-colindex="2" class="gc status">
                {move || {
                    let s = status();
                    let (mark, label) = match s {
                        Some(RowStatus::Error) => ("✕", "Error"),
                        Some(RowStatus::Warning) => ("!", "Warning"),
                        Some(RowStatus::Valid) => ("✓", "Valid"),
                        Some(RowStatus::Empty) | None => ("", "…"),
                    };
                    let s = s.map_or("", RowStatus::as_str);
                    let excluded = row.with(|r| r.as_ref().is_some_and(|r| r.excluded));
                    view! {
                        <span class=format!("badge status-{s}")>
                            <span aria-hidden="true">{mark} " "</span>{label}
                        </span>
                        {excluded.then(|| view! { <span class="badge">"Excluded"</span> })}
                        {move || pending().then(|| view! { <span class="saving" title="Saving">"•"<span class="visually-hidden">"Saving"</span></span> })}
                    }
                }}
            </div>
            {(0..cols).map(|c| view! { <GridCell ctx index col=c row/> }).collect_view()}
        </div>
    }
}

#[component]
fn GridCell(ctx: GridCtx, index: i64, col: i64, row: Memo<Option<RowView>>) -> impl IntoView {
    let column = ctx.column(col);
    let field = column.as_ref().map(|c| c.field.clone()).unwrap_or_default();
    let label = column.as_ref().map(|c| c.label.clone()).unwrap_or_default();
    let state = {
        let column = column.clone();
        Memo::new(move |_| {
            let column = column.as_ref()?;
            row.with(|r| {
                r.as_ref().map(|r| {
                    let local = ctx
                        .queue
                        .local
                        .with(|l| l.get(&(r.seq, column.field.clone())).cloned());
                    cell_state(r, column, local.as_ref())
                })
            })
        })
    };
    let is_active = Memo::new(move |_| ctx.active.get() == (index, col));
    let is_editing = move || is_active.get() && ctx.editing.with(Option::is_some);
    let el = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if is_active.get() && ctx.focus_pending.get() && ctx.editing.with(Option::is_none) {
            if let Some(el) = el.get() {
                let _ = el.focus();
                ctx.focus_pending.set(false);
            }
        }
    });
    let msg_id = move || {
        row.with(|r| r.as_ref().map(|r| format!("msg-{}-{col}", r.seq)))
            .unwrap_or_default()
    };
    let invalid = move || {
        state.with(|s| {
            s.as_ref()
                .is_some_and(|s| matches!(s.status, CellStatus::Error | CellStatus::Warning))
        })
    };
    let class = move || {
        let status = state.with(|s| s.as_ref().map(|s| s.status.class()).unwrap_or(""));
        format!("gc cell {status}")
    };
    let input_ref = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = input_ref.get() {
            let _ = input.focus();
        }
    });
    let editor_label = {
        let label = label.clone();
        move || {
            let n = row.with(|r| r.as_ref().map(|r| r.row).unwrap_or(0));
            format!("{label}, row {n}")
        }
    };
    view! {
        <div role="gridcell" aria-colindex=col + 3
            node_ref=el
            class=class
            class:active=move || is_active.get()
            class:unconfirmed=move || state.with(|s| s.as_ref().is_some_and(|s| s.unconfirmed))
            tabindex=move || if is_active.get() { "0" } else { "-1" }
            aria-invalid=move || invalid().then_some("true")
            aria-describedby=move || invalid().then(msg_id)
            aria-selected=move || is_active.get().to_string()
            data-field=field.clone()
            on:click=move |_| {
                if !is_active.get_untracked() {
                    if ctx.editing.get_untracked().is_some() {
                        ctx.commit((0, 0));
                    }
                    ctx.active.set((index, col));
                }
            }
            on:dblclick=move |_| ctx.start_edit(None)
        >
            {move || if is_editing() {
                let label = editor_label();
                view! {
                    <input class="cell-editor" type="text" node_ref=input_ref aria-label=label
                        prop:value=move || ctx.editing.get().unwrap_or_default()
                        on:input=move |ev| ctx.editing.set(Some(event_target_value(&ev)))
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                            ev.stop_propagation();
                            let mods = Mods { ctrl: ev.ctrl_key(), shift: ev.shift_key(), alt: ev.alt_key() };
                            match editor_key(&ev.key(), mods) {
                                EditorKey::Commit { rows, cols } => {
                                    ev.prevent_default();
                                    ctx.commit((rows, cols));
                                }
                                EditorKey::Cancel => {
                                    ev.prevent_default();
                                    ctx.editing.set(None);
                                    ctx.focus_pending.set(true);
                                }
                                EditorKey::Ignore => {}
                            }
                        }
                        on:blur=move |_| {
                            if ctx.editing.get_untracked().is_some() && is_active.get_untracked() {
                                ctx.commit((0, 0));
                            }
                        }
                    />
                }.into_any()
            } else {
                let s = state.get();
                match s {
                    None => view! { <span class="placeholder" aria-hidden="true"></span> }.into_any(),
                    Some(s) => {
                        let messages = s
                            .issues
                            .iter()
                            .map(|i| format!("{}: {}", level_word(i.level), i.message))
                            .collect::<Vec<_>>()
                            .join(" ");
                        let fixed = (s.status == CellStatus::Fixed).then_some("Fixed.");
                        view! {
                            <span class="cell-text">{s.text}</span>
                            {(!messages.is_empty()).then(|| view! { <span class="visually-hidden" id=msg_id()>{messages}</span> })}
                            {fixed.map(|f| view! { <span class="visually-hidden">{f}</span> })}
                        }.into_any()
                    }
                }
            }}
        </div>
    }
}

fn level_word(level: Level) -> &'static str {
    match level {
        Level::Error => "Error",
        Level::Warning => "Warning",
        Level::Info => "Note",
    }
}

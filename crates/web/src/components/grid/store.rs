//! The grid's edit state, which outlives any one view of the rows (filters rebuild the
//! grid; pending edits must survive that): the browser's verdicts on edited cells, the
//! queue of edits waiting for the server (debounced, batched, retried with back-off until
//! they are saved — never dropped), the rows and counts the server answered, and what
//! undo and redo would do.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;

use crate::model::{CellEdit, Issue, RowView, Stats, UndoState};
use crate::server_fns::{edit_cells, undo_state};

use super::check::BrowserCheck;

/// Quiet time after the last edit before a batch is sent.
pub const DEBOUNCE: Duration = Duration::from_millis(400);
/// Most cells per request (the server takes up to 10,000).
const MAX_BATCH: usize = 500;

/// A cell as the browser checked it, before the server answered.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalCell {
    pub value: Option<String>,
    pub issues: Vec<Issue>,
}

/// Where the queue is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveState {
    Idle,
    Saving,
    /// The last attempt failed with this message; the next one is scheduled.
    Failed {
        message: String,
        attempt: u32,
    },
}

/// Key of a cell: (row seq, field).
pub type CellKey = (u32, String);

/// Shared, copyable handle to the edit state of one import.
#[derive(Clone, Copy)]
pub struct EditQueue {
    /// The import the edits belong to (the page may move to another import).
    pub import_id: RwSignal<String>,
    /// Browser verdicts of edited cells, shown until the server's row replaces them.
    pub local: RwSignal<HashMap<CellKey, LocalCell>>,
    /// Edits not yet confirmed by the server, in order.
    pub pending: RwSignal<BTreeMap<CellKey, Option<String>>>,
    /// Rows as the server last answered them, newer than any page.
    pub fresh: RwSignal<HashMap<u32, RowView>>,
    pub stats: RwSignal<Stats>,
    pub undo: RwSignal<UndoState>,
    pub save: RwSignal<SaveState>,
    /// Bumped when rows changed on the server in ways the grid cannot patch (undo, bulk):
    /// the grid drops its pages and fetches them again.
    pub refresh: RwSignal<u32>,
    pub check: RwSignal<Option<Arc<BrowserCheck>>>,
    /// How long the last browser check took, in milliseconds.
    pub last_check_ms: RwSignal<Option<f64>>,
    /// Whether a send is scheduled (a timer is running).
    scheduled: RwSignal<bool>,
}

impl EditQueue {
    pub fn new(import_id: String, stats: RwSignal<Stats>) -> Self {
        EditQueue {
            import_id: RwSignal::new(import_id),
            local: RwSignal::new(HashMap::new()),
            pending: RwSignal::new(BTreeMap::new()),
            fresh: RwSignal::new(HashMap::new()),
            stats,
            undo: RwSignal::new(UndoState::default()),
            save: RwSignal::new(SaveState::Idle),
            refresh: RwSignal::new(0),
            check: RwSignal::new(None),
            last_check_ms: RwSignal::new(None),
            scheduled: RwSignal::new(false),
        }
    }

    /// The newest known state of a row: the server's latest answer, else the page's.
    pub fn row(&self, from_page: RowView) -> RowView {
        self.fresh
            .with(|f| f.get(&from_page.seq).cloned())
            .unwrap_or(from_page)
    }

    /// Edits a cell: checks it in the browser at once, then queues it for the server.
    pub fn edit(&self, row: &RowView, field: &str, value: Option<String>) {
        let key = (row.seq, field.to_owned());
        let issues = self.check_now(row, field, &value);
        self.local.update(|l| {
            l.insert(
                key.clone(),
                LocalCell {
                    value: value.clone(),
                    issues,
                },
            );
        });
        self.pending.update(|p| {
            p.insert(key, value);
        });
        self.schedule(DEBOUNCE);
    }

    /// The browser's issues for `field` with `value`, other pending cells of the row
    /// applied too; empty when the configuration is not loaded yet (the server decides).
    fn check_now(&self, row: &RowView, field: &str, value: &Option<String>) -> Vec<Issue> {
        let Some(check) = self.check.get_untracked() else {
            return Vec::new();
        };
        let mut changes: HashMap<String, Option<String>> = self.local.with_untracked(|l| {
            l.iter()
                .filter(|((seq, _), _)| *seq == row.seq)
                .map(|((_, f), c)| (f.clone(), c.value.clone()))
                .collect()
        });
        changes.insert(field.to_owned(), value.clone());
        let started = now_ms();
        let verdict = check.check(row, &changes);
        if let (Some(a), Some(b)) = (started, now_ms()) {
            self.last_check_ms.set(Some(b - a));
        }
        verdict.for_field(field)
    }

    /// Sends the queue after `delay`, unless a send is already scheduled.
    fn schedule(&self, delay: Duration) {
        if self.scheduled.get_untracked() {
            return;
        }
        self.scheduled.set(true);
        let queue = *self;
        set_timeout(
            move || {
                // The page may be gone by now (its signals disposed): then do nothing.
                if queue.scheduled.try_set(false).is_none() {
                    queue.flush();
                }
            },
            delay,
        );
    }

    /// Sends what is pending now (the "Retry now" button, and the timer).
    pub fn flush(&self) {
        let Some(save) = self.save.try_get_untracked() else {
            return;
        };
        if matches!(save, SaveState::Saving) {
            return;
        }
        let batch: Vec<CellEdit> = self
            .pending
            .try_with_untracked(|p| {
                p.iter()
                    .take(MAX_BATCH)
                    .map(|((seq, field), value)| CellEdit {
                        seq: *seq,
                        field: field.clone(),
                        value: value.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        if batch.is_empty() {
            return;
        }
        let attempt = match self.save.get_untracked() {
            SaveState::Failed { attempt, .. } => attempt,
            _ => 0,
        };
        self.save.set(SaveState::Saving);
        let queue = *self;
        let id = self.import_id.get_untracked();
        leptos::task::spawn_local(async move {
            let answer = edit_cells(id.clone(), batch.clone()).await;
            // Left the page meanwhile: the request was sent (and saved on the server);
            // there is nothing left here to update.
            if queue.save.try_get_untracked().is_none() {
                return;
            }
            match answer {
                Ok(answer) => {
                    // Only what was sent and is unchanged since leaves the queue.
                    queue.pending.update(|p| {
                        for e in &batch {
                            let key = (e.seq, e.field.clone());
                            if p.get(&key) == Some(&e.value) {
                                p.remove(&key);
                            }
                        }
                    });
                    let still = queue.pending.get_untracked();
                    queue.local.update(|l| {
                        for e in &batch {
                            let key = (e.seq, e.field.clone());
                            if !still.contains_key(&key) {
                                l.remove(&key);
                            }
                        }
                    });
                    queue.fresh.update(|f| {
                        for r in answer.rows {
                            f.insert(r.seq, r);
                        }
                    });
                    queue.stats.set(answer.stats);
                    queue.save.set(SaveState::Idle);
                    queue.reload_undo_state();
                    if !still.is_empty() {
                        queue.schedule(DEBOUNCE);
                    }
                }
                Err(err) => {
                    let attempt = attempt + 1;
                    queue.save.set(SaveState::Failed {
                        message: err.message,
                        attempt,
                    });
                    queue.schedule(backoff(attempt));
                }
            }
        });
    }

    /// Asks the server what undo and redo would do next.
    pub fn reload_undo_state(&self) {
        let queue = *self;
        let id = self.import_id.get_untracked();
        leptos::task::spawn_local(async move {
            if let Ok(state) = undo_state(id).await {
                let _ = queue.undo.try_set(state);
            }
        });
    }

    /// After undo or a bulk action: the server's rows are newer than anything kept here.
    pub fn rows_changed_on_server(&self) {
        self.fresh.set(HashMap::new());
        self.refresh.update(|n| *n += 1);
    }

    /// Whether edits are still waiting for the server.
    pub fn has_pending(&self) -> bool {
        self.pending.with(|p| !p.is_empty())
    }

    /// The page now shows another import (same route, new id): what is pending for the
    /// old one is sent at once, then the queue starts empty for the new one.
    pub fn switch_to(&self, import_id: String) {
        if self.import_id.get_untracked() == import_id {
            return;
        }
        let old = self.import_id.get_untracked();
        let batch: Vec<CellEdit> = self.pending.with_untracked(|p| {
            p.iter()
                .map(|((seq, field), value)| CellEdit {
                    seq: *seq,
                    field: field.clone(),
                    value: value.clone(),
                })
                .collect()
        });
        if !batch.is_empty() {
            leptos::task::spawn_local(async move {
                if let Err(e) = edit_cells(old, batch).await {
                    leptos::logging::warn!(
                        "edits of the previous import were not saved: {}",
                        e.message
                    );
                }
            });
        }
        self.pending.set(BTreeMap::new());
        self.local.set(HashMap::new());
        self.fresh.set(HashMap::new());
        self.undo.set(UndoState::default());
        self.save.set(SaveState::Idle);
        self.import_id.set(import_id);
    }

    /// Keeps edits from being lost when the user leaves: sends what is pending at once
    /// when the page goes away inside the app, and asks the browser to confirm before the
    /// tab is closed or reloaded with edits not yet saved.
    pub fn guard_leaving(&self) {
        let queue = *self;
        on_cleanup(move || queue.flush());
        #[cfg(feature = "hydrate")]
        {
            let handle = window_event_listener(leptos::ev::beforeunload, move |ev| {
                let unsaved = queue
                    .pending
                    .try_with_untracked(|p| !p.is_empty())
                    .unwrap_or(false);
                if unsaved {
                    ev.prevent_default();
                    ev.set_return_value("Some edits are not saved yet.");
                }
            });
            on_cleanup(move || handle.remove());
        }
    }
}

/// Wait before retry `attempt` (1-based): 1 s, 2 s, 4 s … at most 30 s.
pub fn backoff(attempt: u32) -> Duration {
    let secs = 1u64 << attempt.saturating_sub(1).min(5);
    Duration::from_secs(secs.min(30))
}

/// `performance.now()` in the browser; `None` on the server.
fn now_ms() -> Option<f64> {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.performance())
            .map(|p| p.now())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::backoff;
    use std::time::Duration;

    #[test]
    fn retries_back_off_to_at_most_thirty_seconds() {
        assert_eq!(backoff(1), Duration::from_secs(1));
        assert_eq!(backoff(2), Duration::from_secs(2));
        assert_eq!(backoff(4), Duration::from_secs(8));
        assert_eq!(backoff(20), Duration::from_secs(30));
    }
}

//! Spreadsheets (XLSX, XLS, ODS): a worker thread owns the parser, picks the sheet and
//! streams its cells as rows through a bounded channel, so memory stays bounded and a
//! parser panic becomes an error instead of taking the server down.

mod cells;
pub(crate) mod choose;
mod ods;
mod xls;
mod xlsx;

use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender};
use std::thread::JoinHandle;

use serde::Serialize;

use crate::budget::Budget;
use crate::error::IntakeError;
use crate::issue::IntakeIssue;
use crate::limits::Limits;
use crate::sniff::Container;
use crate::source::{RowSource, SourceRow};

/// How the caller names a sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetSelector {
    /// By exact name.
    Name(String),
    /// By 0-based position in the workbook (as in [`SheetInfo::index`]).
    Index(usize),
}

/// One sheet of a workbook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SheetInfo {
    /// The sheet's name.
    pub name: String,
    /// False for hidden and very hidden sheets.
    pub visible: bool,
    /// 0-based position in the workbook.
    pub index: usize,
    /// False for chart, dialog and macro sheets, which hold no cells.
    pub worksheet: bool,
}

/// A merged range, 0-based and inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Merge {
    pub r0: u32,
    pub c0: u32,
    pub r1: u32,
    pub c1: u32,
}

/// What the worker tells the reading side.
pub(crate) enum Msg {
    Meta {
        sheets: Vec<SheetInfo>,
        sheet: String,
        choice: Option<choose::SheetChoice>,
    },
    Merge(Merge),
    Row(SourceRow),
    Err(IntakeError),
    Done,
}

/// Why the worker stops early.
pub(crate) enum Stop {
    Failed(IntakeError),
    /// The reading side hung up; nobody wants more rows.
    Hangup,
    /// A scan of a sheet's first rows has all the rows it wanted.
    Enough,
}

impl From<IntakeError> for Stop {
    fn from(e: IntakeError) -> Self {
        Stop::Failed(e)
    }
}

/// Rows in flight between the worker and the reader: bounds memory, keeps both busy.
const CHANNEL_ROWS: usize = 256;

/// The reading side of a spreadsheet worker.
pub(crate) struct SheetSource {
    rx: Receiver<Msg>,
    budget: Budget,
    handle: Option<JoinHandle<()>>,
    merges: Vec<Merge>,
    done: bool,
}

/// What the worker said before the first row.
pub(crate) struct SheetMeta {
    pub sheets: Vec<SheetInfo>,
    pub sheet: String,
    /// How the sheet was chosen, when the caller did not choose it.
    pub choice: Option<choose::SheetChoice>,
}

/// What a worker needs besides the path: the caller's choice, the bounds, the budget and
/// the fields a header row is matched against when sheets are scored.
pub(crate) struct Job<'a> {
    pub selector: Option<&'a SheetSelector>,
    pub limits: &'a Limits,
    pub budget: &'a Budget,
    pub fields: &'a rules::ImportConfig,
}

/// Starts a worker for the workbook and waits for its sheet list and choice.
pub(crate) fn open(
    path: &Path,
    container: Container,
    selector: Option<SheetSelector>,
    limits: &Limits,
    budget: &Budget,
    fields: std::sync::Arc<rules::ImportConfig>,
) -> Result<(SheetSource, SheetMeta), IntakeError> {
    let (tx, rx) = sync_channel(CHANNEL_ROWS);
    let path: PathBuf = path.to_path_buf();
    let limits = limits.clone();
    let worker_budget = budget.clone();
    let handle = std::thread::Builder::new()
        .name("intake-sheet".to_string())
        .spawn(move || {
            let budget = worker_budget;
            let job = Job {
                selector: selector.as_ref(),
                limits: &limits,
                budget: &budget,
                fields: &fields,
            };
            let result = match container {
                Container::Xlsx => xlsx::run(&path, &job, &tx),
                Container::Xls => xls::run(&path, &job, &tx),
                Container::Ods => ods::run(&path, &job, &tx),
                Container::Text => Err(Stop::Failed(IntakeError::corrupt("not a spreadsheet"))),
            };
            let last = match result {
                Ok(()) | Err(Stop::Enough) => Msg::Done,
                // A parser reports the read our budget refused as a damaged file.
                Err(Stop::Failed(e)) => Msg::Err(budget.explain(e)),
                Err(Stop::Hangup) => return,
            };
            // The reader may be gone already; nothing left to do then.
            let _ = tx.send(last);
        })?;
    let mut source = SheetSource {
        rx,
        budget: budget.clone(),
        handle: Some(handle),
        merges: Vec::new(),
        done: false,
    };
    loop {
        match source.recv()? {
            Some(Msg::Meta {
                sheets,
                sheet,
                choice,
            }) => {
                return Ok((
                    source,
                    SheetMeta {
                        sheets,
                        sheet,
                        choice,
                    },
                ))
            }
            Some(Msg::Merge(m)) => source.merges.push(m),
            Some(Msg::Row(_)) | Some(Msg::Done) | None => {
                return Err(IntakeError::corrupt("the workbook reader stopped early"))
            }
            Some(Msg::Err(e)) => return Err(e),
        }
    }
}

impl SheetSource {
    /// Next message; `None` once the worker is gone. A worker that vanished without
    /// saying `Done` panicked: that is reported as a damaged file.
    fn recv(&mut self) -> Result<Option<Msg>, IntakeError> {
        if self.done {
            return Ok(None);
        }
        // Waiting is bounded too: a worker stuck inside a parser past the deadline does
        // not hold the caller (its next read fails and it stops).
        let received = match self.rx.recv_timeout(self.budget.remaining()) {
            Ok(m) => Ok(m),
            Err(RecvTimeoutError::Timeout) => {
                self.done = true;
                self.budget.check()?;
                return Err(self.budget.explain(IntakeError::corrupt(
                    "the workbook reader did not answer in time",
                )));
            }
            Err(RecvTimeoutError::Disconnected) => Err(()),
        };
        match received {
            Ok(Msg::Done) => {
                self.done = true;
                self.join();
                Ok(None)
            }
            Ok(Msg::Err(e)) => {
                self.done = true;
                self.join();
                Err(e)
            }
            Ok(m) => Ok(Some(m)),
            Err(_) => {
                self.done = true;
                self.join();
                Err(IntakeError::corrupt("the workbook reader failed"))
            }
        }
    }

    fn join(&mut self) {
        if let Some(h) = self.handle.take() {
            // A panic was already turned into an error by `recv`.
            let _ = h.join();
        }
    }
}

impl RowSource for SheetSource {
    fn next_row(&mut self) -> Result<Option<SourceRow>, IntakeError> {
        loop {
            match self.recv()? {
                Some(Msg::Row(r)) => return Ok(Some(r)),
                Some(Msg::Merge(m)) => self.merges.push(m),
                Some(Msg::Meta { .. }) => {}
                Some(Msg::Done) | Some(Msg::Err(_)) | None => return Ok(None),
            }
        }
    }

    /// Merged ranges seen so far (XLSX/XLS: all; ODS: those before the rows read).
    fn merges(&self) -> &[Merge] {
        &self.merges
    }
}

/// Where assembled rows go: to the reading side, or into a list while a sheet's first
/// rows are scanned for the sheet choice.
pub(crate) enum Sink<'a> {
    Channel(&'a SyncSender<Msg>),
    Collect { rows: Vec<SourceRow>, max: usize },
}

impl Sink<'_> {
    pub(crate) fn send(&mut self, msg: Msg) -> Result<(), Stop> {
        match self {
            Sink::Channel(tx) => send(tx, msg),
            Sink::Collect { rows, max } => {
                if let Msg::Row(r) = msg {
                    rows.push(r);
                    if rows.len() >= *max {
                        return Err(Stop::Enough);
                    }
                }
                Ok(())
            }
        }
    }
}

/// Collects streamed cells into rows and enforces the row, column and cell limits.
pub(crate) struct Assembler<'a> {
    sink: Sink<'a>,
    budget: &'a Budget,
    limits: &'a Limits,
    row: Option<u32>,
    cells: Vec<String>,
    issues: Vec<IntakeIssue>,
    total_cells: u64,
}

impl<'a> Assembler<'a> {
    pub(crate) fn new(sink: Sink<'a>, limits: &'a Limits, budget: &'a Budget) -> Self {
        Assembler {
            sink,
            budget,
            limits,
            row: None,
            cells: Vec::new(),
            issues: Vec::new(),
            total_cells: 0,
        }
    }

    /// Checks a cell position (0-based) against the limits.
    pub(crate) fn check_position(&self, row: u32, col: u32) -> Result<(), IntakeError> {
        if row >= self.limits.max_rows {
            return Err(IntakeError::TooManyRows {
                limit: self.limits.max_rows,
            });
        }
        if col >= self.limits.max_columns {
            return Err(IntakeError::TooManyColumns {
                row: row.saturating_add(1),
                columns: u64::from(col) + 1,
                limit: self.limits.max_columns,
            });
        }
        Ok(())
    }

    /// Adds a non-empty cell at a 0-based position.
    pub(crate) fn push(
        &mut self,
        row: u32,
        col: u32,
        value: String,
        issues: &mut Vec<IntakeIssue>,
    ) -> Result<(), Stop> {
        self.check_position(row, col)?;
        self.total_cells += 1;
        if self.total_cells % 4096 == 0 {
            self.budget.check()?;
        }
        if self.total_cells > self.limits.max_cells_per_sheet {
            return Err(Stop::Failed(IntakeError::TooManyCells {
                limit: self.limits.max_cells_per_sheet,
            }));
        }
        if self.row != Some(row) {
            self.flush()?;
            self.row = Some(row);
        }
        let col = col as usize;
        if self.cells.len() <= col {
            self.cells.resize(col + 1, String::new());
        }
        self.cells[col] = value;
        self.issues.append(issues);
        Ok(())
    }

    /// Sends the row being built, if any.
    pub(crate) fn flush(&mut self) -> Result<(), Stop> {
        if let Some(r) = self.row.take() {
            let row = SourceRow {
                row: r + 1,
                cells: std::mem::take(&mut self.cells),
                issues: std::mem::take(&mut self.issues),
            };
            self.sink.send(Msg::Row(row))?;
        }
        Ok(())
    }

    /// Passes a message other than a row (a merged range) on.
    pub(crate) fn send(&mut self, msg: Msg) -> Result<(), Stop> {
        self.sink.send(msg)
    }

    /// The budget cells are read under.
    pub(crate) fn budget(&self) -> &Budget {
        self.budget
    }

    /// Rows collected by a scan (empty for a channel).
    pub(crate) fn into_rows(self) -> Vec<SourceRow> {
        match self.sink {
            Sink::Collect { rows, .. } => rows,
            Sink::Channel(_) => Vec::new(),
        }
    }
}

pub(crate) fn send(tx: &SyncSender<Msg>, msg: Msg) -> Result<(), Stop> {
    tx.send(msg).map_err(|_| Stop::Hangup)
}

/// Resolves the caller's selector against the sheet list.
pub(crate) fn select(
    sheets: &[SheetInfo],
    selector: Option<&SheetSelector>,
) -> Result<Option<usize>, IntakeError> {
    let not_found = |wanted: String| IntakeError::SheetNotFound {
        wanted,
        available: sheets.iter().map(|s| s.name.clone()).collect(),
    };
    match selector {
        None => Ok(None),
        Some(SheetSelector::Index(i)) => {
            if *i < sheets.len() {
                Ok(Some(*i))
            } else {
                Err(not_found(format!("#{i}")))
            }
        }
        Some(SheetSelector::Name(n)) => sheets
            .iter()
            .position(|s| s.name == *n)
            .or_else(|| {
                sheets
                    .iter()
                    .position(|s| s.name.trim().eq_ignore_ascii_case(n.trim()))
            })
            .map(Some)
            .ok_or_else(|| not_found(n.clone())),
    }
}

/// Sheets to try, in order, when the caller did not choose: visible worksheets first.
pub(crate) fn auto_candidates(sheets: &[SheetInfo]) -> Vec<usize> {
    sheets
        .iter()
        .filter(|s| s.visible && s.worksheet)
        .map(|s| s.index)
        .collect()
}

pub(crate) fn calamine_visible(v: calamine::SheetVisible) -> bool {
    matches!(v, calamine::SheetVisible::Visible)
}

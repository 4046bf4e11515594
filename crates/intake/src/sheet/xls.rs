//! XLS (BIFF5/8): calamine has no cell streamer for XLS and builds each sheet as a
//! grid when it opens the file; `sniff` has already capped those grids, so here we
//! walk the used cells of the chosen sheet.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::mpsc::SyncSender;

use calamine::{Data, Reader, SheetType, Xls, XlsError};

use super::cells::{render, Val};
use super::{
    calamine_visible, choose, select, send, Assembler, Job, Merge, Msg, SheetInfo, Sink, Stop,
};
use crate::budget::Guarded;
use crate::error::IntakeError;
use crate::limits::Limits;

fn map_err(e: XlsError) -> IntakeError {
    match e {
        XlsError::Password => IntakeError::Encrypted,
        other => IntakeError::corrupt(other),
    }
}

pub(super) fn run(path: &Path, job: &Job<'_>, tx: &SyncSender<Msg>) -> Result<(), Stop> {
    let file = Guarded::new(
        File::open(path).map_err(IntakeError::from)?,
        job.budget.clone(),
    );
    let mut book: Xls<_> = Xls::new(BufReader::new(file)).map_err(map_err)?;
    let sheets: Vec<SheetInfo> = book
        .sheets_metadata()
        .iter()
        .enumerate()
        .map(|(index, s)| SheetInfo {
            name: s.name.clone(),
            visible: calamine_visible(s.visible),
            index,
            worksheet: matches!(s.typ, SheetType::WorkSheet),
        })
        .collect();
    let (chosen, choice) = match select(&sheets, job.selector)? {
        Some(i) => (i, None),
        None => {
            let (i, c) = choose::choose(&sheets, job, |i, asm| {
                // Bounded: the grid of every sheet was checked in `sniff`.
                let range = book.worksheet_range(&sheets[i].name).map_err(map_err)?;
                push_cells(&range, None, job.limits, asm)
            })?;
            (i, Some(c))
        }
    };
    let name = sheets[chosen].name.clone();
    send(
        tx,
        Msg::Meta {
            sheets: sheets.clone(),
            sheet: name.clone(),
            choice,
        },
    )?;
    if let Ok(merges) = book.merge_cells_by_sheet_name(&name) {
        for d in merges.iter().filter(|d| d.start.0 < 1000).take(10_000) {
            send(
                tx,
                Msg::Merge(Merge {
                    r0: d.start.0,
                    c0: d.start.1,
                    r1: d.end.0,
                    c1: d.end.1,
                }),
            )?;
        }
    }
    let range = book.worksheet_range(&name).map_err(map_err)?;
    let formulas = book.worksheet_formula(&name).ok();
    let mut asm = Assembler::new(Sink::Channel(tx), job.limits, job.budget);
    push_cells(&range, formulas.as_ref(), job.limits, &mut asm)?;
    asm.flush()
}

/// Feeds the used cells of a sheet's grid to `asm`, with formula remarks when known.
fn push_cells(
    range: &calamine::Range<Data>,
    formulas: Option<&calamine::Range<String>>,
    limits: &Limits,
    asm: &mut Assembler<'_>,
) -> Result<(), Stop> {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut issues = Vec::new();
    for (r, c, v) in range.used_cells() {
        let row = r0 + r as u32;
        let col = c0 + c as u32;
        let formula = formulas
            .and_then(|f| f.get_value((row, col)))
            .is_some_and(|f| !f.is_empty());
        asm.check_position(row, col)?;
        if let Some(text) = render(Val::from(v), row, col, formula, limits, &mut issues) {
            asm.push(row, col, text, &mut issues)?;
        }
    }
    Ok(())
}

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
    auto_candidates, calamine_visible, select, send, Assembler, Merge, Msg, SheetInfo,
    SheetSelector, Stop,
};
use crate::error::IntakeError;
use crate::limits::Limits;

fn map_err(e: XlsError) -> IntakeError {
    match e {
        XlsError::Password => IntakeError::Encrypted,
        other => IntakeError::corrupt(other),
    }
}

pub(super) fn run(
    path: &Path,
    selector: Option<&SheetSelector>,
    limits: &Limits,
    tx: &SyncSender<Msg>,
) -> Result<(), Stop> {
    let file = File::open(path).map_err(IntakeError::from)?;
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
    let chosen = match select(&sheets, selector)? {
        Some(i) => i,
        None => {
            let mut found = None;
            for i in auto_candidates(&sheets) {
                // Bounded: the grid of every sheet was checked in `sniff`.
                let range = book.worksheet_range(&sheets[i].name).map_err(map_err)?;
                if range
                    .used_cells()
                    .any(|(_, _, v)| !matches!(v, Data::Empty))
                {
                    found = Some(i);
                    break;
                }
            }
            found.ok_or(IntakeError::Empty)?
        }
    };
    let name = sheets[chosen].name.clone();
    send(
        tx,
        Msg::Meta {
            sheets: sheets.clone(),
            sheet: name.clone(),
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
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut asm = Assembler::new(tx, limits);
    let mut issues = Vec::new();
    for (r, c, v) in range.used_cells() {
        let row = r0 + r as u32;
        let col = c0 + c as u32;
        let formula = formulas
            .as_ref()
            .and_then(|f| f.get_value((row, col)))
            .is_some_and(|f| !f.is_empty());
        asm.check_position(row, col)?;
        if let Some(text) = render(Val::from(v), row, col, formula, limits, &mut issues) {
            asm.push(row, col, text, &mut issues)?;
        }
    }
    asm.flush()
}

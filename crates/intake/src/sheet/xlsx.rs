//! XLSX: streams a worksheet's cells with calamine's cell reader (never the dense
//! `worksheet_range`).

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::mpsc::SyncSender;

use calamine::{DataRef, Reader, SheetType, Xlsx, XlsxError};

use super::cells::{render, Val};
use super::{
    auto_candidates, calamine_visible, select, send, Assembler, Merge, Msg, SheetInfo,
    SheetSelector, Stop,
};
use crate::error::IntakeError;
use crate::limits::Limits;

type Book = Xlsx<BufReader<File>>;

pub(crate) fn map_err(e: XlsxError) -> IntakeError {
    match e {
        XlsxError::Password => IntakeError::Encrypted,
        XlsxError::Io(io) => IntakeError::corrupt(io),
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
    let mut book: Book = Xlsx::new(BufReader::new(file)).map_err(map_err)?;
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
        None => first_with_data(&mut book, &sheets)?.ok_or(IntakeError::Empty)?,
    };
    let name = sheets[chosen].name.clone();
    send(
        tx,
        Msg::Meta {
            sheets: sheets.clone(),
            sheet: name.clone(),
        },
    )?;
    // Merged ranges sit after the cells in the sheet XML; a second streaming pass
    // finds them. Only those near the top matter (header detection).
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
    let mut reader = book.worksheet_cells_reader(&name).map_err(map_err)?;
    let mut asm = Assembler::new(tx, limits);
    let mut issues = Vec::new();
    while let Some(cell) = reader.next_cell_with_formula_metadata().map_err(map_err)? {
        let (row, col) = cell.pos;
        let formula = cell.formula.is_some();
        if matches!(cell.value, DataRef::Empty) && !formula {
            continue;
        }
        asm.check_position(row, col)?;
        if let Some(text) = render(
            Val::from(&cell.value),
            row,
            col,
            formula,
            limits,
            &mut issues,
        ) {
            asm.push(row, col, text, &mut issues)?;
        }
    }
    asm.flush()
}

/// The first visible worksheet with at least one non-empty cell.
fn first_with_data(book: &mut Book, sheets: &[SheetInfo]) -> Result<Option<usize>, IntakeError> {
    for i in auto_candidates(sheets) {
        let mut reader = match book.worksheet_cells_reader(&sheets[i].name) {
            Ok(r) => r,
            // A sheet calamine cannot stream (e.g. mislabelled chart) is no candidate.
            Err(_) => continue,
        };
        while let Some(cell) = reader.next_cell().map_err(map_err)? {
            if !matches!(cell.get_value(), DataRef::Empty) {
                return Ok(Some(i));
            }
        }
    }
    Ok(None)
}

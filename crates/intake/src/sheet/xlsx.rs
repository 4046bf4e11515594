//! XLSX: streams a worksheet's cells with calamine's cell reader (never the dense
//! `worksheet_range`).

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::mpsc::SyncSender;

use calamine::{DataRef, Reader, SheetType, Xlsx, XlsxError};

use super::cells::{render, Val};
use super::{
    calamine_visible, choose, select, send, Assembler, Job, Merge, Msg, SheetInfo, Sink, Stop,
};
use crate::budget::Guarded;
use crate::error::IntakeError;
use crate::limits::Limits;

type Book = Xlsx<BufReader<Guarded<File>>>;

pub(crate) fn map_err(e: XlsxError) -> IntakeError {
    match e {
        XlsxError::Password => IntakeError::Encrypted,
        XlsxError::Io(io) => IntakeError::corrupt(io),
        other => IntakeError::corrupt(other),
    }
}

pub(super) fn run(path: &Path, job: &Job<'_>, tx: &SyncSender<Msg>) -> Result<(), Stop> {
    let file = File::open(path).map_err(IntakeError::from)?;
    let guarded = Guarded::new(file, job.budget.clone());
    let mut book: Book = Xlsx::new(BufReader::new(guarded)).map_err(map_err)?;
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
                let name = &sheets[i].name;
                match book.worksheet_cells_reader(name) {
                    Ok(mut reader) => stream_cells(&mut reader, job.limits, asm),
                    // A sheet calamine cannot stream (e.g. a mislabelled chart) holds no table.
                    Err(_) => Ok(()),
                }
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
    let mut asm = Assembler::new(Sink::Channel(tx), job.limits, job.budget);
    stream_cells(&mut reader, job.limits, &mut asm)?;
    asm.flush()
}

/// Streams a worksheet's cells into `asm` (which flushes rows as they complete).
fn stream_cells<RS: std::io::Read + std::io::Seek>(
    reader: &mut calamine::XlsxCellReader<'_, RS>,
    limits: &Limits,
    asm: &mut Assembler<'_>,
) -> Result<(), Stop> {
    let mut issues = Vec::new();
    let mut seen: u32 = 0;
    while let Some(cell) = reader.next_cell_with_formula_metadata().map_err(map_err)? {
        // Empty styled cells do not reach the assembler; the budget is checked here too.
        seen = seen.wrapping_add(1);
        if seen % 4096 == 0 {
            asm.budget().check()?;
        }
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
    Ok(())
}

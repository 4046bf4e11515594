//! Prints what intake makes of files: `cargo run -p intake --example dump -- FILE...`.

use std::collections::BTreeMap;
use std::path::Path;

fn main() {
    for arg in std::env::args().skip(1) {
        println!("== {arg}");
        match intake::open(Path::new(&arg), &intake::Options::default()) {
            Err(e) => {
                println!("   ERROR {} — {e}", e.code());
                println!("ERR\t{arg}\t{}", e.code());
            }
            Ok(mut it) => {
                let info = it.info().clone();
                println!(
                    "   format={:?} enc={:?} delim={:?} sheet={:?} header_row={} sheets={:?}",
                    info.format,
                    info.encoding,
                    info.delimiter,
                    info.sheet,
                    info.header_row,
                    info.sheets
                        .iter()
                        .map(|s| (&s.name, s.visible))
                        .collect::<Vec<_>>()
                );
                println!(
                    "   headers({})={:?}",
                    info.headers.len(),
                    info.headers.iter().take(8).collect::<Vec<_>>()
                );
                let mut n = 0;
                let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
                let mut last_row = 0;
                for r in &mut it {
                    match r {
                        Ok(r) => {
                            if n < 2 {
                                println!(
                                    "   row {}: {:?}",
                                    r.row,
                                    r.cells.iter().take(6).collect::<Vec<_>>()
                                );
                            }
                            for i in &r.issues {
                                *codes.entry(i.code.as_str()).or_default() += 1;
                            }
                            n += 1;
                            last_row = r.row;
                        }
                        Err(e) => {
                            println!("   STREAM ERROR {} — {e}", e.code());
                            break;
                        }
                    }
                }
                for i in it.issues() {
                    *codes.entry(i.code.as_str()).or_default() += 1;
                }
                println!("   records={n} last_row={last_row} issues={codes:?}");
                println!(
                    "TSV\t{arg}\t{}\t{}\t{}\t{}\t{}\t{}\t{n}",
                    info.format.as_str(),
                    info.encoding.clone().unwrap_or_default(),
                    info.delimiter
                        .map(|d| d.escape_default().to_string())
                        .unwrap_or_default(),
                    info.sheet.clone().unwrap_or_default(),
                    info.header_row,
                    info.headers
                        .iter()
                        .take(3)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join("\u{1f}")
                );
            }
        }
    }
}

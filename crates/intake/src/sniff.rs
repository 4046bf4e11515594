//! Tells the container format from the bytes (never the name) and refuses hostile
//! containers — zip bombs, encrypted workbooks, XLS grids too large — before any
//! spreadsheet parser touches them.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use crate::budget::Budget;
use crate::error::IntakeError;
use crate::limits::Limits;

/// What the bytes say the file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Container {
    Xlsx,
    Ods,
    Xls,
    Text,
}

const ZIP_MAGIC: &[&[u8]] = &[b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"];
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ODS_MIME: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

/// Sniffs the file and checks the container-level limits.
pub(crate) fn sniff(
    path: &Path,
    limits: &Limits,
    budget: &Budget,
) -> Result<Container, IntakeError> {
    let mut file = File::open(path)?;
    let size = file.metadata()?.len();
    if size == 0 {
        return Err(IntakeError::Empty);
    }
    if size > limits.max_file_bytes {
        return Err(IntakeError::TooLarge {
            size,
            limit: limits.max_file_bytes,
        });
    }
    let mut head = [0u8; 8];
    let n = read_up_to(&mut file, &mut head)?;
    let head = &head[..n];
    if ZIP_MAGIC.iter().any(|m| head.starts_with(m)) {
        file.seek(SeekFrom::Start(0))?;
        return inspect_zip(file, limits, budget);
    }
    if head == CFB_MAGIC {
        file.seek(SeekFrom::Start(0))?;
        return inspect_cfb(file, limits);
    }
    Ok(Container::Text)
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// Checks the central directory — entry count, declared sizes, compression ratios — and
/// then inflates every XML part once with a counter, so an entry whose declared size is
/// a lie is caught by the real count before a parser reads it.
fn inspect_zip(file: File, limits: &Limits, budget: &Budget) -> Result<Container, IntakeError> {
    let mut archive =
        zip::ZipArchive::new(BufReader::new(file)).map_err(|e| IntakeError::Corrupt {
            detail: format!("broken zip container: {e}"),
        })?;
    if archive.len() > limits.max_zip_entries {
        return Err(IntakeError::ZipBomb {
            detail: format!(
                "{} entries, more than the limit of {}",
                archive.len(),
                limits.max_zip_entries
            ),
        });
    }
    let mut total: u64 = 0;
    let mut total_packed: u64 = 0;
    let mut has_content_types = false;
    let mut has_xl = false;
    let mut has_word_or_ppt = false;
    let mut mimetype_index = None;
    let mut any_encrypted = false;
    let mut first_names = Vec::new();
    let mut parts = Vec::new();
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|e| IntakeError::Corrupt {
            detail: format!("broken zip entry: {e}"),
        })?;
        // Some writers use Windows separators (calamine copes); normalise for sniffing.
        let name = entry.name().unwrap_or_default().replace('\\', "/");
        let size = entry.size();
        let packed = entry.compressed_size();
        if size > limits.max_zip_entry_bytes {
            return Err(IntakeError::ZipBomb {
                detail: format!(
                    "entry {name} inflates to {size} bytes, more than the limit of {}",
                    limits.max_zip_entry_bytes
                ),
            });
        }
        if let Some(ratio) = bomb_ratio(size, packed, limits) {
            return Err(IntakeError::ZipBomb {
                detail: format!(
                    "entry {name} inflates {ratio}× (limit {}×)",
                    limits.max_zip_ratio
                ),
            });
        }
        total = total.saturating_add(size);
        total_packed = total_packed.saturating_add(packed);
        if total > limits.max_zip_total_bytes {
            return Err(IntakeError::ZipBomb {
                detail: format!(
                    "entries inflate to more than {} bytes in total",
                    limits.max_zip_total_bytes
                ),
            });
        }
        let lower = name.to_ascii_lowercase();
        if (lower.ends_with(".xml") || lower.ends_with(".rels")) && !entry.encrypted() {
            parts.push((i, size, entry.compression()));
        }
        any_encrypted |= entry.encrypted();
        match name.as_str() {
            "[Content_Types].xml" => has_content_types = true,
            "mimetype" => mimetype_index = Some(i),
            n if n.starts_with("xl/") => has_xl = true,
            n if n.starts_with("word/") || n.starts_with("ppt/") => has_word_or_ppt = true,
            _ => {}
        }
        if first_names.len() < 3 {
            first_names.push(name);
        }
    }
    // Many small entries, each under the floor, can still add up to a bomb.
    if let Some(ratio) = bomb_ratio(total, total_packed, limits) {
        return Err(IntakeError::ZipBomb {
            detail: format!(
                "the entries inflate {ratio}× together (limit {}×)",
                limits.max_zip_ratio
            ),
        });
    }
    if any_encrypted {
        return Err(IntakeError::Encrypted);
    }
    for (i, declared, method) in parts {
        count_inflated(&mut archive, i, declared, method, budget)?;
    }
    if let Some(i) = mimetype_index {
        let mut mime = Vec::with_capacity(80);
        let entry = archive.by_index(i).map_err(|e| IntakeError::Corrupt {
            detail: format!("broken zip entry: {e}"),
        })?;
        entry
            .take(200)
            .read_to_end(&mut mime)
            .map_err(IntakeError::corrupt)?;
        if mime.trim_ascii() == ODS_MIME {
            return Ok(Container::Ods);
        }
        return Err(IntakeError::UnsupportedFormat {
            detail: format!(
                "an OpenDocument file of type {}, not a spreadsheet",
                String::from_utf8_lossy(&mime)
            ),
        });
    }
    if has_content_types && has_xl {
        return Ok(Container::Xlsx);
    }
    let detail = if has_word_or_ppt {
        "a Word or PowerPoint document".to_string()
    } else {
        format!("a zip archive containing {}", first_names.join(", "))
    };
    Err(IntakeError::UnsupportedFormat { detail })
}

/// The inflation ratio of `size` bytes packed into `packed`, when it is past the floor
/// and over the bound (one entry, or all together).
fn bomb_ratio(size: u64, packed: u64, limits: &Limits) -> Option<u64> {
    let ratio = size / packed.max(1);
    (size > limits.zip_ratio_floor_bytes && ratio > limits.max_zip_ratio).then_some(ratio)
}

/// Inflates entry `i` (raw, not through the zip reader's own size check) and refuses
/// it as soon as it yields more than its declared size. Reads at most `declared + 1`
/// bytes, so the cost is bounded by what the ratio checks already allowed.
fn count_inflated<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
    i: usize,
    declared: u64,
    method: zip::CompressionMethod,
    budget: &Budget,
) -> Result<(), IntakeError> {
    let entry = archive.by_index_raw(i).map_err(|e| IntakeError::Corrupt {
        detail: format!("broken zip entry: {e}"),
    })?;
    let name = entry.name().unwrap_or_default().to_string();
    let mut reader: Box<dyn Read + '_> = match method {
        zip::CompressionMethod::Stored => Box::new(entry),
        zip::CompressionMethod::Deflated => Box::new(flate2::read::DeflateDecoder::new(entry)),
        // Methods this build cannot inflate fail in the parser as a damaged file.
        _ => return Ok(()),
    };
    let mut buf = vec![0u8; 64 * 1024];
    let mut real: u64 = 0;
    loop {
        budget.check()?;
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            // A broken deflate stream: the parser would fail on it the same way.
            Err(e) => {
                return Err(IntakeError::Corrupt {
                    detail: format!("entry {name}: {e}"),
                })
            }
        };
        real = real.saturating_add(n as u64);
        if real > declared {
            return Err(IntakeError::ZipBomb {
                detail: format!("entry {name} inflates past the {declared} bytes it declares"),
            });
        }
    }
    Ok(())
}

/// An OLE2 container is either a legacy workbook or an encrypted OOXML package.
fn inspect_cfb(file: File, limits: &Limits) -> Result<Container, IntakeError> {
    let mut cfb =
        cfb::CompoundFile::open(BufReader::new(file)).map_err(|e| IntakeError::Corrupt {
            detail: format!("broken OLE container: {e}"),
        })?;
    if cfb.exists("/EncryptionInfo") || cfb.exists("/EncryptedPackage") {
        return Err(IntakeError::Encrypted);
    }
    let stream_name = if cfb.is_stream("/Workbook") {
        "/Workbook"
    } else if cfb.is_stream("/Book") {
        "/Book"
    } else {
        let detail = if cfb.exists("/WordDocument") {
            "a Word document".to_string()
        } else {
            "an OLE2 file without a workbook".to_string()
        };
        return Err(IntakeError::UnsupportedFormat { detail });
    };
    let mut stream = cfb
        .open_stream(stream_name)
        .map_err(|e| IntakeError::Corrupt {
            detail: format!("unreadable workbook stream: {e}"),
        })?;
    // The stream is at most the file size, which is already bounded.
    let mut bytes = Vec::new();
    stream
        .read_to_end(&mut bytes)
        .map_err(|e| IntakeError::Corrupt {
            detail: format!("unreadable workbook stream: {e}"),
        })?;
    check_xls_grid(&bytes, limits)?;
    Ok(Container::Xls)
}

/// One BIFF record: type and payload.
struct Biff<'a> {
    typ: u16,
    data: &'a [u8],
}

fn biff_records(mut stream: &[u8]) -> impl Iterator<Item = Biff<'_>> {
    std::iter::from_fn(move || {
        if stream.len() < 4 {
            return None;
        }
        let typ = u16::from_le_bytes([stream[0], stream[1]]);
        let len = usize::from(u16::from_le_bytes([stream[2], stream[3]]));
        let end = (4 + len).min(stream.len());
        let data = &stream[4..end];
        stream = &stream[end..];
        Some(Biff { typ, data })
    })
}

fn u16_at(d: &[u8], at: usize) -> Option<u32> {
    d.get(at..at + 2)
        .map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])))
}

fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    d.get(at..at + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// calamine parses every XLS sheet when the file is opened and expands each into a
/// dense grid over the bounding box of its cells, after reserving room for the
/// declared DIMENSIONS. A few cells far apart (or one lying DIMENSIONS record) would
/// allocate gigabytes, so we walk the BIFF records the way calamine will and add up
/// those grids first.
fn check_xls_grid(stream: &[u8], limits: &Limits) -> Result<(), IntakeError> {
    const BOUNDSHEET: u16 = 0x0085;
    const BOF: u16 = 0x0809;
    const EOF: u16 = 0x000A;
    const FILEPASS: u16 = 0x002F;
    let mut sheet_offsets = Vec::new();
    for r in biff_records(stream) {
        match r.typ {
            FILEPASS if u16_at(r.data, 0).unwrap_or(0) != 0 => return Err(IntakeError::Encrypted),
            BOUNDSHEET => {
                let pos = u32_at(r.data, 0).unwrap_or(u32::MAX) as usize;
                if pos >= stream.len() {
                    return Err(IntakeError::corrupt(
                        "a sheet points past the end of the workbook",
                    ));
                }
                sheet_offsets.push(pos);
            }
            EOF => break,
            _ => {}
        }
        if sheet_offsets.len() > 10_000 {
            return Err(IntakeError::corrupt("too many sheets"));
        }
    }
    let mut memo: HashMap<usize, u64> = HashMap::new();
    let mut total: u64 = 0;
    for pos in sheet_offsets {
        let grid = match memo.get(&pos) {
            Some(g) => *g,
            None => {
                let g = sheet_grid(&stream[pos..], BOF, EOF);
                memo.insert(pos, g);
                g
            }
        };
        total = total.saturating_add(grid);
        if total > limits.max_xls_grid_cells {
            return Err(IntakeError::TooManyCells {
                limit: limits.max_xls_grid_cells,
            });
        }
    }
    Ok(())
}

/// Cells calamine will allocate for one sheet substream: its reservation from the
/// DIMENSIONS records plus the dense grid over the cell and formula positions.
fn sheet_grid(stream: &[u8], bof: u16, eof: u16) -> u64 {
    let mut reserved: u64 = 0;
    let mut bounds: Option<(u32, u32, u32, u32)> = None;
    let mut seen_bof = false;
    let mut depth = 0usize;
    let mut extend = |row: u32, col: u32| {
        bounds = Some(match bounds {
            None => (row, row, col, col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
        });
    };
    for r in biff_records(stream) {
        if depth > 0 {
            match r.typ {
                t if t == bof => depth += 1,
                t if t == eof => depth -= 1,
                _ => {}
            }
            continue;
        }
        match r.typ {
            t if t == bof => {
                if seen_bof {
                    depth += 1;
                } else {
                    seen_bof = true;
                }
            }
            t if t == eof => break,
            // DIMENSIONS: calamine reserves rows × columns up front.
            0x0200 => {
                let (rf, rl, mut cf, cl) = match r.data.len() {
                    10 => (
                        u16_at(r.data, 0).unwrap_or(0),
                        u16_at(r.data, 2).unwrap_or(0),
                        u16_at(r.data, 4).unwrap_or(0),
                        u16_at(r.data, 6).unwrap_or(0),
                    ),
                    14 | 16 => (
                        u32_at(r.data, 0).unwrap_or(0),
                        u32_at(r.data, 4).unwrap_or(0),
                        u16_at(r.data, 8).unwrap_or(0),
                        u16_at(r.data, 10).unwrap_or(0),
                    ),
                    _ => continue,
                };
                if cf > 0xFF || cl < cf {
                    cf = 0;
                }
                if rl >= 1 && cl >= 1 {
                    let rows = u64::from(rl.saturating_sub(rf));
                    let cols = u64::from(cl.saturating_sub(cf));
                    reserved = reserved.saturating_add(rows.saturating_mul(cols));
                }
            }
            // Single-cell records: row, column first.
            0x0006 | 0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD => {
                if let (Some(row), Some(col)) = (u16_at(r.data, 0), u16_at(r.data, 2)) {
                    extend(row, col);
                }
            }
            // MULRK: row, first column, …, last column in the final two bytes.
            0x00BD => {
                let last = r.data.len().saturating_sub(2);
                if let (Some(row), Some(c0), Some(c1)) =
                    (u16_at(r.data, 0), u16_at(r.data, 2), u16_at(r.data, last))
                {
                    extend(row, c0);
                    extend(row, c1.max(c0));
                }
            }
            _ => {}
        }
    }
    let grid = bounds.map_or(0, |(r0, r1, c0, c1)| {
        u64::from(r1 - r0 + 1).saturating_mul(u64::from(c1 - c0 + 1))
    });
    // Values and formulas are two grids at most over the same box.
    reserved.saturating_add(grid.saturating_mul(2))
}

//! Hostile and over-limit files: each gets an error code, never a panic or an OOM.

#![allow(clippy::unwrap_used, clippy::expect_used)] // reason: a failing test should panic with the cause
//! The memory-bound tests re-run this test binary under `prlimit --as` (an address
//! space cap) so an allocation of "the world" would abort the child, failing the test.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use intake::{open, Code, IntakeError, Limits, Options};

/// Address-space cap for the child: far below what a dense grid of a sparse
/// XFD1048576 sheet (17 billion cells) or an expanded ODS bomb would need.
const CHILD_AS_BYTES: u64 = 2 << 30;

fn corpus(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(rel)
}

fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("intake-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Opens and drains the file; the error code, or "ok".
fn outcome(path: &Path, opts: &Options) -> String {
    match open(path, opts) {
        Err(e) => e.code().to_string(),
        Ok(it) => match it.collect::<Result<Vec<_>, IntakeError>>() {
            Ok(_) => "ok".to_string(),
            Err(e) => e.code().to_string(),
        },
    }
}

/// Runs `outcome` for `path` in a child process under an address-space limit and
/// returns what the child printed.
fn outcome_under_memory_cap(path: &Path) -> String {
    let exe = std::env::current_exe().unwrap();
    let out = Command::new("prlimit")
        .arg(format!("--as={CHILD_AS_BYTES}"))
        .arg("--")
        .arg(exe)
        .args([
            "--exact",
            "child_reads_the_file_named_in_the_environment",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("INTAKE_HOSTILE_FILE", path)
        .output()
        .expect("prlimit runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child failed on {}: {}\n{}",
        path.display(),
        stdout,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .find_map(|l| l.find("OUTCOME=").map(|i| l[i + 8..].trim()))
        .unwrap_or_else(|| panic!("no outcome in {stdout}"))
        .to_string()
}

#[test]
#[ignore = "run by the memory-capped tests in a child process"]
fn child_reads_the_file_named_in_the_environment() {
    let path = std::env::var_os("INTAKE_HOSTILE_FILE").expect("INTAKE_HOSTILE_FILE");
    println!("OUTCOME={}", outcome(Path::new(&path), &Options::default()));
}

// ---- builders

fn zip_with(entries: &[(&str, &[u8])], deflate: bool) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let method = if deflate {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    let opts = zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const CONTENT_TYPES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const RELS: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;

/// A minimal hand-made XLSX whose one sheet has the given `<sheetData>` content.
fn xlsx(sheet_data: &str) -> Vec<u8> {
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData>{sheet_data}</sheetData></worksheet>"#
    );
    zip_with(
        &[
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", RELS),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
        ],
        false,
    )
}

fn inline(cell: &str, text: &str) -> String {
    format!(r#"<c r="{cell}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// Sets the declared uncompressed size of every central-directory entry named `name`.
fn patch_declared_size(zip: &mut [u8], name: &str, size: u32) {
    let mut i = 0;
    while i + 46 < zip.len() {
        if zip[i..i + 4] == *b"PK\x01\x02" {
            let name_len = u16::from_le_bytes([zip[i + 28], zip[i + 29]]) as usize;
            if &zip[i + 46..i + 46 + name_len] == name.as_bytes() {
                zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
            }
        }
        i += 1;
    }
}

/// A minimal BIFF8 workbook in an OLE container: one sheet with the given records.
fn xls(sheet_records: &[(u16, Vec<u8>)]) -> Vec<u8> {
    fn rec(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
        out.extend_from_slice(&typ.to_le_bytes());
        out.extend_from_slice(&(data.len() as u16).to_le_bytes());
        out.extend_from_slice(data);
    }
    let bof_globals = [0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    let bof_sheet = [0x00, 0x06, 0x10, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    // Globals: BOF, BOUNDSHEET (offset patched below), EOF.
    let mut globals = Vec::new();
    rec(&mut globals, 0x0809, &bof_globals);
    let boundsheet_at = globals.len() + 4;
    let mut bs = vec![0u8; 4];
    bs.extend_from_slice(&[0, 0, 1, 0, b'S']);
    rec(&mut globals, 0x0085, &bs);
    rec(&mut globals, 0x000A, &[]);
    let sheet_at = globals.len() as u32;
    globals[boundsheet_at..boundsheet_at + 4].copy_from_slice(&sheet_at.to_le_bytes());
    let mut stream = globals;
    rec(&mut stream, 0x0809, &bof_sheet);
    for (t, d) in sheet_records {
        rec(&mut stream, *t, d);
    }
    rec(&mut stream, 0x000A, &[]);
    let mut cfb = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    cfb.create_stream("/Workbook")
        .unwrap()
        .write_all(&stream)
        .unwrap();
    cfb.flush().unwrap();
    cfb.into_inner().into_inner()
}

fn number_record(row: u16, col: u16) -> (u16, Vec<u8>) {
    let mut d = Vec::new();
    d.extend_from_slice(&row.to_le_bytes());
    d.extend_from_slice(&col.to_le_bytes());
    d.extend_from_slice(&0u16.to_le_bytes());
    d.extend_from_slice(&1.0f64.to_le_bytes());
    (0x0203, d)
}

// ---- hostile files, under the memory cap

#[test]
fn an_empty_file_is_reported_as_empty() {
    let p = temp_file("empty.csv", b"");
    assert_eq!(outcome_under_memory_cap(&p), Code::FileEmpty.as_str());
    let p = temp_file("blank.csv", b"\r\n\r\n   \n");
    assert_eq!(outcome(&p, &Options::default()), Code::FileEmpty.as_str());
}

#[test]
fn binary_garbage_is_an_unsupported_format() {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..65_536)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    let p = temp_file("garbage.bin", &bytes);
    assert_eq!(
        outcome_under_memory_cap(&p),
        Code::FileUnsupportedFormat.as_str()
    );
}

#[test]
fn a_zip_bomb_declaring_gigabytes_is_refused_before_parsing() {
    let mut z = xlsx(&inline("A1", "x"));
    patch_declared_size(&mut z, "xl/worksheets/sheet1.xml", 0xF000_0000);
    let p = temp_file("bomb-declared.xlsx", &z);
    assert_eq!(outcome_under_memory_cap(&p), Code::FileZipBomb.as_str());
}

#[test]
fn a_zip_bomb_with_an_extreme_compression_ratio_is_refused() {
    let zeros = vec![b' '; 16 << 20];
    let z = zip_with(
        &[
            ("[Content_Types].xml", CONTENT_TYPES),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/sharedStrings.xml", &zeros),
        ],
        true,
    );
    let p = temp_file("bomb-ratio.xlsx", &z);
    assert_eq!(outcome_under_memory_cap(&p), Code::FileZipBomb.as_str());
}

#[test]
fn a_zip_entry_lying_about_its_size_cannot_inflate_past_it() {
    let big = vec![b'a'; 4 << 20];
    let mut z = zip_with(
        &[
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", RELS),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            ("xl/sharedStrings.xml", &big),
        ],
        true,
    );
    patch_declared_size(&mut z, "xl/sharedStrings.xml", 100);
    let p = temp_file("bomb-lying.xlsx", &z);
    // The real count of inflated bytes catches the lie before a parser reads the part.
    assert_eq!(outcome_under_memory_cap(&p), Code::FileZipBomb.as_str());
}

#[test]
fn a_sparse_xfd1048576_sheet_is_refused_without_allocating_the_grid() {
    let data = format!(
        r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
        inline("A1", "Email"),
        inline("XFD1048576", "far away")
    );
    let p = temp_file("sparse.xlsx", &xlsx(&data));
    assert_eq!(
        outcome_under_memory_cap(&p),
        Code::FileTooManyColumns.as_str()
    );
}

#[test]
fn a_sparse_sheet_with_a_cell_in_the_last_row_streams_two_rows() {
    let data = format!(
        r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
        inline("A1", "Email"),
        inline("A1048576", "a@example.com")
    );
    let p = temp_file("sparse-rows.xlsx", &xlsx(&data));
    let it = open(&p, &Options::default()).unwrap();
    assert_eq!(it.info().headers, ["Email"]);
    let rows: Vec<_> = it.collect::<Result<_, _>>().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].row, 1_048_576);
    assert_eq!(outcome_under_memory_cap(&p), "ok");
}

#[test]
fn an_xls_whose_cells_span_a_huge_grid_is_refused_before_calamine_builds_it() {
    let p = temp_file(
        "sparse.xls",
        &xls(&[number_record(0, 0), number_record(65_535, 255)]),
    );
    assert_eq!(outcome_under_memory_cap(&p), Code::FileTooLarge.as_str());
}

#[test]
fn an_xls_with_a_lying_dimensions_record_is_refused() {
    let mut dims = Vec::new();
    dims.extend_from_slice(&0u32.to_le_bytes());
    dims.extend_from_slice(&u32::MAX.to_le_bytes());
    dims.extend_from_slice(&0u16.to_le_bytes());
    dims.extend_from_slice(&0xFFu16.to_le_bytes());
    dims.extend_from_slice(&0u16.to_le_bytes());
    let p = temp_file("dims.xls", &xls(&[(0x0200, dims), number_record(0, 0)]));
    assert_eq!(outcome_under_memory_cap(&p), Code::FileTooLarge.as_str());
}

#[test]
fn the_encrypted_workbook_is_refused_under_the_memory_cap() {
    assert_eq!(
        outcome_under_memory_cap(&corpus("calamine/pass_protected.xlsx")),
        Code::FileEncrypted.as_str()
    );
}

#[test]
fn the_ods_repeat_bomb_is_refused_under_the_memory_cap() {
    assert_eq!(
        outcome_under_memory_cap(&corpus("calamine/issue_594_dos.ods")),
        Code::FileTooManyColumns.as_str()
    );
}

#[test]
fn the_biff5_file_that_once_ran_calamine_out_of_memory_reads_under_the_cap() {
    assert_eq!(
        outcome_under_memory_cap(&corpus("calamine/OOM_alloc2.xls")),
        "ok"
    );
}

// ---- issue 10: a 4 MB workbook whose sheet inflates to 1 GiB, and its variants

/// CRC-32 (IEEE), so the hand-made archives are valid apart from what each test breaks.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (!(crc & 1)).wrapping_add(1));
        }
    }
    !crc
}

/// One entry of a hand-made archive: name, method (0 stored, 8 deflate), the bytes as
/// stored, the inflated size it declares and its CRC.
struct RawEntry {
    name: String,
    method: u16,
    data: Vec<u8>,
    declared: u32,
    crc: u32,
}

fn stored(name: &str, data: &[u8]) -> RawEntry {
    RawEntry {
        name: name.to_owned(),
        method: 0,
        data: data.to_vec(),
        declared: data.len() as u32,
        crc: crc32(data),
    }
}

/// A zip archive written byte by byte, so a test can state sizes the zip writer would
/// never write.
fn raw_zip(entries: &[RawEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        let name = e.name.as_bytes();
        let mut local = Vec::new();
        local.extend_from_slice(b"PK\x03\x04");
        local.extend_from_slice(&20u16.to_le_bytes()); // version needed
        local.extend_from_slice(&0u16.to_le_bytes()); // flags
        local.extend_from_slice(&e.method.to_le_bytes());
        local.extend_from_slice(&[0, 0, 0x21, 0]); // time, date
        local.extend_from_slice(&e.crc.to_le_bytes());
        local.extend_from_slice(&(e.data.len() as u32).to_le_bytes());
        local.extend_from_slice(&e.declared.to_le_bytes());
        local.extend_from_slice(&(name.len() as u16).to_le_bytes());
        local.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&local);
        out.extend_from_slice(name);
        out.extend_from_slice(&e.data);
        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&20u16.to_le_bytes()); // version made by
        central.extend_from_slice(&local[4..30]);
        central.extend_from_slice(&[0; 6]); // comment len, disk, internal attrs
        central.extend_from_slice(&[0; 4]); // external attrs
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name);
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// A deflate stream inflating to `chunk` repeated `times` times, built without deflating
/// the whole: `chunk` is compressed once with a full flush (byte-aligned, no back
/// references across it), and those bytes are repeated. Also returns the CRC of nothing
/// in particular: the test files are refused before anyone checks it.
fn repeated_deflate(chunk: &[u8], times: usize) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let mut c = Compress::new(Compression::best(), false);
    let mut block = Vec::with_capacity(chunk.len() / 10 + 64);
    c.compress_vec(chunk, &mut block, FlushCompress::Full)
        .unwrap();
    assert_eq!(c.total_in() as usize, chunk.len());
    let mut out = Vec::with_capacity(block.len() * times + 2);
    for _ in 0..times {
        out.extend_from_slice(&block);
    }
    out.extend_from_slice(&[0x03, 0x00]); // a final, empty fixed-Huffman block
    out
}

/// 1 MiB of sheet rows, as a bomb would repeat them.
fn bomb_rows() -> Vec<u8> {
    let row = br#"<row><c t="inlineStr"><is><t>x</t></is></c></row>"#;
    row.iter().copied().cycle().take(1 << 20).collect()
}

/// The workbook parts around a bombed sheet and shared strings.
fn workbook_with(sheet: RawEntry, shared: Option<RawEntry>) -> Vec<u8> {
    let mut entries = vec![
        stored("[Content_Types].xml", CONTENT_TYPES),
        stored("_rels/.rels", RELS),
        stored("xl/workbook.xml", WORKBOOK),
        stored("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
    ];
    entries.extend(shared);
    entries.push(sheet);
    raw_zip(&entries)
}

fn sheet_prefix() -> Vec<u8> {
    br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#.to_vec()
}

/// Opens and drains `path` with default options: the code, and how long it took.
fn timed_outcome(path: &Path) -> (String, std::time::Duration) {
    let started = std::time::Instant::now();
    let code = outcome(path, &Options::default());
    (code, started.elapsed())
}

#[test]
fn the_issue_10_workbook_of_4_mb_inflating_to_1_gib_is_refused_before_reading() {
    let body = repeated_deflate(&bomb_rows(), 1024);
    let sheet = RawEntry {
        name: "xl/worksheets/sheet1.xml".into(),
        method: 8,
        declared: 1 << 30,
        crc: 0,
        data: body,
    };
    let z = workbook_with(sheet, None);
    assert!(z.len() < 10 << 20, "the bomb is small: {} bytes", z.len());
    let p = temp_file("bomb-issue10.xlsx", &z);
    let (code, took) = timed_outcome(&p);
    assert_eq!(code, Code::FileZipBomb.as_str());
    assert!(took.as_secs_f64() < 2.0, "refused after {took:?}");
    println!("issue-10 bomb: {} bytes, refused in {took:?}", z.len());
    assert_eq!(outcome_under_memory_cap(&p), Code::FileZipBomb.as_str());
}

#[test]
fn a_bomb_declaring_a_harmless_size_is_caught_by_counting_what_it_inflates_to() {
    // Declares 1 MiB (a ratio of 1×, nothing to see) but inflates to 1 GiB.
    let body = repeated_deflate(&bomb_rows(), 1024);
    let sheet = RawEntry {
        name: "xl/worksheets/sheet1.xml".into(),
        method: 8,
        declared: 1 << 20,
        crc: 0,
        data: body,
    };
    let p = temp_file("bomb-lying-size.xlsx", &workbook_with(sheet, None));
    let (code, took) = timed_outcome(&p);
    assert_eq!(code, Code::FileZipBomb.as_str());
    assert!(took.as_secs_f64() < 2.0, "refused after {took:?}");
    println!("lying declared size: refused in {took:?}");
    assert_eq!(outcome_under_memory_cap(&p), Code::FileZipBomb.as_str());
}

#[test]
fn a_bomb_in_the_shared_strings_is_refused_before_reading() {
    let mut chunk = br#"<?xml version="1.0"?><sst>"#.to_vec();
    chunk.extend(
        b"<si><t>xxxxxxxxxxxxxxxx</t></si>"
            .iter()
            .copied()
            .cycle()
            .take((1 << 20) - chunk.len()),
    );
    let shared = RawEntry {
        name: "xl/sharedStrings.xml".into(),
        method: 8,
        declared: 512 << 20,
        crc: 0,
        data: repeated_deflate(&chunk, 512),
    };
    let mut sheet_xml = sheet_prefix();
    sheet_xml.extend_from_slice(
        br#"<row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#,
    );
    let p = temp_file(
        "bomb-shared-strings.xlsx",
        &workbook_with(stored("xl/worksheets/sheet1.xml", &sheet_xml), Some(shared)),
    );
    let (code, took) = timed_outcome(&p);
    assert_eq!(code, Code::FileZipBomb.as_str());
    assert!(took.as_secs_f64() < 2.0, "refused after {took:?}");
    println!("shared-strings bomb: refused in {took:?}");
}

#[test]
fn many_small_bombed_entries_are_refused_by_their_ratio_together() {
    // Each entry inflates to just under the 1 MiB floor, so no single one is held to
    // the ratio; 600 of them would inflate to 600 MiB from well under 1 MiB.
    let chunk = vec![b' '; (1 << 20) - 1];
    let body = repeated_deflate(&chunk, 1);
    let mut entries = vec![
        stored("[Content_Types].xml", CONTENT_TYPES),
        stored("_rels/.rels", RELS),
        stored("xl/workbook.xml", WORKBOOK),
        stored("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
    ];
    for i in 0..600 {
        entries.push(RawEntry {
            name: format!("xl/media/part{i}.xml"),
            method: 8,
            declared: chunk.len() as u32,
            crc: crc32(&chunk),
            data: body.clone(),
        });
    }
    let p = temp_file("bomb-many-small.xlsx", &raw_zip(&entries));
    let (code, took) = timed_outcome(&p);
    assert_eq!(code, Code::FileZipBomb.as_str());
    assert!(took.as_secs_f64() < 2.0, "refused after {took:?}");
    println!("600 small bombs: refused in {took:?}");
}

#[test]
fn a_highly_repetitive_sheet_as_excel_writes_it_is_not_taken_for_a_bomb() {
    // One shared string in every cell, with cell references: the most repetitive sheet
    // a spreadsheet program writes (about 17× compressed), 3 MiB inflated.
    let mut data = String::new();
    for r in 1..=10_000u32 {
        data.push_str(&format!(r#"<row r="{r}">"#));
        for c in ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"] {
            data.push_str(&format!(r#"<c r="{c}{r}"><v>1</v></c>"#));
        }
        data.push_str("</row>");
    }
    let z = zip_with(
        &[
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", RELS),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            (
                "xl/worksheets/sheet1.xml",
                format!(r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{data}</sheetData></worksheet>"#).as_bytes(),
            ),
        ],
        true,
    );
    let p = temp_file("repetitive.xlsx", &z);
    assert_eq!(outcome(&p, &Options::default()), "ok");
}

#[test]
fn opening_past_the_time_budget_is_refused_as_too_slow() {
    let p = temp_file("budget.xlsx", &xlsx(&inline("A1", "Email")));
    let opts = Options {
        limits: Limits {
            open_time_budget: std::time::Duration::ZERO,
            open_time_per_mib: std::time::Duration::ZERO,
            ..Limits::default()
        },
        ..Options::default()
    };
    assert_eq!(outcome(&p, &opts), Code::FileTooSlow.as_str());
    let p = temp_file("budget.csv", b"email\na@example.com\n");
    // Text files have no inflation and no worker; the whole-read budget covers them.
    let opts = Options {
        limits: Limits {
            read_time_budget: std::time::Duration::ZERO,
            ..Limits::default()
        },
        ..Options::default()
    };
    assert_eq!(outcome(&p, &opts), Code::FileTooSlow.as_str());
}

#[test]
fn reading_past_the_whole_read_budget_stops_with_too_slow() {
    let rows: String = (2..=3000)
        .map(|r| {
            format!(
                r#"<row r="{r}">{}</row>"#,
                inline(&format!("A{r}"), "a@example.com")
            )
        })
        .collect();
    let data = format!(r#"<row r="1">{}</row>{rows}"#, inline("A1", "Email"));
    let p = temp_file("read-budget.xlsx", &xlsx(&data));
    let opts = Options {
        limits: Limits {
            read_time_budget: std::time::Duration::ZERO,
            ..Limits::default()
        },
        ..Options::default()
    };
    let it = open(&p, &opts).expect("opening has its own budget");
    let err = it
        .collect::<Result<Vec<_>, _>>()
        .expect_err("the read budget is spent");
    assert_eq!(err.code().as_str(), Code::FileTooSlow.as_str());
}

// ---- limits

#[test]
fn a_file_over_the_upload_limit_is_too_large() {
    let p = temp_file("big.csv", &b"a,b\n1,2\n".repeat(200));
    let opts = Options {
        limits: Limits {
            max_file_bytes: 1000,
            ..Limits::default()
        },
        ..Options::default()
    };
    assert_eq!(outcome(&p, &opts), Code::FileTooLarge.as_str());
}

#[test]
fn a_file_over_the_row_limit_fails_while_streaming() {
    let p = temp_file("rows.csv", &b"a,b\n1,2\n".repeat(50));
    let opts = Options {
        limits: Limits {
            max_rows: 30,
            ..Limits::default()
        },
        ..Options::default()
    };
    assert_eq!(outcome(&p, &opts), Code::FileTooManyRows.as_str());
}

#[test]
fn a_file_over_the_column_limit_is_refused() {
    let line = vec!["x"; 600].join(",");
    let p = temp_file("cols.csv", format!("{line}\n{line}\n").as_bytes());
    assert_eq!(
        outcome(&p, &Options::default()),
        Code::FileTooManyColumns.as_str()
    );
}

#[test]
fn a_cell_over_the_length_limit_is_kept_and_flagged() {
    let long = "y".repeat(40_000);
    let p = temp_file("long.csv", format!("name,notes\nAnn,{long}\n").as_bytes());
    let rows: Vec<_> = open(&p, &Options::default())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows[0].cells[1].len(), 40_000);
    assert_eq!(rows[0].issues[0].code.as_str(), Code::CellTooLong.as_str());
}

#[test]
fn a_sheet_over_the_cell_limit_is_too_large() {
    let data: String = (1..=20)
        .map(|r| {
            format!(
                r#"<row r="{r}">{}{}</row>"#,
                inline(&format!("A{r}"), "a"),
                inline(&format!("B{r}"), "b")
            )
        })
        .collect();
    let p = temp_file("cells.xlsx", &xlsx(&data));
    let opts = Options {
        limits: Limits {
            max_cells_per_sheet: 10,
            ..Limits::default()
        },
        ..Options::default()
    };
    assert_eq!(outcome(&p, &opts), Code::FileTooLarge.as_str());
}

// ---- text details

#[test]
fn a_stray_quote_is_reported_at_its_row_and_the_swallowed_rows_are_split_back() {
    let text = "name,email,phone\nAnn,ann@example.com,1\n\"Bob the builder,bob@example.com,2\nCid,cid@example.com,3\nDan,dan@example.com,4\nEve,eve@example.com,5\n";
    let p = temp_file("stray.csv", text.as_bytes());
    let rows: Vec<_> = open(&p, &Options::default())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let flagged: Vec<u32> = rows
        .iter()
        .filter(|r| {
            r.issues
                .iter()
                .any(|i| i.code.as_str() == Code::RowUnclosedQuote.as_str())
        })
        .map(|r| r.row)
        .collect();
    assert_eq!(flagged, [3]);
    assert_eq!(
        rows.iter().map(|r| r.row).collect::<Vec<_>>(),
        [2, 3, 4, 5, 6]
    );
    assert_eq!(rows[1].cells, ["Bob the builder", "bob@example.com", "2"]);
    assert_eq!(rows[3].cells, ["Dan", "dan@example.com", "4"]);
}

#[test]
fn excels_sep_line_sets_the_delimiter_and_counts_as_a_row() {
    let p = temp_file("sep.csv", b"sep=|\r\nname|email\r\nAnn|a@x.org\r\n");
    let it = open(&p, &Options::default()).unwrap();
    assert_eq!(it.info().delimiter, Some('|'));
    assert_eq!(it.info().header_row, 2);
    let rows: Vec<_> = it.collect::<Result<_, _>>().unwrap();
    assert_eq!(rows[0].row, 3);
    assert_eq!(rows[0].cells, ["Ann", "a@x.org"]);
}

#[test]
fn a_utf16_big_endian_file_without_bom_is_decoded() {
    let text = "name;city\nZoë;Köln\n";
    let bytes: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
    let p = temp_file("be.csv", &bytes);
    let it = open(&p, &Options::default()).unwrap();
    assert_eq!(it.info().encoding.as_deref(), Some("UTF-16BE"));
    let rows: Vec<_> = it.collect::<Result<_, _>>().unwrap();
    assert_eq!(rows[0].cells, ["Zoë", "Köln"]);
}

#[test]
fn a_phone_mangled_into_scientific_notation_is_flagged() {
    let p = temp_file("sci.csv", b"name,phone\nAnn,4.91511234567E+11\n");
    let rows: Vec<_> = open(&p, &Options::default())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        rows[0].issues[0].code.as_str(),
        Code::CellNumberAsPhone.as_str()
    );
    assert_eq!(
        rows[0].issues[0].value.as_deref(),
        Some("4.91511234567E+11")
    );
}

#[test]
fn long_numbers_in_a_sheet_render_without_fraction_and_are_flagged_as_phones() {
    let data = format!(
        r#"<row r="1">{}</row><row r="2"><c r="A2"><v>491511234567</v></c></row><row r="3"><c r="A3"><v>12</v></c></row>"#,
        inline("A1", "Phone")
    );
    let p = temp_file("phone.xlsx", &xlsx(&data));
    let rows: Vec<_> = open(&p, &Options::default())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows[0].cells, ["491511234567"]);
    assert_eq!(
        rows[0].issues[0].code.as_str(),
        Code::CellNumberAsPhone.as_str()
    );
    assert_eq!(rows[1].cells, ["12"]);
    assert!(rows[1].issues.is_empty());
}

#[test]
fn a_header_merged_across_two_columns_names_both() {
    let data = format!(
        r#"<row r="1">{}{}</row><row r="2">{}{}{}</row>"#,
        inline("A1", "Name"),
        inline("B1", "Phone"),
        inline("A2", "Ann"),
        inline("B2", "123"),
        inline("C2", "456")
    );
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{data}</sheetData><mergeCells count="1"><mergeCell ref="B1:C1"/></mergeCells></worksheet>"#
    );
    let z = zip_with(
        &[
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", RELS),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
        ],
        false,
    );
    let p = temp_file("merged.xlsx", &z);
    let it = open(&p, &Options::default()).unwrap();
    assert_eq!(it.info().headers, ["Name", "Phone", "Phone (2)"]);
}

#[test]
fn a_header_row_past_the_end_is_an_invalid_option() {
    let p = temp_file("short.csv", b"a,b\n1,2\n");
    let opts = Options {
        header_row: Some(40),
        ..Options::default()
    };
    assert_eq!(outcome(&p, &opts), Code::FileOptionInvalid.as_str());
}

#[test]
fn an_intake_can_move_to_a_blocking_thread() {
    fn assert_send<T: Send>() {}
    assert_send::<intake::Intake>();
}

#[test]
#[ignore = "slow in debug builds; run with --ignored (or see examples/stream_bench.rs)"]
fn a_million_row_csv_streams_under_the_memory_cap() {
    let mut text = String::from("name,email,phone,company,notes\n");
    for i in 0..1_000_000u32 {
        text.push_str(&format!(
            "Ann {i},ann{i}@example.com,+4915{i:08},\"Acme, Inc\",ok\n"
        ));
    }
    let p = temp_file("million.csv", text.as_bytes());
    drop(text);
    assert_eq!(outcome_under_memory_cap(&p), "ok");
}

#[test]
fn nul_characters_are_removed_from_cells_and_headers_and_reported() {
    // Two NULs among many ordinary bytes: text with a broken byte, not a binary file.
    let mut csv = b"First name,Last\x00 name,Email\nAda\x00x,Lovelace,ada@example.org\n".to_vec();
    for i in 0..20 {
        csv.extend_from_slice(format!("Bob{i},Builder,bob{i}@example.org\n").as_bytes());
    }
    let p = temp_file("nul.csv", &csv);
    let mut it = open(&p, &Options::default()).unwrap();
    assert_eq!(it.info().headers[1], "Last name");
    let rows: Vec<_> = it.by_ref().collect::<Result<_, _>>().unwrap();
    assert_eq!(rows[0].cells[0], "Adax");
    let issue = rows[0]
        .issues
        .iter()
        .find(|i| i.code == Code::CellNulRemoved)
        .expect("the cleaned cell is reported");
    assert_eq!((issue.row, issue.column), (Some(2), Some(1)));
    assert!(rows[0].cells.iter().all(|c| !c.contains('\0')));
}

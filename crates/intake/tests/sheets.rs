//! Choosing the sheet that holds the table, on generated workbooks: a cover sheet first,
//! an empty first sheet, a hidden first sheet, a lookup table, two lead sheets.

#![allow(clippy::unwrap_used, clippy::expect_used)] // reason: a failing test should panic with the cause

use std::io::{Cursor, Write};
use std::path::PathBuf;

use intake::{open, Options, SheetSelector};

/// (name, state, rows of cells)
type Sheet<'a> = (&'a str, &'a str, &'a [&'a [&'a str]]);

/// An XLSX with the given sheets; `state` is "visible" or "hidden".
fn workbook(sheets: &[Sheet<'_>]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut types = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
    );
    let mut book = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#,
    );
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    let mut parts = Vec::new();
    for (i, (name, state, rows)) in sheets.iter().enumerate() {
        let n = i + 1;
        types.push_str(&format!(r#"<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#));
        book.push_str(&format!(
            r#"<sheet name="{name}" sheetId="{n}" state="{state}" r:id="rId{n}"/>"#
        ));
        rels.push_str(&format!(r#"<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>"#));
        let mut data = String::new();
        for (r, cells) in rows.iter().enumerate() {
            let r = r + 1;
            data.push_str(&format!(r#"<row r="{r}">"#));
            for (c, v) in cells.iter().enumerate() {
                if v.is_empty() {
                    continue;
                }
                let col = char::from(b'A' + c as u8);
                data.push_str(&format!(
                    r#"<c r="{col}{r}" t="inlineStr"><is><t>{v}</t></is></c>"#
                ));
            }
            data.push_str("</row>");
        }
        parts.push(format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{data}</sheetData></worksheet>"#));
    }
    types.push_str("</Types>");
    book.push_str("</sheets></workbook>");
    rels.push_str("</Relationships>");
    let root_rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let mut put = |name: &str, body: &str| {
        w.start_file(name, opts).unwrap();
        w.write_all(body.as_bytes()).unwrap();
    };
    put("[Content_Types].xml", &types);
    put("_rels/.rels", root_rels);
    put("xl/workbook.xml", &book);
    put("xl/_rels/workbook.xml.rels", &rels);
    for (i, p) in parts.iter().enumerate() {
        put(&format!("xl/worksheets/sheet{}.xml", i + 1), p);
    }
    w.finish().unwrap().into_inner()
}

fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("intake-sheets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

const README: &[&[&str]] = &[
    &["Read me"],
    &["The leads are on the next sheet. Do not change the column headers."],
];

fn leads(n: usize) -> Vec<Vec<String>> {
    let mut rows = vec![vec![
        "First Name".to_owned(),
        "Last Name".to_owned(),
        "Email".to_owned(),
        "Phone".to_owned(),
        "Company".to_owned(),
    ]];
    for i in 0..n {
        rows.push(vec![
            format!("Ada{i}"),
            "Lovelace".to_owned(),
            format!("ada{i}@example.com"),
            format!("+44 20 7946 {i:04}"),
            "Analytical Engines".to_owned(),
        ]);
    }
    rows
}

/// Borrows generated rows as the builder's slices.
fn as_rows(rows: &[Vec<String>]) -> Vec<Vec<&str>> {
    rows.iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect()
}

fn slices<'a>(rows: &'a [Vec<&'a str>]) -> Vec<&'a [&'a str]> {
    rows.iter().map(Vec::as_slice).collect()
}

#[test]
fn a_cover_sheet_first_is_skipped_for_the_sheet_with_the_leads() {
    let data = leads(120);
    let owned = as_rows(&data);
    let rows = slices(&owned);
    let p = temp_file(
        "cover.xlsx",
        &workbook(&[("Read me", "visible", README), ("Leads", "visible", &rows)]),
    );
    let it = open(&p, &Options::default()).unwrap();
    let info = it.info().clone();
    assert_eq!(info.sheet.as_deref(), Some("Leads"));
    assert_eq!(info.headers[2], "Email");
    let choice = info.sheet_choice.expect("the choice is explained");
    assert_eq!(choice.sheet, "Leads");
    assert!(!choice.ambiguous);
    assert_eq!(choice.lead_sheets, ["Leads"]);
    assert_eq!(
        choice.reason,
        "The first sheet “Read me” holds 2 lines of text; “Leads” has a header row matching 5 lead fields (First Name, Last Name, Email, …) and more than 49 rows below it."
    );
    assert_eq!(choice.skipped.len(), 1);
    assert_eq!(choice.skipped[0].name, "Read me");
    assert_eq!(choice.skipped[0].reason, "holds 2 lines of text");
    // The whole sheet is read, not just the scanned rows.
    assert_eq!(it.count(), 120);
}

#[test]
fn an_empty_first_sheet_is_skipped() {
    let data = leads(3);
    let owned = as_rows(&data);
    let rows = slices(&owned);
    let p = temp_file(
        "empty-first.xlsx",
        &workbook(&[("Sheet1", "visible", &[]), ("Export", "visible", &rows)]),
    );
    let it = open(&p, &Options::default()).unwrap();
    let choice = it.info().sheet_choice.clone().unwrap();
    assert_eq!(choice.sheet, "Export");
    assert_eq!(choice.skipped[0].reason, "is empty");
    assert!(choice.reason.starts_with(
        "The first sheet “Sheet1” is empty; “Export” has a header row matching 5 lead fields"
    ));
    assert!(
        choice.reason.contains("3 rows below it"),
        "{}",
        choice.reason
    );
    assert_eq!(it.count(), 3);
}

#[test]
fn a_hidden_first_sheet_is_not_read_even_when_it_holds_leads() {
    let old = leads(5);
    let old = as_rows(&old);
    let old = slices(&old);
    let cur = leads(2);
    let cur = as_rows(&cur);
    let cur = slices(&cur);
    let p = temp_file(
        "hidden-first.xlsx",
        &workbook(&[
            ("Old leads", "hidden", &old),
            ("Read me", "visible", README),
            ("Leads", "visible", &cur),
        ]),
    );
    let it = open(&p, &Options::default()).unwrap();
    let choice = it.info().sheet_choice.clone().unwrap();
    assert_eq!(choice.sheet, "Leads");
    assert!(!choice.ambiguous, "a hidden sheet is no candidate");
    let hidden = &choice.skipped[0];
    assert_eq!(
        (hidden.name.as_str(), hidden.reason.as_str()),
        ("Old leads", "is hidden")
    );
    assert_eq!(choice.skipped[1].reason, "holds 2 lines of text");
    assert!(
        choice
            .reason
            .starts_with("“Read me” holds 2 lines of text; “Leads” has"),
        "{}",
        choice.reason
    );
    assert_eq!(it.count(), 2);
}

#[test]
fn two_lead_sheets_make_the_choice_ambiguous_and_the_better_match_is_read() {
    let a = leads(4);
    let a = as_rows(&a);
    let a = slices(&a);
    let b: &[&[&str]] = &[&["Email", "Phone"], &["bob@example.com", "+49 30 1234567"]];
    let p = temp_file(
        "two-lead-sheets.xlsx",
        &workbook(&[("Partner B", "visible", b), ("Partner A", "visible", &a)]),
    );
    let it = open(&p, &Options::default()).unwrap();
    let choice = it.info().sheet_choice.clone().unwrap();
    assert!(choice.ambiguous);
    assert_eq!(choice.lead_sheets, ["Partner B", "Partner A"]);
    assert_eq!(choice.sheet, "Partner A", "five lead fields beat two");
    assert_eq!(
        choice.skipped[0].reason,
        "also looks like a lead list (2 lead fields (Email, Phone), 1 row)"
    );
    assert!(
        choice
            .reason
            .ends_with("“Partner B” and “Partner A” all look like lead lists; “Partner A” was read because it matches the most lead fields. Check that it is the sheet you mean."),
        "{}",
        choice.reason
    );
}

#[test]
fn a_lookup_table_first_loses_to_the_lead_sheet() {
    let lookup: &[&[&str]] = &[
        &["Code", "Region"],
        &["DE", "EMEA"],
        &["US", "AMER"],
        &["JP", "APAC"],
    ];
    let data = leads(2);
    let owned = as_rows(&data);
    let rows = slices(&owned);
    let p = temp_file(
        "lookup-first.xlsx",
        &workbook(&[("Regions", "visible", lookup), ("Leads", "visible", &rows)]),
    );
    let choice = open(&p, &Options::default())
        .unwrap()
        .info()
        .sheet_choice
        .clone()
        .unwrap();
    assert_eq!(choice.sheet, "Leads");
    assert!(!choice.ambiguous);
    assert_eq!(
        choice.skipped[0].reason,
        "has a table (3 rows) whose columns do not match lead fields"
    );
}

#[test]
fn a_sheet_the_caller_names_is_read_without_a_choice() {
    let data = leads(2);
    let owned = as_rows(&data);
    let rows = slices(&owned);
    let p = temp_file(
        "named.xlsx",
        &workbook(&[("Read me", "visible", README), ("Leads", "visible", &rows)]),
    );
    let opts = Options {
        sheet: Some(SheetSelector::Name("Read me".into())),
        ..Options::default()
    };
    let it = open(&p, &opts).unwrap();
    assert_eq!(it.info().sheet.as_deref(), Some("Read me"));
    assert_eq!(it.info().sheet_choice, None);
}

#[test]
fn a_single_visible_sheet_is_read_without_scanning_and_says_so() {
    let data = leads(2);
    let owned = as_rows(&data);
    let rows = slices(&owned);
    let p = temp_file(
        "single.xlsx",
        &workbook(&[("Leads", "visible", &rows), ("Archive", "hidden", README)]),
    );
    let choice = open(&p, &Options::default())
        .unwrap()
        .info()
        .sheet_choice
        .clone()
        .unwrap();
    assert_eq!(choice.reason, "“Leads” is the only visible worksheet.");
    assert_eq!(choice.skipped[0].reason, "is hidden");
}

#[test]
fn a_workbook_of_empty_sheets_is_empty() {
    let p = temp_file(
        "all-empty.xlsx",
        &workbook(&[("A", "visible", &[]), ("B", "visible", &[])]),
    );
    let err = open(&p, &Options::default()).unwrap_err();
    assert_eq!(err.code().as_str(), intake::Code::FileEmpty.as_str());
}

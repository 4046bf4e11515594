//! What intake makes of every file in the shared corpus (`<repo>/../shared/corpus`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // reason: a failing test should panic with the cause

use std::path::PathBuf;

use intake::{open, Code, IntakeError, Options, RawRecord};

fn corpus(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(rel)
}

struct Summary {
    format: &'static str,
    encoding: Option<String>,
    delimiter: Option<char>,
    sheet: Option<String>,
    header_row: u32,
    headers: Vec<String>,
    first_headers: Vec<String>,
    records: usize,
    rows: Vec<RawRecord>,
    file_issues: Vec<&'static str>,
}

fn summary_with(rel: &str, opts: &Options) -> Summary {
    let mut it = open(&corpus(rel), opts).unwrap_or_else(|e| panic!("{rel}: {} {e}", e.code()));
    let info = it.info().clone();
    let rows: Vec<RawRecord> = (&mut it)
        .collect::<Result<_, IntakeError>>()
        .unwrap_or_else(|e| panic!("{rel}: {} {e}", e.code()));
    Summary {
        format: info.format.as_str(),
        encoding: info.encoding,
        delimiter: info.delimiter,
        sheet: info.sheet,
        header_row: info.header_row,
        first_headers: info.headers.iter().take(3).cloned().collect(),
        headers: info.headers,
        records: rows.len(),
        rows,
        file_issues: it.issues().iter().map(|i| i.code.as_str()).collect(),
    }
}

fn summary(rel: &str) -> Summary {
    summary_with(rel, &Options::default())
}

fn error_code(rel: &str) -> &'static str {
    match open(&corpus(rel), &Options::default()) {
        Ok(mut it) => match it.find_map(Result::err) {
            Some(e) => e.code().as_str(),
            None => panic!("{rel} was read without error"),
        },
        Err(e) => e.code().as_str(),
    }
}

fn row_codes(s: &Summary) -> Vec<&'static str> {
    s.rows
        .iter()
        .flat_map(|r| r.issues.iter().map(|i| i.code.as_str()))
        .collect()
}

// ---- one test per corpus file: format, encoding, delimiter, sheet, header row,
// ---- first headers and record count, or the exact error code.

#[test]
fn a_biff5_xls_with_a_broken_ole_container_reads_its_only_sheet() {
    let s = summary("calamine/OOM_alloc2.xls");
    assert_eq!(s.format, "xls");
    assert_eq!(s.encoding.as_deref(), None);
    assert_eq!(s.delimiter, None);
    assert_eq!(s.sheet.as_deref(), Some("Colsale (Aug"));
    assert_eq!(s.header_row, 1);
    assert_eq!(
        s.first_headers,
        ["Sales_Statement_Id", "Statement_Number", "Statement_Date"]
    );
    assert_eq!(s.records, 191);
}

#[test]
fn hidden_and_chart_sheets_are_listed_and_the_first_visible_sheet_is_read() {
    let s = summary("calamine/any_sheets.xlsx");
    assert_eq!(s.format, "xlsx");
    assert_eq!(s.encoding.as_deref(), None);
    assert_eq!(s.delimiter, None);
    assert_eq!(s.sheet.as_deref(), Some("Visible"));
    assert_eq!(s.header_row, 1);
    assert_eq!(s.first_headers, ["1", "2"]);
    assert_eq!(s.records, 3);
}

#[test]
fn dates_in_a_1904_workbook_become_iso_dates() {
    let s = summary("calamine/date_1904.xlsx");
    assert_eq!(s.format, "xlsx");
    assert_eq!(s.encoding.as_deref(), None);
    assert_eq!(s.delimiter, None);
    assert_eq!(s.sheet.as_deref(), Some("Sheet1"));
    assert_eq!(s.header_row, 1);
    assert_eq!(s.first_headers, ["2021-01-01", "15"]);
    assert_eq!(s.records, 2);
}

#[test]
fn formula_errors_are_kept_and_flagged() {
    let s = summary("calamine/errors.xlsx");
    assert_eq!(s.format, "xlsx");
    assert_eq!(s.encoding.as_deref(), None);
    assert_eq!(s.delimiter, None);
    assert_eq!(s.sheet.as_deref(), Some("Feuil1"));
    assert_eq!(s.header_row, 1);
    assert_eq!(s.first_headers, ["#DIV/0!"]);
    assert_eq!(s.records, 6);
}

#[test]
fn a_stray_note_above_the_header_does_not_fool_header_detection() {
    let s = summary("calamine/header-row.xlsx");
    assert_eq!(s.format, "xlsx");
    assert_eq!(s.encoding.as_deref(), None);
    assert_eq!(s.delimiter, None);
    assert_eq!(s.sheet.as_deref(), Some("Sheet1"));
    assert_eq!(s.header_row, 9);
    assert_eq!(s.first_headers, ["Columns", "Column A", "Column B"]);
    assert_eq!(s.records, 1);
}

#[test]
fn a_biff8_xls_person_list_is_read() {
    let s = summary("calamine/issue444.xls");
    assert_eq!(s.format, "xls");
    assert_eq!(s.encoding.as_deref(), None);
    assert_eq!(s.delimiter, None);
    assert_eq!(s.sheet.as_deref(), Some("Sheet1"));
    assert_eq!(s.header_row, 1);
    assert_eq!(s.first_headers, ["0", "First Name", "Last Name"]);
    assert_eq!(s.records, 9);
}

#[test]
fn a_sheet_declaring_xfd1048576_as_its_dimension_reads_its_one_row() {
    let s = summary("calamine/issue_174.xlsx");
    assert_eq!(s.format, "xlsx");
    assert_eq!(s.encoding.as_deref(), None);
    assert_eq!(s.delimiter, None);
    assert_eq!(s.sheet.as_deref(), Some("Sheet1"));
    assert_eq!(s.header_row, 1);
    assert_eq!(
        s.first_headers,
        ["Your Ref #", "Contact Name", "Contact Number"]
    );
    assert_eq!(s.records, 1);
}

#[test]
fn an_xlsx_with_backslash_part_names_is_read() {
    let s = summary("calamine/issue_530.xlsx");
    assert_eq!(s.format, "xlsx");
    assert_eq!(s.encoding.as_deref(), None);
    assert_eq!(s.delimiter, None);
    assert_eq!(s.sheet.as_deref(), Some("出勤分类组织汇总表"));
    assert_eq!(s.header_row, 4);
    assert_eq!(s.first_headers, ["Column 1", "Column 2", "领域"]);
    assert_eq!(s.records, 1);
}

#[test]
fn an_ods_repeating_one_cell_a_billion_times_is_refused() {
    assert_eq!(
        error_code("calamine/issue_594_dos.ods"),
        "file.too_many_columns"
    );
}

#[test]
fn a_password_protected_workbook_is_reported_as_encrypted() {
    assert_eq!(error_code("calamine/pass_protected.xlsx"), "file.encrypted");
}

#[test]
fn ods_paragraphs_and_compressed_spaces_are_kept() {
    let s = summary("calamine/special_cells.ods");
    assert_eq!(s.format, "ods");
    assert_eq!(s.encoding.as_deref(), None);
    assert_eq!(s.delimiter, None);
    assert_eq!(s.sheet.as_deref(), Some("sheet1"));
    assert_eq!(s.header_row, 1);
    assert_eq!(s.first_headers, ["Split Line"]);
    assert_eq!(s.records, 4);
}

#[test]
fn the_civicrm_country_oracle_reads_as_plain_csv() {
    let s = summary("civicrm/individual_country_state_county_with_related.csv");
    assert_eq!(s.format, "csv");
    assert_eq!(s.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(s.delimiter, Some(','));
    assert_eq!(s.sheet.as_deref(), None);
    assert_eq!(s.header_row, 1);
    assert_eq!(s.first_headers, ["First Name", "Last Name", "Email"]);
    assert_eq!(s.records, 8);
}

#[test]
fn a_repeated_last_name_header_is_made_unique() {
    let s = summary("civicrm/individual_locations_with_related.csv");
    assert_eq!(s.format, "csv");
    assert_eq!(s.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(s.delimiter, Some(','));
    assert_eq!(s.sheet.as_deref(), None);
    assert_eq!(s.header_row, 1);
    assert_eq!(s.first_headers, ["First Name", "Last Name", "Birth Date"]);
    assert_eq!(s.records, 1);
}

#[test]
fn a_quoted_field_spanning_lines_stays_one_record_numbered_by_its_first_line() {
    let s = summary("csv-spectrum/quotes_and_newlines.csv");
    assert_eq!(s.format, "csv");
    assert_eq!(s.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(s.delimiter, Some(','));
    assert_eq!(s.sheet.as_deref(), None);
    assert_eq!(s.header_row, 1);
    assert_eq!(s.first_headers, ["a", "b"]);
    assert_eq!(s.records, 2);
}

#[test]
fn a_european_excel_resave_is_semicolon_delimited_despite_bare_commas() {
    let s = summary("datablist-excel-eu-resave/customers-100.csv");
    assert_eq!(s.format, "csv");
    assert_eq!(s.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(s.delimiter, Some(';'));
    assert_eq!(s.sheet.as_deref(), None);
    assert_eq!(s.header_row, 1);
    assert_eq!(s.first_headers, ["Index", "Customer Id", "First Name"]);
    assert_eq!(s.records, 100);
}

#[test]
fn a_file_without_a_final_newline_keeps_its_last_row() {
    let s = summary("datablist-excel-formula-mangled/leads-100.csv");
    assert_eq!(s.format, "csv");
    assert_eq!(s.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(s.delimiter, Some(','));
    assert_eq!(s.sheet.as_deref(), None);
    assert_eq!(s.header_row, 1);
    assert_eq!(s.first_headers, ["Index", "Account Id", "Lead Owner"]);
    assert_eq!(s.records, 99);
}

#[test]
fn the_datablist_customers_baseline_reads_cleanly() {
    let s = summary("datablist-original/customers-100.csv");
    assert_eq!(s.format, "csv");
    assert_eq!(s.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(s.delimiter, Some(','));
    assert_eq!(s.sheet.as_deref(), None);
    assert_eq!(s.header_row, 1);
    assert_eq!(s.first_headers, ["Index", "Customer Id", "First Name"]);
    assert_eq!(s.records, 100);
}

#[test]
fn the_datablist_leads_baseline_reads_cleanly() {
    let s = summary("datablist-original/leads-100.csv");
    assert_eq!(s.format, "csv");
    assert_eq!(s.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(s.delimiter, Some(','));
    assert_eq!(s.sheet.as_deref(), None);
    assert_eq!(s.header_row, 1);
    assert_eq!(s.first_headers, ["Index", "Account Id", "Lead Owner"]);
    assert_eq!(s.records, 100);
}

#[test]
fn a_thousand_people_are_read() {
    let s = summary("datablist-original/people-1000.csv");
    assert_eq!(s.format, "csv");
    assert_eq!(s.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(s.delimiter, Some(','));
    assert_eq!(s.sheet.as_deref(), None);
    assert_eq!(s.header_row, 1);
    assert_eq!(s.first_headers, ["Index", "User Id", "First Name"]);
    assert_eq!(s.records, 1000);
}

#[test]
fn dolibarr_quoted_semicolon_headers_are_unquoted() {
    let s = summary("dolibarr/file_import_company_1.csv");
    assert_eq!(s.format, "csv");
    assert_eq!(s.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(s.delimiter, Some(';'));
    assert_eq!(s.sheet.as_deref(), None);
    assert_eq!(s.header_row, 1);
    assert_eq!(
        s.first_headers,
        [
            "Name* (s.name)",
            "Status (s.status)",
            "Customer* (s.client)"
        ]
    );
    assert_eq!(s.records, 2);
}

#[test]
fn space_padded_semicolon_values_are_kept_verbatim() {
    let s = summary("frappe/sample_import_file_semicolon.csv");
    assert_eq!(s.format, "csv");
    assert_eq!(s.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(s.delimiter, Some(';'));
    assert_eq!(s.sheet.as_deref(), None);
    assert_eq!(s.header_row, 1);
    assert_eq!(s.first_headers, ["Title", "Description", "Number"]);
    assert_eq!(s.records, 4);
}

#[test]
fn a_frappe_template_header_is_found_below_its_preamble() {
    let s = summary("frappe/test_user_csv_template.csv");
    assert_eq!(s.format, "csv");
    assert_eq!(s.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(s.delimiter, Some(','));
    assert_eq!(s.sheet.as_deref(), None);
    assert_eq!(s.header_row, 15);
    assert_eq!(s.first_headers, ["Column Labels:", "ID", "Email"]);
    assert_eq!(s.records, 15);
}

#[test]
fn a_zip_named_csv_is_not_read_as_text() {
    assert_eq!(
        error_code("frictionless-py/implicit-zip.csv"),
        "file.unsupported_format"
    );
}

#[test]
fn frictionless_invalid_csv_reports_header_and_ragged_row_issues() {
    let s = summary("frictionless-py/invalid.csv");
    assert_eq!(s.format, "csv");
    assert_eq!(s.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(s.delimiter, Some(','));
    assert_eq!(s.sheet.as_deref(), None);
    assert_eq!(s.header_row, 1);
    assert_eq!(s.first_headers, ["id", "name", "Column 3"]);
    assert_eq!(s.records, 3);
}

#[test]
fn a_report_with_title_rows_and_a_three_level_header_is_read() {
    let s = summary("frictionless-py/issue-1024.xlsx");
    assert_eq!(s.format, "xlsx");
    assert_eq!(s.encoding.as_deref(), None);
    assert_eq!(s.delimiter, None);
    assert_eq!(s.sheet.as_deref(), Some("IPC"));
    assert_eq!(s.header_row, 12);
    assert_eq!(s.first_headers, ["Country", "Level 1 Name", "Area"]);
    assert_eq!(s.records, 48);
}

#[test]
fn a_header_merged_over_five_rows_names_columns_from_its_levels() {
    let s = summary("frictionless-py/multiline-headers.xlsx");
    assert_eq!(s.format, "xlsx");
    assert_eq!(s.encoding.as_deref(), None);
    assert_eq!(s.delimiter, None);
    assert_eq!(s.sheet.as_deref(), Some("Лист1"));
    assert_eq!(s.header_row, 5);
    assert_eq!(
        s.first_headers,
        [
            "Region",
            "Caloric contribution / (%)",
            "Cumulative impact of changes on cost of food basket / from previous quarter"
        ]
    );
    assert_eq!(s.records, 1);
}

#[test]
fn a_cp1252_semicolon_file_with_decimal_commas_is_decoded() {
    let s = summary("frictionless-py/table-with-accents.csv");
    assert_eq!(s.format, "csv");
    assert_eq!(s.encoding.as_deref(), Some("windows-1252"));
    assert_eq!(s.delimiter, Some(';'));
    assert_eq!(s.sheet.as_deref(), None);
    assert_eq!(s.header_row, 1);
    assert_eq!(s.first_headers, ["Classement", "Quartier", "Date"]);
    assert_eq!(s.records, 638);
}

#[test]
fn an_xml_file_is_an_unsupported_format() {
    assert_eq!(error_code("isemail/tests.xml"), "file.unsupported_format");
}

#[test]
fn an_iso_8859_1_first_names_file_is_decoded() {
    let s = summary("league-csv/prenoms.csv");
    assert_eq!(s.format, "csv");
    assert_eq!(s.encoding.as_deref(), Some("windows-1252"));
    assert_eq!(s.delimiter, Some(';'));
    assert_eq!(s.sheet.as_deref(), None);
    assert_eq!(s.header_row, 1);
    assert_eq!(s.first_headers, ["prenoms", "nombre", "sexe"]);
    assert_eq!(s.records, 10121);
}

#[test]
fn the_odoo_partner_sample_reads_cleanly() {
    let s = summary("odoo-base-import/res.partner.csv");
    assert_eq!(s.format, "csv");
    assert_eq!(s.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(s.delimiter, Some(','));
    assert_eq!(s.sheet.as_deref(), None);
    assert_eq!(s.header_row, 1);
    assert_eq!(s.first_headers, ["ID", "Name", "Company Type"]);
    assert_eq!(s.records, 6);
}

#[test]
fn japanese_outlook_headers_are_read() {
    let s = summary("open-xchange/jpcontact.csv");
    assert_eq!(s.format, "csv");
    assert_eq!(s.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(s.delimiter, Some(','));
    assert_eq!(s.sheet.as_deref(), None);
    assert_eq!(s.header_row, 1);
    assert_eq!(s.first_headers, ["肩書き", "名", "ミドル ネーム"]);
    assert_eq!(s.records, 1);
}

#[test]
fn a_headerless_file_with_backslash_escapes_is_read_without_panicking() {
    let s = summary("rust-csv/strange.csv");
    assert_eq!(s.format, "csv");
    assert_eq!(s.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(s.delimiter, Some(';'));
    assert_eq!(s.sheet.as_deref(), None);
    // No header at all: the first row is taken, so every later row stays a record.
    assert_eq!(s.header_row, 1);
    assert_eq!(s.first_headers, ["\\Hacksaw\\\" Jim Duggan\"", "1987"]);
    assert_eq!(s.records, 6);
}

#[test]
fn thunderbird_export_with_embedded_tab_and_crlf_reads_two_records() {
    let s = summary("thunderbird-addrbook-tests/export.csv");
    assert_eq!(s.format, "csv");
    assert_eq!(s.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(s.delimiter, Some(','));
    assert_eq!(s.sheet.as_deref(), None);
    assert_eq!(s.header_row, 1);
    assert_eq!(s.first_headers, ["First Name", "Last Name", "Display Name"]);
    assert_eq!(s.records, 2);
}

#[test]
fn a_shift_jis_file_is_detected_and_decoded() {
    let s = summary("thunderbird-import-tests/shiftjis_addressbook.csv");
    assert_eq!(s.format, "csv");
    assert_eq!(s.encoding.as_deref(), Some("Shift_JIS"));
    assert_eq!(s.delimiter, Some(','));
    assert_eq!(s.sheet.as_deref(), None);
    assert_eq!(s.header_row, 1);
    assert_eq!(s.first_headers, ["First Name", "Last Name", "Display Name"]);
    assert_eq!(s.records, 1);
}

#[test]
fn a_file_mixing_comma_and_tab_rows_is_read_as_tab_separated() {
    let s = summary("thunderbird-import-tests/tab_comma_mixed.csv");
    assert_eq!(s.format, "tsv");
    assert_eq!(s.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(s.delimiter, Some('\t'));
    assert_eq!(s.sheet.as_deref(), None);
    assert_eq!(s.header_row, 1);
    assert_eq!(
        s.first_headers,
        ["1,1,1,1,1@host.invalid,,,,,,,,,,,,,,,,,,,,,"]
    );
    assert_eq!(s.records, 3);
}

#[test]
fn a_utf16_file_with_bom_is_decoded() {
    let s = summary("thunderbird-import-tests/utf16_addressbook.csv");
    assert_eq!(s.format, "csv");
    assert_eq!(s.encoding.as_deref(), Some("UTF-16LE"));
    assert_eq!(s.delimiter, Some(','));
    assert_eq!(s.sheet.as_deref(), None);
    assert_eq!(s.header_row, 1);
    assert_eq!(s.first_headers, ["First Name", "Last Name", "Display Name"]);
    assert_eq!(s.records, 1);
}

#[test]
fn a_title_line_above_the_header_is_skipped_in_a_cp1252_file() {
    let s = summary("w3c-csvw/ESCC-payment-data-Q2281011.csv");
    assert_eq!(s.format, "csv");
    assert_eq!(s.encoding.as_deref(), Some("windows-1252"));
    assert_eq!(s.delimiter, Some(','));
    assert_eq!(s.sheet.as_deref(), None);
    assert_eq!(s.header_row, 2);
    assert_eq!(s.first_headers, ["Name", "Payment category", "Amount"]);
    assert_eq!(s.records, 5767);
}

#[test]
fn a_cp1252_file_without_bom_is_detected_from_a_pound_sign() {
    let s = summary("w3c-csvw/HEFCE_organogram_senior_data_31032011.csv");
    assert_eq!(s.format, "csv");
    assert_eq!(s.encoding.as_deref(), Some("windows-1252"));
    assert_eq!(s.delimiter, Some(','));
    assert_eq!(s.sheet.as_deref(), None);
    assert_eq!(s.header_row, 1);
    assert_eq!(s.first_headers, ["Post Unique Reference", "Name", "Grade"]);
    assert_eq!(s.records, 4);
}

#[test]
fn the_human_header_wins_over_the_hxl_hashtag_row() {
    let s = summary("w3c-csvw/HXL_3W_samples_draft_Multilingual.csv");
    assert_eq!(s.format, "csv");
    assert_eq!(s.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(s.delimiter, Some(','));
    assert_eq!(s.sheet.as_deref(), None);
    assert_eq!(s.header_row, 1);
    assert_eq!(
        s.first_headers,
        ["Fecha del informe", "Fuente", "Implementador"]
    );
    assert_eq!(s.records, 35);
}

#[test]
fn a_utf16_file_without_bom_is_decoded() {
    let s = summary("w3c-csvw/test-utf16.csv");
    assert_eq!(s.format, "csv");
    assert_eq!(s.encoding.as_deref(), Some("UTF-16LE"));
    assert_eq!(s.delimiter, Some(','));
    assert_eq!(s.sheet.as_deref(), None);
    assert_eq!(s.header_row, 1);
    assert_eq!(s.first_headers, ["test text", "test number", "test date"]);
    assert_eq!(s.records, 3);
}

#[test]
fn a_utf8_bom_does_not_leak_into_the_first_header() {
    let s = summary("w3c-csvw/test-utf8-bom.csv");
    assert_eq!(s.format, "csv");
    assert_eq!(s.encoding.as_deref(), Some("UTF-8-BOM"));
    assert_eq!(s.delimiter, Some(','));
    assert_eq!(s.sheet.as_deref(), None);
    assert_eq!(s.header_row, 1);
    assert_eq!(s.first_headers, ["test text", "test number", "test date"]);
    assert_eq!(s.records, 3);
}

#[test]
fn old_mac_cr_line_endings_give_one_record_per_line() {
    let s = summary("w3c-csvw/uc4-attempt-2/HEFCE_organogram_junior_data_31032011.csv");
    assert_eq!(s.format, "csv");
    assert_eq!(s.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(s.delimiter, Some(','));
    assert_eq!(s.sheet.as_deref(), None);
    assert_eq!(s.header_row, 1);
    assert_eq!(s.first_headers, ["Unit", "Reporting Senior Post", "Grade"]);
    assert_eq!(s.records, 82);
}

// ---- details

#[test]
fn ragged_rows_and_bad_headers_in_frictionless_invalid_csv_get_their_codes() {
    let s = summary("frictionless-py/invalid.csv");
    assert_eq!(s.headers, ["id", "name", "Column 3", "name (2)"]);
    let codes = row_codes(&s);
    assert!(codes.contains(&Code::RowExtraCells.as_str()));
    assert!(codes.contains(&Code::RowMissingCells.as_str()));
    assert!(s.file_issues.contains(&Code::HeaderEmpty.as_str()));
    assert!(s.file_issues.contains(&Code::HeaderDuplicate.as_str()));
    // Extra cells are kept after the header's columns.
    assert!(s.rows.iter().any(|r| r.cells.len() > s.headers.len()));
}

#[test]
fn a_multiline_quoted_field_keeps_its_record_numbered_by_its_first_line() {
    let s = summary("csv-spectrum/quotes_and_newlines.csv");
    assert_eq!(s.rows[0].row, 2);
    assert_eq!(s.rows[0].cells[1], "ha \n\"ha\" \nha");
    assert_eq!(s.rows[1].row, 5);
}

#[test]
fn crlf_records_are_numbered_by_their_physical_line() {
    let s = summary("datablist-original/customers-100.csv");
    assert_eq!(s.rows[0].row, 2);
    assert_eq!(s.rows[0].cells[0], "1");
    assert_eq!(s.rows[99].row, 101);
    assert!(s
        .rows
        .iter()
        .all(|r| !r.cells.last().is_some_and(|c| c.ends_with('\r'))));
}

#[test]
fn an_excel_date_in_a_1904_workbook_is_not_shifted_by_four_years() {
    let s = summary("calamine/date_1904.xlsx");
    assert_eq!(s.rows[0].cells[0], "2021-01-02");
    // The duration cell renders as hours past 24.
    assert_eq!(s.rows[1].cells[0], "255:10:10");
}

#[test]
fn error_cells_are_flagged_and_formulas_report_their_cached_value() {
    let s = summary("calamine/errors.xlsx");
    let codes = row_codes(&s);
    assert!(
        codes
            .iter()
            .filter(|c| **c == Code::CellErrorValue.as_str())
            .count()
            >= 6
    );
    assert!(codes.contains(&Code::CellFormulaCached.as_str()));
    assert!(s.rows.iter().any(|r| r.cells[0] == "#N/A"));
}

#[test]
fn merged_header_levels_are_joined_into_column_names() {
    let s = summary("frictionless-py/multiline-headers.xlsx");
    assert_eq!(s.headers.len(), 4);
    assert!(s.headers[2].contains(" / "), "{:?}", s.headers);
    assert_eq!(s.sheets_named(), ["Лист1"]);
}

impl Summary {
    fn sheets_named(&self) -> Vec<String> {
        self.sheet.iter().cloned().collect()
    }
}

#[test]
fn hidden_very_hidden_and_chart_sheets_are_listed_with_their_visibility() {
    let it = open(&corpus("calamine/any_sheets.xlsx"), &Options::default()).unwrap();
    let sheets = &it.info().sheets;
    let vis: Vec<(&str, bool, bool)> = sheets
        .iter()
        .map(|s| (s.name.as_str(), s.visible, s.worksheet))
        .collect();
    assert_eq!(
        vis,
        [
            ("Visible", true, true),
            ("Hidden", false, true),
            ("VeryHidden", false, true),
            ("Chart", true, false)
        ]
    );
}

#[test]
fn a_hidden_sheet_can_be_chosen_by_name_and_a_missing_one_is_an_error() {
    let opts = Options {
        sheet: Some(intake::SheetSelector::Name("Hidden".into())),
        ..Options::default()
    };
    // The hidden sheet holds no cells: choosing it explicitly says so.
    let err = open(&corpus("calamine/any_sheets.xlsx"), &opts).unwrap_err();
    assert_eq!(err.code().as_str(), Code::FileEmpty.as_str());
    let opts = Options {
        sheet: Some(intake::SheetSelector::Index(0)),
        ..Options::default()
    };
    let s = summary_with("calamine/any_sheets.xlsx", &opts);
    assert_eq!(s.sheet.as_deref(), Some("Visible"));
    let opts = Options {
        sheet: Some(intake::SheetSelector::Name("Nope".into())),
        ..Options::default()
    };
    let err = open(&corpus("calamine/any_sheets.xlsx"), &opts).unwrap_err();
    assert_eq!(err.code().as_str(), Code::FileSheetNotFound.as_str());
}

#[test]
fn the_caller_can_choose_the_header_row() {
    let opts = Options {
        header_row: Some(2),
        ..Options::default()
    };
    let s = summary_with("w3c-csvw/HXL_3W_samples_draft_Multilingual.csv", &opts);
    assert_eq!(s.header_row, 2);
    assert_eq!(s.first_headers, ["#date+reported", "#meta+source", "#org"]);
    assert_eq!(s.rows[0].row, 3);
}

#[test]
fn the_caller_can_force_encoding_and_delimiter() {
    let opts = Options {
        encoding: Some("windows-1252".into()),
        delimiter: Some(b';'),
        ..Options::default()
    };
    let s = summary_with("league-csv/prenoms.csv", &opts);
    assert_eq!(s.encoding.as_deref(), Some("windows-1252"));
    assert_eq!(s.delimiter, Some(';'));
    let opts = Options {
        encoding: Some("klingon".into()),
        ..Options::default()
    };
    let err = open(&corpus("league-csv/prenoms.csv"), &opts).unwrap_err();
    assert_eq!(err.code().as_str(), Code::FileEncodingUnknown.as_str());
}

#[test]
fn accented_names_in_latin1_are_decoded() {
    let s = summary("league-csv/prenoms.csv");
    assert!(s.rows.iter().any(|r| r.cells[0] == "Adèle"));
}

#[test]
fn the_shift_jis_email_local_part_survives() {
    let s = summary("thunderbird-import-tests/shiftjis_addressbook.csv");
    assert!(s.rows[0]
        .cells
        .iter()
        .any(|c| c == "名無しの権兵衛@host.invalid"));
}

#[test]
fn the_pound_sign_of_a_cp1252_file_is_decoded() {
    let s = summary("w3c-csvw/ESCC-payment-data-Q2281011.csv");
    assert!(s.rows[0].cells[2].starts_with('£'), "{:?}", s.rows[0].cells);
}

#[test]
fn ods_in_cell_line_breaks_and_space_runs_are_kept() {
    let it = open(&corpus("calamine/special_cells.ods"), &Options::default()).unwrap();
    let all: Vec<&str> = it
        .info()
        .preview
        .iter()
        .flat_map(|r| r.cells.iter().map(String::as_str))
        .collect();
    assert!(all.contains(&"Value  With spaces"), "{all:?}");
    assert!(
        all.contains(&"  Value   With 2 spaces before and after  "),
        "{all:?}"
    );
    // Two paragraphs in one cell become one value with a line break.
    assert!(all.iter().any(|c| c.contains('\n')), "{all:?}");
}

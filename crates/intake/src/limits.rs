//! Configurable bounds on everything an upload can make intake allocate or do.

/// Every bound intake enforces. Defaults suit a single 2-core, few-GiB server; the
/// service may lower them per tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted file, in bytes (`file.too_large`). Default 512 MiB.
    pub max_file_bytes: u64,
    /// Most records (for CSV) or source rows (for sheets) read (`file.too_many_rows`).
    /// Default 1,048,576, Excel's own limit.
    pub max_rows: u32,
    /// Most columns in any row (`file.too_many_columns`). Default 500.
    pub max_columns: u32,
    /// Longest cell in bytes of UTF-8 before `cell.too_long` is reported. The cell is
    /// kept whole (nothing is lost; the rules engine decides per field), so this is a
    /// signal, not a memory bound: the file-size limit bounds memory. Default 32 KiB.
    pub max_cell_bytes: usize,
    /// Most non-empty cells read from one sheet (`file.too_large`). Default 50,000,000.
    pub max_cells_per_sheet: u64,
    /// Most entries in a zip container (`file.zip_bomb`). Default 10,000.
    pub max_zip_entries: usize,
    /// Largest declared inflated size of one zip entry (`file.zip_bomb`). The zip
    /// reader refuses to inflate past the declared size, so this bounds the real
    /// size too. Default 1 GiB.
    pub max_zip_entry_bytes: u64,
    /// Largest declared inflated size of all entries together. Default 4 GiB.
    pub max_zip_total_bytes: u64,
    /// Largest inflated/compressed ratio of an entry that inflates to more than
    /// 1 MiB (`file.zip_bomb`). Real XLSX parts compress 5–50×; bombs ~1000×. Default 500.
    pub max_zip_ratio: u64,
    /// XLS only: calamine expands every XLS sheet into a dense grid when it opens the
    /// file, so the bounding boxes of all sheets together are capped (`file.too_large`).
    /// Default 8,000,000 cells (≈ 300 MiB).
    pub max_xls_grid_cells: u64,
    /// A quoted CSV field spanning more physical lines than this is taken for a stray
    /// quote (`row.unclosed_quote`). Default 100.
    pub max_field_lines: u32,
    /// Rows kept for the header-row picker and header detection. Default 20.
    pub preview_rows: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 512 * 1024 * 1024,
            max_rows: 1_048_576,
            max_columns: 500,
            max_cell_bytes: 32 * 1024,
            max_cells_per_sheet: 50_000_000,
            max_zip_entries: 10_000,
            max_zip_entry_bytes: 1024 * 1024 * 1024,
            max_zip_total_bytes: 4 * 1024 * 1024 * 1024,
            max_zip_ratio: 500,
            max_xls_grid_cells: 8_000_000,
            max_field_lines: 100,
            preview_rows: 20,
        }
    }
}

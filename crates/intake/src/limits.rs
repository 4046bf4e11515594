//! Configurable bounds on everything an upload can make intake allocate or do, and on
//! how long intake may take.

use std::time::Duration;

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
    /// Largest declared inflated size of one zip entry (`file.zip_bomb`). Before any
    /// parser runs, every XML part is inflated once with a counter, so an entry that
    /// inflates past its declared size is refused by the real count. Default 1 GiB (a
    /// million-row sheet needs a few hundred MiB).
    pub max_zip_entry_bytes: u64,
    /// Largest declared inflated size of all entries together. Default 4 GiB.
    pub max_zip_total_bytes: u64,
    /// Largest inflated/compressed ratio (`file.zip_bomb`) of one entry, and of all
    /// entries together, once they inflate to more than [`Limits::zip_ratio_floor_bytes`].
    /// Measured: sheet and shared-string parts of real workbooks compress 4–11× (a
    /// generated 50,000-row workbook: 8.8× and 7.2×); the most repetitive sheet Excel
    /// can write (one value in every cell, with cell references) about 17×; the bomb of
    /// issue 10 256×. Default 100.
    pub max_zip_ratio: u64,
    /// Entries (and archives) inflating to at most this many bytes are not held to the
    /// ratio: small parts such as styles compress well and cannot hurt. Default 1 MiB.
    pub zip_ratio_floor_bytes: u64,
    /// Time `open` may take — sniffing, counting inflated bytes, choosing the sheet,
    /// reading the preview — before the file is refused (`file.too_slow`): this much
    /// for files up to 10 MiB, plus [`Limits::open_time_per_mib`] for every MiB beyond.
    /// Default 2 s (in debug builds ten times as much, see `DEBUG_SLOWDOWN`).
    pub open_time_budget: Duration,
    /// Extra opening time per MiB beyond the first 10: a million-row workbook (47 MiB,
    /// 433 MB of XML) needs about 4 s to open in a release build. Default 200 ms.
    pub open_time_per_mib: Duration,
    /// Time the whole read of a workbook may take, from `open` to the last record
    /// (`file.too_slow`), including the time the caller spends between records.
    /// Default 15 minutes.
    pub read_time_budget: Duration,
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

/// Unoptimised builds parse 10–30× slower than release builds; their default time
/// budgets are this much longer, so a debug test run on a busy machine does not fail on
/// time. Release builds (what is deployed) get the documented defaults.
const DEBUG_SLOWDOWN: u32 = if cfg!(debug_assertions) { 10 } else { 1 };

/// Files up to this many MiB open within [`Limits::open_time_budget`] alone.
const BUDGET_FREE_MIB: u64 = 10;

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
            max_zip_ratio: 100,
            zip_ratio_floor_bytes: 1024 * 1024,
            open_time_budget: Duration::from_secs(2) * DEBUG_SLOWDOWN,
            open_time_per_mib: Duration::from_millis(200) * DEBUG_SLOWDOWN,
            read_time_budget: Duration::from_secs(15 * 60),
            max_xls_grid_cells: 8_000_000,
            max_field_lines: 100,
            preview_rows: 20,
        }
    }
}

impl Limits {
    /// The opening time budget for a file of `size` bytes.
    pub fn open_budget_for(&self, size: u64) -> Duration {
        let beyond = (size / (1024 * 1024)).saturating_sub(BUDGET_FREE_MIB);
        let mib = u32::try_from(beyond).unwrap_or(u32::MAX);
        self.open_time_budget
            .saturating_add(self.open_time_per_mib.saturating_mul(mib))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_opening_budget_is_two_seconds_up_to_ten_mib_and_grows_beyond() {
        let l = Limits {
            open_time_budget: Duration::from_secs(2),
            open_time_per_mib: Duration::from_millis(200),
            ..Limits::default()
        };
        assert_eq!(l.open_budget_for(0), Duration::from_secs(2));
        assert_eq!(
            l.open_budget_for(11 * 1024 * 1024 - 1),
            Duration::from_secs(2)
        );
        assert_eq!(
            l.open_budget_for(47 * 1024 * 1024),
            Duration::from_millis(9400)
        );
        if !cfg!(debug_assertions) {
            assert_eq!(
                Limits::default(),
                l,
                "release defaults are the documented ones"
            );
        }
    }
}

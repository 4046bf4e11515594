//! Which rows the grid renders: a fixed row height turns the scroll position into a range
//! of row indexes (plus an overscan above and below), and that range into the pages to
//! fetch from the server.

/// Height of one row in CSS pixels; the stylesheet uses the same value.
pub const ROW_HEIGHT: f64 = 36.0;
/// Rows rendered beyond the visible ones on each side, so fast scrolling shows no gaps.
pub const OVERSCAN: i64 = 10;
/// Rows per page fetched from the server.
pub const PAGE_ROWS: i64 = 100;

/// The rows `[first, last)` to render for a scroll position and viewport height.
pub fn visible_range(scroll_top: f64, viewport_height: f64, total: i64) -> (i64, i64) {
    if total <= 0 {
        return (0, 0);
    }
    let first_visible = (scroll_top.max(0.0) / ROW_HEIGHT).floor() as i64;
    let last_visible =
        ((scroll_top.max(0.0) + viewport_height.max(0.0)) / ROW_HEIGHT).ceil() as i64;
    let first = (first_visible - OVERSCAN).clamp(0, total);
    let last = (last_visible + OVERSCAN).clamp(first, total);
    (first, last)
}

/// The pages holding rows `[first, last)`.
pub fn pages_for(first: i64, last: i64) -> std::ops::RangeInclusive<i64> {
    if last <= first {
        // An empty range still needs the first page: it tells the total.
        return 0..=0;
    }
    (first / PAGE_ROWS)..=((last - 1) / PAGE_ROWS)
}

/// The scroll position that brings row `index` into view, or `None` when it is visible.
/// `header` is the height of the sticky header inside the scroller.
pub fn scroll_to_show(
    index: i64,
    scroll_top: f64,
    viewport_height: f64,
    header: f64,
) -> Option<f64> {
    let top = index as f64 * ROW_HEIGHT;
    let bottom = top + ROW_HEIGHT;
    let body_height = (viewport_height - header).max(ROW_HEIGHT);
    if top < scroll_top {
        Some(top)
    } else if bottom > scroll_top + body_height {
        Some(bottom - body_height)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_visible_rows_and_the_overscan_are_rendered() {
        // 600 px shows 17 rows; with 10 overscan on each side, 27 from the top.
        assert_eq!(visible_range(0.0, 600.0, 50_000), (0, 27));
        let (first, last) = visible_range(36_000.0, 600.0, 50_000);
        assert_eq!((first, last), (990, 1027));
        assert_eq!(visible_range(0.0, 600.0, 5), (0, 5));
        assert_eq!(visible_range(0.0, 600.0, 0), (0, 0));
    }

    #[test]
    fn the_range_maps_to_the_pages_that_hold_it() {
        assert_eq!(pages_for(0, 27), 0..=0);
        assert_eq!(pages_for(95, 130), 0..=1);
        assert_eq!(pages_for(0, 0), 0..=0);
    }

    #[test]
    fn scrolling_brings_a_row_into_view_only_when_needed() {
        assert_eq!(scroll_to_show(5, 0.0, 600.0, 40.0), None);
        assert_eq!(scroll_to_show(0, 100.0, 600.0, 40.0), Some(0.0));
        let s = scroll_to_show(40, 0.0, 600.0, 40.0).unwrap();
        assert!((s - (41.0 * ROW_HEIGHT - 560.0)).abs() < 1e-9);
    }
}

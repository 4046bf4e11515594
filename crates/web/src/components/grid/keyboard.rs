//! The grid's keyboard model, as a pure mapping from a key press to an action: arrows,
//! Home/End and Page Up/Down move; Enter or F2 edits; Delete clears; a printable key
//! starts editing with that character; Ctrl+Z / Ctrl+Y undo and redo. While editing, Enter
//! and Tab save and move, Escape cancels.

/// What a key press in the grid (not editing) does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GridKey {
    Move {
        rows: i64,
        cols: i64,
    },
    RowStart,
    RowEnd,
    First,
    Last,
    Edit,
    /// Start editing with this text replacing the value.
    Type(String),
    Clear,
    Undo,
    Redo,
    /// Not the grid's key: let the browser handle it.
    Ignore,
}

/// What a key press in the cell editor does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditorKey {
    /// Save, then move by this much.
    Commit {
        rows: i64,
        cols: i64,
    },
    Cancel,
    /// Typing: the input handles it.
    Ignore,
}

/// Modifier state of a key press.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Mods {
    pub ctrl: bool,
    pub shift: bool,
    pub alt: bool,
}

/// Rows a Page Up / Page Down moves.
pub const PAGE_MOVE: i64 = 10;

pub fn grid_key(key: &str, mods: Mods) -> GridKey {
    if mods.ctrl {
        return match key {
            "z" | "Z" if mods.shift => GridKey::Redo,
            "z" | "Z" => GridKey::Undo,
            "y" | "Y" => GridKey::Redo,
            "Home" => GridKey::First,
            "End" => GridKey::Last,
            _ => GridKey::Ignore,
        };
    }
    match key {
        "ArrowUp" => GridKey::Move { rows: -1, cols: 0 },
        "ArrowDown" => GridKey::Move { rows: 1, cols: 0 },
        "ArrowLeft" => GridKey::Move { rows: 0, cols: -1 },
        "ArrowRight" => GridKey::Move { rows: 0, cols: 1 },
        "Tab" if mods.shift => GridKey::Move { rows: 0, cols: -1 },
        "Tab" => GridKey::Move { rows: 0, cols: 1 },
        "PageUp" => GridKey::Move {
            rows: -PAGE_MOVE,
            cols: 0,
        },
        "PageDown" => GridKey::Move {
            rows: PAGE_MOVE,
            cols: 0,
        },
        "Home" => GridKey::RowStart,
        "End" => GridKey::RowEnd,
        "Enter" | "F2" => GridKey::Edit,
        "Delete" | "Backspace" => GridKey::Clear,
        k if !mods.alt && k.chars().count() == 1 => GridKey::Type(k.to_owned()),
        _ => GridKey::Ignore,
    }
}

pub fn editor_key(key: &str, mods: Mods) -> EditorKey {
    match key {
        "Enter" if mods.shift => EditorKey::Commit { rows: -1, cols: 0 },
        "Enter" => EditorKey::Commit { rows: 1, cols: 0 },
        "Tab" if mods.shift => EditorKey::Commit { rows: 0, cols: -1 },
        "Tab" => EditorKey::Commit { rows: 0, cols: 1 },
        "Escape" => EditorKey::Cancel,
        _ => EditorKey::Ignore,
    }
}

/// Moves a position `(row, col)` by `(rows, cols)` within `row_count` × `col_count`.
/// Moving right past the last column wraps to the next row (as Tab does in spreadsheets).
pub fn step(pos: (i64, i64), by: (i64, i64), row_count: i64, col_count: i64) -> (i64, i64) {
    if row_count <= 0 || col_count <= 0 {
        return (0, 0);
    }
    let (mut row, mut col) = (pos.0 + by.0, pos.1 + by.1);
    if by.0 == 0 && col >= col_count && row + 1 < row_count {
        row += 1;
        col = 0;
    } else if by.0 == 0 && col < 0 && row > 0 {
        row -= 1;
        col = col_count - 1;
    }
    (row.clamp(0, row_count - 1), col.clamp(0, col_count - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_grid_actions() {
        let none = Mods::default();
        assert_eq!(
            grid_key("ArrowDown", none),
            GridKey::Move { rows: 1, cols: 0 }
        );
        assert_eq!(grid_key("F2", none), GridKey::Edit);
        assert_eq!(grid_key("Enter", none), GridKey::Edit);
        assert_eq!(grid_key("x", none), GridKey::Type("x".into()));
        assert_eq!(grid_key("Shift", none), GridKey::Ignore);
        let ctrl = Mods { ctrl: true, ..none };
        assert_eq!(grid_key("z", ctrl), GridKey::Undo);
        assert_eq!(
            grid_key(
                "z",
                Mods {
                    shift: true,
                    ..ctrl
                }
            ),
            GridKey::Redo
        );
        assert_eq!(
            grid_key("c", ctrl),
            GridKey::Ignore,
            "copy stays the browser's"
        );
    }

    #[test]
    fn the_editor_saves_on_enter_and_tab_and_cancels_on_escape() {
        let none = Mods::default();
        assert_eq!(
            editor_key("Enter", none),
            EditorKey::Commit { rows: 1, cols: 0 }
        );
        assert_eq!(
            editor_key(
                "Tab",
                Mods {
                    shift: true,
                    ..none
                }
            ),
            EditorKey::Commit { rows: 0, cols: -1 }
        );
        assert_eq!(editor_key("Escape", none), EditorKey::Cancel);
        assert_eq!(editor_key("a", none), EditorKey::Ignore);
    }

    #[test]
    fn moving_stays_inside_and_tab_wraps_rows() {
        assert_eq!(step((0, 0), (-1, 0), 10, 3), (0, 0));
        assert_eq!(step((0, 2), (0, 1), 10, 3), (1, 0));
        assert_eq!(step((1, 0), (0, -1), 10, 3), (0, 2));
        assert_eq!(step((9, 2), (0, 1), 10, 3), (9, 2));
        assert_eq!(step((5, 1), (100, 0), 10, 3), (9, 1));
    }
}

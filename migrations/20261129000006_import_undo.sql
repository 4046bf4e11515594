-- Undo and redo for the review grid. Every cell-edit batch and every bulk action on a
-- staged import records, for each row it touched, the row's edits and excluded flag before
-- and after the change. Undo writes the "before" states back and revalidates; redo writes
-- the "after" states. Kept in the database (not the browser) so the history survives a
-- reload and works the same for the REST API. A new change discards the undone steps
-- (the redo branch), as in any editor. Deleted with the import, and by the retention purge
-- together with the staged rows.
CREATE TABLE import_undo (
    company_id  uuid NOT NULL,
    import_id   uuid NOT NULL,
    -- Increasing per import; undo takes the highest step not undone, redo the lowest undone.
    step        integer NOT NULL,
    -- 'edit' (cells, revalidated row by row) or 'bulk' (revalidated as a whole import).
    kind        text NOT NULL,
    -- What the UI says, e.g. "Edit email in row 3" or "Set default for country".
    label       text NOT NULL,
    -- [{"seq": 1, "before": {"edits": {...}, "excluded": false}, "after": {...}}, ...]
    rows        jsonb NOT NULL,
    undone      boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT import_undo_pkey PRIMARY KEY (company_id, import_id, step),
    CONSTRAINT import_undo_import_fkey FOREIGN KEY (import_id) REFERENCES imports(id) ON DELETE CASCADE,
    CONSTRAINT import_undo_kind_check CHECK (kind IN ('edit', 'bulk')),
    CONSTRAINT import_undo_step_positive CHECK (step > 0)
);

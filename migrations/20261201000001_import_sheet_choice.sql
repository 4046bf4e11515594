-- Why intake read the sheet it read (issue 10): workbooks often open with a cover or
-- "Read me" sheet, so intake scores every visible worksheet and records the decision —
-- the chosen sheet, a sentence saying why, the skipped sheets each with why, and whether
-- two or more sheets looked like lead lists (then the user must confirm the sheet).
-- Shape: {"sheet", "index", "reason", "skipped": [{"name", "index", "reason"}],
-- "ambiguous", "lead_sheets": [..]}. NULL for text files, for a sheet the user chose,
-- and for imports made before this column existed.
ALTER TABLE imports ADD COLUMN sheet_choice jsonb;

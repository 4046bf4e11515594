-- Each staged row's duplicate keys ("email:…", "phone:…", "name_company:…"), so an edit
-- can find the other rows that share a key (GIN) and recompute in-file duplicates for
-- just those rows instead of the whole file.
ALTER TABLE import_rows ADD COLUMN keys text[] NOT NULL DEFAULT '{}';
CREATE INDEX import_rows_keys_idx ON import_rows USING gin (keys);

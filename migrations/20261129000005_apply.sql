-- Applying and reverting imports: what the user decided, how far the apply got, what it
-- did to each lead (so it can be undone), and the background jobs that do the work.

-- The decision and the outcome live on the import itself, so history needs no joins.
ALTER TABLE imports
    ADD COLUMN mode              text,
    ADD COLUMN duplicate_policy  text,
    ADD COLUMN fill_empty_only   boolean NOT NULL DEFAULT false,
    -- {inserted, updated, skipped, failed, unchanged, excluded}; NULL until applied.
    ADD COLUMN result            jsonb,
    -- Why the last apply or revert failed, in words a user can act on.
    ADD COLUMN failure           text,
    ADD COLUMN applied_by        uuid REFERENCES users(id) ON DELETE SET NULL,
    ADD COLUMN apply_started_at  timestamptz,
    ADD COLUMN applied_at        timestamptz,
    ADD COLUMN reverted_by       uuid REFERENCES users(id) ON DELETE SET NULL,
    ADD COLUMN reverted_at       timestamptz,
    -- {inserted_removed, updated_restored, conflicts_kept, conflicts_overwritten, missing}.
    ADD COLUMN revert_result     jsonb,
    -- Object-store keys of the error reports written when the import was applied.
    ADD COLUMN report_keys       jsonb NOT NULL DEFAULT '{}'::jsonb,
    ADD CONSTRAINT imports_mode_check CHECK (mode IS NULL OR mode IN ('valid_only', 'all')),
    ADD CONSTRAINT imports_duplicate_policy_check
        CHECK (duplicate_policy IS NULL OR duplicate_policy IN ('skip', 'update', 'upsert'));

-- "Was this file already imported with this mapping and configuration?" is asked on every
-- summary; applied imports are few per company, so a partial index keeps it cheap.
CREATE INDEX imports_applied_sha_idx ON imports (company_id, sha256) WHERE applied_at IS NOT NULL;

-- One row per lead an import created or updated: the before-image of the tracked columns
-- (NULL for a created lead) and the after-image as the import left it, so a revert can
-- restore the lead and notice when someone changed it since.
CREATE TABLE import_changes (
    company_id  uuid NOT NULL,
    import_id   uuid NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    lead_id     uuid NOT NULL,
    seq         integer NOT NULL,
    action      text NOT NULL,
    before      jsonb,
    after       jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT import_changes_pkey PRIMARY KEY (import_id, lead_id),
    CONSTRAINT import_changes_action_check CHECK (action IN ('created', 'updated')),
    CONSTRAINT import_changes_before_check CHECK ((action = 'created') = (before IS NULL))
);
-- No index by lead: every query goes through the import (the primary key), and an apply
-- writes one row here per lead it touches, so each extra index costs on the hot path.

-- Background work. A job is claimed with FOR UPDATE SKIP LOCKED and leased until
-- `locked_until`; the runner renews the lease while it works, so a crashed replica's job
-- becomes claimable again when the lease runs out. Progress is kept here (not on the
-- import) because the apply transaction holds the import's lock while it runs.
CREATE TABLE jobs (
    id             uuid PRIMARY KEY,
    company_id     uuid NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    kind           text NOT NULL,
    import_id      uuid REFERENCES imports(id) ON DELETE CASCADE,
    requested_by   uuid REFERENCES users(id) ON DELETE SET NULL,
    payload        jsonb NOT NULL DEFAULT '{}'::jsonb,
    status         text NOT NULL DEFAULT 'queued',
    attempts       integer NOT NULL DEFAULT 0,
    locked_by      text,
    locked_until   timestamptz,
    progress_done  bigint NOT NULL DEFAULT 0,
    progress_total bigint NOT NULL DEFAULT 0,
    last_error     text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT jobs_kind_check CHECK (kind IN ('apply')),
    CONSTRAINT jobs_status_check CHECK (status IN ('queued', 'running', 'done', 'failed'))
);
CREATE INDEX jobs_claimable_idx ON jobs (created_at) WHERE status IN ('queued', 'running');
CREATE INDEX jobs_import_idx ON jobs (import_id, created_at DESC);

-- One row per stage of every import: what happened, how many rows, how long each phase
-- took, and the count per issue code. Written in the transaction of the work it describes
-- where there is one, and by the failure path otherwise, so a failed apply leaves its row.
-- No foreign key to `imports`: a failed intake leaves no import, and the record outlives
-- the import's retention. Never file contents or personal data.
CREATE TABLE import_telemetry (
    id                 bigserial PRIMARY KEY,
    at                 timestamptz NOT NULL DEFAULT now(),
    company_id         uuid NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    import_id          uuid,
    user_id            uuid,
    source_key         text NOT NULL DEFAULT '',
    stage              text NOT NULL,
    outcome            text NOT NULL,
    -- The error code of a rejection, the reason of a failure.
    code               text,
    reason             text,
    format             text,
    rows_in            bigint,
    rows_valid         bigint,
    rows_warning       bigint,
    rows_error         bigint,
    duplicates_in_file bigint,
    duplicates_in_db   bigint,
    mode               text,
    duplicate_policy   text,
    config_version     integer,
    -- Milliseconds per phase (NULL where a stage has no such phase) and in all.
    read_ms            bigint,
    validate_ms        bigint,
    stage_ms           bigint,
    apply_ms           bigint,
    commit_ms          bigint,
    duration_ms        bigint NOT NULL,
    bytes              bigint,
    -- [{"code", "level", "field", "count"}]: issues counted by code, level and field.
    issue_counts       jsonb NOT NULL DEFAULT '[]'::jsonb,
    CONSTRAINT import_telemetry_stage_check
        CHECK (stage IN ('upload', 'dry_run', 'edit', 'remap', 'apply', 'revert')),
    CONSTRAINT import_telemetry_outcome_check CHECK (outcome IN ('ok', 'rejected', 'failed')),
    CONSTRAINT import_telemetry_code_check CHECK ((outcome = 'rejected') = (code IS NOT NULL))
);
-- The dashboard and the PRD's queries read a company's recent rows; episodes look up an
-- import's stages.
CREATE INDEX import_telemetry_company_at_idx ON import_telemetry (company_id, at);
CREATE INDEX import_telemetry_import_idx ON import_telemetry (import_id) WHERE import_id IS NOT NULL;

-- The schema drift check's last report per company (`GET /api/admin/drift`); earlier
-- findings are in the audit log.
CREATE TABLE config_drift (
    company_id      uuid PRIMARY KEY REFERENCES companies(id) ON DELETE CASCADE,
    checked_at      timestamptz NOT NULL DEFAULT now(),
    config_version  integer NOT NULL,
    findings        jsonb NOT NULL DEFAULT '[]'::jsonb,
    finding_count   integer NOT NULL DEFAULT 0
);

-- Work on a schedule that one replica runs: a task is claimed by moving its
-- `last_started_at` forward in one UPDATE, which only one of several replicas can win.
CREATE TABLE scheduled_tasks (
    name             text PRIMARY KEY,
    last_started_at  timestamptz NOT NULL DEFAULT '-infinity'
);
INSERT INTO scheduled_tasks (name) VALUES ('drift_check');

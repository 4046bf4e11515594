-- The import pipeline: versioned per-company rule configurations, saved column mappings
-- (presets), the import history and the staged rows a dry run produces. Staged rows keep
-- the original cells untouched; edits are stored beside them, so nothing is ever lost.

-- One JSON configuration per version; exactly one active version per company. Old versions
-- stay so every import can say which rules it was checked against.
CREATE TABLE import_configs (
    id          uuid PRIMARY KEY,
    company_id  uuid NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    version     integer NOT NULL,
    config      jsonb NOT NULL,
    is_active   boolean NOT NULL DEFAULT false,
    comment     text NOT NULL DEFAULT '',
    created_by  uuid REFERENCES users(id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT import_configs_company_version_key UNIQUE (company_id, version),
    CONSTRAINT import_configs_version_positive CHECK (version > 0)
);
CREATE UNIQUE INDEX import_configs_one_active_idx ON import_configs (company_id) WHERE is_active;

-- Saved mappings. scope 'user' presets belong to owner_id; 'company' presets to everyone.
-- A preset is found again by (source_key, fingerprint of the normalised headers).
CREATE TABLE import_mappings (
    id            uuid PRIMARY KEY,
    company_id    uuid NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    scope         text NOT NULL,
    owner_id      uuid REFERENCES users(id) ON DELETE CASCADE,
    name          text NOT NULL,
    source_key    text NOT NULL DEFAULT '',
    fingerprint   text NOT NULL DEFAULT '',
    mapping       jsonb NOT NULL,
    created_by    uuid REFERENCES users(id) ON DELETE SET NULL,
    usage_count   integer NOT NULL DEFAULT 0,
    last_used_at  timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT import_mappings_scope_check CHECK (scope IN ('user', 'company')),
    CONSTRAINT import_mappings_owner_check CHECK ((scope = 'user') = (owner_id IS NOT NULL)),
    CONSTRAINT import_mappings_name_key UNIQUE NULLS NOT DISTINCT (company_id, scope, owner_id, name)
);
CREATE INDEX import_mappings_lookup_idx ON import_mappings (company_id, source_key, fingerprint);

-- The import history: one row per uploaded file, from dry run to apply or revert.
CREATE TABLE imports (
    id              uuid PRIMARY KEY,
    company_id      uuid NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    created_by      uuid REFERENCES users(id) ON DELETE SET NULL,
    source_key      text NOT NULL DEFAULT '',
    file_name       text NOT NULL,
    sha256          text NOT NULL,
    size_bytes      bigint NOT NULL,
    storage_key     text NOT NULL,
    format          text NOT NULL,
    encoding        text,
    delimiter       text,
    sheets          jsonb NOT NULL DEFAULT '[]'::jsonb,
    sheet           text,
    header_row      integer NOT NULL,
    headers         jsonb NOT NULL,
    mapping         jsonb NOT NULL,
    preset_id       uuid REFERENCES import_mappings(id) ON DELETE SET NULL,
    config_version  integer NOT NULL,
    status          text NOT NULL,
    total_rows      integer NOT NULL DEFAULT 0,
    stats           jsonb NOT NULL DEFAULT '{}'::jsonb,
    file_issues     jsonb NOT NULL DEFAULT '[]'::jsonb,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT imports_status_check
        CHECK (status IN ('validating', 'staged', 'applying', 'applied', 'failed', 'reverted'))
);
CREATE INDEX imports_company_created_idx ON imports (company_id, created_at DESC);
CREATE INDEX imports_company_sha_idx ON imports (company_id, sha256);

-- Staged rows. `original` is the record's cells exactly as read; `edits` holds the user's
-- changes per field; `normalized` and `issues` are the latest validation result.
CREATE TABLE import_rows (
    company_id  uuid NOT NULL,
    import_id   uuid NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    seq         integer NOT NULL,
    row_no      integer NOT NULL,
    original    jsonb NOT NULL,
    edits       jsonb NOT NULL DEFAULT '{}'::jsonb,
    normalized  jsonb NOT NULL,
    status      text NOT NULL,
    issues      jsonb NOT NULL DEFAULT '[]'::jsonb,
    codes       text[] NOT NULL DEFAULT '{}',
    excluded    boolean NOT NULL DEFAULT false,
    CONSTRAINT import_rows_pkey PRIMARY KEY (company_id, import_id, seq),
    CONSTRAINT import_rows_status_check CHECK (status IN ('valid', 'warning', 'error'))
);
-- Paging by status and filtering by issue code in the review grid.
CREATE INDEX import_rows_status_idx ON import_rows (import_id, status, seq);
CREATE INDEX import_rows_codes_idx ON import_rows USING gin (codes);

-- Someone in Review fixed an unknown enum value ("Warmer Kontakt" → contacted) and proposed
-- the spelling as an alias. An admin approves it (the alias is published in a new
-- configuration version, whose number is kept here) or rejects it. One pending proposal
-- per company, field, spelling and value: proposing the same again finds the first.
CREATE TABLE alias_proposals (
    id              uuid PRIMARY KEY,
    company_id      uuid NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    field           text NOT NULL,
    alias           text NOT NULL,
    value           text NOT NULL,
    -- The import it was proposed from; kept as a plain id so the retention purge of staged
    -- imports does not take the proposal's history with it.
    import_id       uuid,
    status          text NOT NULL DEFAULT 'pending',
    proposed_by     uuid REFERENCES users(id) ON DELETE SET NULL,
    proposed_at     timestamptz NOT NULL DEFAULT now(),
    decided_by      uuid REFERENCES users(id) ON DELETE SET NULL,
    decided_at      timestamptz,
    config_version  integer,
    reason          text NOT NULL DEFAULT '',
    CONSTRAINT alias_proposals_status_check CHECK (status IN ('pending', 'approved', 'rejected'))
);
CREATE UNIQUE INDEX alias_proposals_pending_key
    ON alias_proposals (company_id, field, lower(alias), value) WHERE status = 'pending';
CREATE INDEX alias_proposals_company_idx ON alias_proposals (company_id, proposed_at DESC);

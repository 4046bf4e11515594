-- The CRM target table. email_norm and phone_e164 hold the normalised keys the importer
-- deduplicates on; custom holds company-specific fields beyond the built-in columns.
CREATE TABLE leads (
    id          uuid PRIMARY KEY,
    company_id  uuid NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    first_name  text,
    last_name   text,
    email       text,
    email_norm  text,
    phone       text,
    phone_e164  text,
    company     text,
    title       text,
    status      text,
    source      text,
    country     text,
    notes       text,
    custom      jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT leads_company_email_norm_key UNIQUE (company_id, email_norm)
);
-- Duplicate lookups by phone run as one batched query per import, so they need an index.
CREATE INDEX leads_company_phone_idx ON leads (company_id, phone_e164) WHERE phone_e164 IS NOT NULL;

-- Accounts and tenancy: companies, users, memberships (role per company), sessions and API
-- tokens. Every tenant table carries company_id and leads its unique indexes with it, so a
-- query that forgets the tenant cannot use an index by accident and stands out in review.

CREATE TABLE companies (
    id          uuid PRIMARY KEY,
    slug        text NOT NULL,
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT companies_slug_key UNIQUE (slug),
    CONSTRAINT companies_slug_format CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$')
);

-- Users are global (one login may belong to several companies); the email is stored
-- lower-cased so the unique constraint is case-insensitive without citext.
CREATE TABLE users (
    id              uuid PRIMARY KEY,
    email           text NOT NULL,
    display_name    text NOT NULL DEFAULT '',
    password_hash   text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_email_lowercase CHECK (email = lower(email))
);

CREATE TABLE memberships (
    company_id  uuid NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    user_id     uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT memberships_pkey PRIMARY KEY (company_id, user_id),
    CONSTRAINT memberships_role_check CHECK (role IN ('admin', 'member'))
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

-- Only a SHA-256 of the session token is stored: a leaked table does not leak sessions.
CREATE TABLE sessions (
    token_hash   bytea PRIMARY KEY,
    company_id   uuid NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    user_id      uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    user_agent   text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_company_user_idx ON sessions (company_id, user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- API tokens for scripts and syncs; shown once at creation, stored hashed.
CREATE TABLE api_tokens (
    id            uuid PRIMARY KEY,
    company_id    uuid NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    user_id       uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name          text NOT NULL,
    token_hash    bytea NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz,
    revoked_at    timestamptz,
    CONSTRAINT api_tokens_hash_key UNIQUE (token_hash),
    CONSTRAINT api_tokens_company_name_key UNIQUE (company_id, name)
);

-- Failed logins, kept briefly, so throttling works across replicas (no in-process state).
CREATE TABLE login_failures (
    id          bigserial PRIMARY KEY,
    email       text NOT NULL,
    client_ip   text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_email_idx ON login_failures (email, created_at);
CREATE INDEX login_failures_ip_idx ON login_failures (client_ip, created_at);

-- Who did what, when: config changes, user changes, applies, reverts, downloads.
CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    company_id  uuid REFERENCES companies(id) ON DELETE CASCADE,
    actor_id    uuid REFERENCES users(id) ON DELETE SET NULL,
    action      text NOT NULL,
    entity      text NOT NULL,
    entity_id   text,
    diff        jsonb NOT NULL DEFAULT '{}'::jsonb,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_company_at_idx ON audit_log (company_id, at DESC);

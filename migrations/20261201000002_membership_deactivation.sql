-- An admin can deactivate a member without removing them: they cannot sign in, and their
-- sessions and API tokens are refused (the principal lookups check this column) until an
-- admin activates them again. Removing a member deletes the membership row instead.
ALTER TABLE memberships ADD COLUMN deactivated_at timestamptz;

-- The token list and a member's tokens are read by company.
CREATE INDEX api_tokens_company_user_idx ON api_tokens (company_id, user_id);

-- A token's name is unique among the company's tokens that are not revoked, so "nightly
-- sync" can be made again after the old one was revoked. (The index keeps the constraint's
-- name: the service recognises a name clash by it.)
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_company_name_key;
CREATE UNIQUE INDEX api_tokens_company_name_key ON api_tokens (company_id, name)
    WHERE revoked_at IS NULL;

-- Alerts for the optional webhook (ALERT_WEBHOOK_URL): drift findings and failed applies.
-- Written by the work that raises them (in its transaction where there is one), delivered
-- by the server's delivery loop with back-off. A row is claimed by pushing its
-- next_attempt_at past a lease, so two replicas never post the same alert at once.
CREATE TABLE alert_outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Sent as the X-Lead-Importer-Delivery header: a receiver drops repeats by it.
    delivery_id     uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    company_id      uuid REFERENCES companies(id) ON DELETE CASCADE,
    kind            text NOT NULL CHECK (kind IN ('drift', 'apply_failed')),
    payload         jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    delivered_at    timestamptz,
    gave_up_at      timestamptz
);

CREATE INDEX alert_outbox_pending_idx ON alert_outbox (next_attempt_at)
    WHERE delivered_at IS NULL AND gave_up_at IS NULL;

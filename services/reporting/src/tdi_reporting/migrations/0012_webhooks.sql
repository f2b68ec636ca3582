-- Webhooks and feeds out (issue 25). A subscription reads the event history (`event_log`, migration 0007) and the
-- log of alert changes (`alert_log`, below) in tick order through a cursor of its own: (tick, source, seq), source
-- 0 = event_log, 1 = alert_log. Ticks commit in order (`reporting_tick()` holds the clock until commit), so a
-- cursor never passes a row that commits later. Nothing is written per event and subscription in the consumer's
-- transaction: the history is the outbox.

CREATE TABLE alert_log (
    seq     bigserial   PRIMARY KEY,
    tick    bigint      NOT NULL DEFAULT reporting_tick(),   -- in the same clock as event_log
    kind    text        NOT NULL,
    subject text        NOT NULL,
    state   text        NOT NULL,                            -- 'declenchee' | 'levee'
    at      timestamptz NOT NULL,
    details jsonb       NOT NULL
);
CREATE INDEX alert_log_tick ON alert_log (tick);

CREATE TABLE webhook_subscriptions (
    subscription_id uuid        PRIMARY KEY,
    url             text        NOT NULL,
    event_types     text[]      NOT NULL,               -- CloudEvents types of the contracts, or 'alert'
    description     text        NOT NULL DEFAULT '',
    secret          text        NOT NULL,               -- whsec_…: needed to sign each attempt
    created_by      text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    enabled         boolean     NOT NULL DEFAULT true,
    disabled_at     timestamptz,
    disabled_reason text,
    cursor_tick     bigint      NOT NULL,               -- the last position delivered (acknowledged)
    cursor_src      smallint    NOT NULL,
    cursor_seq      bigint      NOT NULL,
    pending_tick    bigint,                             -- the end of the batch being tried (null: none)
    pending_src     smallint,
    pending_seq     bigint,
    attempts        integer     NOT NULL DEFAULT 0,     -- failed attempts of the pending batch
    failing_since   timestamptz,
    next_attempt_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_subscriptions_due ON webhook_subscriptions (next_attempt_at) WHERE enabled;

CREATE TABLE webhook_deliveries (
    delivery_id     bigserial   PRIMARY KEY,
    subscription_id uuid        NOT NULL REFERENCES webhook_subscriptions ON DELETE CASCADE,
    webhook_id      text        NOT NULL,               -- the `webhook-id` header: the same at every attempt
    first_cursor    text        NOT NULL,
    last_cursor     text        NOT NULL,
    events          integer     NOT NULL,
    attempt         integer     NOT NULL,
    attempted_at    timestamptz NOT NULL,
    duration_ms     integer     NOT NULL,
    status_code     integer,
    outcome         text        NOT NULL,               -- 'delivered' | 'failed' | 'disabled'
    error           text
);
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, delivery_id);
CREATE INDEX webhook_deliveries_at ON webhook_deliveries (attempted_at);

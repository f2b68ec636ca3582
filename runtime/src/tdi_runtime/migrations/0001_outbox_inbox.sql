-- The runtime kit's tables, created in each service's own schema (search_path).

-- Outgoing events, written in the same transaction as the state change they announce.
-- A row is pending until the broker acknowledged it (sent_at set by the relay).
CREATE TABLE outbox (
    id            bigserial PRIMARY KEY,
    shard         smallint    NOT NULL,
    topic         text        NOT NULL,
    key           bytea,
    value         bytea       NOT NULL,
    header_keys   text[]      NOT NULL,
    header_values text[]      NOT NULL,
    event_id      text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    sent_at       timestamptz
);
-- The relay reads unsent rows in id order: a partial index keeps that read proportional to what is pending.
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
-- No NOTIFY trigger on purpose: NOTIFY takes a global lock at commit and serialises concurrent writers'
-- commits; the relay polls the (cheap) partial index instead, every 100 ms when idle.

-- Events already handled by a consumer group: a redelivered event is a no-op.
CREATE TABLE inbox (
    consumer     text        NOT NULL,
    event_id     text        NOT NULL,
    topic        text        NOT NULL,
    partition    integer     NOT NULL,
    "offset"     bigint      NOT NULL,
    outcome      text        NOT NULL CHECK (outcome IN ('applied', 'rejected')),
    digest       text        NOT NULL,          -- sha256 of the value: a same-id, other-content copy is a conflict
    result       jsonb,                         -- what an accepted partner command produced, to answer again
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);

-- HTTP commands sent with an Idempotency-Key: a retry gets the first answer again instead of a second effect.
CREATE TABLE http_requests (
    scope       text        NOT NULL,          -- who asked (digest of the Authorization header)
    key         text        NOT NULL,          -- the caller's Idempotency-Key
    digest      text        NOT NULL,          -- method, path and body of the first request
    status      integer,                       -- null while the first request is in progress
    body        bytea,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);

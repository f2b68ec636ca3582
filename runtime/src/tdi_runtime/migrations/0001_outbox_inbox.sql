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
CREATE INDEX outbox_pending ON outbox (shard, id) WHERE sent_at IS NULL;

CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('tdi_outbox_' || current_schema(), '');
    RETURN NULL;
END $$;
CREATE TRIGGER outbox_inserted AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

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

-- The relay never lets one row stop a shard: each failed publication is counted on its row, and a row the
-- broker refused for good `relay_max_attempts` times is parked (set aside, listed and re-sent by
-- `python -m tdi_runtime.outbox parked|retry`) while the rest of its shard moves on.
ALTER TABLE outbox
    ADD COLUMN attempts   integer NOT NULL DEFAULT 0,   -- failed publications of this row
    ADD COLUMN last_error text,                         -- why the last one failed
    ADD COLUMN parked_at  timestamptz;                  -- set aside: no longer relayed until retried

-- What the relay reads: rows neither sent nor parked, in id order.
DROP INDEX outbox_unsent;
CREATE INDEX outbox_pending ON outbox (id) WHERE sent_at IS NULL AND parked_at IS NULL;
CREATE INDEX outbox_parked ON outbox (id) WHERE sent_at IS NULL AND parked_at IS NOT NULL;

-- Live relays of this schema, for the fair share of shards, are the holders of a session advisory lock
-- (see relay_shards.py): a relay whose connection dies leaves at once, with no heartbeat table to expire.

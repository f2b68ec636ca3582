-- The HTTP door for partners (tdi_runtime.doors.http_partner, issue 25).
-- `content_digest`: the digest of an event's JSON content whatever its spacing and key order, so the same event
-- sent by HTTP (re-serialised by the door) and by Kafka (the partner's own bytes) is one event, not a conflicting
-- redelivery. Rows written before have none and compare by `digest` (the value's bytes) as before.
ALTER TABLE inbox ADD COLUMN IF NOT EXISTS content_digest text;

-- One receipt per event a partner sent through the HTTP door: its id (derived from source + event id), whose it
-- is, and what it names in the inbox. Its status is read from the inbox (pending, applied, rejected).
CREATE TABLE IF NOT EXISTS partner_receipts (
    receipt_id text PRIMARY KEY,
    partner text NOT NULL,
    source text NOT NULL,
    event_id text NOT NULL,
    event_type text NOT NULL,
    content_digest text,
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS partner_receipts_received_at ON partner_receipts (received_at);

-- The inbox knows an event by (source, id), as CloudEvents defines uniqueness: two partners may both send
-- an event "42". Safe on a filled table: the new column has a constant default (no table rewrite), rows
-- recorded before it keep source '' and stand for any source until retention purges them.
ALTER TABLE inbox ADD COLUMN source text NOT NULL DEFAULT '';
ALTER TABLE inbox DROP CONSTRAINT inbox_pkey;
-- event_id before source: the consumer looks events up by (consumer, event_id) and matches the source.
ALTER TABLE inbox ADD CONSTRAINT inbox_pkey PRIMARY KEY (consumer, event_id, source);

-- Retention purges the oldest rows in small batches: these indexes keep each batch an index range scan.
CREATE INDEX inbox_processed_at ON inbox (processed_at);
CREATE INDEX outbox_sent_at ON outbox (sent_at) WHERE sent_at IS NOT NULL;

-- Idempotency keys: a reservation expires, so a request killed mid-way never holds its key for good.
ALTER TABLE http_requests ADD COLUMN reserved_until timestamptz;
CREATE INDEX http_requests_created_at ON http_requests (created_at);

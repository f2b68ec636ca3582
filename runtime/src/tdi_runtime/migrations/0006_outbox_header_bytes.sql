-- Header values are stored as the bytes Kafka carries, encoded once when the event is encoded: the relay sends
-- them as they are instead of encoding every header text of every row again (issue 27). Rows still pending at the
-- upgrade keep their headers (texts → UTF-8 bytes). The ALTER rewrites the table, sent rows included: on a large
-- outbox, purge sent rows first (retention) to shorten it.
CREATE FUNCTION pg_temp.utf8_bytes(texts text[]) RETURNS bytea[] LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(array_agg(convert_to(t, 'UTF8') ORDER BY n), '{}') FROM unnest(texts) WITH ORDINALITY AS u(t, n)
$$;
ALTER TABLE outbox ALTER COLUMN header_values TYPE bytea[] USING pg_temp.utf8_bytes(header_values);

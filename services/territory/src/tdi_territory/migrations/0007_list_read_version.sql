-- `GET /territories` is served from a cached body (tdi_runtime.read_cache, issue 27): its version, the kit's
-- `read_versions` row 'territories', moves in the transaction of every change of a territory's row, whoever makes
-- it (a command, the open-data load, plain SQL), except the bookkeeping columns no list shows (its reference
-- revision, `updated_at`, `label_announced`): an EPCI joining or a binôme recorded bumps only those, so it leaves
-- the list's cache, and the counter's row, alone.
CREATE CONSTRAINT TRIGGER territories_read_version_rows AFTER INSERT OR DELETE ON territories
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_read_version('territories');
CREATE CONSTRAINT TRIGGER territories_read_version_changes AFTER UPDATE ON territories
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN ((to_jsonb(OLD) - '{revision,updated_at,label_announced}'::text[])
          IS DISTINCT FROM (to_jsonb(NEW) - '{revision,updated_at,label_announced}'::text[]))
    EXECUTE FUNCTION bump_read_version('territories');
CREATE TRIGGER territories_read_version_truncate AFTER TRUNCATE ON territories
    FOR EACH STATEMENT EXECUTE FUNCTION bump_read_version('territories');

-- Versions of cached HTTP reads (tdi_runtime.read_cache, issue 27): one counter per name, bumped in the transaction
-- of every change a service declares with a trigger, so every replica reads the same version in one query and a
-- cached body is never older than a committed change. A service declares what bumps its name in its own migration:
--   CREATE CONSTRAINT TRIGGER <table>_read_version AFTER INSERT OR UPDATE OR DELETE ON <table>
--     DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_read_version('<name>');
-- Deferred: the counter's row is locked at commit only, after every other lock the transaction takes.
CREATE TABLE IF NOT EXISTS read_versions (
    name text PRIMARY KEY,
    version bigint NOT NULL
);

CREATE OR REPLACE FUNCTION bump_read_version() RETURNS trigger
LANGUAGE plpgsql
SET search_path FROM CURRENT  -- the service's schema, whoever's session fires it
AS $$
BEGIN
    INSERT INTO read_versions AS v (name, version) VALUES (TG_ARGV[0], 1)
    ON CONFLICT (name) DO UPDATE SET version = v.version + 1;
    RETURN NULL;
END
$$;

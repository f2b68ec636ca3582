-- Figures as of any date (issue 26): what the platform knew at a given moment (transaction time).
--
-- * A tick is one committed write transaction of reporting (a consumer batch, a rebuild). `reporting_tick()` takes
--   the next tick on the first write of a transaction: it locks the one row of `reporting_clock` until commit, so
--   reporting's write transactions commit in tick order, and a reader that sees tick t sees every tick before it.
--   `ticks.at` is set at commit (a deferred constraint trigger): the instant the tick became what reporting knows.
-- * `rm_history` keeps every version of every read-model row (the kit's territory projection included): at the end
--   of each write transaction, `reporting_record_versions()` closes the current version of each fact the tick's
--   events wrote (tick_to = the tick) and opens the new one. A version is valid for ticks tick_from <= t < tick_to;
--   several writes of one fact in one tick make one version. (`known_communes` is not versioned: no figure uses it.)
-- * `event_log` keeps every event reporting applied (its envelope, raw payload and SHA-256) and which facts it
--   touched (`facts`: `<table>:<key>`, and `<table>><parent table>:<key>` for the fact it belongs to).
-- * `figure_snapshots` holds the aggregated figures of each read model and level at day ends and every N events.

CREATE TABLE reporting_clock (
    one  boolean PRIMARY KEY DEFAULT true CHECK (one),
    tick bigint  NOT NULL
);
INSERT INTO reporting_clock VALUES (true, 0);

CREATE TABLE ticks (
    tick bigint PRIMARY KEY,
    at   timestamptz                       -- set at commit; null only inside the transaction that took the tick
);
CREATE INDEX ticks_at ON ticks (at);

CREATE FUNCTION reporting_tick() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    taken text := current_setting('tdi.tick', true);
    next_tick bigint;
BEGIN
    IF taken IS NOT NULL AND taken <> '' THEN
        RETURN taken::bigint;
    END IF;
    UPDATE reporting_clock SET tick = reporting_clock.tick + 1 RETURNING reporting_clock.tick INTO next_tick;
    INSERT INTO ticks (tick) VALUES (next_tick);
    PERFORM set_config('tdi.tick', next_tick::text, true);  -- local to the transaction (undone with a savepoint)
    RETURN next_tick;
END $$;

CREATE FUNCTION ticks_committed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ticks SET at = clock_timestamp() WHERE tick = NEW.tick AND at IS NULL;  -- a tick written with its instant
    RETURN NULL;                                                                   -- (a backfill) keeps it
END $$;

CREATE CONSTRAINT TRIGGER ticks_at_commit AFTER INSERT ON ticks
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ticks_committed();

CREATE TABLE rm_history (
    rm        text   NOT NULL,                -- the read-model table
    fact_key  text   NOT NULL,                -- its primary key (two columns joined by '/')
    tick_from bigint NOT NULL,
    tick_to   bigint NOT NULL,                -- 9223372036854775807 while current
    doc       jsonb  NOT NULL                 -- the whole row, as `to_jsonb` gives it
);
CREATE INDEX rm_history_current ON rm_history (rm, fact_key) WHERE tick_to = 9223372036854775807;
CREATE INDEX rm_history_fact ON rm_history (rm, fact_key, tick_from);

CREATE FUNCTION reporting_versioned_tables() RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY[
        ['rm_fiche_action', 'fiche_action_id', ''],
        ['rm_envelope', 'envelope_id', ''],
        ['rm_application', 'application_id', ''],
        ['rm_grant', 'grant_id', ''],
        ['rm_grant_release', 'event_id', ''],
        ['rm_payment', 'payment_id', ''],
        ['rm_vte_contract', 'vte_contract_id', ''],
        ['rm_vte_payment', 'payment_id', ''],
        ['rm_vte_payment_request', 'payment_request_id', ''],
        ['rm_vte_housing_aid', 'vte_contract_id', 'housing_aid_reference'],
        ['rm_binome', 'binome_id', ''],
        ['known_territories', 'territory_id', '']
    ]
$$;

-- New versions of the facts the events of this tick wrote (the `facts` of their `event_log` rows), set-based, once
-- per transaction, at its end (reporting's consumer calls it from its in-commit hook, a rebuild once with
-- `every_fact`: every row of every table is compared with its current version). A fact whose row did not change
-- keeps its version; a fact whose row is gone is closed.
CREATE FUNCTION reporting_record_versions(every_fact boolean DEFAULT false) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    now_tick  bigint := reporting_tick();
    spec      text[];
    touched   text;
    matches   text;
    changed   integer;
    total     integer := 0;
    written   text[];
BEGIN
    IF NOT every_fact THEN
        SELECT array_agg(DISTINCT split_part(split_part(f, ':', 1), '>', 1)) INTO written
        FROM event_log e, unnest(e.facts) f WHERE e.tick = now_tick;
    END IF;
    FOREACH spec SLICE 1 IN ARRAY reporting_versioned_tables() LOOP
        IF every_fact THEN
            touched := format(
                'SELECT %s AS k FROM %I t UNION SELECT fact_key FROM rm_history WHERE rm = %L'
                ' AND tick_to = 9223372036854775807',
                CASE WHEN spec[3] = '' THEN format('t.%I::text', spec[2])
                     ELSE format('t.%I::text || ''/'' || t.%I::text', spec[2], spec[3]) END,
                spec[1], spec[1]);
        ELSIF written IS NOT NULL AND spec[1] = ANY(written) THEN
            touched := format(
                'SELECT DISTINCT substr(f, %s) AS k FROM event_log e, unnest(e.facts) f'
                ' WHERE e.tick = %s AND starts_with(f, %L)',
                length(spec[1]) + 2, now_tick, spec[1] || ':');
        ELSE
            CONTINUE;
        END IF;
        matches := CASE WHEN spec[3] = '' THEN format('t.%I = tk.k', spec[2])
                        ELSE format('t.%I = split_part(tk.k, ''/'', 1) AND t.%I = substr(tk.k, length(split_part(tk.k, ''/'', 1)) + 2)',
                                    spec[2], spec[3]) END;
        -- Scalar subqueries and `= ANY (ARRAY(...))`: index lookups per touched fact whatever the statistics say
        -- (a join planned on a young table's empty statistics scanned every current version once per fact).
        EXECUTE format($sql$
            WITH touched AS (%s),
            now_rows AS (
                SELECT tk.k,
                       (SELECT to_jsonb(t) FROM %I t WHERE %s) AS doc,
                       (SELECT h.doc FROM rm_history h
                         WHERE h.rm = %L AND h.fact_key = tk.k AND h.tick_to = 9223372036854775807) AS was
                FROM touched tk),
            changed AS MATERIALIZED (SELECT k, doc FROM now_rows WHERE was IS DISTINCT FROM doc),
            closed AS (
                UPDATE rm_history h SET tick_to = %s
                WHERE h.rm = %L AND h.fact_key = ANY (ARRAY(SELECT k FROM changed))
                  AND h.tick_to = 9223372036854775807 AND h.tick_from < %s),
            replaced AS (
                DELETE FROM rm_history h
                WHERE h.rm = %L AND h.fact_key = ANY (ARRAY(SELECT k FROM changed))
                  AND h.tick_to = 9223372036854775807 AND h.tick_from = %s)
            INSERT INTO rm_history (rm, fact_key, tick_from, tick_to, doc)
            SELECT %L, c.k, %s, 9223372036854775807, c.doc FROM changed c WHERE c.doc IS NOT NULL
        $sql$, touched, spec[1], matches, spec[1], now_tick, spec[1], now_tick, spec[1], now_tick, spec[1], now_tick);
        GET DIAGNOSTICS changed = ROW_COUNT;
        total := total + changed;
    END LOOP;
    RETURN total;
END $$;

-- Versions valid at a tick, per table: a GiST index on the validity range (one partial index per table).
DO $$
DECLARE
    spec text[];
BEGIN
    FOREACH spec SLICE 1 IN ARRAY reporting_versioned_tables() LOOP
        EXECUTE format(
            'CREATE INDEX %I ON rm_history USING gist (int8range(tick_from, tick_to)) WHERE rm = %L',
            'rm_history_valid_' || spec[1], spec[1]
        );
    END LOOP;
END $$;

-- Rows folded before this migration: known from tick 1 (the instant of the migration) on.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM rm_fiche_action UNION ALL SELECT 1 FROM rm_application UNION ALL SELECT 1 FROM rm_grant
               UNION ALL SELECT 1 FROM rm_envelope UNION ALL SELECT 1 FROM rm_vte_contract
               UNION ALL SELECT 1 FROM known_territories) THEN
        PERFORM reporting_record_versions(true);
    END IF;
END $$;

CREATE TABLE event_log (
    seq            bigserial   PRIMARY KEY,
    tick           bigint      NOT NULL DEFAULT reporting_tick(),
    topic          text        NOT NULL,
    partition      integer     NOT NULL,
    "offset"       bigint      NOT NULL,
    event_id       text        NOT NULL,
    source         text        NOT NULL,
    type           text        NOT NULL,
    producer       text        NOT NULL,
    time           timestamptz NOT NULL,
    subject        text        NOT NULL,
    correlation_id text        NOT NULL,
    causation_id   text        NOT NULL,
    key            text,
    payload        bytea       NOT NULL,      -- the record's value as received (its JSON), byte for byte
    payload_sha256 bytea       NOT NULL,
    facts          text[]      NOT NULL
);
CREATE UNIQUE INDEX event_log_event ON event_log (source, event_id);
CREATE INDEX event_log_tick ON event_log (tick);
CREATE INDEX event_log_facts ON event_log USING gin (facts);

CREATE TABLE figure_snapshots (
    tick       bigint      NOT NULL,
    at         timestamptz NOT NULL,
    kind       text        NOT NULL,          -- 'jour' (the last tick of a day, Europe/Paris) or 'evenements'
    day        date,                          -- the day it closes (kind 'jour')
    read_model text        NOT NULL,
    level      text        NOT NULL,
    rows       jsonb       NOT NULL,          -- the read model's totals per zone of the level (no dimension)
    PRIMARY KEY (tick, read_model, level)
);
CREATE INDEX figure_snapshots_day ON figure_snapshots (day) WHERE day IS NOT NULL;

-- Chef de projet posts as funding knows them: its own projection of the territory service's ChefDeProjetAppointed,
-- ChefDeProjetShared and ChefDeProjetEnded (each event sets its own columns, so they commute).
CREATE TABLE known_posts (
    post_id           uuid PRIMARY KEY,
    territory_id      text   NOT NULL,           -- the territory that appointed it (the Kafka key of its events)
    annual_cost_cents bigint CHECK (annual_cost_cents >= 0),  -- null until ChefDeProjetAppointed arrives
    shared_with       text[] NOT NULL DEFAULT '{}',
    appointed_on      date,
    ended_on          date
);

-- The State's chef de projet subsidy counted per territory and year (30,000 € for 1-2 EPCI, 40,000 € for 3 or more,
-- the cap of the EPCI count at the decision) and per post and year (at most 70 % of its cost): one conditional
-- UPDATE each at every commitment, as for the envelopes; the CHECKs are the last guard (issue 24, B1).
CREATE TABLE cdp_territory_years (
    territory_id    text    NOT NULL,
    year            integer NOT NULL,
    cap_cents       bigint  NOT NULL,
    committed_cents bigint  NOT NULL DEFAULT 0,
    PRIMARY KEY (territory_id, year),
    CONSTRAINT cdp_territory_never_above_cap CHECK (0 <= committed_cents AND committed_cents <= cap_cents)
);
CREATE TABLE cdp_post_years (
    post_id             uuid    NOT NULL,
    year                integer NOT NULL,
    state_ceiling_cents bigint  NOT NULL,        -- 70 % of the post's yearly cost, rounded down to the cent
    committed_cents     bigint  NOT NULL DEFAULT 0,
    PRIMARY KEY (post_id, year),
    CONSTRAINT cdp_post_never_above_70_percent CHECK (0 <= committed_cents AND committed_cents <= state_ceiling_cents)
);

-- Where an approved chef de projet dossier was counted, so a withdrawal or a reduction gives back to the same year.
ALTER TABLE applications ADD COLUMN cdp_year integer, ADD COLUMN cdp_post_id uuid;

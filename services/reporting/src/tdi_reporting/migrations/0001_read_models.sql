-- Read models of the reporting service: one row per business fact, folded from the domain events.
-- Every fold is an upsert that sets only the columns its event knows, so folds commute: the order of events
-- across topics, a redelivery or a replay gives the same rows. Figures per territory, département, region and
-- national level are aggregated from these rows with the territory map (the kit's known_territories table,
-- folded from TerritoryReferenceUpdated).

CREATE TABLE rm_fiche_action (
    fiche_action_id text PRIMARY KEY,
    territory_id    text NOT NULL,
    categories      text[],                -- last categories by event time (planned, then recategorised)
    categories_at   timestamptz,
    planned_on      date,
    started_on      date,
    completed_on    date,
    abandoned_on    date
);

CREATE TABLE rm_envelope (
    envelope_id   text PRIMARY KEY,
    programme     text,
    region        text,                    -- null for a national envelope
    year          integer,
    ceiling_cents bigint,
    opened_on     date,
    closed_on     date
);

CREATE TABLE rm_application (
    application_id      text PRIMARY KEY,
    territory_id        text NOT NULL,
    programme           text,
    envelope_id         text,
    requested_cents     bigint,
    eligible_cost_cents bigint,            -- the investment the project expects
    jobs_expected       integer,
    filed_at            timestamptz,
    approved_cents      bigint,
    approved_at         timestamptz,
    rejected_at         timestamptz
);

CREATE TABLE rm_grant (
    grant_id        text PRIMARY KEY,
    territory_id    text NOT NULL,
    envelope_id     text,
    programme       text,
    committed_cents bigint,
    committed_on    date
);

-- One row per release event (a grant may be released several times); keyed by the event id.
CREATE TABLE rm_grant_release (
    event_id       text PRIMARY KEY,
    grant_id       text NOT NULL,
    territory_id   text NOT NULL,
    envelope_id    text NOT NULL,
    released_cents bigint NOT NULL
);

CREATE TABLE rm_payment (
    payment_id   text PRIMARY KEY,
    grant_id     text NOT NULL,
    territory_id text NOT NULL,
    amount_cents bigint NOT NULL
);

CREATE TABLE rm_vte_contract (
    vte_contract_id     text PRIMARY KEY,
    territory_id        text NOT NULL,
    employer_size       text,
    green_mission       boolean,
    signed_on           date,
    ended_on            date,
    base_granted_cents  bigint,
    green_granted_cents bigint,
    base_paid_cents     bigint,
    green_paid_cents    bigint,
    paid_on             date
);

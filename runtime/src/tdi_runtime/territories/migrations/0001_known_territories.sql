-- A consuming service's own projection of the territory service's events (never a read of its tables).
-- Filled from the compacted reference topic (full state per territory) and the territory topic (communes).
CREATE TABLE known_territories (
    territory_id    text        PRIMARY KEY,       -- platform id, the Kafka key of every territory event
    official_id     text,                          -- open-data id (ti-8413), null until the open data is loaded
    name            text        NOT NULL,
    labelled        boolean     NOT NULL,
    regions         text[]      NOT NULL,
    departements    text[]      NOT NULL,
    epci_sirens     text[]      NOT NULL,
    active_binomes  integer     NOT NULL,
    chefs_de_projet uuid[]      NOT NULL,
    revision        integer     NOT NULL,
    as_of           timestamptz NOT NULL
);
CREATE INDEX known_territories_official ON known_territories (official_id) WHERE official_id IS NOT NULL;

-- Which territory a commune is in (CommuneAssigned), through which EPCI (an EPCI leaving takes its communes).
CREATE TABLE known_communes (
    insee        text PRIMARY KEY,
    territory_id text NOT NULL,
    epci_siren   text NOT NULL,
    departement  text NOT NULL,
    assigned_on  date NOT NULL
);
CREATE INDEX known_communes_epci ON known_communes (territory_id, epci_siren);

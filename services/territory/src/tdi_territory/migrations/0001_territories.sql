-- The territory service's tables (schema `territory`, after the kit's outbox and inbox).
-- Ids: `id` is the platform's reference id (tdi-44-grand-reims), stable forever; `official_id` is the
-- open data's ti-<digits>, null until the open-data files are loaded.

CREATE TABLE territories (
    id                   text PRIMARY KEY,
    official_id          text UNIQUE CHECK (official_id ~ '^ti-[0-9]{1,6}$'),
    name                 text        NOT NULL,
    name_normalised      text        NOT NULL,          -- normalise_name(name): accent- and case-free search
    departements         text[]      NOT NULL,
    regions              text[]      NOT NULL,
    interregional        boolean     NOT NULL,
    labelled_for_temps_ii boolean    NOT NULL DEFAULT true,
    status               text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn')),
    revision             integer     NOT NULL DEFAULT 1,  -- of TerritoryReferenceUpdated: +1 per change
    label_announced      boolean     NOT NULL DEFAULT false,  -- TerritoryLabelled published
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CHECK (interregional = (cardinality(regions) > 1))
);
CREATE INDEX territories_departements ON territories USING gin (departements);
CREATE INDEX territories_regions ON territories USING gin (regions);

-- An EPCI (intercommunalité) in a territory from `joined_on` until `left_on`; at most one open membership each.
CREATE TABLE epci_memberships (
    id               bigserial PRIMARY KEY,
    siren            text NOT NULL CHECK (siren ~ '^[0-9]{9}$'),
    name             text NOT NULL,
    nature_juridique text NOT NULL,
    territory_id     text NOT NULL REFERENCES territories (id),
    joined_on        date NOT NULL,
    left_on          date,
    CHECK (left_on IS NULL OR left_on >= joined_on)
);
CREATE UNIQUE INDEX epci_in_one_territory_at_a_time ON epci_memberships (siren) WHERE left_on IS NULL;
CREATE INDEX epci_memberships_territory ON epci_memberships (territory_id) WHERE left_on IS NULL;

-- Which territory a commune is in (official communes file); its EPCI when the territory has only one.
CREATE TABLE communes (
    insee        text PRIMARY KEY,
    name         text NOT NULL,
    territory_id text NOT NULL REFERENCES territories (id),
    departement  text NOT NULL,
    epci_siren   text,
    assigned_on  date NOT NULL
);
CREATE INDEX communes_territory ON communes (territory_id);

-- Binômes élu–industriel: roles and organisations only, never names or contact details of people.
CREATE TABLE binomes (
    id                      uuid PRIMARY KEY,
    territory_id            text NOT NULL REFERENCES territories (id),
    elected_mandate         text NOT NULL,
    elected_authority       text NOT NULL,
    industrial_company      text NOT NULL,
    industrial_company_size text NOT NULL,
    industrial_sector       text NOT NULL,
    appointed_on            date NOT NULL,
    ended_on                date,
    CHECK (ended_on IS NULL OR ended_on >= appointed_on)
);
CREATE INDEX binomes_territory ON binomes (territory_id);

-- Chef de projet posts (the post, not the person) and the territories each serves (a shared post serves several).
CREATE TABLE chef_de_projet_posts (
    id                 uuid PRIMARY KEY,
    lead_territory_id  text   NOT NULL REFERENCES territories (id),
    employer_siren     text   NOT NULL CHECK (employer_siren ~ '^[0-9]{9}$'),
    employer_authority text   NOT NULL,
    annual_cost_cents  bigint NOT NULL CHECK (annual_cost_cents >= 0),
    started_on         date   NOT NULL,
    ended_on           date,
    CHECK (ended_on IS NULL OR ended_on >= started_on)
);
CREATE TABLE chef_de_projet_territories (
    post_id      uuid NOT NULL REFERENCES chef_de_projet_posts (id),
    territory_id text NOT NULL REFERENCES territories (id),
    since        date NOT NULL,
    PRIMARY KEY (post_id, territory_id)
);
CREATE INDEX chef_de_projet_territories_territory ON chef_de_projet_territories (territory_id);

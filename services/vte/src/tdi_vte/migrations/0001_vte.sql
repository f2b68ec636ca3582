-- VTE contracts as the platform decided them. The candidate is only a keyed pseudonym (HMAC-SHA256) and
-- eligibility facts: no name, e-mail or birth date is ever stored (the commands' other fields are dropped).
CREATE TABLE vte_contracts (
    vte_contract_id     uuid PRIMARY KEY,
    contract_reference  text NOT NULL UNIQUE,
    territory_id        text,
    departement         text NOT NULL,
    regions             text[] NOT NULL DEFAULT '{}',
    company_size        text NOT NULL,
    decision            text NOT NULL CHECK (decision IN ('granted', 'refused')),
    base_cents          bigint NOT NULL CHECK (base_cents BETWEEN 0 AND 400000),
    green_cents         bigint NOT NULL CHECK (green_cents BETWEEN 0 AND 800000),
    paid_cents          bigint NOT NULL CHECK (paid_cents BETWEEN 0 AND 1200000),
    green_mission       boolean NOT NULL,
    candidate_pseudonym text NOT NULL CHECK (candidate_pseudonym ~ '^[0-9a-f]{64}$'),
    state               jsonb NOT NULL,
    decided_on          date NOT NULL,
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (base_cents + green_cents <= 1200000),
    CHECK (decision = 'granted' OR base_cents + green_cents = 0)
);
CREATE INDEX vte_contracts_territory ON vte_contracts (territory_id, vte_contract_id);
CREATE INDEX vte_contracts_departement ON vte_contracts (departement, vte_contract_id);

CREATE TABLE vte_offers (
    offer_reference text PRIMARY KEY,
    siret           text NOT NULL,
    siren           text NOT NULL,
    company_size    text NOT NULL,
    commune_insee   text NOT NULL,
    territory_id    text,
    green_mission   boolean NOT NULL,
    published_on    date NOT NULL
);

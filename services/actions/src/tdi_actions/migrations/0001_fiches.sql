-- The actions service's tables (schema `actions`, after the kit's outbox and inbox and the territory projection).
-- One row per fiche action, loaded and saved as a whole by store.py. A fiche's territory is the platform id.

CREATE TABLE fiches (
    id                        uuid PRIMARY KEY,
    territory_id              text    NOT NULL,
    natural_key               text    NOT NULL UNIQUE,  -- territory + own reference (else title): imports match on it
    external_reference        text,
    title                     text    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description               text    NOT NULL DEFAULT '',
    maturity                  text    NOT NULL CHECK (maturity IN ('idea', 'in-study', 'ready')),
    lead_kind                 text    NOT NULL CHECK (lead_kind IN ('role', 'organisation')),
    lead                      text    NOT NULL,
    partners                  text[]  NOT NULL DEFAULT '{}',
    categories                text[]  NOT NULL CHECK (cardinality(categories) >= 1),
    axes                      text[]  NOT NULL CHECK (cardinality(axes) >= 1),  -- distinct axes of the categories
    budget_cents              bigint  CHECK (budget_cents >= 0),
    expected_jobs             integer CHECK (expected_jobs >= 0),
    expected_investment_cents bigint  CHECK (expected_investment_cents >= 0),
    funding_application_ids   uuid[]  NOT NULL DEFAULT '{}',
    status                    text    NOT NULL CHECK (status IN ('proposed', 'planned', 'in-progress', 'done', 'abandoned')),
    proposed_on               date    NOT NULL,
    planned_on                date,
    started_on                date,
    done_on                   date,
    abandoned_on              date,
    abandon_reason            text,
    synthetic                 boolean NOT NULL DEFAULT false,
    created_at                timestamptz NOT NULL DEFAULT now(),
    updated_at                timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fiches_territory ON fiches (territory_id, proposed_on, id);
CREATE INDEX fiches_categories ON fiches USING gin (categories);
CREATE INDEX fiches_axes ON fiches USING gin (axes);

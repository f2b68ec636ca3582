-- Envelopes: committed (AE) and paid (CP) in integer cents. The CHECK is the last guard of the invariant
-- 0 <= paid <= committed <= ceiling; the store changes amounts only with conditional UPDATEs that keep it.
CREATE TABLE envelopes (
    id              text PRIMARY KEY,
    programme       text NOT NULL,
    region          text,
    year            integer,
    operator        text,
    ceiling_cents   bigint NOT NULL,
    committed_cents bigint NOT NULL DEFAULT 0,
    paid_cents      bigint NOT NULL DEFAULT 0,
    closed          boolean NOT NULL DEFAULT false,
    opened_on       date NOT NULL,
    CONSTRAINT envelope_never_over_committed
        CHECK (0 <= paid_cents AND paid_cents <= committed_cents AND committed_cents <= ceiling_cents)
);

-- Applications (dossiers). granted - released is what the dossier holds on its envelope; paid <= that.
CREATE TABLE applications (
    id                  uuid PRIMARY KEY,
    territory_id        text NOT NULL,
    regions             text[] NOT NULL,
    programme           text NOT NULL,
    envelope_id         text NOT NULL REFERENCES envelopes (id),
    state               text NOT NULL,
    requested_cents     bigint NOT NULL CHECK (requested_cents >= 0),
    granted_cents       bigint NOT NULL DEFAULT 0,
    released_cents      bigint NOT NULL DEFAULT 0,
    paid_cents          bigint NOT NULL DEFAULT 0,
    grant_id            uuid UNIQUE,
    filed_by            text NOT NULL,
    partner_reference   text,
    details             jsonb NOT NULL,
    filed_at            timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    CONSTRAINT application_never_paid_beyond_commitment
        CHECK (0 <= released_cents AND released_cents <= granted_cents
               AND 0 <= paid_cents AND paid_cents <= granted_cents - released_cents),
    UNIQUE (filed_by, partner_reference)
);
CREATE INDEX applications_by_territory ON applications (territory_id, filed_at);
CREATE INDEX applications_by_programme ON applications (programme, state, filed_at);

CREATE TABLE application_history (
    application_id  uuid NOT NULL REFERENCES applications (id),
    seq             integer NOT NULL,
    at              timestamptz NOT NULL,
    state           text NOT NULL,
    actor           text NOT NULL,
    note            text NOT NULL,
    PRIMARY KEY (application_id, seq)
);

CREATE TABLE payments (
    application_id  uuid NOT NULL REFERENCES applications (id),
    reference       text NOT NULL,
    payment_id      uuid NOT NULL UNIQUE,
    amount_cents    bigint NOT NULL CHECK (amount_cents > 0),
    paid_on         date NOT NULL,
    PRIMARY KEY (application_id, reference)
);

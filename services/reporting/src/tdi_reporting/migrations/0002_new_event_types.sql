-- Columns and tables for the event types added in contracts 0.2.0 (proposed fiches, application instruction and
-- withdrawal, envelope balances, VTE aid v2, adjustments, refusals, payment requests, partial payments).

ALTER TABLE rm_fiche_action
    ADD COLUMN proposed_on               date,
    ADD COLUMN synthetic                 boolean,
    ADD COLUMN expected_jobs             integer,
    ADD COLUMN expected_investment_cents bigint,
    ADD COLUMN estimated_cost_cents      bigint,
    ADD COLUMN details_at                timestamptz,   -- last writer wins by event time on the columns above
    ADD COLUMN budget_at                 timestamptz;

ALTER TABLE rm_application
    ADD COLUMN instruction_started_at timestamptz,
    ADD COLUMN withdrawn_at           timestamptz;

-- The funding service's latest full balance of an envelope (last writer wins by its changed_at).
ALTER TABLE rm_envelope
    ADD COLUMN balance_committed_cents bigint,
    ADD COLUMN balance_paid_cents      bigint,
    ADD COLUMN balance_at              timestamptz;

ALTER TABLE rm_vte_contract
    ADD COLUMN granted_on  date,
    ADD COLUMN refused_on  date,
    ADD COLUMN aid_at      timestamptz;              -- time of the event that set the granted amounts

-- A contract's aid may be paid in several payments: one row per payment.
CREATE TABLE rm_vte_payment (
    payment_id      text PRIMARY KEY,
    vte_contract_id text   NOT NULL,
    territory_id    text   NOT NULL,
    base_cents      bigint NOT NULL,
    green_cents     bigint NOT NULL
);

-- What each funder was asked to pay (negative: taken back), one row per request.
CREATE TABLE rm_vte_payment_request (
    payment_request_id text PRIMARY KEY,
    vte_contract_id    text   NOT NULL,
    territory_id       text   NOT NULL,
    funder             text   NOT NULL,
    part               text   NOT NULL,
    amount_cents       bigint NOT NULL
);

-- Paid amounts come from rm_vte_payment (a contract may be paid in parts); the per-contract paid columns of
-- 0001 are no longer written.

-- Action Logement's housing aid recorded on a VTE contract, one row per aid reference.
CREATE TABLE rm_vte_housing_aid (
    vte_contract_id       text   NOT NULL,
    housing_aid_reference text   NOT NULL,
    territory_id          text   NOT NULL,   -- '' outside every territory (counts nationally only)
    amount_cents          bigint NOT NULL,
    PRIMARY KEY (vte_contract_id, housing_aid_reference)
);

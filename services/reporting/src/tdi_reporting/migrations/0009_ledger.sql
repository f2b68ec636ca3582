-- The money ledger (issue 26): the business dates and payers its lines and gaps need, the State's transfers to the
-- operators, and staff's notes on gaps. Rows folded before this migration get the new columns at the next rebuild.
ALTER TABLE rm_grant ADD COLUMN operator text;                    -- partner that committed it (GrantCommitted)
ALTER TABLE rm_grant_release ADD COLUMN released_on date;
ALTER TABLE rm_payment ADD COLUMN paid_on date, ADD COLUMN paid_by text;   -- paid_by null: the State
ALTER TABLE rm_vte_payment ADD COLUMN paid_on date;
ALTER TABLE rm_vte_payment_request ADD COLUMN requested_on date;

CREATE TABLE rm_state_transfer (
    transfer_id    text   PRIMARY KEY,
    programme      text   NOT NULL,
    operator       text   NOT NULL,
    envelope_id    text,
    budget_year    integer NOT NULL,
    amount_cents   bigint NOT NULL,
    transferred_on date
);

CREATE TABLE rm_ledger_note (
    gap_reference text PRIMARY KEY,
    explanation   text NOT NULL,
    explained_on  date
);

CREATE OR REPLACE FUNCTION reporting_versioned_tables() RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
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
        ['known_territories', 'territory_id', ''],
        ['rm_state_transfer', 'transfer_id', ''],
        ['rm_ledger_note', 'gap_reference', '']
    ]
$$;

CREATE INDEX rm_history_valid_rm_state_transfer ON rm_history USING gist (int8range(tick_from, tick_to))
    WHERE rm = 'rm_state_transfer';
CREATE INDEX rm_history_valid_rm_ledger_note ON rm_history USING gist (int8range(tick_from, tick_to))
    WHERE rm = 'rm_ledger_note';

-- The programme's registers (migration 0005_registers, issue 24) are versioned like every other read model
-- (migration 0007_history): figures as of any date, lineage and shadow definitions see them too.
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
        ['rm_ledger_note', 'gap_reference', ''],
        ['rm_site', 'site_id', ''],
        ['rm_site_support', 'support_id', ''],
        ['rm_ecole_de_production', 'ecole_id', ''],
        ['rm_rebond_laureate', 'territory_id', ''],
        ['rm_regional_post', 'post_id', '']
    ]
$$;
CREATE INDEX rm_history_valid_rm_site ON rm_history USING gist (int8range(tick_from, tick_to))
    WHERE rm = 'rm_site';
CREATE INDEX rm_history_valid_rm_site_support ON rm_history USING gist (int8range(tick_from, tick_to))
    WHERE rm = 'rm_site_support';
CREATE INDEX rm_history_valid_rm_ecole_de_production ON rm_history USING gist (int8range(tick_from, tick_to))
    WHERE rm = 'rm_ecole_de_production';
CREATE INDEX rm_history_valid_rm_rebond_laureate ON rm_history USING gist (int8range(tick_from, tick_to))
    WHERE rm = 'rm_rebond_laureate';
CREATE INDEX rm_history_valid_rm_regional_post ON rm_history USING gist (int8range(tick_from, tick_to))
    WHERE rm = 'rm_regional_post';

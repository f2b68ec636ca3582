-- Reads select what a view needs (issue 22 #7): a view's territories, and the releases, payments and requests of
-- the grants and contracts it shows, found by index rather than by scanning the whole table per row.
CREATE INDEX IF NOT EXISTS rm_fiche_action_territory ON rm_fiche_action (territory_id);
CREATE INDEX IF NOT EXISTS rm_application_territory ON rm_application (territory_id);
CREATE INDEX IF NOT EXISTS rm_grant_territory ON rm_grant (territory_id);
CREATE INDEX IF NOT EXISTS rm_grant_envelope ON rm_grant (envelope_id);
CREATE INDEX IF NOT EXISTS rm_grant_release_grant ON rm_grant_release (grant_id);
CREATE INDEX IF NOT EXISTS rm_grant_release_envelope ON rm_grant_release (envelope_id);
CREATE INDEX IF NOT EXISTS rm_payment_grant ON rm_payment (grant_id);
CREATE INDEX IF NOT EXISTS rm_vte_contract_territory ON rm_vte_contract (territory_id);
CREATE INDEX IF NOT EXISTS rm_vte_payment_contract ON rm_vte_payment (vte_contract_id);
CREATE INDEX IF NOT EXISTS rm_vte_payment_request_contract ON rm_vte_payment_request (vte_contract_id);
CREATE INDEX IF NOT EXISTS rm_vte_housing_aid_contract ON rm_vte_housing_aid (vte_contract_id);

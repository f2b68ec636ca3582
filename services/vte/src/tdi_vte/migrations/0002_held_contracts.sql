-- Issue 24: a contract whose establishment's commune may be in a territory of unknown perimeter is HELD pending
-- (recorded, not decided), and decided when that perimeter arrives. `waiting_for`: the territories it waits for.
ALTER TABLE vte_contracts DROP CONSTRAINT vte_contracts_decision_check;
ALTER TABLE vte_contracts ADD CONSTRAINT vte_contracts_decision_check
    CHECK (decision IN ('granted', 'refused', 'pending'));
ALTER TABLE vte_contracts ADD COLUMN waiting_for text[] NOT NULL DEFAULT '{}';
ALTER TABLE vte_contracts ADD CONSTRAINT vte_contracts_pending_waits CHECK ((decision = 'pending') = (waiting_for <> '{}'));
CREATE INDEX vte_contracts_held ON vte_contracts USING gin (waiting_for) WHERE decision = 'pending';

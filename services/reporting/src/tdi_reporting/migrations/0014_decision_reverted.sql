-- A decision taken back (ApplicationDecisionReverted, Démarches simplifiées' « repasser en instruction »): the latest
-- time an application went back under instruction. A decision counts only when it is later (facts.application_facts).
ALTER TABLE rm_application ADD COLUMN IF NOT EXISTS reverted_at timestamptz;

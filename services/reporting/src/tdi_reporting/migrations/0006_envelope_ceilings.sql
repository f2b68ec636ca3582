-- Issue 24 (A4): where an envelope's ceiling comes from (sources, staff, synthetic; null: not published) and what an
-- envelope holding others gave them as ceilings (the national 2024 Fonds vert), as the funding service's
-- EnvelopeOpened.v2 / EnvelopeBalanceChanged.v2 say.
ALTER TABLE rm_envelope ADD COLUMN ceiling_provenance text, ADD COLUMN balance_allocated_cents bigint;

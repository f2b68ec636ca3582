-- Envelopes as the sources publish them and their life (issue 24, A4 and C4).
-- A ceiling not published is NULL (nothing is committed until staff set it); an envelope holding others (the national
-- 2024 Fonds vert) counts what it gave them as ceilings in `allocated_cents`, so committed + allocated <= ceiling
-- keeps the regional ceilings within the national one; filing dates; what a closed envelope released.
-- An existing database keeps the envelopes it opened (ON CONFLICT DO NOTHING at start): the funding README says how
-- to correct an envelope opened with the former invented shares.
ALTER TABLE envelopes
    ALTER COLUMN ceiling_cents DROP NOT NULL,
    ADD COLUMN allocated_cents    bigint NOT NULL DEFAULT 0,
    ADD COLUMN released_cents     bigint NOT NULL DEFAULT 0,
    ADD COLUMN ceiling_provenance text CHECK (ceiling_provenance IN ('sources', 'staff', 'synthetic')),
    ADD COLUMN ceiling_source     text,
    ADD COLUMN parent_id          text REFERENCES envelopes (id),
    ADD COLUMN files_from         date,
    ADD COLUMN files_until        date,
    ADD COLUMN closed_on          date;
ALTER TABLE envelopes DROP CONSTRAINT envelope_never_over_committed;
ALTER TABLE envelopes ADD CONSTRAINT envelope_never_over_committed CHECK (
    0 <= paid_cents AND paid_cents <= committed_cents AND 0 <= allocated_cents AND 0 <= released_cents
    AND CASE WHEN ceiling_cents IS NULL THEN committed_cents = 0 AND allocated_cents = 0
             ELSE committed_cents + allocated_cents <= ceiling_cents END
);
CREATE INDEX envelopes_by_parent ON envelopes (parent_id) WHERE parent_id IS NOT NULL;

-- The Démarches simplifiées door (tdi_runtime.doors.demarches): where each démarche's poll has got to, the last
-- snapshot applied per dossier, and the dossiers refused with their reason. Written in the same transaction as the
-- commands a dossier dispatched, so a restart resumes where the last committed dossier left off. Empty in a
-- service that has no door.
CREATE TABLE IF NOT EXISTS ds_cursors (
    demarche integer PRIMARY KEY,
    watermark timestamptz NOT NULL,            -- newest dateDerniereModification handled
    last_number bigint NOT NULL,               -- the dossier that set it (for the operators)
    last_complete_round_at timestamptz,        -- start of the last poll round that read every page
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS ds_dossiers (
    demarche integer NOT NULL,
    number bigint NOT NULL,
    updated_at timestamptz NOT NULL,           -- dateDerniereModification of the snapshot applied
    state text NOT NULL,                       -- its DS state
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (demarche, number)
);

CREATE TABLE IF NOT EXISTS ds_dead_letters (
    demarche integer NOT NULL,
    number bigint NOT NULL,
    updated_at timestamptz NOT NULL,           -- the snapshot refused
    state text NOT NULL,
    code text NOT NULL,                        -- an ErrorCode
    reason text NOT NULL,                      -- its French sentence and detail
    attempts integer NOT NULL DEFAULT 1,
    first_failed_at timestamptz NOT NULL DEFAULT now(),
    last_failed_at timestamptz NOT NULL DEFAULT now(),
    redrive_requested_at timestamptz,          -- set by `dlq demarches redrive`; the door reads the dossier again
    resolved_at timestamptz,                   -- a later snapshot (or a re-drive) was applied
    PRIMARY KEY (demarche, number)
);
CREATE INDEX IF NOT EXISTS ds_dead_letters_open ON ds_dead_letters (demarche) WHERE resolved_at IS NULL;

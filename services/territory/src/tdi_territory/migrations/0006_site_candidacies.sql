-- A site proposed by a candidacy of the Démarches simplifiées démarche « candidature-foncier-industriel » (issue 25)
-- keeps its dossier's reference (`ds:<démarche>:<number>`, one site per dossier), the link staff open it with (no
-- name or e-mail is copied) and the dossier's state on DS (platform rule: no register event carries it).
ALTER TABLE sites
    ADD COLUMN candidacy_reference  text UNIQUE,
    ADD COLUMN candidacy_link       text,
    ADD COLUMN candidacy_state      text CHECK (
        candidacy_state IN ('en_construction', 'en_instruction', 'accepte', 'refuse', 'sans_suite')
    ),
    ADD COLUMN candidacy_changed_on date;

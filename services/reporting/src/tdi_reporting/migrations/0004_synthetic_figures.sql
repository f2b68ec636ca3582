-- Every synthetic figure is labelled (issue 21): the demonstration data's binômes, dossiers and VTE contracts say
-- so in their events (`synthetic`), as the fiches actions already did; their facts keep the flag.

-- One row per binôme (BinomeAppointed, BinomeEnded): the synthetic ones in office are counted per territory.
CREATE TABLE rm_binome (
    binome_id    text PRIMARY KEY,
    territory_id text NOT NULL,
    synthetic    boolean,
    ended_on     date
);

ALTER TABLE rm_application ADD COLUMN synthetic boolean;
ALTER TABLE rm_vte_contract ADD COLUMN synthetic boolean;

-- What describes a fiche action, so that reporting exports a territory's fiches in the columns of the actions
-- import (issue 21: an export re-imports into actions). Last writer wins by event time with the indicators
-- (details_at); a FicheActionPlanned (v1, no details) gives the title only while nothing newer is known.
ALTER TABLE rm_fiche_action
    ADD COLUMN title              text,
    ADD COLUMN maturity           text,
    ADD COLUMN lead_kind          text,
    ADD COLUMN lead               text,
    ADD COLUMN partners           text[],
    ADD COLUMN external_reference text;

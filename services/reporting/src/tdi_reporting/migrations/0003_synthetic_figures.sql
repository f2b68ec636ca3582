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

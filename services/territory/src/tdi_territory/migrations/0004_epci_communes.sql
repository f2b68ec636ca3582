-- Every commune of every EPCI (issue 24): joining an EPCI assigns its member communes from the vendored COG
-- (`source` = 'epci'); the national communes file keeps the last word where it speaks (`source` = 'open-data').
-- The aliases a locator needs (former codes, communes déléguées / associées, Paris-Lyon-Marseille arrondissements)
-- follow their commune (deleted with it when its EPCI leaves).
ALTER TABLE communes ADD COLUMN source text NOT NULL DEFAULT 'open-data' CHECK (source IN ('open-data', 'epci'));
CREATE INDEX communes_epci ON communes (territory_id, epci_siren);

CREATE TABLE commune_aliases (
    alias      text PRIMARY KEY,
    insee      text NOT NULL REFERENCES communes (insee) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind IN ('ancien', 'delegue', 'associe', 'arrondissement')),
    aliased_on date NOT NULL
);
CREATE INDEX commune_aliases_insee ON commune_aliases (insee);

-- Issue 24: the aliases a locator needs and each territory's perimeter status.
-- An alias (a former code, a commune déléguée / associée, a Paris-Lyon-Marseille arrondissement) is a row of
-- known_communes like its commune (same territory and EPCI, so it leaves with its EPCI), naming the commune it
-- stands for. A territory's perimeter is known once every one of its communes is (TerritoryReferenceUpdated);
-- older events do not say: unknown.
ALTER TABLE known_communes ADD COLUMN alias_of text;
ALTER TABLE known_communes ADD COLUMN alias_kind text;
ALTER TABLE known_territories ADD COLUMN perimeter_known boolean NOT NULL DEFAULT false;
ALTER TABLE known_territories ADD COLUMN perimeter_as_of date;
CREATE INDEX known_territories_departements ON known_territories USING gin (departements);

-- Issue 24: how many communes a known perimeter holds (TerritoryReferenceUpdated.perimeter_communes). The
-- reference (reference topic) and its communes (territory topic) reach a consumer in any order: a perimeter is
-- known here only once the projection holds that many of its communes. Null (older events): the flag alone.
ALTER TABLE known_territories ADD COLUMN perimeter_communes integer;

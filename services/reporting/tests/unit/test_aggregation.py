"""Figures per zone: a fact counts in every zone its territory spans, once nationally, and filters narrow it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tdi_reporting.domain import Filters, Level, Measure, Territory, TerritoryMap, aggregate

REIMS = Territory("tdi-44-grand-reims", "ti-8413", "Grand Reims", True, ("44",), ("51",))
LACQ = Territory("tdi-75-lacq-pau-tarbes", None, "Lacq – Pau – Tarbes", True, ("75", "76"), ("64", "65"))
AJACCIO = Territory("tdi-94-pays-ajaccien", None, "Pays ajaccien", True, ("94",), ("2A",))
GUADELOUPE = Territory("tdi-01-cap-excellence", None, "Cap Excellence", True, ("01",), ("971",))
MAP = TerritoryMap([REIMS, LACQ, AJACCIO, GUADELOUPE])
COUNT = (Measure("n", "count"),)


def fact(territory_id: str, **fields):
    return {"territory_id": territory_id, **fields}


def counts(rows):
    return {r["code_zone"]: r["n"] for r in rows}


def test_an_interregional_territory_counts_in_each_of_its_regions_and_once_nationally():
    facts = [fact(LACQ.territory_id)]
    assert counts(aggregate(facts, MAP, Level.REGION, Filters(), (), COUNT)) == {"75": 1, "76": 1}
    assert counts(aggregate(facts, MAP, Level.DEPARTEMENT, Filters(), (), COUNT)) == {"64": 1, "65": 1}
    assert counts(aggregate(facts, MAP, Level.NATIONAL, Filters(), (), COUNT)) == {"FR": 1}


def test_a_fact_quoting_the_official_territory_id_counts_for_the_same_territory():
    rows = aggregate([fact("ti-8413"), fact(REIMS.territory_id)], MAP, Level.TERRITORY, Filters(), (), COUNT)
    assert rows == [{"niveau": "territory", "code_zone": REIMS.territory_id, "libelle_zone": "Grand Reims", "n": 2}]


def test_corsican_and_overseas_departement_codes_stay_text():
    facts = [fact(AJACCIO.territory_id), fact(GUADELOUPE.territory_id)]
    rows = aggregate(facts, MAP, Level.DEPARTEMENT, Filters(), (), COUNT)
    assert [(r["code_zone"], r["libelle_zone"]) for r in rows] == [("2A", "Corse-du-Sud"), ("971", "Guadeloupe")]


def test_a_region_filter_keeps_only_that_regions_zones_of_an_interregional_territory():
    rows = aggregate([fact(LACQ.territory_id)], MAP, Level.DEPARTEMENT, Filters(region="76"), (), COUNT)
    assert counts(rows) == {"65": 1}  # Hautes-Pyrénées is in Occitanie, Pyrénées-Atlantiques is not


def test_a_fact_of_an_unknown_territory_counts_nationally_but_in_no_filtered_view():
    facts = [fact("tdi-44-inconnu")]
    assert counts(aggregate(facts, MAP, Level.NATIONAL, Filters(), (), COUNT)) == {"FR": 1}
    assert aggregate(facts, MAP, Level.NATIONAL, Filters(region="44"), (), COUNT) == []
    assert aggregate(facts, MAP, Level.REGION, Filters(), (), COUNT) == []


def test_a_distinct_measure_counts_a_shared_value_once():
    facts = [fact(REIMS.territory_id, epci=("200067213",)), fact(LACQ.territory_id, epci=("200067213", "200066793"))]
    rows = aggregate(facts, MAP, Level.NATIONAL, Filters(), (), (Measure("epci", "distinct", "epci"),))
    assert rows[0]["epci"] == 2


territory_ids = st.sampled_from([t.territory_id for t in MAP.territories] + ["ti-8413"])
amounts = st.integers(min_value=0, max_value=10**13)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(territory_ids, amounts), max_size=40), st.sampled_from([None, "44", "75", "76", "94"]))
def test_territory_rows_add_up_to_the_national_figure_within_any_region_filter(items, region):
    facts = [fact(t, cents=c) for t, c in items]
    measures = (Measure("cents", "sum", "cents"), Measure("n", "count"))
    filters = Filters(region=region)
    national = aggregate(facts, MAP, Level.NATIONAL, filters, (), measures)
    by_territory = aggregate(facts, MAP, Level.TERRITORY, filters, (), measures)
    total = national[0] if national else {"cents": 0, "n": 0}
    assert sum(r["cents"] for r in by_territory) == total["cents"]  # exact cents, never a float
    assert sum(r["n"] for r in by_territory) == total["n"]

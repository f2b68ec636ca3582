"""The synthetic national plan reproduces the published figures, whatever territories are known."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tdi_actions.demo import DEMO_PREFIX, MARNE_TYPOLOGY, DemoTerritory, demo_plan
from tdi_actions.typology import shares
from tdi_contracts.reference import Axis, Category

MARNE_TERRITORIES = [
    DemoTerritory("tdi-44-grand-reims", "Grand Reims", ("51",)),
    DemoTerritory("tdi-44-ouest-champenois", "Ouest Champenois", ("10", "51")),
    DemoTerritory("tdi-44-pays-de-chalons", "Pays de Châlons", ("51",)),
]
OTHERS = [DemoTerritory(f"tdi-75-territoire-{i}", f"Territoire {i}", ("33",)) for i in range(40)]


def category_counts(plan):
    return Counter(c for f in plan for c in f.categories)


def test_the_national_plan_has_2150_fiches_and_the_published_count_in_every_category():
    plan = demo_plan(MARNE_TERRITORIES + OTHERS)
    assert len(plan) == 2150
    assert category_counts(plan) == {c: c.actions_at_launch for c in Category}
    assert sum(category_counts(plan).values()) == 2255
    assert len({f.reference for f in plan}) == 2150


def test_the_marne_has_39_fiches_with_the_published_typology():
    plan = demo_plan(MARNE_TERRITORIES + OTHERS)
    marne = [f for f in plan if f.territory_id in {t.territory_id for t in MARNE_TERRITORIES}]
    per_axis = Counter(axis for f in marne for axis in {c.axis for c in f.categories})
    assert len(marne) == 39
    assert shares(per_axis) == MARNE_TYPOLOGY
    assert shares(per_axis) == {
        Axis.COMPETENCES: 35,
        Axis.TRANSITION_ECOLOGIQUE: 26,
        Axis.FONCIER: 24,
        Axis.INNOVATION: 15,
    }


def test_every_fiche_says_it_is_synthetic_and_sits_on_two_axes_at_most_once_each():
    for fiche in demo_plan(MARNE_TERRITORIES + OTHERS):
        assert fiche.title.startswith(DEMO_PREFIX)
        assert len({c.axis for c in fiche.categories}) == len(fiche.categories) <= 2


def test_the_same_territories_and_seed_give_the_same_plan():
    assert demo_plan(MARNE_TERRITORIES + OTHERS) == demo_plan(MARNE_TERRITORIES + OTHERS)


def test_without_a_territory_in_the_marne_there_is_no_demonstration():
    with pytest.raises(ValueError):
        demo_plan(OTHERS)


@given(st.integers(1, 5), st.integers(1, 200), st.integers(0, 2**32))
@settings(max_examples=20, deadline=None)
def test_totals_hold_for_any_number_of_territories_and_any_seed(marne, others, seed):
    territories = [DemoTerritory(f"tdi-44-m-{i}", "M", ("51",)) for i in range(marne)]
    territories += [DemoTerritory(f"tdi-11-o-{i}", "O", ("75",)) for i in range(others)]
    plan = demo_plan(territories, seed)
    assert len(plan) == 2150
    assert category_counts(plan) == {c: c.actions_at_launch for c in Category}
    assert sum(1 for f in plan if f.territory_id.startswith("tdi-44-m-")) == 39

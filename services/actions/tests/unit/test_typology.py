"""Typology: each axis's share in whole percent (halves up); the counts behind the Marne's published shares."""

from __future__ import annotations

import pytest

from tdi_actions.lifecycle import FicheStatus, path_to
from tdi_actions.typology import matching_counts, share_percent, shares


def test_shares_are_whole_percents_rounded_half_up():
    assert share_percent(1, 8) == 13  # 12.5 -> 13
    assert share_percent(0, 0) == 0
    assert shares({"a": 16, "b": 12, "c": 11, "d": 7}) == {"a": 35, "b": 26, "c": 24, "d": 15}


def test_the_marne_typology_needs_46_category_memberships_for_39_fiches():
    counts = matching_counts({"competences": 35, "te": 26, "foncier": 24, "innovation": 15}, at_least=39)
    assert counts == {"competences": 16, "te": 12, "foncier": 11, "innovation": 7}


def test_shares_no_counts_can_give_are_refused():
    with pytest.raises(ValueError):
        matching_counts({"a": 50, "b": 60}, at_least=1, at_most=200)


@pytest.mark.parametrize(
    ("current", "target", "steps"),
    [
        (FicheStatus.PROPOSED, FicheStatus.DONE, ["planned", "in-progress", "done"]),
        (FicheStatus.PLANNED, FicheStatus.PLANNED, []),
        (FicheStatus.IN_PROGRESS, FicheStatus.ABANDONED, ["abandoned"]),
        (FicheStatus.DONE, FicheStatus.PLANNED, ["planned"]),  # behind: one step, refused by the lifecycle
    ],
)
def test_an_imported_status_is_reached_step_by_step_along_the_lifecycle(current, target, steps):
    assert [s.value for s in path_to(current, target)] == steps

"""The lifecycle of a fiche action: allowed steps, dated in order, closed fiches frozen; property-tested."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tdi_actions.domain import FicheAction, FicheDetails, FicheStatus
from tdi_actions.lifecycle import ALLOWED, ORDER
from tdi_contracts.reference import Category
from tdi_runtime.errors import DomainError

D0 = date(2024, 1, 15)


def new_fiche(labelled: bool = True) -> FicheAction:
    return FicheAction.propose(
        uuid4(),
        "tdi-44-grand-reims",
        labelled,
        FicheDetails("Réseau de chaleur"),
        (Category.TRANSITION_ENERGETIQUE,),
        120_000_00,
        D0,
    )


def test_a_fiche_goes_from_proposed_to_done_with_a_date_and_an_event_at_each_step():
    fiche = new_fiche()
    for i, status in enumerate(ORDER[1:], start=1):
        fiche.move_to(status, D0 + timedelta(days=i))
    assert fiche.status is FicheStatus.DONE
    assert [s.value for s in fiche.steps] == ["proposed", "planned", "in-progress", "done"]
    assert [type(e).__name__ for e in fiche.events] == [
        "FicheActionProposed",
        "FicheActionPlanned",
        "FicheActionStarted",
        "FicheActionCompleted",
    ]
    assert {e.territory_id for e in fiche.events} == {"tdi-44-grand-reims"}


def test_skipping_a_step_is_refused_with_a_code_and_a_french_sentence():
    fiche = new_fiche()
    with pytest.raises(DomainError) as refused:
        fiche.move_to(FicheStatus.DONE, D0)
    assert refused.value.code == "FICHE_ACTION_TRANSITION_FORBIDDEN"
    assert refused.value.message == (  # the catalogue's sentence, then the case
        "Ce passage d'étape n'est pas permis par le cycle de vie de la fiche action."
        " Une fiche action proposée ne peut pas passer à l'état « réalisée »."
    )
    assert fiche.status is FicheStatus.PROPOSED


def test_a_step_dated_before_the_previous_one_is_refused():
    fiche = new_fiche()
    with pytest.raises(DomainError) as refused:
        fiche.move_to(FicheStatus.PLANNED, D0 - timedelta(days=1))
    assert refused.value.code == "FICHE_ACTION_DATE_BEFORE_PREVIOUS_STEP"


def test_an_abandoned_fiche_keeps_its_history_and_takes_no_change():
    fiche = new_fiche()
    fiche.move_to(FicheStatus.ABANDONED, D0)
    with pytest.raises(DomainError) as closed:
        fiche.revise_budget(1, D0)
    assert closed.value.code == "FICHE_ACTION_CLOSED"
    fiche.revise_budget(120_000_00, D0)  # restating what it holds is no change
    with pytest.raises(DomainError) as forbidden:
        fiche.move_to(FicheStatus.PLANNED, D0)
    assert forbidden.value.code == "FICHE_ACTION_TRANSITION_FORBIDDEN"
    assert fiche.steps == {FicheStatus.PROPOSED: D0, FicheStatus.ABANDONED: D0}


def test_a_territory_that_lost_its_label_takes_no_new_fiche():
    with pytest.raises(DomainError) as refused:
        new_fiche(labelled=False)
    assert refused.value.code == "TERRITORY_NOT_LABELLED"


def test_a_lead_is_a_role_or_an_organisation_never_a_person():
    with pytest.raises(DomainError) as refused:
        FicheDetails("Titre", lead="Mme Dupont")
    assert refused.value.code == "LEAD_IS_A_PERSON"


def test_revisions_announce_only_what_changed():
    fiche = new_fiche()
    fiche.revise_budget(120_000_00, D0)
    fiche.recategorise((Category.TRANSITION_ENERGETIQUE,), D0)
    fiche.revise_budget(150_000_00, D0)
    fiche.recategorise((Category.GESTION_EAU, Category.SOUTIEN_FILIERES), D0)
    revised, recategorised = fiche.events[1:]
    assert (revised.previous_cost_cents, revised.estimated_cost_cents) == (120_000_00, 150_000_00)
    assert recategorised.previous_categories == [Category.TRANSITION_ENERGETIQUE]


class Lifecycle(RuleBasedStateMachine):
    """Any sequence of commands, accepted or refused: the fiche only ever holds a state the lifecycle allows."""

    def __init__(self) -> None:
        super().__init__()
        self.fiche = new_fiche()
        self.path = [FicheStatus.PROPOSED]

    @rule(step=st.sampled_from(list(FicheStatus)), days=st.integers(-5, 30))
    def move(self, step: FicheStatus, days: int) -> None:
        target = step
        before, last = self.fiche.status, max(self.fiche.steps.values())
        on = last + timedelta(days=days)
        try:
            self.fiche.move_to(target, on)
        except DomainError as refused:
            if refused.code == "FICHE_ACTION_TRANSITION_FORBIDDEN":
                assert target not in ALLOWED[before]
            else:
                assert (refused.code, days < 0) == ("FICHE_ACTION_DATE_BEFORE_PREVIOUS_STEP", True)
        else:
            assert target in ALLOWED[before] and days >= 0
            self.path.append(target)
        assert self.fiche.status is self.path[-1]

    @rule(cents=st.one_of(st.none(), st.integers(0, 10**12)))
    def revise_budget(self, cents: int | None) -> None:
        before = self.fiche.budget_cents
        try:
            self.fiche.revise_budget(cents, D0)
        except DomainError as refused:
            assert refused.code == "FICHE_ACTION_CLOSED"
            assert self.fiche.closed and cents != before
            assert self.fiche.budget_cents == before
        else:
            assert self.fiche.budget_cents == cents
            assert not self.fiche.closed or cents == before

    @invariant()
    def only_allowed_steps_were_taken_each_dated_in_order(self) -> None:
        for before, after in zip(self.path, self.path[1:], strict=False):
            assert after in ALLOWED[before]
        assert list(self.fiche.steps) == self.path
        dates = list(self.fiche.steps.values())
        assert dates == sorted(dates)

    @invariant()
    def one_event_per_step_taken(self) -> None:
        steps = [e for e in self.fiche.events if type(e).__name__ != "FicheActionBudgetRevised"]
        assert len(steps) == len(self.path)


TestLifecycle = Lifecycle.TestCase
TestLifecycle.settings = settings(max_examples=100, stateful_step_count=15, deadline=None)


@given(st.lists(st.sampled_from(list(Category)), min_size=1, max_size=4))
@settings(max_examples=50, deadline=None)
def test_a_fiche_counts_in_each_of_its_categories_once(categories):
    try:
        fiche = FicheAction.propose(uuid4(), "ti-1", True, FicheDetails("T"), tuple(categories), None, D0)
    except DomainError as refused:
        assert refused.code == "INVALID_FICHE_ACTION"
        assert len(set(categories)) < len(categories)
    else:
        assert len(set(fiche.categories)) == len(categories)

"""Where a VTE company stands (issue 24): by the commune of its establishment, never by its département.

Seed 000 line 673: the aid is for companies « situées en Territoires d'industrie ». A commune a territory holds
locates the contract; a commune outside every territory is refused with its reason, even when its département
has a territory; a commune some territory of unknown perimeter could hold is HELD pending, never granted by
département, and decided when the perimeter arrives.
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vte_builders import IN_REIMS, REIMS, contract, green, payment

from tdi_contracts.events.vte import VteAidGrantedV2, VteAidPaymentRequested, VteAidRefused
from tdi_contracts.reference import Partner
from tdi_runtime.errors import DomainError
from tdi_runtime.partners import PartnerFeedback
from tdi_runtime.territories import CommunePlace
from tdi_vte.contract_state import aggregate_of, row_of, state_of
from tdi_vte.decide import decide_held, follow_up, record_contract
from tdi_vte.location import Location, Waiting, place_of
from tdi_vte.rules import VteRules

RULES = VteRules(pseudonym_key="unit-test-key")  # type: ignore[arg-type]
ARDENNES = "tdi-44-ardennes"
WAITING = Waiting((ARDENNES,))


def held_by(insee: str, territory: Any) -> CommunePlace:
    return CommunePlace(insee, insee, None, territory, (), ())


def unheld(insee: str, candidates: tuple[str, ...] = (), waiting_for: tuple[str, ...] = ()) -> CommunePlace:
    return CommunePlace(insee, insee, None, None, candidates, waiting_for)


def test_a_commune_a_labelled_territory_holds_locates_the_company_in_it() -> None:
    assert place_of(held_by("51454", REIMS)) == IN_REIMS


def test_a_commune_outside_every_known_perimeter_is_outside_even_when_its_departement_has_a_territory() -> None:
    """Before: `locate` accepted any commune of the quoted territory's départements."""
    assert place_of(unheld("51999", candidates=(REIMS.territory_id,))) is None


def test_a_commune_a_territory_of_unknown_perimeter_could_hold_waits_and_is_never_located_by_departement() -> None:
    assert place_of(unheld("08105", candidates=(ARDENNES,), waiting_for=(ARDENNES,))) == WAITING


def test_an_unlabelled_territory_never_locates() -> None:
    unlabelled = SimpleNamespace(**{**REIMS.__dict__, "labelled": False})
    assert place_of(held_by("51454", unlabelled)) is None


def test_a_contract_waiting_for_a_perimeter_is_held_neither_granted_nor_refused_and_announces_nothing() -> None:
    held, events = record_contract(None, contract(), "p", WAITING, RULES)
    assert held.pending and not held.granted and held.refusals == [] and events == []
    assert (held.base_cents, held.territory_id, held.waiting_for) == (0, None, (ARDENNES,))
    assert row_of(held)[6] == "pending"
    assert aggregate_of(json.loads(json.dumps(state_of(held)))) == held, "the store keeps a held contract whole"


def test_a_contract_that_fails_another_check_is_refused_at_once_whatever_its_perimeter() -> None:
    """PLATFORM RULE: no place can make it eligible, so it is not held."""
    refused, events = record_contract(None, contract(establishment={"size": "grande-entreprise"}), "p", WAITING, RULES)
    assert not refused.pending and [r.reason.value for r in refused.refusals] == ["company-too-large"]
    assert [type(e) for e in events] == [VteAidRefused]


def test_a_held_contract_is_granted_when_its_perimeter_arrives_and_holds_its_commune() -> None:
    held, _ = record_contract(None, contract(), "p", WAITING, RULES)
    events = decide_held(held, IN_REIMS, RULES)
    assert held.granted and not held.pending and held.base_cents == 400_000
    assert [type(e) for e in events] == [VteAidGrantedV2, VteAidPaymentRequested, VteAidPaymentRequested]
    assert events[0].granted_on == held.terms.aid_requested_on, "dated by the fact it answers"


def test_a_held_contract_is_refused_outside_every_territory_when_the_perimeter_leaves_its_commune_out() -> None:
    held, _ = record_contract(None, contract(), "p", WAITING, RULES)
    [refused] = decide_held(held, None, RULES)
    assert isinstance(refused, VteAidRefused) and [r.reason.value for r in refused.reasons] == [
        "outside-every-territory"
    ]


def test_a_held_contract_still_waiting_stays_held_and_a_decided_one_is_never_decided_twice() -> None:
    held, _ = record_contract(None, contract(), "p", WAITING, RULES)
    assert decide_held(held, Waiting(("tdi-44-other",)), RULES) == [] and held.waiting_for == ("tdi-44-other",)
    decide_held(held, IN_REIMS, RULES)
    assert decide_held(held, None, RULES) == [] and held.granted


@pytest.mark.parametrize("command", [green(), payment(100)])
def test_a_follow_up_on_a_held_contract_is_refused_with_the_pending_code(command: Any) -> None:
    held, _ = record_contract(None, contract(), "p", WAITING, RULES)
    with pytest.raises(DomainError) as refused:
        follow_up(held, command, RULES)
    assert refused.value.code == "TERRITORY_PERIMETER_PENDING" and "en attente" in refused.value.message


places = st.one_of(st.just(IN_REIMS), st.none(), st.builds(lambda t: Waiting((t,)), st.sampled_from(["a", "b"])))


@settings(max_examples=150, deadline=None)
@given(first=places, later=st.lists(places, max_size=6))
def test_a_contract_is_never_granted_while_its_perimeter_is_unknown_and_is_decided_exactly_once(
    first: Location | Waiting | None, later: list[Location | Waiting | None]
) -> None:
    """Whatever the order in which places become known: no aid while waiting, one decision event at most, and the
    decision is that of the first place known."""
    c, events = record_contract(None, contract(), "p", first, RULES)
    for place in later:
        if c.pending:
            assert c.base_cents == 0 and not c.granted and events == []
        events += decide_held(c, place, RULES)
    decisions = [e for e in events if isinstance(e, VteAidGrantedV2 | VteAidRefused)]
    known = [p for p in [first, *later] if not isinstance(p, Waiting)]
    assert len(decisions) == (1 if known else 0)
    if known:
        assert isinstance(decisions[0], VteAidGrantedV2) == (known[0] is not None)
    else:
        assert c.pending and c.base_cents == 0


async def test_the_partners_answer_to_a_held_contract_says_pending_with_its_code_and_sentence() -> None:
    results = [("vte-contract", "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c05")]
    from tdi_vte.handlers import pending_sentence

    results += [("pending", "TERRITORY_PERIMETER_PENDING"), ("note", pending_sentence(WAITING))]
    delivery = SimpleNamespace(event_id="BPI-EVT-1", event_type="record", caused=dict)
    [answer] = PartnerFeedback(Partner.BPIFRANCE, ["record"]).accepted(delivery, results)  # type: ignore[arg-type]
    body = json.loads(answer.value)
    assert (body["status"], body["pending_code"]) == ("pending", "TERRITORY_PERIMETER_PENDING")
    assert [r["kind"] for r in body["resulting_ids"]] == ["vte-contract"]
    assert body["notes"] == [
        f"Le périmètre du territoire {ARDENNES} n'est pas encore connu : le contrat est en attente et sera décidé"
        " dès qu'il le sera."
    ]

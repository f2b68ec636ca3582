"""Properties over any sequence of Bpifrance events (duplicates and reordering included): the aid of a
contract never exceeds 12,000 EUR, the base is granted once, green only for a green mission, money exact."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vte_builders import IN_REIMS, contract, ended, green, housing, payment

from tdi_contracts.events.vte import VteAidGrantedV2, VteAidPaymentRequested, VteEarlyEndRule, VteFunder
from tdi_runtime.errors import DomainError
from tdi_vte.contract_state import aggregate_of, state_of
from tdi_vte.decide import follow_up, record_contract
from tdi_vte.domain import VteContract
from tdi_vte.money import funder_parts
from tdi_vte.rules import VteRules

REFS = ["BPI-VTE-A", "BPI-VTE-B"]
signed = st.builds(
    lambda ref, size, level, kind: contract(
        ref, establishment={"size": size}, candidate={"status": "etudiant", "study_level": level}, contract_type=kind
    ),
    st.sampled_from(REFS),
    st.sampled_from(["tpe", "pme", "eti", "grande-entreprise"]),
    st.sampled_from(["bac+2", "bac+3", "bac+5"]),
    st.sampled_from(["cdd", "cdi", "stage"]),
)
events = st.one_of(
    signed,
    st.builds(green, st.sampled_from(REFS), st.integers(1, 800_000), st.sampled_from(["decarbonation", "autre"])),
    st.builds(
        ended,
        st.sampled_from(REFS),
        st.dates(date(2024, 9, 1), date(2026, 1, 1)),
        st.sampled_from(["ended-early", "term-reached"]),
    ),
    st.builds(payment, st.integers(1, 1_200_000), st.sampled_from(["P1", "P2", "P3"]), st.sampled_from(REFS)),
    st.builds(housing, st.integers(0, 300_000), st.sampled_from(["AL-1", "AL-2"]), st.sampled_from(REFS)),
)
rules_strategy = st.builds(
    VteRules,
    early_end_rule=st.sampled_from(list(VteEarlyEndRule)),
    state_share_basis_points=st.integers(0, 10_000),
    green_funder=st.sampled_from(list(VteFunder)),
)


def with_repeats(draw: Any) -> list[Any]:
    base = draw(st.lists(events, min_size=1, max_size=12))
    repeated = base + draw(st.lists(st.sampled_from(base), max_size=6))  # duplicates of earlier events
    return draw(st.permutations(repeated))  # in any order


def apply_all(sequence: list[Any], rules: VteRules) -> tuple[dict[str, VteContract], list[Any]]:
    contracts: dict[str, VteContract] = {}
    emitted: list[Any] = []
    for command in sequence:
        existing = contracts.get(command.contract_reference)
        try:
            if hasattr(command, "candidate"):
                contracts[command.contract_reference], new = record_contract(existing, command, "p", IN_REIMS, rules)
            else:
                new = follow_up(existing, command, rules)
        except DomainError:
            continue  # refused with a code: nothing changed
        emitted += new
        check_contract(contracts[command.contract_reference])
        stored = json.loads(json.dumps(state_of(contracts[command.contract_reference])))
        assert aggregate_of(stored) == contracts[command.contract_reference], "the store keeps the whole aggregate"
    return contracts, emitted


def check_contract(c: VteContract) -> None:
    assert 0 <= c.base_cents <= 400_000 and 0 <= c.green_cents <= 800_000
    assert c.total_cents <= 1_200_000
    assert c.granted or c.total_cents == 0
    assert c.green_cents == 0 or (c.green is not None and c.green.scope != "autre")
    assert all(isinstance(v, int) for v in (c.base_cents, c.green_cents, c.paid_cents, *c.requested.values()))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), rules=rules_strategy)
def test_any_sequence_of_bpifrance_events_keeps_every_contract_within_the_aid_rules(data: Any, rules: VteRules) -> None:
    contracts, emitted = apply_all(data.draw(st.composite(lambda draw: with_repeats(draw))()), rules)

    grants = Counter(e.vte_contract_id for e in emitted if isinstance(e, VteAidGrantedV2))
    assert all(n == 1 for n in grants.values()), "the base is granted once per contract"
    for c in contracts.values():
        assert (c.vte_contract_id in grants) == c.granted
        asked = Counter[Any]()
        for e in emitted:
            if isinstance(e, VteAidPaymentRequested) and e.vte_contract_id == c.vte_contract_id:
                asked[(e.funder, e.part)] += e.amount_cents
        due = funder_parts(c.base_cents, c.green_cents, rules.state_share_basis_points, rules.green_funder)
        assert {k: v for k, v in asked.items() if v} == {k: v for k, v in due.items() if v}, "funders net = aid"
        assert sum(due.values()) == c.total_cents, "the funders' parts add up to the aid, to the cent"
        assert c.paid_cents <= 1_200_000

"""What one territory may hold is what its reference contract can carry: 40 EPCI, 50 binômes, 10 open posts."""

from datetime import date
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tdi_contracts.events.territory import TerritoryReferenceUpdated
from tdi_contracts.ids import luhn_is_valid
from tdi_contracts.reference import CompanySize
from tdi_runtime.errors import DomainError
from tdi_territory import limits
from tdi_territory.domain import Territory, TerritoryStatus
from tdi_territory.governance.domain import Binome, ElectedMandate
from tdi_territory.perimeter.domain import Epci, NatureJuridique


def territory() -> Territory:
    return Territory("tdi-44-grand-reims", "Grand Reims", ("51",), ("44",), False, labelled_on=date(2023, 11, 9))


def epci(n: int) -> Epci:
    base = f"2000{n:04d}"
    key = next(d for d in "0123456789" if luhn_is_valid(base + d))
    return Epci(base + key, f"CC n°{n}", NatureJuridique.CC)


def binome() -> Binome:
    return Binome(ElectedMandate.MAIRE, "Fonderie", CompanySize.PME, "métallurgie", appointed_on=date(2024, 1, 1))


def test_the_limits_are_those_of_the_reference_contract() -> None:
    assert (limits.MAX_EPCI, limits.MAX_ACTIVE_BINOMES, limits.MAX_CHEFS_DE_PROJET) == (40, 50, 10)
    full = TerritoryReferenceUpdated.model_json_schema()["properties"]
    assert full["epci_sirens"]["maxItems"] == limits.MAX_EPCI


@settings(max_examples=30)
@given(st.integers(min_value=0, max_value=60))
def test_a_territory_never_holds_more_epci_than_its_contract_carries(joins: int) -> None:
    t = territory()
    refused = 0
    for n in range(joins):
        try:
            t.join(epci(n), None)
        except DomainError as error:
            refused += 1
            assert (error.code, error.http_status) == ("EPCI_LIMIT_REACHED", 409)
    assert len(t.epcis) == min(joins, limits.MAX_EPCI)
    assert refused == max(0, joins - limits.MAX_EPCI)


def test_the_51st_binome_in_office_is_refused_but_a_successor_may_follow_one_that_ended() -> None:
    t = territory()
    first = binome()
    for b in [first, *(binome() for _ in range(limits.MAX_ACTIVE_BINOMES - 1))]:
        t.appoint_binome(b)
    with pytest.raises(DomainError) as raised:
        t.appoint_binome(binome())
    assert (raised.value.code, raised.value.http_status) == ("BINOME_LIMIT_REACHED", 409)
    t.end_binome(first.id, date(2025, 1, 1))
    t.appoint_binome(binome())
    assert len(t.active_binomes) == limits.MAX_ACTIVE_BINOMES


def test_an_eleventh_open_chef_de_projet_post_is_refused() -> None:
    t = territory()
    for _ in range(limits.MAX_CHEFS_DE_PROJET):
        t.serve_post(uuid4())
    with pytest.raises(DomainError) as raised:
        t.serve_post(uuid4())
    assert (raised.value.code, raised.value.http_status) == ("CHEF_DE_PROJET_LIMIT_REACHED", 409)
    assert len(t.chefs_de_projet) == limits.MAX_CHEFS_DE_PROJET


def test_a_territory_that_lost_its_label_takes_no_new_epci_binome_or_post_and_loses_it_once() -> None:
    t = territory()
    t.withdraw_label(date(2025, 12, 31))
    assert (t.labelled_for_temps_ii, t.status) == (False, TerritoryStatus.WITHDRAWN)
    for change in (lambda: t.join(epci(1), None), lambda: t.appoint_binome(binome()), lambda: t.serve_post(uuid4())):
        with pytest.raises(DomainError) as raised:
            change()
        assert (raised.value.code, raised.value.http_status) == ("TERRITORY_LABEL_WITHDRAWN", 409)
    with pytest.raises(DomainError) as again:
        t.withdraw_label(date(2026, 1, 1))
    assert again.value.code == "LABEL_ALREADY_WITHDRAWN"


def test_a_label_is_not_withdrawn_before_it_was_given() -> None:
    with pytest.raises(DomainError) as raised:
        territory().withdraw_label(date(2023, 1, 1))
    assert (raised.value.code, raised.value.http_status) == ("INVALID_TERRITORY", 422)

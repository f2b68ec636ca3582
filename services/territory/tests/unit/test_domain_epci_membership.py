"""EPCI membership rules: an EPCI belongs to at most one territory at a time."""

import pytest

from tdi_runtime.errors import DomainError
from tdi_territory.domain import Territory
from tdi_territory.perimeter.domain import Epci, EpciMemberships, NatureJuridique

GRAND_REIMS = Epci("200067403", "CU du Grand Reims", NatureJuridique.CU)


def programme() -> EpciMemberships:
    return EpciMemberships(
        {
            "tdi-44-grand-reims": Territory("tdi-44-grand-reims", "Grand Reims", ("51",), ("44",), False),
            "tdi-44-pays-de-chalons": Territory("tdi-44-pays-de-chalons", "Pays de Châlons", ("51",), ("44",), False),
        }
    )


def test_an_epci_that_joins_a_territory_is_found_in_it() -> None:
    memberships = programme()
    memberships.join("tdi-44-grand-reims", GRAND_REIMS)
    territory = memberships.territory_of(GRAND_REIMS.siren)
    assert territory is not None and territory.name == "Grand Reims"
    assert territory.epcis == {GRAND_REIMS.siren: GRAND_REIMS}


def test_an_epci_cannot_be_in_two_territories_at_a_time() -> None:
    memberships = programme()
    memberships.join("tdi-44-grand-reims", GRAND_REIMS)
    with pytest.raises(DomainError) as raised:
        memberships.join("tdi-44-pays-de-chalons", GRAND_REIMS)
    assert (raised.value.code, raised.value.http_status) == ("EPCI_ALREADY_IN_TERRITORY", 409)
    assert raised.value.message == (  # the catalogue's sentence, then the case
        "Cet EPCI appartient déjà à un autre Territoire d'industrie (un seul à la fois)."
        " L'EPCI « CU du Grand Reims » (200067403) fait déjà partie du territoire « Grand Reims »."
    )
    assert memberships.territories["tdi-44-pays-de-chalons"].epcis == {}


def test_an_epci_that_left_may_join_another_territory() -> None:
    memberships = programme()
    memberships.join("tdi-44-grand-reims", GRAND_REIMS)
    assert memberships.leave("tdi-44-grand-reims", GRAND_REIMS.siren) == GRAND_REIMS
    memberships.join("tdi-44-pays-de-chalons", GRAND_REIMS)
    territory = memberships.territory_of(GRAND_REIMS.siren)
    assert territory is not None and territory.id == "tdi-44-pays-de-chalons"


def test_leaving_a_territory_the_epci_is_not_in_is_an_error_with_a_stable_code() -> None:
    memberships = programme()
    memberships.join("tdi-44-grand-reims", GRAND_REIMS)
    with pytest.raises(DomainError) as raised:
        memberships.leave("tdi-44-pays-de-chalons", GRAND_REIMS.siren)
    assert raised.value.code == "EPCI_NOT_IN_TERRITORY"
    assert "Pays de Châlons" in raised.value.message
    assert GRAND_REIMS.siren in memberships.territories["tdi-44-grand-reims"].epcis


def test_joining_an_unknown_territory_is_refused() -> None:
    with pytest.raises(DomainError) as raised:
        programme().join("tdi-99-nowhere", GRAND_REIMS)
    assert (raised.value.code, raised.value.http_status) == ("UNKNOWN_TERRITORY", 404)

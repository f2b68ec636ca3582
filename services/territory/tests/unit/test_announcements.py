"""What the service announces about a territory: its full reference state, and its label once it has an EPCI."""

from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from tdi_contracts.events.territory import ChefDeProjetShared, EpciLeft
from tdi_territory.announcements import LABELLED_ON, TerritoryState, labelled, reference_updated
from tdi_territory.repositories import check_platform_ids

POST = UUID("5d0c1c4e-7a55-4a7e-8d7b-2b8e3c1e9f02")


def state(*sirens: str, official_id: str | None = None) -> TerritoryState:
    return TerritoryState(
        "tdi-28-vallee-de-la-bresle-vimeu",
        official_id,
        "Vallée de la Bresle – Vimeu",
        ("76", "80"),
        ("28", "32"),
        True,
        3,
        sirens,
        2,
        (POST,),
        datetime(2024, 2, 1, 8, tzinfo=UTC),
    )


def test_the_reference_event_carries_the_platform_id_and_the_official_id_once_known() -> None:
    event = reference_updated(state("247600026", official_id="ti-8104"))
    assert (event.territory_id, event.official_id, event.revision) == ("tdi-28-vallee-de-la-bresle-vimeu", "ti-8104", 3)
    assert event.is_interregional()
    assert (event.epci_sirens, event.active_binomes, event.chefs_de_projet) == (["247600026"], 2, [POST])


def test_a_territory_of_the_annex_is_announced_as_labelled_even_before_its_epci_are_known() -> None:
    event = labelled(state())
    assert (event.territory_id, event.epci_sirens, event.labelled_on) == (
        "tdi-28-vallee-de-la-bresle-vimeu",
        [],
        LABELLED_ON,
    )


def test_the_label_is_announced_with_the_perimeter_and_the_date_of_the_press_kit() -> None:
    event = labelled(state("247600026"))
    assert (event.epci_sirens, event.labelled_on, event.official_id) == (["247600026"], LABELLED_ON, None)
    assert [r.value for r in event.regions] == ["28", "32"]


def test_an_event_carrying_an_official_territory_id_never_reaches_the_outbox() -> None:
    platform = EpciLeft(territory_id="tdi-44-grand-reims", epci_siren="200067403", left_on=date(2025, 6, 30))
    assert check_platform_ids([platform]) == [platform]
    for wrong in (
        EpciLeft(territory_id="ti-8101", epci_siren="200067403", left_on=date(2025, 6, 30)),
        ChefDeProjetShared(
            territory_id="tdi-44-grand-reims",
            chef_de_projet_id=POST,
            shared_with=["ti-8102"],
            shared_on=date(2024, 9, 1),
        ),
    ):
        with pytest.raises(ValueError, match="platform territory ids only"):
            check_platform_ids([platform, wrong])

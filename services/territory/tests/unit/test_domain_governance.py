"""Governance of a territory: binômes élus-industriels and chef de projet posts."""

from datetime import date

import pytest

from tdi_contracts.reference import CompanySize, LocalAuthorityType
from tdi_runtime.errors import DomainError
from tdi_territory.domain import Territory, TerritoryStatus
from tdi_territory.governance.domain import Binome, ChefDeProjetPost, ElectedMandate

CHALONS = Binome(
    ElectedMandate.PRESIDENT_EPCI,
    "Fonderie champenoise",
    CompanySize.PME,
    "métallurgie",
    appointed_on=date(2023, 12, 1),
)
REIMS = Binome(
    ElectedMandate.MAIRE, "Coopérative des vins", CompanySize.ETI, "agroalimentaire", appointed_on=date(2024, 1, 1)
)


def marne_territory() -> Territory:
    return Territory("tdi-44-grand-reims", "Grand Reims", ("51",), ("44",), False)


def test_a_new_territory_is_labelled_for_temps_ii_active_and_without_official_id() -> None:
    territory = marne_territory()
    assert territory.labelled_for_temps_ii is True
    assert territory.status is TerritoryStatus.ACTIVE
    assert territory.official_id is None


def test_a_territory_may_be_led_by_several_binomes_and_keeps_the_ones_that_ended() -> None:
    territory = marne_territory()
    territory.appoint_binome(CHALONS)
    territory.appoint_binome(REIMS)
    ended = territory.end_binome(CHALONS.id, date(2026, 3, 31))
    assert territory.active_binomes == [REIMS]
    assert ended.ended_on == date(2026, 3, 31) and ended in territory.binomes


def test_the_last_binome_of_an_active_territory_cannot_end_before_its_successor_is_recorded() -> None:
    territory = marne_territory()
    territory.appoint_binome(REIMS)
    with pytest.raises(DomainError) as raised:
        territory.end_binome(REIMS.id, date(2026, 3, 31))
    assert (raised.value.code, raised.value.http_status) == ("BINOME_REQUIRED", 409)
    assert territory.active_binomes == [REIMS]


def test_the_last_binome_of_a_territory_that_lost_its_label_may_end() -> None:
    territory = marne_territory()
    territory.appoint_binome(REIMS)
    territory.withdraw_label(date(2025, 12, 31))
    territory.end_binome(REIMS.id, date(2026, 1, 31))
    assert territory.active_binomes == []


@pytest.mark.parametrize(
    ("binome_id", "ended_on", "error", "code"),
    [
        (CHALONS.id, date(2026, 1, 1), DomainError, "BINOME_ALREADY_ENDED"),
        (REIMS.id, date(2023, 12, 31), DomainError, "INVALID_BINOME"),
        (Binome(ElectedMandate.MAIRE, "X", CompanySize.PME, "chimie").id, date(2026, 1, 1), DomainError, ""),
    ],
)
def test_a_binome_ends_once_after_its_appointment_and_only_in_its_territory(
    binome_id: object, ended_on: date, error: type[Exception], code: str
) -> None:
    territory = marne_territory()
    territory.appoint_binome(CHALONS)
    territory.appoint_binome(REIMS)
    territory.end_binome(CHALONS.id, date(2025, 6, 30))
    with pytest.raises(error) as raised:
        territory.end_binome(binome_id, ended_on)  # type: ignore[arg-type]
    assert getattr(raised.value, "code", "") == (code or "UNKNOWN_BINOME")


def test_a_binome_holds_roles_only_and_no_personal_data() -> None:
    assert set(Binome.__dataclass_fields__) == {
        "id",
        "appointed_on",
        "ended_on",
        "elected_mandate",
        "industrial_company",
        "industrial_company_size",
        "industrial_sector",
        "synthetic",  # demonstration data says so (issue 21)
    }


@pytest.mark.parametrize(
    ("mandate", "authority"),
    [
        (ElectedMandate.MAIRE, LocalAuthorityType.COMMUNE),
        (ElectedMandate.VICE_PRESIDENT_EPCI, LocalAuthorityType.EPCI),
        (ElectedMandate.CONSEILLER_REGIONAL, LocalAuthorityType.REGION),
    ],
)
def test_the_mandate_of_the_elected_official_tells_the_kind_of_authority(
    mandate: ElectedMandate, authority: LocalAuthorityType
) -> None:
    assert mandate.authority is authority


def test_sharing_a_post_adds_territories_and_keeps_its_start() -> None:
    post = ChefDeProjetPost(frozenset({"tdi-44-grand-reims"}), date(2024, 1, 1))
    shared = post.shared_with(frozenset({"tdi-44-pays-de-chalons", "tdi-44-grand-reims"}))
    assert shared.territory_ids == {"tdi-44-grand-reims", "tdi-44-pays-de-chalons"}
    assert shared.start == date(2024, 1, 1) and shared.shared


def test_an_ended_post_can_be_neither_shared_nor_ended_again() -> None:
    post = ChefDeProjetPost(frozenset({"tdi-44-grand-reims"}), date(2024, 1, 1)).ended(date(2025, 6, 30))
    for change in (
        lambda: post.shared_with(frozenset({"tdi-44-pays-de-chalons"})),
        lambda: post.ended(date(2026, 1, 1)),
    ):
        with pytest.raises(DomainError) as raised:
            change()
        assert (raised.value.code, raised.value.http_status) == ("CHEF_DE_PROJET_POST_ENDED", 409)


def test_a_chef_de_projet_post_may_be_shared_between_territories() -> None:
    post = ChefDeProjetPost(frozenset({"tdi-44-grand-reims", "tdi-44-pays-de-chalons"}), date(2024, 1, 1))
    assert post.shared
    assert post.is_filled_on(date(2027, 12, 31))
    assert not post.is_filled_on(date(2023, 12, 31))


def test_a_post_that_ended_is_no_longer_filled() -> None:
    post = ChefDeProjetPost(frozenset({"tdi-44-grand-reims"}), date(2024, 1, 1), date(2025, 6, 30))
    assert not post.shared
    assert post.is_filled_on(date(2025, 6, 30))
    assert not post.is_filled_on(date(2025, 7, 1))


@pytest.mark.parametrize(
    ("territory_ids", "end"),
    [(frozenset(), None), (frozenset({"tdi-44-grand-reims"}), date(2023, 12, 31))],
)
def test_a_post_without_territory_or_ending_before_it_starts_is_refused(
    territory_ids: frozenset[str], end: date | None
) -> None:
    with pytest.raises(DomainError) as raised:
        ChefDeProjetPost(territory_ids, date(2024, 1, 1), end)
    assert raised.value.code == "INVALID_CHEF_DE_PROJET_POST"

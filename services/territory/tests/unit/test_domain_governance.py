"""Governance of a territory: binômes élu–industriel, the chef de projet post and its funding cap."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tdi_contracts.reference import CompanySize, LocalAuthorityType
from tdi_territory.domain import Territory, TerritoryStatus
from tdi_territory.domain_errors import BinomeRequiredError, InvalidPostError, NoEpciToFundError, PostAlreadyEndedError
from tdi_territory.governance import Binome, ChefDeProjetPost, ElectedMandate, chef_de_projet_funding_cap_cents

CHALONS = Binome(ElectedMandate.PRESIDENT_EPCI, "Fonderie champenoise", CompanySize.PME, "métallurgie")
REIMS = Binome(ElectedMandate.MAIRE, "Coopérative des vins", CompanySize.ETI, "agroalimentaire")


def marne_territory() -> Territory:
    return Territory("tdi-44-grand-reims", "Grand Reims", ("51",), ("44",), False)


def test_a_new_territory_is_labelled_for_temps_ii_active_and_without_official_id() -> None:
    territory = marne_territory()
    assert territory.labelled_for_temps_ii is True
    assert territory.status is TerritoryStatus.ACTIVE
    assert territory.official_id is None


def test_a_territory_may_be_led_by_several_binomes() -> None:
    territory = marne_territory()
    territory.appoint_binome(CHALONS)
    territory.appoint_binome(REIMS)
    territory.withdraw_binome(CHALONS)
    assert territory.binomes == [REIMS]


def test_the_last_binome_of_a_territory_cannot_be_withdrawn() -> None:
    territory = marne_territory()
    territory.appoint_binome(REIMS)
    with pytest.raises(BinomeRequiredError) as raised:
        territory.withdraw_binome(REIMS)
    assert raised.value.code == "BINOME_REQUIRED"
    assert territory.binomes == [REIMS]


def test_a_binome_holds_roles_only_and_no_personal_data() -> None:
    assert set(Binome.__dataclass_fields__) == {
        "id",
        "elected_mandate",
        "industrial_company",
        "industrial_company_size",
        "industrial_sector",
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
        with pytest.raises(PostAlreadyEndedError) as raised:
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
    with pytest.raises(InvalidPostError) as raised:
        ChefDeProjetPost(territory_ids, date(2024, 1, 1), end)
    assert raised.value.code == "INVALID_CHEF_DE_PROJET_POST"


@pytest.mark.parametrize(("epci_count", "cap_cents"), [(1, 3_000_000), (2, 3_000_000), (3, 4_000_000)])
def test_the_cap_is_30000_euros_up_to_two_epci_and_40000_from_three(epci_count: int, cap_cents: int) -> None:
    assert chef_de_projet_funding_cap_cents(epci_count) == cap_cents


@given(st.integers(min_value=1, max_value=10_000))
def test_the_funding_cap_is_integer_cents_and_never_falls_when_epci_join(epci_count: int) -> None:
    cap = chef_de_projet_funding_cap_cents(epci_count)
    assert isinstance(cap, int)
    assert cap in {3_000_000, 4_000_000}
    assert chef_de_projet_funding_cap_cents(epci_count + 1) >= cap


@given(st.integers(max_value=0))
def test_a_territory_without_epci_has_no_funding_cap(epci_count: int) -> None:
    with pytest.raises(NoEpciToFundError) as raised:
        chef_de_projet_funding_cap_cents(epci_count)
    assert raised.value.code == "NO_EPCI_TO_FUND"

"""The chef de projet subsidy per territory and per year, across dossiers and shared posts (issue 24, B1).

P:472 « 30 000 € par an pour les Territoires d'industrie composés d'une ou deux intercommunalités »; P:473
« 40 000 € par an … trois intercommunalités ou plus »; P:475 « renouvelé annuellement et conditionné à un
engagement des territoires à assurer a minima 30 % de cofinancement du poste. Des mutualisations pourront également
être recherchées »; M:185 « Maximum 30 000 € ou 40 000 € / an par territoire d'industrie »; M:192-193 « partager le
chef de projet entre plusieurs territoires »."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import pytest

from tdi_contracts.errors import ErrorCode
from tdi_contracts.money import eur
from tdi_funding.domain.application import Application
from tdi_funding.domain.chef_de_projet import CdpLedger, Post
from tdi_funding.domain.envelope import Envelope
from tdi_runtime.errors import DomainError

from .unit_of_work import decided

NOW = datetime(2024, 3, 1, tzinfo=UTC)
TWO_EPCI, THREE_EPCI = 2, 3


@contextmanager
def refused_with(code: ErrorCode) -> Iterator[pytest.ExceptionInfo[DomainError]]:
    """A rule's refusal: a `DomainError` of that code of the catalogue."""
    with pytest.raises(DomainError) as error:
        yield error
    assert error.value.code == code.value


def post(territory: str, cost_eur: int, *shared: str) -> Post:
    return Post(uuid4(), territory, eur(cost_eur), tuple(shared), date(2024, 1, 1))


def filed(territory: str, requested: int) -> Application:
    app = Application(uuid4(), territory, "chef-de-projet", "cdp-2024", requested)
    app.file(NOW, "territory")
    return app


def approve(ledger: CdpLedger, envelope: Envelope, app: Application, p: Post, epci: int, amount: int) -> None:
    key = ledger.key(app.territory_id, 2024, p, epci)
    decided(app, envelope, lambda a: a.approve(amount, uuid4(), NOW, "national"), ledger=(ledger, key))


def test_a_second_30000_eur_dossier_of_a_two_epci_territory_the_same_year_is_refused__P472_P475_M185():
    ledger, envelope = CdpLedger(), Envelope("cdp-2024", "chef-de-projet", eur(10_000_000), year=2024)
    first_post, second_post = post("tdi-44-a", 60_000), post("tdi-44-a", 60_000)
    first, second = filed("tdi-44-a", eur(30_000)), filed("tdi-44-a", eur(30_000))
    approve(ledger, envelope, first, first_post, TWO_EPCI, eur(30_000))
    with refused_with(ErrorCode.CHEF_DE_PROJET_CAP_REACHED) as refused:
        approve(ledger, envelope, second, second_post, TWO_EPCI, eur(30_000))
    assert refused.value.code == "CHEF_DE_PROJET_CAP_REACHED"
    assert "0,00 €" in refused.value.message and "2024" in refused.value.message
    assert second.state.value == "filed" and envelope.committed_cents == eur(30_000)
    assert ledger.room("tdi-44-a", 2024, TWO_EPCI) == 0


def test_the_cap_is_renewed_each_year__P475_M187():
    ledger = CdpLedger()
    p = post("tdi-44-a", 60_000)
    ledger.commit(ledger.key("tdi-44-a", 2024, p, TWO_EPCI), eur(30_000))
    ledger.commit(ledger.key("tdi-44-a", 2025, p, TWO_EPCI), eur(30_000))
    assert ledger.room("tdi-44-a", 2025, TWO_EPCI) == 0 and ledger.room("tdi-44-a", 2026, TWO_EPCI) == eur(30_000)


def test_a_territory_of_three_epci_has_40000_eur_a_year_whatever_the_number_of_dossiers__P473():
    ledger = CdpLedger()
    a, b = post("tdi-44-b", 40_000), post("tdi-44-b", 30_000)
    ledger.commit(ledger.key("tdi-44-b", 2024, a, THREE_EPCI), eur(28_000))
    assert ledger.room("tdi-44-b", 2024, THREE_EPCI) == eur(12_000)
    with refused_with(ErrorCode.CHEF_DE_PROJET_CAP_REACHED):
        ledger.commit(ledger.key("tdi-44-b", 2024, b, THREE_EPCI), eur(12_001))
    ledger.commit(ledger.key("tdi-44-b", 2024, b, THREE_EPCI), eur(12_000))


def test_the_state_never_pays_more_than_70_percent_of_a_shared_post_across_its_territories__P475_M189_M192():
    """A post of 50,000 € shared by two territories: each may ask up to 70 % of its share, and together never
    more than 35,000 € a year however their dossiers are cut."""
    ledger = CdpLedger()
    shared = post("tdi-44-a", 50_000, "tdi-44-c")
    ledger.commit(ledger.key("tdi-44-a", 2024, shared, TWO_EPCI), eur(17_500))
    ledger.commit(ledger.key("tdi-44-c", 2024, shared, THREE_EPCI), eur(17_500))
    with refused_with(ErrorCode.CHEF_DE_PROJET_CAP_REACHED) as refused:
        ledger.commit(ledger.key("tdi-44-c", 2024, shared, THREE_EPCI), eur(1))
    assert "70 %" in refused.value.message
    assert ledger.room("tdi-44-c", 2024, THREE_EPCI) == eur(40_000) - eur(17_500)


def test_a_withdrawal_or_a_reduced_grant_gives_the_room_back():
    ledger, envelope = CdpLedger(), Envelope("cdp-2024", "chef-de-projet", eur(10_000_000), year=2024)
    p = post("tdi-44-a", 60_000)
    app = filed("tdi-44-a", eur(30_000))
    approve(ledger, envelope, app, p, TWO_EPCI, eur(30_000))
    key = ledger.key("tdi-44-a", 2024, p, TWO_EPCI)
    decided(app, envelope, lambda a: a.release(eur(10_000), NOW, "national"), ledger=(ledger, key))
    assert ledger.room("tdi-44-a", 2024, TWO_EPCI) == eur(10_000)
    decided(app, envelope, lambda a: a.withdraw(NOW, "national"), ledger=(ledger, key))
    assert ledger.room("tdi-44-a", 2024, TWO_EPCI) == eur(30_000)


def test_a_later_change_of_the_epci_count_does_not_claw_back_what_was_granted_platform_rule():
    ledger = CdpLedger()
    p = post("tdi-44-b", 80_000)
    ledger.commit(ledger.key("tdi-44-b", 2024, p, THREE_EPCI), eur(40_000))
    assert ledger.room("tdi-44-b", 2024, TWO_EPCI) == 0  # never negative
    with refused_with(ErrorCode.CHEF_DE_PROJET_CAP_REACHED):
        ledger.commit(ledger.key("tdi-44-b", 2024, p, TWO_EPCI), eur(1))
    ledger.release(ledger.key("tdi-44-b", 2024, p, TWO_EPCI), eur(40_000))
    assert ledger.room("tdi-44-b", 2024, TWO_EPCI) == eur(30_000)


def test_a_post_shares_its_cost_between_its_territories_and_says_who_it_serves():
    shared = Post(UUID(int=1), "tdi-44-b", 10_000_001, ("tdi-44-a", "tdi-44-c"), date(2024, 1, 1), date(2025, 6, 30))
    assert shared.share_of("tdi-44-a") == 3_333_334 and shared.share_of("tdi-44-c") == 3_333_333
    assert shared.serves("tdi-44-c") and not shared.serves("tdi-44-z")
    assert shared.active_in(2025) and not shared.active_in(2026) and not shared.active_in(2023)

"""Envelopes, dossiers and eligibility, without a broker or a database."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from tdi_contracts.errors import ErrorCode
from tdi_contracts.money import eur
from tdi_contracts.reference import Programme
from tdi_contracts.reference.programmes_catalogue import CATALOGUE
from tdi_funding.domain.application import Application, State
from tdi_funding.domain.chef_de_projet import Post
from tdi_funding.domain.eligibility import Dossier, check
from tdi_funding.domain.envelope import Envelope
from tdi_runtime.errors import DomainError

from .unit_of_work import decided

NOW = datetime(2024, 3, 1, tzinfo=UTC)


@contextmanager
def refused_with(code: ErrorCode) -> Iterator[pytest.ExceptionInfo[DomainError]]:
    """A rule's refusal: a `DomainError` of that code of the catalogue."""
    with pytest.raises(DomainError) as error:
        yield error
    assert error.value.code == code.value


def _envelope(ceiling: int = eur(1_000), programme: str = "fonds-vert-ti", region: str | None = "44") -> Envelope:
    return Envelope("fonds-vert-ti-2024-r44", programme, ceiling, region=region, year=2024)


def _filed(requested: int = eur(600)) -> Application:
    app = Application(uuid4(), "tdi-44-grand-reims", "fonds-vert-ti", "fonds-vert-ti-2024-r44", requested)
    app.file(NOW, "staff")
    return app


def test_envelope_is_never_committed_beyond_its_ceiling():
    envelope = _envelope()
    envelope.commit(eur(600))
    with refused_with(ErrorCode.ENVELOPE_CEILING_EXCEEDED) as refused:
        envelope.commit(eur(401))
    assert refused.value.code == "ENVELOPE_CEILING_EXCEEDED"
    assert envelope.committed_cents == eur(600)
    assert envelope.available_cents == eur(400)


def test_an_approval_the_envelope_cannot_hold_leaves_the_dossier_as_it_was():
    envelope, first, second = _envelope(), _filed(), _filed()
    decided(first, envelope, lambda a: a.approve(eur(600), uuid4(), NOW, "staff"))
    with refused_with(ErrorCode.ENVELOPE_CEILING_EXCEEDED):
        decided(second, envelope, lambda a: a.approve(eur(600), uuid4(), NOW, "staff"))
    assert second.state is State.FILED
    assert envelope.committed_cents == eur(600)


def test_the_same_approval_arriving_twice_commits_once():
    envelope, app = _envelope(), _filed()
    grant = uuid4()
    first = decided(app, envelope, lambda a: a.approve(eur(500), grant, NOW, "bpifrance"))
    again = decided(app, envelope, lambda a: a.approve(eur(500), grant, NOW, "bpifrance"))
    assert first.changed and not again.changed
    assert envelope.committed_cents == eur(500)


def test_a_payment_never_exceeds_what_is_committed_and_is_recorded_once_per_reference():
    envelope, app = _envelope(), _filed()
    decided(app, envelope, lambda a: a.approve(eur(500), uuid4(), NOW, "staff"))
    decided(app, envelope, lambda a: a.pay("PAY-1", eur(300), NOW, "staff"))
    decided(app, envelope, lambda a: a.pay("PAY-1", eur(300), NOW, "staff"))
    with refused_with(ErrorCode.PAYMENT_EXCEEDS_COMMITMENT):
        decided(app, envelope, lambda a: a.pay("PAY-2", eur(201), NOW, "staff"))
    assert (envelope.committed_cents, envelope.paid_cents, app.paid_cents) == (eur(500), eur(300), eur(300))


def test_withdrawing_an_approved_dossier_gives_back_what_was_not_paid():
    envelope, app = _envelope(), _filed()
    decided(app, envelope, lambda a: a.approve(eur(500), uuid4(), NOW, "staff"))
    decided(app, envelope, lambda a: a.pay("PAY-1", eur(200), NOW, "staff"))
    decided(app, envelope, lambda a: a.withdraw(NOW, "holder"))
    assert app.state is State.WITHDRAWN
    assert (envelope.committed_cents, envelope.paid_cents) == (eur(200), eur(200))


def test_a_refused_dossier_cannot_be_approved_and_the_history_reads_in_french_with_dates():
    app = _filed()
    app.start_instruction(NOW, "ademe")
    app.refuse("projet hors filières cibles", NOW, "ademe")
    with refused_with(ErrorCode.APPLICATION_STATE_CONFLICT) as refused:
        app.approve(eur(100), uuid4(), NOW, "ademe")
    assert "refusé" in refused.value.message
    assert [(h.state, h.note) for h in app.history] == [
        (State.FILED, "Dossier déposé."),
        (State.UNDER_INSTRUCTION, "Instruction ouverte."),
        (State.REFUSED, "Dossier refusé : projet hors filières cibles"),
    ]
    assert all(h.at == NOW for h in app.history)


def test_eligibility_gives_every_failed_reason_not_just_the_first():
    dossier = Dossier(False, ("75",), "poste-chef-de-projet", None, "pret", eur(2_000), eur(1_000))
    reasons = check(CATALOGUE[Programme.FONDS_VERT_TI], _envelope(), dossier)
    assert {r.code for r in reasons} == {
        "territory-not-labelled",
        "envelope-of-another-region",
        "project-type-not-eligible",
        "local-authorities-support-missing",
        "territory-strategy-link-missing",
        "funding-year-missing",
        "instrument-not-offered",
        "amount-above-eligible-cost",
        "amount-above-envelope",
    }


def test_sites_cles_en_main_accept_a_site_outside_labelled_territories():
    envelope = Envelope("sites-2024", "sites-cles-en-main", eur(1_000_000))
    dossier = Dossier(False, ("75",), "site-industriel", None, "pret", eur(100_000), eur(400_000))
    assert check(CATALOGUE[Programme.SITES_CLES_EN_MAIN], envelope, dossier) == []


def test_a_chef_de_projet_request_above_the_state_share_or_with_unknown_epci_is_not_eligible__P472_P475():
    envelope = Envelope("cdp-2024", "chef-de-projet", eur(10_000_000), year=2024)
    rules = CATALOGUE[Programme.CHEF_DE_PROJET]
    post = Post(uuid4(), "tdi-44-a", eur(60_000), (), date(2024, 1, 1))

    def dossier(requested: int, epci: int | None, **changes) -> Dossier:  # type: ignore[no-untyped-def]
        base = Dossier(True, ("44",), "poste-chef-de-projet", None, "subvention", requested, eur(60_000), epci)
        return replace(base, **{"territory_id": "tdi-44-a", "funding_year": 2024, "post": post, **changes})

    assert [r.code for r in check(rules, envelope, dossier(eur(31_000), 2))] == ["state-share-above-cap"]
    assert [r.code for r in check(rules, envelope, dossier(eur(30_000), None))] == ["epci-count-unknown"]
    assert check(rules, envelope, dossier(eur(30_000), 2)) == []
    assert [r.code for r in check(rules, envelope, dossier(eur(30_000), 2, post=None))] == [
        "chef-de-projet-post-unknown"
    ]
    assert [r.code for r in check(rules, envelope, dossier(eur(30_000), 2, territory_id="tdi-44-z"))] == [
        "chef-de-projet-post-of-another-territory"
    ]
    assert [r.code for r in check(rules, envelope, dossier(eur(30_000), 2, funding_year=2025))] == [
        "funding-year-not-envelope-year"
    ]
    assert [r.code for r in check(rules, envelope, dossier(eur(30_000), 2, funding_year=None))] == [
        "funding-year-missing"
    ]

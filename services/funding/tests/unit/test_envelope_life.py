"""Envelopes as the sources publish them, and their life (issue 24, A4 and C4).

P:75 « une enveloppe de 100 millions d'euros du Fonds vert pour l'année 2024 »; P:533 « 100M€ seront déployés dès
2024, dans le cadre du Fonds Vert »; M:274 « 7,9 millions d'euros en 2024 pour la région Grand Est »: nothing else
is published. P:545 « Les demandes d'aides peuvent être déposées au fil de l'eau … à compter de janvier 2024 »."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from tdi_contracts.money import eur
from tdi_contracts.reference import Programme, Region
from tdi_contracts.reference.programmes_catalogue import ENVELOPE_SEEDS, CeilingProvenance
from tdi_funding.domain.envelope import Envelope
from tdi_runtime.errors import DomainError

NATIONAL = "fonds-vert-ti-2024"


def fonds_vert() -> tuple[Envelope, dict[str, Envelope]]:
    """The 2024 Fonds vert as the catalogue opens it: the national 100 M€ and the 18 regional envelopes."""
    seeds = [s for s in ENVELOPE_SEEDS if s.programme is Programme.FONDS_VERT_TI]
    national = next(Envelope.of_seed(s) for s in seeds if s.envelope_id == NATIONAL)
    regional = {s.region.value: Envelope.of_seed(s) for s in seeds if s.region is not None}
    national.allocated_cents = sum(e.ceiling_cents or 0 for e in regional.values())
    return national, regional


def code(call, *args) -> str | None:  # type: ignore[no-untyped-def]
    try:
        call(*args)
    except DomainError as error:
        assert error.message
        return error.code
    return None


def test_only_the_published_ceilings_are_set_the_national_100_million_and_grand_est_7_9_million__P75_P533_M274():
    national, regional = fonds_vert()
    assert (national.ceiling_cents, national.provenance) == (eur(100_000_000), CeilingProvenance.SOURCES)
    assert (regional["44"].ceiling_cents, regional["44"].provenance) == (eur(7_900_000), CeilingProvenance.SOURCES)
    assert set(regional) == {r.value for r in Region}
    assert all(e.ceiling_cents is None and e.provenance is None for r, e in regional.items() if r != "44")
    assert all(e.parent_id == NATIONAL and e.year == 2024 for e in regional.values())


def test_an_envelope_whose_ceiling_is_not_published_takes_no_commitment_until_staff_set_it__P75_M274():
    _, regional = fonds_vert()
    mayotte = regional[Region.MAYOTTE.value]
    assert mayotte.available_cents is None
    assert code(mayotte.commit, eur(1)) == "ENVELOPE_CEILING_NOT_SET"
    mayotte.set_ceiling(eur(500_000), CeilingProvenance.STAFF)
    mayotte.commit(eur(500_000))
    assert mayotte.available_cents == 0


def test_regional_ceilings_never_add_up_to_more_than_the_national_envelope__P75_P533():
    national, _ = fonds_vert()
    room = national.ceiling_cents - eur(7_900_000)  # type: ignore[operator]
    assert national.available_cents == room
    national.allocate(room)
    assert code(national.allocate, 1) == "REGIONAL_CEILINGS_ABOVE_NATIONAL"
    national.allocate(-eur(1_000))
    assert national.available_cents == eur(1_000)


def test_a_ceiling_is_never_set_below_what_is_already_committed():
    _, regional = fonds_vert()
    grand_est = regional["44"]
    grand_est.commit(eur(1_000_000))
    assert code(grand_est.set_ceiling, eur(999_999), CeilingProvenance.STAFF) == "ENVELOPE_CEILING_BELOW_COMMITTED"
    assert grand_est.set_ceiling(eur(1_000_000), CeilingProvenance.STAFF) == eur(1_000_000) - eur(7_900_000)


def test_dossiers_are_filed_from_january_2024_and_never_after_the_closing_date__P545():
    envelope = Envelope("fv", "fonds-vert-ti", eur(10), year=2024, files_from=date(2024, 1, 1),
                        files_until=date(2024, 10, 31))  # fmt: skip
    assert code(envelope.require_filing_open, date(2023, 12, 31)) == "ENVELOPE_FILING_CLOSED"
    assert code(envelope.require_filing_open, date(2024, 1, 1)) is None
    assert code(envelope.require_filing_open, date(2024, 10, 31)) is None
    assert code(envelope.require_filing_open, date(2024, 11, 1)) == "ENVELOPE_FILING_CLOSED"
    envelope.close(date(2024, 6, 30))
    assert code(envelope.require_filing_open, date(2024, 7, 1)) == "ENVELOPE_CLOSED"


def test_a_closed_envelope_releases_its_unused_balance_and_its_national_envelope_gets_it_back():
    national, regional = fonds_vert()
    grand_est = regional["44"]
    grand_est.commit(eur(7_000_000))
    assert code(grand_est.release_balance) == "ENVELOPE_STILL_OPEN"
    grand_est.close(date(2024, 12, 31))
    released = grand_est.release_balance()
    national.allocate(-released)
    assert released == eur(900_000)
    assert (grand_est.ceiling_cents, grand_est.released_cents, grand_est.available_cents) == (
        eur(7_000_000),
        eur(900_000),
        0,
    )
    assert grand_est.release_balance() == 0, "released once"
    assert national.available_cents == eur(100_000_000) - eur(7_000_000)


@settings(max_examples=200)
@given(st.lists(st.tuples(st.sampled_from([r.value for r in Region]), st.integers(0, eur(20_000_000))), max_size=40))
def test_whatever_ceilings_staff_set_the_regions_never_exceed_the_national_envelope__P75(changes):
    national, regional = fonds_vert()
    for region, ceiling in changes:
        envelope = regional[region]
        delta = ceiling - (envelope.ceiling_cents or 0)
        try:
            national.allocate(delta)
        except DomainError:
            continue
        envelope.set_ceiling(ceiling, CeilingProvenance.STAFF)
        assert sum(e.ceiling_cents or 0 for e in regional.values()) == national.allocated_cents
    assert national.allocated_cents <= eur(100_000_000)

"""Envelopes and their life (issue 24, A4 and C4): the catalogue's opened at first start and those staff open later,
each announced once with `EnvelopeOpened.v2`; a ceiling staff set (one the sources do not publish, or a demonstration
one labelled synthetic), within what the envelope holding it has left; closing; releasing a closed envelope's unused
balance to the envelope holding it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from tdi_contracts.errors import ErrorCode
from tdi_contracts.events.funding import (
    EnvelopeBalanceChangedV2,
    EnvelopeBalanceReleased,
    EnvelopeCeilingFixed,
    EnvelopeClosed,
    EnvelopeOpenedV2,
)
from tdi_contracts.reference.programmes_catalogue import CeilingProvenance, EnvelopeSeed
from tdi_funding import store_envelopes
from tdi_funding.domain.envelope import Envelope
from tdi_funding.repositories import FundingUnitOfWork
from tdi_runtime.errors import DomainError


def opened_event(seed: EnvelopeSeed, opened_on: date) -> EnvelopeOpenedV2:
    has_ceiling = seed.ceiling_cents is not None
    return EnvelopeOpenedV2(
        envelope_id=seed.envelope_id,
        programme=str(seed.programme),
        region=seed.region,
        year=seed.year,
        ceiling_cents=seed.ceiling_cents,
        ceiling_provenance=seed.provenance if has_ceiling else None,
        ceiling_source=seed.source if has_ceiling else None,
        parent_envelope_id=seed.parent_id,
        operator=seed.operator,
        opened_on=opened_on,
        files_from=seed.files_from,
        files_until=seed.files_until,
    )


def balance_event(e: Envelope, at: datetime) -> EnvelopeBalanceChangedV2:
    return EnvelopeBalanceChangedV2(
        envelope_id=e.envelope_id,
        programme=e.programme,
        ceiling_cents=e.ceiling_cents,
        ceiling_provenance=e.provenance,
        committed_cents=e.committed_cents,
        paid_cents=e.paid_cents,
        allocated_cents=e.allocated_cents,
        available_cents=e.available_cents,
        closed=e.closed,
        changed_at=at,
    )


async def open_envelopes(uow: FundingUnitOfWork, seeds: Sequence[EnvelopeSeed], opened_on: date) -> list[str]:
    """Opens the envelopes not opened yet (an envelope already open keeps its amounts); an envelope holding others
    announces what it gave them. Returns the ids opened now."""
    opened = set(await store_envelopes.open_envelopes(uow.conn, seeds, opened_on))
    uow.emit(*(opened_event(s, opened_on) for s in seeds if s.envelope_id in opened))
    parents = sorted({s.parent_id for s in seeds if s.envelope_id in opened and s.parent_id and s.ceiling_cents})
    for parent in parents:
        now = await store_envelopes.load(uow.conn, parent)
        assert now is not None  # opened first, or already there (foreign key)
        uow.emit(balance_event(uow.envelopes.now(parent, now) or now, datetime.now(UTC)))
    return sorted(opened)


async def open_envelope(uow: FundingUnitOfWork, seed: EnvelopeSeed, opened_on: date) -> None:
    """Staff open one envelope; the same one opened again is answered the same, another one under its id is 409.
    An envelope already open under that id is answered only to a caller who reaches its region: a regional caller
    never learns another region's envelope ids (issue 22 #2). A yearly programme's envelope has its year (C4); an
    envelope held by another gets its ceiling from what that one has left (A4)."""
    uow.caller.require_region(None if seed.region is None else seed.region.value)
    existing = await uow.envelopes.get(seed.envelope_id)
    if existing is not None:
        uow.caller.require_region((existing.region,) if existing.region else ())
        same = (existing.programme, existing.ceiling_cents, existing.region, existing.year, existing.parent_id) == (
            str(seed.programme),
            seed.ceiling_cents,
            seed.region.value if seed.region else None,
            seed.year,
            seed.parent_id,
        )
        if same:
            return
        raise DomainError(
            ErrorCode.ENVELOPE_ALREADY_OPENED,
            f"L'enveloppe {seed.envelope_id} existe déjà avec d'autres montants ou un autre périmètre.",
            field="envelope_id",
        )
    rules = await uow.programmes.of(str(seed.programme))
    if rules.yearly and seed.year is None:
        raise DomainError(
            ErrorCode.INVALID_REQUEST,
            f"« {rules.label} » est annuel : l'enveloppe doit préciser son année.",
            field="year",
        )
    if seed.parent_id is not None:
        parent = await uow.envelopes.held(seed.parent_id)
        if parent is None or parent.programme != str(seed.programme):
            raise DomainError(
                ErrorCode.UNKNOWN_AGGREGATE,
                f"L'enveloppe {seed.parent_id} n'existe pas pour ce programme.",
                field="parent_envelope_id",
            )
        if seed.ceiling_cents:
            parent.allocate(seed.ceiling_cents)  # the readable refusal; the store's conditional UPDATE is the proof
    await open_envelopes(uow, [seed], opened_on)


async def _held(uow: FundingUnitOfWork, envelope_id: str) -> Envelope:
    found = await uow.envelopes.held(envelope_id)
    if found is None:
        raise DomainError(ErrorCode.UNKNOWN_AGGREGATE, f"L'enveloppe {envelope_id} est inconnue.", field="envelope_id")
    uow.caller.require_region((found.region,) if found.region else ())
    return found


async def set_ceiling(
    uow: FundingUnitOfWork, envelope_id: str, ceiling_cents: int, provenance: CeilingProvenance, at: datetime
) -> None:
    """Staff set an envelope's ceiling: never below what it holds, and, for an envelope held by another (a regional
    Fonds vert share), only within what that one has left (REGIONAL_CEILINGS_ABOVE_NATIONAL)."""
    envelope = await _held(uow, envelope_id)
    if (envelope.ceiling_cents, envelope.provenance) == (ceiling_cents, provenance):
        return  # the same decision twice
    before = envelope.ceiling_cents
    change = envelope.set_ceiling(ceiling_cents, provenance)
    events: list[Any] = []
    if envelope.parent_id is not None and change:
        parent = await uow.envelopes.held(envelope.parent_id)
        assert parent is not None  # foreign key
        parent.allocate(change)
        given = await store_envelopes.allocate(uow.conn, parent.envelope_id, change)
        events.append(balance_event(given, at))
        uow.envelopes.now(parent.envelope_id, given)
    now = await store_envelopes.set_ceiling(uow.conn, envelope_id, ceiling_cents, provenance)
    uow.envelopes.now(envelope_id, now)
    set_event = EnvelopeCeilingFixed(
        envelope_id=envelope_id,
        programme=now.programme,
        ceiling_cents=ceiling_cents,
        previous_ceiling_cents=before,
        ceiling_provenance=provenance,
        parent_envelope_id=now.parent_id,
        set_on=at.date(),
    )
    uow.emit(set_event, balance_event(now, at), *events)


async def close_envelope(uow: FundingUnitOfWork, envelope_id: str, at: datetime) -> None:
    """No more commitment nor filing on it (closing it twice: one closing)."""
    envelope = await _held(uow, envelope_id)
    if not envelope.close(at.date()):
        return
    now = await store_envelopes.close(uow.conn, envelope_id, at.date())
    assert now is not None  # locked and open above
    uow.envelopes.now(envelope_id, now)
    closed = EnvelopeClosed(envelope_id=envelope_id, committed_cents=now.committed_cents, closed_on=at.date())
    uow.emit(closed, balance_event(now, at))


async def release_balance(uow: FundingUnitOfWork, envelope_id: str, at: datetime) -> int:
    """A closed envelope releases what it never committed; the envelope holding it gets it back to give again."""
    envelope = await _held(uow, envelope_id)
    released = envelope.release_balance()
    if not released:
        return 0
    now = await store_envelopes.release(uow.conn, envelope_id)
    assert now is not None  # locked, closed, with a balance above
    uow.envelopes.now(envelope_id, now)
    uow.emit(
        EnvelopeBalanceReleased(
            envelope_id=envelope_id,
            released_cents=released,
            ceiling_cents=now.ceiling_cents or 0,
            parent_envelope_id=now.parent_id,
            released_on=at.date(),
        ),
        balance_event(now, at),
    )
    if now.parent_id is not None:
        await uow.envelopes.held(now.parent_id)
        given_back = await store_envelopes.allocate(uow.conn, now.parent_id, -released)
        uow.envelopes.now(now.parent_id, given_back)
        uow.emit(balance_event(given_back, at))
    return released

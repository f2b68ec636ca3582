"""Envelopes and their life (issue 24, A4 and C4): the catalogue's opened at first start and those staff open later,
each announced once with `EnvelopeOpened.v2`; a ceiling staff set (one the sources do not publish, or a demonstration
one labelled synthetic), within what the envelope holding it has left; closing; releasing a closed envelope's unused
balance to the envelope holding it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

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
from tdi_funding.domain.errors import EnvelopeAlreadyOpenedError, UnknownEnvelopeError
from tdi_funding.programmes import rules_for
from tdi_funding.use_cases import Result
from tdi_runtime.access import Reach
from tdi_runtime.db import Connection
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


async def open_envelopes(conn: Connection, seeds: Sequence[EnvelopeSeed], opened_on: date) -> Result:
    """Opens the envelopes not opened yet (an envelope already open keeps its amounts); an envelope holding others
    announces what it gave them."""
    opened = set(await store_envelopes.open_envelopes(conn, seeds, opened_on))
    events: list[Any] = [opened_event(s, opened_on) for s in seeds if s.envelope_id in opened]
    parents = sorted({s.parent_id for s in seeds if s.envelope_id in opened and s.parent_id and s.ceiling_cents})
    for parent in parents:
        now = await store_envelopes.load(conn, parent)
        assert now is not None  # opened first, or already there (foreign key)
        events.append(balance_event(now, datetime.now(UTC)))
    return Result(events=events, value=sorted(opened))


async def open_envelope(conn: Connection, seed: EnvelopeSeed, opened_on: date, reach: Reach | None = None) -> Result:
    """Staff open one envelope; the same one opened again is answered the same, another one under its id is 409.
    An envelope already open under that id is answered only to a caller who reaches its region (`reach`): a
    regional caller never learns another region's envelope ids (issue 22 #2). A yearly programme's envelope has
    its year (C4); an envelope held by another gets its ceiling from what that one has left (A4)."""
    existing = await store_envelopes.load(conn, seed.envelope_id)
    if existing is not None and reach is not None:
        reach((existing.region,) if existing.region else ())
    if existing is not None:
        same = (existing.programme, existing.ceiling_cents, existing.region, existing.year, existing.parent_id) == (
            str(seed.programme),
            seed.ceiling_cents,
            seed.region.value if seed.region else None,
            seed.year,
            seed.parent_id,
        )
        if same:
            return Result(value=seed.envelope_id)
        raise EnvelopeAlreadyOpenedError(
            f"L'enveloppe {seed.envelope_id} existe déjà avec d'autres montants ou un autre périmètre.",
            details={"field": "envelope_id"},
        )
    rules = await rules_for(conn, str(seed.programme))
    if rules.yearly and seed.year is None:
        raise DomainError(
            f"« {rules.label} » est annuel : l'enveloppe doit préciser son année.",
            code="INVALID_REQUEST",
            details={"field": "year"},
        )
    if seed.parent_id is not None:
        parent = await store_envelopes.load(conn, seed.parent_id, for_update=True)
        if parent is None or parent.programme != str(seed.programme):
            raise UnknownEnvelopeError(
                f"L'enveloppe {seed.parent_id} n'existe pas pour ce programme.", details={"field": "parent_envelope_id"}
            )
        if seed.ceiling_cents:
            parent.allocate(seed.ceiling_cents)  # the readable refusal; the store's conditional UPDATE is the proof
    return await open_envelopes(conn, [seed], opened_on)


async def _held(conn: Connection, envelope_id: str, reach: Reach | None) -> Envelope:
    found = await store_envelopes.load(conn, envelope_id, for_update=True)
    if found is None:
        raise UnknownEnvelopeError(f"L'enveloppe {envelope_id} est inconnue.", details={"field": "envelope_id"})
    if reach is not None:
        reach((found.region,) if found.region else ())
    return found


async def set_ceiling(
    conn: Connection,
    envelope_id: str,
    ceiling_cents: int,
    provenance: CeilingProvenance,
    at: datetime,
    reach: Reach | None = None,
) -> Result:
    """Staff set an envelope's ceiling: never below what it holds, and, for an envelope held by another (a regional
    Fonds vert share), only within what that one has left (REGIONAL_CEILINGS_ABOVE_NATIONAL)."""
    envelope = await _held(conn, envelope_id, reach)
    if (envelope.ceiling_cents, envelope.provenance) == (ceiling_cents, provenance):
        return Result(value=envelope_id)  # the same decision twice
    before = envelope.ceiling_cents
    change = envelope.set_ceiling(ceiling_cents, provenance)
    events: list[Any] = []
    if envelope.parent_id is not None and change:
        parent = await store_envelopes.load(conn, envelope.parent_id, for_update=True)
        assert parent is not None  # foreign key
        parent.allocate(change)
        events.append(balance_event(await store_envelopes.allocate(conn, parent.envelope_id, change), at))
    now = await store_envelopes.set_ceiling(conn, envelope_id, ceiling_cents, provenance)
    set_event = EnvelopeCeilingFixed(
        envelope_id=envelope_id,
        programme=now.programme,
        ceiling_cents=ceiling_cents,
        previous_ceiling_cents=before,
        ceiling_provenance=provenance,
        parent_envelope_id=now.parent_id,
        set_on=at.date(),
    )
    return Result(events=[set_event, balance_event(now, at), *events], value=envelope_id)


async def close_envelope(conn: Connection, envelope_id: str, at: datetime, reach: Reach | None = None) -> Result:
    """No more commitment nor filing on it (closing it twice: one closing)."""
    envelope = await _held(conn, envelope_id, reach)
    if not envelope.close(at.date()):
        return Result(value=envelope_id)
    now = await store_envelopes.close(conn, envelope_id, at.date())
    assert now is not None  # locked and open above
    closed = EnvelopeClosed(envelope_id=envelope_id, committed_cents=now.committed_cents, closed_on=at.date())
    return Result(events=[closed, balance_event(now, at)], value=envelope_id)


async def release_balance(conn: Connection, envelope_id: str, at: datetime, reach: Reach | None = None) -> Result:
    """A closed envelope releases what it never committed; the envelope holding it gets it back to give again."""
    envelope = await _held(conn, envelope_id, reach)
    released = envelope.release_balance()
    if not released:
        return Result(value=0)
    now = await store_envelopes.release(conn, envelope_id)
    assert now is not None  # locked, closed, with a balance above
    events: list[Any] = [
        EnvelopeBalanceReleased(
            envelope_id=envelope_id,
            released_cents=released,
            ceiling_cents=now.ceiling_cents or 0,
            parent_envelope_id=now.parent_id,
            released_on=at.date(),
        ),
        balance_event(now, at),
    ]
    if now.parent_id is not None:
        await store_envelopes.load(conn, now.parent_id, for_update=True)
        events.append(balance_event(await store_envelopes.allocate(conn, now.parent_id, -released), at))
    return Result(events=events, value=released)

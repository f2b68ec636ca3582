"""SQL of the envelopes. Amounts change only through conditional UPDATEs, so concurrent commitments can never
take an envelope over its ceiling (the CHECK constraint `envelope_never_over_committed` is the last guard)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from tdi_contracts.reference.programmes_catalogue import EnvelopeSeed
from tdi_funding.domain.application import Effect
from tdi_funding.domain.envelope import Envelope, ceiling_exceeded
from tdi_funding.domain.errors import (
    EnvelopeClosedError,
    PaymentExceedsCommitmentError,
    ReleaseExceedsCommitmentError,
)
from tdi_runtime.db import Connection

_COLUMNS = "id, programme, region, year, operator, ceiling_cents, committed_cents, paid_cents, closed"

# One statement each: the row lock taken by the UPDATE serialises writers on the envelope, and Postgres
# re-checks the WHERE clause on the latest row version after waiting, so the condition holds at commit.
COMMIT = (
    "UPDATE envelopes SET committed_cents = committed_cents + $1"
    " WHERE id = $2 AND NOT closed AND committed_cents + $1 <= ceiling_cents RETURNING " + _COLUMNS
)
DECOMMIT = (
    "UPDATE envelopes SET committed_cents = committed_cents - $1"
    " WHERE id = $2 AND committed_cents - $1 >= paid_cents RETURNING " + _COLUMNS
)
PAY = (
    "UPDATE envelopes SET paid_cents = paid_cents + $1"
    " WHERE id = $2 AND paid_cents + $1 <= committed_cents RETURNING " + _COLUMNS
)


def _envelope(row: Any) -> Envelope:
    return Envelope(
        envelope_id=row["id"],
        programme=row["programme"],
        ceiling_cents=row["ceiling_cents"],
        committed_cents=row["committed_cents"],
        paid_cents=row["paid_cents"],
        region=row["region"],
        year=row["year"],
        operator=row["operator"],
        closed=row["closed"],
    )


async def open_envelopes(conn: Connection, seeds: Iterable[EnvelopeSeed], opened_on: date) -> list[str]:
    """Opens the envelopes not opened yet; returns the ids opened now."""
    opened = []
    for s in seeds:
        inserted = await conn.fetchval(
            "INSERT INTO envelopes (id, programme, region, year, operator, ceiling_cents, opened_on)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING id",
            s.envelope_id,
            s.programme.value,
            s.region.value if s.region else None,
            s.year,
            s.operator.value if s.operator else None,
            s.ceiling_cents,
            opened_on,
        )
        if inserted:
            opened.append(inserted)
    return opened


async def load(conn: Connection, envelope_id: str) -> Envelope | None:
    row = await conn.fetchrow(f"SELECT {_COLUMNS} FROM envelopes WHERE id = $1", envelope_id)
    return None if row is None else _envelope(row)


async def search(conn: Connection, programme: str | None, region: str | None, year: int | None) -> list[Envelope]:
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM envelopes WHERE ($1::text IS NULL OR programme = $1)"
        " AND ($2::text IS NULL OR region = $2) AND ($3::int IS NULL OR year = $3) ORDER BY id",
        programme,
        region,
        year,
    )
    return [_envelope(r) for r in rows]


async def apply(conn: Connection, envelope_id: str, effect: Effect) -> Envelope:
    """Writes a decision's effect on the envelope, each part conditionally, and returns the envelope after it.
    A refusal raises the domain error with the envelope as it is now (another transaction may have taken the
    money since it was read)."""
    row = None
    if effect.decommit and (row := await conn.fetchrow(DECOMMIT, effect.decommit, envelope_id)) is None:
        raise ReleaseExceedsCommitmentError("Désengagement refusé : il dépasse ce qui reste engagé et non versé.")
    if effect.commit and (row := await conn.fetchrow(COMMIT, effect.commit, envelope_id)) is None:
        now = await load(conn, envelope_id)
        assert now is not None
        if now.closed:
            raise EnvelopeClosedError(f"L'enveloppe {envelope_id} est close : plus aucun engagement possible.")
        raise ceiling_exceeded(envelope_id, effect.commit, now.available_cents)
    if effect.pay and (row := await conn.fetchrow(PAY, effect.pay, envelope_id)) is None:
        raise PaymentExceedsCommitmentError("Versement refusé : il dépasse ce qui reste engagé sur l'enveloppe.")
    if row is None:
        raise ValueError("an effect without an amount changes no envelope")
    return _envelope(row)

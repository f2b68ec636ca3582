"""SQL of the envelopes. Amounts change only through conditional UPDATEs, so concurrent commitments can never
take an envelope over its ceiling, nor the regional ceilings over the national one (the CHECK constraint
`envelope_never_over_committed` is the last guard)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from tdi_contracts.errors import ErrorCode
from tdi_contracts.money import format_eur
from tdi_contracts.reference.programmes_catalogue import CeilingProvenance, EnvelopeSeed
from tdi_funding.domain.application import Effect
from tdi_funding.domain.envelope import Envelope
from tdi_runtime.db import Connection
from tdi_runtime.errors import DomainError

_COLUMNS = (
    "id, programme, region, year, operator, ceiling_cents, committed_cents, paid_cents, closed, allocated_cents,"
    " released_cents, ceiling_provenance, ceiling_source, parent_id, files_from, files_until"
)

# One statement each: the row lock taken by the UPDATE serialises writers on the envelope, and Postgres
# re-checks the WHERE clause on the latest row version after waiting, so the condition holds at commit.
COMMIT = (
    "UPDATE envelopes SET committed_cents = committed_cents + $1 WHERE id = $2 AND NOT closed"
    " AND ceiling_cents IS NOT NULL AND committed_cents + allocated_cents + $1 <= ceiling_cents RETURNING " + _COLUMNS
)
DECOMMIT = (
    "UPDATE envelopes SET committed_cents = committed_cents - $1"
    " WHERE id = $2 AND committed_cents - $1 >= paid_cents RETURNING " + _COLUMNS
)
PAY = (
    "UPDATE envelopes SET paid_cents = paid_cents + $1"
    " WHERE id = $2 AND paid_cents + $1 <= committed_cents RETURNING " + _COLUMNS
)
ALLOCATE = (
    "UPDATE envelopes SET allocated_cents = allocated_cents + $1 WHERE id = $2 AND allocated_cents + $1 >= 0"
    " AND ($1 <= 0 OR (ceiling_cents IS NOT NULL AND committed_cents + allocated_cents + $1 <= ceiling_cents))"
    " RETURNING " + _COLUMNS
)
SET_CEILING = (
    "UPDATE envelopes SET ceiling_cents = $2, ceiling_provenance = $3, ceiling_source = NULL"
    " WHERE id = $1 AND committed_cents + allocated_cents <= $2 RETURNING " + _COLUMNS
)
CLOSE = (
    "UPDATE envelopes SET closed = true, closed_on = $2, files_until = least(coalesce(files_until, $2), $2)"
    " WHERE id = $1 AND NOT closed RETURNING " + _COLUMNS
)
RELEASE = (
    "UPDATE envelopes SET released_cents = released_cents + (ceiling_cents - committed_cents - allocated_cents),"
    " ceiling_cents = committed_cents + allocated_cents"
    " WHERE id = $1 AND closed AND ceiling_cents > committed_cents + allocated_cents RETURNING " + _COLUMNS
)


def _envelope(row: Any) -> Envelope:
    provenance = row["ceiling_provenance"]
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
        allocated_cents=row["allocated_cents"],
        provenance=CeilingProvenance(provenance) if provenance else None,
        parent_id=row["parent_id"],
        files_from=row["files_from"],
        files_until=row["files_until"],
        released_cents=row["released_cents"],
    )


async def open_envelopes(conn: Connection, seeds: Iterable[EnvelopeSeed], opened_on: date) -> list[str]:
    """Opens the envelopes not opened yet, an envelope holding others first; a published ceiling of an envelope held
    by another is given by it (conditionally: never beyond its own). Returns the ids opened now."""
    opened = []
    for s in sorted(seeds, key=lambda s: s.parent_id is not None):
        inserted = await conn.fetchval(
            "INSERT INTO envelopes (id, programme, region, year, operator, ceiling_cents, ceiling_provenance,"
            " ceiling_source, parent_id, files_from, files_until, opened_on)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING RETURNING id",
            s.envelope_id,
            str(s.programme),
            s.region.value if s.region else None,
            s.year,
            s.operator.value if s.operator else None,
            s.ceiling_cents,
            s.provenance.value if s.provenance and s.ceiling_cents is not None else None,
            s.source,
            s.parent_id,
            s.files_from,
            s.files_until,
            opened_on,
        )
        if inserted and s.parent_id and s.ceiling_cents:
            await allocate(conn, s.parent_id, s.ceiling_cents)
        if inserted:
            opened.append(inserted)
    return opened


async def load(conn: Connection, envelope_id: str, *, for_update: bool = False) -> Envelope | None:
    lock = " FOR UPDATE" if for_update else ""
    row = await conn.fetchrow(f"SELECT {_COLUMNS} FROM envelopes WHERE id = $1{lock}", envelope_id)
    return None if row is None else _envelope(row)


async def load_many(conn: Connection, envelope_ids: list[str]) -> dict[str, Envelope]:
    rows = await conn.fetch(f"SELECT {_COLUMNS} FROM envelopes WHERE id = ANY($1::text[])", envelope_ids)
    return {row["id"]: _envelope(row) for row in rows}


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
    A refusal is the domain's (`Envelope.decommit`, `commit`, `pay`: the one wording of each rule), run on the
    envelope as it is now (another transaction may have taken the money since it was read)."""
    row = None
    for amount, statement, rule in (
        (effect.decommit, DECOMMIT, Envelope.decommit),
        (effect.commit, COMMIT, Envelope.commit),
        (effect.pay, PAY, Envelope.pay),
    ):
        if amount and (row := await conn.fetchrow(statement, amount, envelope_id)) is None:
            now = await load(conn, envelope_id)
            assert now is not None  # foreign key
            rule(now, amount)  # refuses, with the envelope's amounts as they are now
            raise DomainError(  # the guard and the rule are the same condition: only a change in between
                ErrorCode.CONFLICT, f"L'enveloppe {envelope_id} a changé pendant la décision : envoyez-la de nouveau."
            )
    if row is None:
        raise ValueError("an effect without an amount changes no envelope")
    return _envelope(row)


async def allocate(conn: Connection, envelope_id: str, change_cents: int) -> Envelope:
    """The envelope holding others gives `change_cents` more (or back) of ceiling: never beyond its own."""
    row = await conn.fetchrow(ALLOCATE, change_cents, envelope_id)
    if row is None:
        now = await load(conn, envelope_id)
        left = "aucun plafond" if now is None or now.available_cents is None else format_eur(now.available_cents)
        raise DomainError(
            ErrorCode.REGIONAL_CEILINGS_ABOVE_NATIONAL,
            f"Répartition refusée : l'enveloppe {envelope_id} n'a plus que {left} à répartir ; la somme des plafonds"
            " qu'elle contient ne dépasse jamais le sien.",
            field="ceiling_cents",
            available_cents=None if now is None else now.available_cents,
        )
    return _envelope(row)


async def set_ceiling(
    conn: Connection, envelope_id: str, ceiling_cents: int, provenance: CeilingProvenance
) -> Envelope:
    row = await conn.fetchrow(SET_CEILING, envelope_id, ceiling_cents, provenance.value)
    if row is None:
        raise ValueError("set_ceiling runs after the domain checked the envelope, locked")
    return _envelope(row)


async def close(conn: Connection, envelope_id: str, on: date) -> Envelope | None:
    row = await conn.fetchrow(CLOSE, envelope_id, on)
    return None if row is None else _envelope(row)


async def release(conn: Connection, envelope_id: str) -> Envelope | None:
    row = await conn.fetchrow(RELEASE, envelope_id)
    return None if row is None else _envelope(row)

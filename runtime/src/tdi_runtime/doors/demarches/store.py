"""The door's SQL (tables of the kit's migration 0005, in the service's schema): cursors, applied snapshots, dead
letters. Every function works on the caller's open transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tdi_runtime.db import Connection
from tdi_runtime.doors.demarches.cursor import Applied
from tdi_runtime.doors.demarches.model import DossierState


@dataclass(frozen=True)
class Cursor:
    watermark: datetime
    last_number: int
    last_complete_round_at: datetime | None


@dataclass(frozen=True)
class DeadLetter:
    demarche: int
    number: int
    updated_at: datetime
    state: str
    code: str
    reason: str
    attempts: int
    first_failed_at: datetime
    last_failed_at: datetime
    redrive_requested_at: datetime | None
    resolved_at: datetime | None


async def cursor(conn: Connection, demarche: int) -> Cursor | None:
    row = await conn.fetchrow(
        "SELECT watermark, last_number, last_complete_round_at FROM ds_cursors WHERE demarche = $1", demarche
    )
    return None if row is None else Cursor(row["watermark"], row["last_number"], row["last_complete_round_at"])


async def advance_cursor(conn: Connection, demarche: int, seen: datetime, number: int) -> None:
    """The watermark moves to `seen` if it is newer (never back)."""
    await conn.execute(
        "INSERT INTO ds_cursors (demarche, watermark, last_number) VALUES ($1, $2, $3)"
        " ON CONFLICT (demarche) DO UPDATE SET watermark = excluded.watermark, last_number = excluded.last_number,"
        " updated_at = now() WHERE ds_cursors.watermark < excluded.watermark",
        demarche,
        seen,
        number,
    )


async def round_complete(conn: Connection, demarche: int, started_at: datetime) -> None:
    await conn.execute("UPDATE ds_cursors SET last_complete_round_at = $2 WHERE demarche = $1", demarche, started_at)


async def applied(conn: Connection, demarche: int, number: int) -> Applied | None:
    """The last snapshot applied to the dossier, its row locked until the transaction ends."""
    row = await conn.fetchrow(
        "SELECT updated_at, state FROM ds_dossiers WHERE demarche = $1 AND number = $2 FOR UPDATE", demarche, number
    )
    return None if row is None else Applied(row["updated_at"], DossierState(row["state"]))


async def mark_applied(conn: Connection, demarche: int, number: int, updated_at: datetime, state: str) -> None:
    await conn.execute(
        "INSERT INTO ds_dossiers (demarche, number, updated_at, state) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (demarche, number) DO UPDATE SET updated_at = excluded.updated_at, state = excluded.state,"
        " applied_at = now()",
        demarche,
        number,
        updated_at,
        state,
    )


_DEAD = (
    "SELECT demarche, number, updated_at, state, code, reason, attempts, first_failed_at, last_failed_at,"
    " redrive_requested_at, resolved_at FROM ds_dead_letters"
)


async def dead_letter(conn: Connection, demarche: int, number: int) -> DeadLetter | None:
    row = await conn.fetchrow(f"{_DEAD} WHERE demarche = $1 AND number = $2", demarche, number)
    return None if row is None else DeadLetter(**dict(row))


async def keep_dead_letter(
    conn: Connection, demarche: int, number: int, updated_at: datetime, state: str, code: str, reason: str
) -> None:
    """One row per dossier: its latest refusal (a re-drive's request is answered by this attempt)."""
    await conn.execute(
        "INSERT INTO ds_dead_letters (demarche, number, updated_at, state, code, reason)"
        " VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT (demarche, number) DO UPDATE SET updated_at = excluded.updated_at, state = excluded.state,"
        " code = excluded.code, reason = excluded.reason, last_failed_at = now(), redrive_requested_at = NULL,"
        " resolved_at = NULL,"
        " attempts = CASE WHEN ds_dead_letters.resolved_at IS NULL THEN ds_dead_letters.attempts + 1 ELSE 1 END",
        demarche,
        number,
        updated_at,
        state,
        code,
        reason[:2000],
    )


async def resolve_dead_letter(conn: Connection, demarche: int, number: int) -> None:
    await conn.execute(
        "UPDATE ds_dead_letters SET resolved_at = now(), redrive_requested_at = NULL"
        " WHERE demarche = $1 AND number = $2 AND resolved_at IS NULL",
        demarche,
        number,
    )


async def redrives_requested(conn: Connection, demarche: int) -> list[int]:
    rows = await conn.fetch(
        "SELECT number FROM ds_dead_letters WHERE demarche = $1 AND resolved_at IS NULL"
        " AND redrive_requested_at IS NOT NULL ORDER BY number",
        demarche,
    )
    return [r["number"] for r in rows]


async def clear_redrive(conn: Connection, demarche: int, number: int) -> None:
    await conn.execute(
        "UPDATE ds_dead_letters SET redrive_requested_at = NULL WHERE demarche = $1 AND number = $2",
        demarche,
        number,
    )


async def open_dead_letters(conn: Connection, demarche: int | None = None, code: str | None = None) -> list[DeadLetter]:
    rows = await conn.fetch(
        f"{_DEAD} WHERE resolved_at IS NULL AND ($1::integer IS NULL OR demarche = $1)"
        " AND ($2::text IS NULL OR code = $2) ORDER BY demarche, number",
        demarche,
        code,
    )
    return [DeadLetter(**dict(r)) for r in rows]


async def request_redrive(
    conn: Connection, demarche: int | None = None, numbers: list[int] | None = None, code: str | None = None
) -> int:
    """Marks open dead letters for a re-drive (all, or these dossiers, or this code); returns how many."""
    status = await conn.execute(
        "UPDATE ds_dead_letters SET redrive_requested_at = now() WHERE resolved_at IS NULL"
        " AND ($1::integer IS NULL OR demarche = $1) AND ($2::bigint[] IS NULL OR number = ANY($2))"
        " AND ($3::text IS NULL OR code = $3)",
        demarche,
        numbers or None,
        code,
    )
    return int(status.split()[-1])

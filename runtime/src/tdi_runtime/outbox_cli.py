"""`python -m tdi_runtime.outbox parked|retry SCHEMA`: the outbox rows the relay parked, and sending them again.

A row is parked after the broker refused it for good `relay_max_attempts` times (too large, unknown topic...).
Once the cause is fixed (topic created, limit raised), `retry` hands the rows back to the relay with a fresh
attempt count. A retried row is published after the rows of its key that were sent meanwhile.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

import asyncpg
import typer
from rich.console import Console
from rich.table import Table

from tdi_runtime.db import Connection

app = typer.Typer(help="Outbox rows the relay parked: list them, retry them.", no_args_is_help=True)
console = Console(width=200)


@dataclass(frozen=True)
class ParkedRow:
    id: int
    topic: str
    key: str | None
    event_id: str
    event_type: str
    size: int
    attempts: int
    last_error: str
    parked_at: datetime


_PARKED = """
SELECT id, topic, key, event_id, header_keys, header_values, octet_length(value) AS size, attempts,
       coalesce(last_error, '') AS last_error, parked_at
FROM outbox WHERE sent_at IS NULL AND parked_at IS NOT NULL ORDER BY id
"""


async def list_parked(conn: Connection) -> list[ParkedRow]:
    """Every parked row, oldest first."""
    return [
        ParkedRow(
            id=r["id"],
            topic=r["topic"],
            key=None if r["key"] is None else bytes(r["key"]).decode("utf-8", "replace"),
            event_id=r["event_id"],
            event_type=dict(zip(r["header_keys"], r["header_values"], strict=True))
            .get("ce_type", b"")
            .decode("utf-8", "replace"),
            size=r["size"],
            attempts=r["attempts"],
            last_error=r["last_error"],
            parked_at=r["parked_at"],
        )
        for r in await conn.fetch(_PARKED)
    ]


async def retry_parked(conn: Connection, ids: list[int] | None = None) -> int:
    """Hand parked rows (all, or those of `ids`) back to the relay; returns how many."""
    status = await conn.execute(
        "UPDATE outbox SET parked_at = NULL, attempts = 0"
        " WHERE sent_at IS NULL AND parked_at IS NOT NULL AND ($1::bigint[] IS NULL OR id = ANY($1::bigint[]))",
        ids or None,
    )
    return int(status.split()[-1])


async def _connect(database_url: str, schema: str) -> asyncpg.Connection:
    return await asyncpg.connect(database_url, server_settings={"search_path": schema})


async def _list(database_url: str, schema: str) -> list[ParkedRow]:
    conn = await _connect(database_url, schema)
    try:
        return await list_parked(conn)
    finally:
        await conn.close()


async def _retry(database_url: str, schema: str, ids: list[int]) -> int:
    conn = await _connect(database_url, schema)
    try:
        return await retry_parked(conn, ids)
    finally:
        await conn.close()


@app.command("parked")
def parked_(schema: str, database_url: str = typer.Option(..., envvar="DATABASE_URL")) -> None:
    """Show the parked outbox rows of SCHEMA (a service's schema, e.g. funding)."""
    table = Table("id", "topic", "key", "event type", "event id", "bytes", "attempts", "last error", "parked at")
    rows = asyncio.run(_list(database_url, schema))
    for r in rows:
        table.add_row(
            str(r.id),
            r.topic,
            r.key or "",
            r.event_type,
            r.event_id,
            str(r.size),
            str(r.attempts),
            r.last_error,
            r.parked_at.isoformat(),
        )
    console.print(table)
    console.print(f"{len(rows)} parked outbox rows")


@app.command("retry")
def retry_(
    schema: str,
    ids: list[int] = typer.Option([], "--id", help="Outbox row ids to retry (default: every parked row)"),
    database_url: str = typer.Option(..., envvar="DATABASE_URL"),
) -> None:
    """Hand parked outbox rows of SCHEMA back to the relay, once their cause is fixed."""
    count = asyncio.run(_retry(database_url, schema, ids))
    console.print(f"{count} parked outbox rows handed back to the relay")

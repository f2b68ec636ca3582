"""`python -m tdi_runtime.dlq demarches list|redrive SCHEMA`: the DS dossiers the door refused, and re-driving them.

A DS dossier's dead letter is not a Kafka record (it has no topic, offset or value to republish), and DS stays the
source of truth: so it is a row of the service's `ds_dead_letters` table (written in the transaction that rolled
the dossier's commands back), and a re-drive marks it; the running door then reads that dossier again from DS at
the start of its next round (`POST /ds/webhook/<secret>` starts one at once) and applies it through the same
translator. A dossier that changes in DS is tried again on its own (no re-drive needed).
"""

from __future__ import annotations

import asyncio

import asyncpg
import typer
from rich.console import Console
from rich.table import Table

from tdi_runtime.doors.demarches import store

app = typer.Typer(help="DS dossiers the door refused: list them, re-drive them.", no_args_is_help=True)
console = Console(width=200)


async def _connect(database_url: str, schema: str) -> asyncpg.Connection:
    return await asyncpg.connect(database_url, server_settings={"search_path": schema})


async def _list(database_url: str, schema: str, demarche: int | None, code: str | None) -> list[store.DeadLetter]:
    conn = await _connect(database_url, schema)
    try:
        return await store.open_dead_letters(conn, demarche, code)
    finally:
        await conn.close()


async def _redrive(database_url: str, schema: str, demarche: int | None, numbers: list[int], code: str | None) -> int:
    conn = await _connect(database_url, schema)
    try:
        return await store.request_redrive(conn, demarche, numbers or None, code)
    finally:
        await conn.close()


@app.command("list")
def list_(
    schema: str,
    demarche: int | None = typer.Option(None, help="Only this démarche"),
    code: str | None = typer.Option(None, help="Only dead letters with this code"),
    database_url: str = typer.Option(..., envvar="DATABASE_URL"),
) -> None:
    """Show the open dead letters of the door in SCHEMA (e.g. funding)."""
    table = Table("démarche", "dossier", "state", "DS time", "code", "reason", "attempts", "re-drive asked")
    for d in asyncio.run(_list(database_url, schema, demarche, code)):
        asked = d.redrive_requested_at.isoformat() if d.redrive_requested_at else ""
        row = (str(d.demarche), str(d.number), d.state, d.updated_at.isoformat(), d.code, d.reason, str(d.attempts))
        table.add_row(*row, asked)
    console.print(table)


@app.command("redrive")
def redrive_(
    schema: str,
    demarche: int | None = typer.Option(None, help="Only this démarche"),
    dossiers: list[int] = typer.Option([], "--dossier", help="Dossier numbers to re-drive (default: all open)"),
    code: str | None = typer.Option(None, help="Only dead letters with this code"),
    database_url: str = typer.Option(..., envvar="DATABASE_URL"),
) -> None:
    """Ask the door to read these dossiers again from DS at its next round, once the cause is fixed."""
    count = asyncio.run(_redrive(database_url, schema, demarche, dossiers, code))
    console.print(f"{count} dead letters marked for a re-drive: the door reads them again at its next round")

"""Read models equal a replay: `python -m tdi_reporting rebuild` into a fresh schema, then every read-model
table compared, row for row, with the live one (the live consumer must have caught up first)."""

from __future__ import annotations

import asyncio
import itertools
import os
import subprocess
import sys

import asyncpg

from tdi_localstack.faults.harness import FaultPlatform

_ROUNDS = itertools.count(1)


CURRENT_VERSIONS = "SELECT rm, fact_key, doc FROM {schema}.rm_history WHERE tick_to = 9223372036854775807"
"""The history (issue 26): its ticks are the live run's transactions, while a replay writes the same facts in ticks
of its own; what must agree is each fact's current version."""


async def _table(conn: asyncpg.Connection, schema: str, table: str) -> list[tuple[str, ...]]:
    query = CURRENT_VERSIONS if table == "rm_history" else "SELECT * FROM {schema}." + table
    rows = await conn.fetch(query.format(schema=schema))
    return sorted(tuple(str(v) for v in r.values()) for r in rows)


async def _compare(url: str, schema: str) -> list[str]:
    conn = await asyncpg.connect(url)
    try:
        differences = []
        tables = await conn.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'reporting'"
            " AND (table_name LIKE 'rm\\_%' OR table_name LIKE 'known\\_%') ORDER BY 1"
        )
        for table in [t["table_name"] for t in tables]:
            live, replayed = await _table(conn, "reporting", table), await _table(conn, schema, table)
            if live != replayed:
                only_live, only_replay = set(live) - set(replayed), set(replayed) - set(live)
                differences.append(
                    f"{table}: {len(live)} live rows, {len(replayed)} replayed; "
                    f"live only e.g. {sorted(only_live)[:1]}, replay only e.g. {sorted(only_replay)[:1]}"
                )
        await conn.execute(f"DROP SCHEMA {schema} CASCADE")
        return differences
    finally:
        await conn.close()


def replay_differences(platform: FaultPlatform) -> list[str]:
    """[] when the rebuilt read models equal the live ones; else one line per differing table."""
    schema = f"reporting_replay_{os.getpid()}_{next(_ROUNDS)}"
    url = platform.stack.database_url  # the admin: it may create the schema
    env = {**os.environ, **platform.stack.env(), "TDI_REPORTING_DATABASE_URL": url, "TDI_REPORTING_DB_SCHEMA": schema}
    done = subprocess.run(
        [sys.executable, "-m", "tdi_reporting", "rebuild"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        return [f"rebuild exited {done.returncode}: {done.stderr[-800:]}"]
    return asyncio.run(_compare(url, schema))

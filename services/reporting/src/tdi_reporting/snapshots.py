"""Periodic snapshots of the figures (issue 26): at the end of every day (the day's last tick, Europe/Paris) and every
`snapshot_every_events` events, the totals of each series read model per zone of each level, as of that tick, are
stored in `figure_snapshots`. They make a monthly series (`series.py`) a handful of row reads; any other moment is
computed from the versioned facts (`asof.py`), which stay the one source both come from.

Taken in the background (`background.Recurring`) by one replica at a time (a session advisory lock): after a batch
commits (coalesced) and every `snapshot_interval_s` (a day ends even when no event comes).
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

import asyncpg
import structlog

from tdi_reporting import views
from tdi_reporting.asof import PARIS, AsOfConnection, overlay
from tdi_reporting.domain import Filters, Level, aggregate
from tdi_reporting.readmodels import READ_MODELS
from tdi_reporting.store import Scope, load_snapshot, load_territories, tables_of
from tdi_runtime.db import Connection
from tdi_runtime.pipeline.caller import Caller

log = structlog.get_logger(__name__)

SERIES_MODELS: dict[str, tuple[str, ...]] = {
    "territoires": (),
    "actions_axes": (),
    "financements": ("programme",),  # per programme: an instructor's series is its programme's
    "vte": (),
}
"""The zoned read models a series is given for, and the dimensions their snapshots keep."""
EVERYTHING = Caller("reporting-snapshots", "national")
MAX_DAYS_PER_RUN = 62
"""Days closed in one run: a replica back after weeks catches up over a few runs, never one long transaction."""


async def figures_at(
    conn: Connection | AsOfConnection, models: dict[str, tuple[str, ...]] = SERIES_MODELS
) -> dict[str, Any]:
    """(read model, level) -> rows of every zone, as the overlay's tick knew them, or now on a plain connection
    (full access: visibility is the series' and the feeds' to apply)."""
    tmap = await load_territories(conn)
    snapshot = await load_snapshot(conn, tmap, Scope(models=frozenset(models)))
    out: dict[str, Any] = {}
    for name, dims in models.items():
        facts = views.model_facts(snapshot, name, EVERYTHING)
        measures = READ_MODELS[name].measures
        for level in Level:
            out[f"{name}/{level.value}"] = aggregate(facts, tmap, level, Filters(), dims, measures)
    return out


async def compute(conn: Any, tick: int) -> dict[str, Any]:
    """The snapshot of one tick, computed from the versioned facts (inside a transaction)."""
    if tick == 0:
        return {f"{n}/{lv.value}": [] for n in SERIES_MODELS for lv in Level}
    return await figures_at(await overlay(conn, tick, tables_of(SERIES_MODELS)))


async def take_snapshot(conn: Any, tick: int, day: date | None) -> None:
    """Compute and store the snapshot of `tick` (a day end when `day` is given)."""
    async with conn.transaction(isolation="repeatable_read"):
        at = await conn.fetchval("SELECT at FROM ticks WHERE tick = $1", tick)
        found = await compute(conn, tick)
        rows = [(tick, at, day, *key.split("/"), json.dumps(value, default=str)) for key, value in found.items()]
        await conn.executemany(
            "INSERT INTO figure_snapshots (tick, at, kind, day, read_model, level, rows)"
            " VALUES ($1, $2, CASE WHEN $3::date IS NULL THEN 'evenements' ELSE 'jour' END, $3, $4, $5, $6::jsonb)"
            " ON CONFLICT (tick, read_model, level) DO UPDATE SET day = coalesce(figure_snapshots.day, excluded.day),"
            " kind = CASE WHEN excluded.day IS NULL THEN figure_snapshots.kind ELSE 'jour' END",
            rows,
        )


def _day_start(now: datetime) -> datetime:
    return datetime.combine(now.astimezone(PARIS).date(), time(0), PARIS)


async def take_due_snapshots(pool: asyncpg.Pool, *, every_events: int, now: datetime) -> list[int]:
    """Take the snapshots due at `now`: each ended day's last tick (not yet taken), and the latest tick when
    `every_events` events came since the last snapshot. Returns the ticks taken; [] when another replica is at it."""
    async with pool.acquire() as conn:
        key = await conn.fetchval("SELECT hashtext(current_schema() || ':figure_snapshots')")
        if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", key):
            return []
        try:
            return await _take_due(conn, every_events, now)
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", key)


async def _take_due(conn: Any, every_events: int, now: datetime) -> list[int]:
    days = await conn.fetch(
        "SELECT (at AT TIME ZONE 'Europe/Paris')::date AS day, max(tick) AS tick FROM ticks"
        " WHERE at IS NOT NULL AND at < $1"
        "   AND tick >= (SELECT coalesce(max(tick), 0) FROM figure_snapshots WHERE day IS NOT NULL)"
        " GROUP BY 1 ORDER BY 1 LIMIT $2",
        _day_start(now),
        MAX_DAYS_PER_RUN,
    )
    done_days = {r["day"] for r in await conn.fetch("SELECT DISTINCT day FROM figure_snapshots WHERE day IS NOT NULL")}
    due: dict[int, date | None] = {r["tick"]: r["day"] for r in days if r["day"] not in done_days}
    last = await conn.fetchval("SELECT coalesce(max(tick), 0) FROM figure_snapshots")
    latest = await conn.fetchval("SELECT coalesce(max(tick), 0) FROM ticks WHERE at IS NOT NULL")
    if latest > last and latest not in due:
        since = await conn.fetchval("SELECT count(*) FROM event_log WHERE tick > $1 AND tick <= $2", last, latest)
        if since >= every_events:
            due[latest] = None
    for tick, day in sorted(due.items()):
        await take_snapshot(conn, tick, day)
    return sorted(due)


async def take_due_snapshots_now(pool: asyncpg.Pool, every_events: int) -> list[int]:
    taken = await take_due_snapshots(pool, every_events=every_events, now=datetime.now(PARIS))
    if taken:
        log.info("figure_snapshots_taken", ticks=taken)
    return taken


def month_ends(first: date, last: date) -> list[tuple[str, datetime]]:
    """("YYYY-MM", its last instant in Paris) of each month from `first`'s to `last`'s."""
    out = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        following = date(year + (month == 12), month % 12 + 1, 1)
        end = datetime.combine(following, time(0), PARIS) - timedelta(microseconds=1)
        out.append((f"{year:04d}-{month:02d}", end))
        year, month = following.year, following.month
    return out

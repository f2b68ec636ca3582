"""Shadow read models (issue 26): a new fold definition computed from the event history, compared with the
published figures before it is switched on.

`python -m tdi_reporting shadow --definition N` empties the schema `<schema>_shadow` (tables like the live read
models, no history), and folds every event of `event_log` up to the live tick of that moment through definition N
(`folding.DEFINITIONS`). `python -m tdi_reporting compare` then computes every figure of both (every read model at
every level with its dimensions, and the envelopes) — the published side as of the shadow's tick, so events arriving
meanwhile change nothing — and lists each that differs. Switching on: `TDI_REPORTING_DEFINITION=N`, then `rebuild`.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import asyncpg

from tdi_reporting import views
from tdi_reporting.asof import AsOfConnection, live_situation, overlay
from tdi_reporting.domain import Filters, Level
from tdi_reporting.folding import replay
from tdi_reporting.handlers import registry_for
from tdi_reporting.history import LOG_COLUMNS
from tdi_reporting.readmodels import READ_MODELS
from tdi_reporting.snapshots import figures_at
from tdi_reporting.store import READ_MODEL_TABLES, Scope, load_snapshot, load_territories, tables_of
from tdi_runtime.pipeline.caller import Caller

EVERYTHING = Caller("reporting-shadow", "national")
SHADOW_MARK = "/* shadow */ "
"""Statements on the shadow schema are their own (never one prepared for the live tables under the same names)."""
ALL_MODELS = {name: model.dims for name, model in READ_MODELS.items()}


def shadow_schema(schema: str) -> str:
    return f"{schema}_shadow"[:63]


class NoShadowError(LookupError):
    pass


@dataclass
class ShadowReport:
    definition: int
    tick: int
    events: int
    seconds: float


async def build_shadow(pool: asyncpg.Pool, definition: int, *, batch: int = 5000) -> ShadowReport:
    """Fold the history up to the live tick into `<schema>_shadow` with `definition` (replacing what was there)."""
    folds = registry_for(definition)  # an unknown definition is refused before any change
    began = time.perf_counter()
    async with pool.acquire() as conn:
        schema = await conn.fetchval("SELECT current_schema()")
        shadow = shadow_schema(schema)
        await conn.execute(f"DROP SCHEMA IF EXISTS {shadow} CASCADE")
        await conn.execute(f"CREATE SCHEMA {shadow}")
        for table in READ_MODEL_TABLES:
            await conn.execute(f"CREATE TABLE {shadow}.{table} (LIKE {schema}.{table} INCLUDING ALL)")
        await conn.execute(f"CREATE TABLE {shadow}.shadow_info (definition integer, tick bigint, events bigint)")
        async with conn.transaction(isolation="repeatable_read"):
            tick = (await live_situation(conn)).tick
            await conn.execute(f"SET LOCAL search_path = {shadow}")
            events, last = 0, 0
            while True:
                rows = await conn.fetch(
                    f"SELECT {LOG_COLUMNS} FROM {schema}.event_log WHERE tick <= $1 AND seq > $2 ORDER BY seq LIMIT $3",
                    tick,
                    last,
                    batch,
                )
                if not rows:
                    break
                events += await replay(AsOfConnection(conn, SHADOW_MARK), rows, folds)
                last = rows[-1]["seq"]
            await conn.execute(f"INSERT INTO {shadow}.shadow_info VALUES ($1, $2, $3)", definition, tick, events)
    return ShadowReport(definition, tick, events, time.perf_counter() - began)


async def _every_figure(conn: Any) -> dict[tuple[Any, ...], dict[str, Any]]:
    """(read model, level, zone, dimensions) -> the row's figures, read through `conn`."""
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for key, rows in (await figures_at(conn, ALL_MODELS)).items():
        name, level = key.split("/")
        for row in rows:
            dims = tuple((d, row[d]) for d in READ_MODELS[name].dims)
            out[(name, level, row["code_zone"], dims)] = row
    tmap = await load_territories(conn)
    snapshot = await load_snapshot(conn, tmap, Scope(models=frozenset({views.ENVELOPES})))
    for row in views.rows(snapshot, views.ENVELOPES, Level.NATIONAL, Filters(), EVERYTHING):
        out[(views.ENVELOPES, Level.NATIONAL.value, row["code_enveloppe"], ())] = row
    return out


async def compare(pool: asyncpg.Pool) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The shadow's build (definition, tick, events) and every figure that differs from the published one."""
    async with pool.acquire() as conn:
        schema = await conn.fetchval("SELECT current_schema()")
        shadow = shadow_schema(schema)
        if not await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", f"{shadow}.shadow_info"):
            raise NoShadowError(f"no shadow in {shadow}: run `shadow --definition N` first")
        info = await conn.fetchrow(f"SELECT definition, tick, events FROM {shadow}.shadow_info")
        assert info is not None
        async with conn.transaction(isolation="repeatable_read"):
            tables = tables_of([*READ_MODELS, views.ENVELOPES])
            published = await _every_figure(await overlay(conn, info["tick"], tables))
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            await conn.execute(f"SET LOCAL search_path = {shadow}")
            computed = await _every_figure(AsOfConnection(conn, SHADOW_MARK))
    differences = []
    for key in sorted(set(published) | set(computed), key=lambda k: json.dumps(k, default=str)):
        name, level, zone, dims = key
        old, new = published.get(key, {}), computed.get(key, {})
        measures = [c for c in views.columns_of(name) if c in old or c in new]
        for measure in measures:
            if measure.startswith(("niveau", "code_", "libelle_")) or measure in dict(dims):
                continue
            if old.get(measure) != new.get(measure):
                differences.append(
                    {
                        "read_model": name,
                        "level": level,
                        "zone": zone,
                        "dimensions": dict(dims),
                        "measure": measure,
                        "published": old.get(measure),
                        "shadow": new.get(measure),
                    }
                )
    return dict(info), differences

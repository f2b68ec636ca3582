"""The as-of benchmark's smoke run (tiny numbers, no timing threshold): the history loads, every answer is timed, and
the as-of answer at the last tick is the live one (the loader leaves the read models as the history says)."""

from __future__ import annotations

import asyncpg
import pytest

from tdi_bench.as_of import STAFF, load, measure
from tdi_reporting.asof import AsOf
from tdi_reporting.store import MIGRATIONS
from tdi_reporting.use_cases import Reporting
from tdi_runtime.db import KIT_MIGRATIONS, migrate
from tdi_runtime.testing import unique_name

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]


async def test_the_as_of_benchmark_loads_a_history_and_times_every_answer(platform_stack):
    schema = unique_name("bench_asof_smoke_")
    pool = await asyncpg.create_pool(
        platform_stack.database_url, min_size=1, max_size=3, server_settings={"search_path": schema}
    )
    try:
        await migrate(pool, schema, [KIT_MIGRATIONS, *MIGRATIONS])
        loaded = await load(pool, 3_000)
        assert loaded["events"] >= 2_500 and loaded["versions"] > 0 and 0 < loaded["month_end_snapshots"] <= 24

        reads = Reporting(pool, "bench")
        live = await reads.figures(None, None, None, STAFF)
        at_end = await reads.figures(None, None, None, STAFF, AsOf.parse("2026-06-30"))
        assert {**at_end, "situation": None} == {**live, "situation": None}
        assert live["fiches_actions"] > 0 and live["financements_total"]["engage_centimes"] > 0

        times = await measure(pool, dates=2)
        assert all(len(v) == 2 and all(ms > 0 for ms in v) for v in times.values()), times
    finally:
        await pool.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await pool.close()

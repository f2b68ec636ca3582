"""The benchmark's quick mode runs end to end on the session's real broker and database (no timing thresholds)."""

from __future__ import annotations

import math

import pytest

from tdi_bench.bench import SIZES, run_bench

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]


async def test_every_scenario_of_the_quick_benchmark_measures_both_sides_and_a_ratio(platform_stack):
    results = await run_bench(platform_stack.bootstrap_servers, platform_stack.database_url, quick=True)

    assert [r.key for r in results] == list(SIZES)
    for r in results:
        assert len(r.platform.rates) == len(r.raw.rates) == 3, r.key
        assert r.platform.best > 0 and r.raw.best > 0, r.key
        assert math.isfinite(r.ratio) and r.ratio > 0, r.key

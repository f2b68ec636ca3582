"""The benchmark's smoke mode runs end to end on the session's real broker and database (no timing thresholds)."""

from __future__ import annotations

import math
import shutil

import pytest

from tdi_bench.bench import SMOKE_DIVISOR, run_bench
from tdi_bench.decoding import measure_decoding
from tdi_bench.workload import make_events

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]


async def test_every_scenario_of_the_smoke_benchmark_measures_both_sides_and_a_ratio(platform_stack):
    results = await run_bench(
        platform_stack.bootstrap_servers,
        platform_stack.database_url,
        divisor=SMOKE_DIVISOR,
        repetitions=1,
        warm_up=False,
    )

    rows = ["consume", "consume-hand", "relay", "inbox", "inbox-hand", "usecase", "peer", "peer-db"]
    http = ["http-read", "http-command"] if shutil.which("wrk") else []  # skipped without wrk
    assert [r.key for r in results] == [*rows, *http, "growth-x10", "growth-x100"]
    for r in results:
        assert len(r.platform.rates) == len(r.raw.rates) == 1, r.key
        assert r.raw.best > 0, r.key
        if r.key not in http:  # a 2 s HTTP run on a loaded machine may see no command answered yet
            assert r.platform.best > 0 and math.isfinite(r.ratio) and r.ratio > 0, r.key
    by_key = {r.key: r for r in results}
    assert by_key["peer"].platform is by_key["peer-db"].platform  # one measurement of ours, two baselines
    assert by_key["peer-db"].raw_records is not None and by_key["peer-db"].raw_records < by_key["peer"].records
    assert [by_key[k].records for k in ("growth-x10", "growth-x100")] == [200, 2_000]  # 20 events x10, x100
    assert by_key["growth-x10"].raw is by_key["growth-x100"].raw  # both against the smallest size


def test_the_decoding_micro_benchmark_times_every_record_and_each_part():
    result = measure_decoding(make_events(200), repetitions=2)

    assert result.events == 200 and len(result.runs_us) == 2
    assert all(us > 0 for us in result.runs_us)
    assert set(result.parts_us) == {
        "ce_* headers -> Envelope",
        "JSON value -> payload model",
        "json.loads of the value (floor)",
    }

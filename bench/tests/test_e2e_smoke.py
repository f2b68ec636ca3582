"""`python -m tdi_bench.e2e --smoke` runs the whole platform end to end and reports every scenario with numbers
(no timing threshold: the machine is shared; the numbers are only checked to exist and be positive)."""

from __future__ import annotations

import json
import math

import pytest

from tdi_bench.e2e.__main__ import measure
from tdi_bench.e2e.budget import HOPS, TOTAL

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]


def _positive(value: object) -> bool:
    return isinstance(value, int | float) and math.isfinite(value) and value > 0


def test_the_smoke_run_measures_every_scenario_and_the_broker_baselines(tmp_path, capsys):
    document = measure(["--smoke", "--out", str(tmp_path), "--readme", str(tmp_path / "README.md")])
    printed = capsys.readouterr().out

    written = json.loads((tmp_path / "e2e-latest-smoke.json").read_text(encoding="utf-8"))
    assert written["finished"] == document["finished"]
    base, scenarios = written["baselines"], written["scenarios"]
    assert all(_positive(base[k]) for k in ("producer_per_s", "consumer_per_s", "latency_p50_ms", "latency_p99_ms"))
    throughput = scenarios["throughput"]["repetitions"][0]
    assert throughput["completed"] and _positive(throughput["read_model_per_s"])
    latency = scenarios["latency"]
    assert latency["received"] == latency["records"] and _positive(latency["p50_ms"])
    sse = scenarios["sse"]
    assert len(sse["each_ms"]) + sse["missed"] == sse["records"] and all(_positive(ms) for ms in sse["each_ms"])
    readers = scenarios["readers"]
    assert readers["streams"]["steps"] and _positive(readers["streams"]["steps"][0]["messages"])
    assert _positive(readers["exports"]["per_s"])
    assert set(scenarios["scale_out"]["instances"]) == {"1", "2"}
    assert all(_positive(run["vte_per_s"]) for run in scenarios["scale_out"]["instances"].values())
    for reading in ("idle", "load"):
        processes = scenarios["footprint"][reading]
        assert {"territory-0", "actions-0", "funding-0", "vte-0", "reporting-0", "kafka", "postgres"} <= set(processes)
        assert all(_positive(p["rss_mib"]) for p in processes.values())
    budget = scenarios["budget"]  # the per-hop budget, from the spans vte and reporting exported (OTLP)
    assert [h["hop"] for h in budget["hops"]] == [*HOPS, TOTAL] and budget["complete"] > 0
    assert all(h["samples"] > 0 and isinstance(h["p99_ms"], float) for h in budget["hops"] if h["hop"] != HOPS[-1])
    assert budget["hops"][-2]["samples"] == len(sse["each_ms"])  # reporting commit → SSE: the probes that got one
    assert all(h["waits"] for h in budget["hops"])
    assert "Per-hop latency budget" in printed and all(f"| {hop} |" in printed for hop in (*HOPS, TOTAL))
    assert set(written["goals"]) == {"throughput", "latency_p50", "latency_p99", "scale_out"}
    assert not (tmp_path / "README.md").exists()  # only a full run rewrites the README's table

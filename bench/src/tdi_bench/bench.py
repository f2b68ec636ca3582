"""The whole benchmark against given servers: every scenario in one run, on the same broker and database."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tdi_bench.consume import ConsumeHandScenario, ConsumeScenario
from tdi_bench.growth import GrowthScenario
from tdi_bench.inbox import InboxHandScenario, InboxScenario
from tdi_bench.peer import PeerScenario
from tdi_bench.relay import RelayScenario
from tdi_bench.runner import ScenarioResult, measure, measure_against
from tdi_bench.scenario import Scenario
from tdi_bench.usecase import UseCaseScenario
from tdi_bench.web import HttpScenario
from tdi_bench.workload import Workload, make_events
from tdi_runtime.logs import configure_logging
from tdi_runtime.tracing import configure_tracing

SIZES = {
    "consume": 50_000,
    "consume-hand": 50_000,
    "relay": 100_000,
    "inbox": 20_000,
    "inbox-hand": 20_000,
    "usecase": 5_000,
    "peer": 5_000,
    "http": 5,
    "growth": 10_000,
}
"""Records of each scenario (`http`: seconds of load per run; `growth`: its smallest size, then x10 and x100)."""
QUICK_DIVISOR = 10
SMOKE_DIVISOR = 100
"""`--smoke` (what `make test` runs): 100x fewer records, one repetition, no warm-up; checks the bench runs."""


def scenarios(workload: Workload, divisor: int = 1) -> list[Scenario | PeerScenario | HttpScenario | GrowthScenario]:
    size = {k: v // divisor for k, v in SIZES.items()}
    seconds = max(SIZES["http"] / divisor**0.5, 2.0)  # load must last a little even in the smoke mode
    growth = size["growth"] if divisor < SMOKE_DIVISOR else 20  # smoke: 20, 200, 2,000 events
    return [
        ConsumeScenario(workload, size["consume"]),
        ConsumeHandScenario(workload, size["consume-hand"]),
        RelayScenario(workload, size["relay"]),
        InboxScenario(workload, size["inbox"]),
        InboxHandScenario(workload, size["inbox-hand"]),
        UseCaseScenario(workload, size["usecase"]),
        PeerScenario(workload, size["peer"]),
        HttpScenario(workload, seconds),
        GrowthScenario(workload, tuple(growth * 10**k for k in range(3))),
    ]


async def _rows(scenario: Scenario | PeerScenario | HttpScenario | GrowthScenario, **how: Any) -> list[ScenarioResult]:
    """One table row per platform/baseline pair a scenario measures."""
    if isinstance(scenario, HttpScenario | GrowthScenario):
        return await scenario.measure_rows(**how)
    if isinstance(scenario, PeerScenario):
        return await measure_against(scenario, scenario.baselines(), **how)
    return [await measure(scenario, **how)]


async def run_bench(
    bootstrap: str,
    database_url: str,
    *,
    divisor: int = 1,
    only: list[str] | None = None,
    profile_dir: Path | None = None,
    repetitions: int = 3,
    warm_up: bool = True,
    on_result: Callable[[list[ScenarioResult]], None] | None = None,
) -> list[ScenarioResult]:
    """Every scenario (or those in `only`) with `SIZES // divisor` records, one after the other."""
    configure_logging("bench", "WARNING")
    configure_tracing("bench")  # as a service's lifespan does: consumed events get real (unexported) spans
    # FastStream resets its logger's level per broker; its per-message logs are DEBUG (dropped) either way.
    logging.getLogger("faststream.access.kafka").addFilter(lambda record: record.levelno >= logging.WARNING)
    distinct = max(SIZES["consume"], SIZES["inbox"], SIZES["usecase"]) // divisor
    workload = Workload(bootstrap, database_url, make_events(distinct))
    results = []
    try:
        for scenario in scenarios(workload, divisor):
            if only and scenario.key not in only:
                continue
            results += await _rows(scenario, repetitions=repetitions, profile_dir=profile_dir, warm_up=warm_up)
            if on_result is not None:  # e.g. print and save what is measured so far
                on_result(results)
    finally:
        await workload.delete_topics()
    return results

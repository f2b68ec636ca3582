"""The whole benchmark against given servers: every scenario in one run, on the same broker and database."""

from __future__ import annotations

import logging
from pathlib import Path

from tdi_bench.consume import ConsumeDecodedScenario, ConsumeScenario
from tdi_bench.inbox import InboxScenario
from tdi_bench.relay import RelayScenario
from tdi_bench.runner import ScenarioResult, measure
from tdi_bench.scenario import Scenario
from tdi_bench.usecase import UseCaseScenario
from tdi_bench.workload import Workload, make_events
from tdi_runtime.logs import configure_logging
from tdi_runtime.tracing import configure_tracing

SIZES = {"consume": 50_000, "consume-decoded": 50_000, "relay": 100_000, "inbox": 20_000, "usecase": 5_000}
QUICK_DIVISOR = 10


def scenarios(workload: Workload, quick: bool) -> list[Scenario]:
    size = {k: v // QUICK_DIVISOR if quick else v for k, v in SIZES.items()}
    return [
        ConsumeScenario(workload, size["consume"]),
        ConsumeDecodedScenario(workload, size["consume-decoded"]),
        RelayScenario(workload, size["relay"]),
        InboxScenario(workload, size["inbox"]),
        UseCaseScenario(workload, size["usecase"]),
    ]


async def run_bench(
    bootstrap: str,
    database_url: str,
    *,
    quick: bool = False,
    only: list[str] | None = None,
    profile_dir: Path | None = None,
    repetitions: int = 3,
) -> list[ScenarioResult]:
    configure_logging("bench", "WARNING")
    configure_tracing("bench")  # as a service's lifespan does: consumed events get real (unexported) spans
    # FastStream resets its logger's level per broker; its per-message logs are DEBUG (dropped) either way.
    logging.getLogger("faststream.access.kafka").addFilter(lambda record: record.levelno >= logging.WARNING)
    distinct = max(SIZES["consume"], SIZES["inbox"], SIZES["usecase"]) // (QUICK_DIVISOR if quick else 1)
    workload = Workload(bootstrap, database_url, make_events(distinct))
    results = []
    try:
        for scenario in scenarios(workload, quick):
            if only and scenario.key not in only:
                continue
            results.append(await measure(scenario, repetitions=repetitions, profile_dir=profile_dir))
    finally:
        await workload.delete_topics()
    return results

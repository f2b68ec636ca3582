"""Scenarios 4 and 5: kill -9 of the Kafka broker, of PostgreSQL, then a restart on the same port and data.

While a server is down the services must stay up (no crash loop), say why in `/readyz`, retry without
dead-lettering, and lose no write the broker acknowledged: every outbox row marked sent is on its topic.
"""

from __future__ import annotations

import asyncio
import functools
import threading
import time
from collections.abc import Callable

from tdi_localstack.faults.harness import FaultPlatform, during
from tdi_localstack.faults.report import ScenarioReport
from tdi_localstack.faults.scenarios_core import _finish, _wait
from tdi_localstack.faults.scenarios_infra_probes import (
    acknowledged_missing,
    applied_above,
    crashed_since,
    internal_dead_letters,
    pids,
    wait_reason,
)
from tdi_localstack.faults.stream import Stream


def _outages(
    platform: FaultPlatform,
    stream: Stream,
    kill: Callable[[], None],
    restart: Callable[[], None],
    check: str,
    rounds: int,
    down_s: float,
    seen: list[str],
) -> Callable[[threading.Event], None]:
    def faults(stop: threading.Event) -> None:
        for k in range(rounds):
            if not _wait(functools.partial(applied_above, stream, 8 * (k + 1)), stop):
                return
            kill()
            platform.faults += 1
            seen.append(wait_reason(platform, check, stop))
            time.sleep(down_s)  # the services keep trying meanwhile
            restart()
            platform.wait_ready()

    return faults


def _outage_scenario(
    platform: FaultPlatform, full: bool, name: str, tag: str, server: str, check: str
) -> ScenarioReport:
    began, before, alive_before = time.monotonic(), platform.faults, pids(platform)
    internal_before = internal_dead_letters(platform)
    stream, seen = Stream(platform, tag, 40 if full else 8), list[str]()
    kill, back = getattr(platform.stack, f"kill_{server}"), getattr(platform.stack, f"restart_{server}")
    restart = lambda: back(timeout=300)  # noqa: E731 - log recovery after a crash, on a loaded machine
    during(stream.run, _outages(platform, stream, kill, restart, check, 2 if full else 1, 5.0 if full else 2.0, seen))
    crashed = crashed_since(platform, alive_before)
    report = _finish(name, platform, stream, before, began, readyz_while_down=seen, crashed=crashed)
    missing = asyncio.run(acknowledged_missing(platform))
    report.figures["acknowledged_missing"] = missing
    if crashed:
        report.problems.append(f"services died while {server} was down (crash loop): {crashed}")
    if missing:
        report.problems.append(f"lost: {missing} outbox rows marked sent are not on their topic")
    internal = report.figures["internal_dead_letters"] = internal_dead_letters(platform) - internal_before
    if internal:
        report.problems.append(f"{internal} events dead-lettered as INTERNAL_ERROR during a transient fault")
    if any(check not in reason for reason in seen):
        report.problems.append(f"/readyz did not name the {check} while it was down: {seen}")
    return report


def broker_kill(platform: FaultPlatform, full: bool) -> ScenarioReport:
    """4. kill -9 of the Kafka broker mid-stream, restart on the same port and log dirs."""
    return _outage_scenario(platform, full, "4 kill -9 of the Kafka broker", "s4", "kafka", "broker")


def database_kill(platform: FaultPlatform, full: bool) -> ScenarioReport:
    """5. kill -9 of PostgreSQL (postmaster and backends) mid-stream, crash recovery at restart."""
    return _outage_scenario(platform, full, "5 kill -9 of PostgreSQL", "s5", "postgres", "database")


SCENARIOS: dict[str, Callable[[FaultPlatform, bool], ScenarioReport]] = {"4": broker_kill, "5": database_kill}

"""Scenarios c2 and c3 (issue 28) on the cluster platform (`cluster.fault_cluster`): the database fails over, the
services restart one instance at a time. c1, c4 and c5 (the Kafka nodes): `scenarios_cluster_kafka.py`.

c2. kill -9 of the PostgreSQL primary under load, then the standby promoted (and the lost server rebuilt);
c3. a rolling restart of every service instance (SIGTERM: drain, graceful shutdown), staff commands through the
    balancer.

Each reports, beside the checker's counts (`cluster_report.py`): the HTTP commands refused and retried with their
Idempotency-Key (`http_refused`), the longest time without any partner answer (`no_answer_s`) and, for c2, the
time without writes and the acknowledged commits lost (none).
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from tdi_localstack.faults.cluster import ClusterPlatform
from tdi_localstack.faults.cluster_probes import AnswerProbe, WriteProbe
from tdi_localstack.faults.cluster_report import answer_figures, cluster_finish, loaded, under_load
from tdi_localstack.faults.harness import FaultPlatform
from tdi_localstack.faults.report import ScenarioReport
from tdi_localstack.faults.scenarios_infra_probes import pids
from tdi_localstack.faults.stream import Stream
from tdi_localstack.provisioning import SERVICES

SCENARIOS: dict[str, Callable[[FaultPlatform, bool], ScenarioReport]] = {}  # these need the cluster platform
FAILOVER_DELAY_S = 2.0
"""The operator's (CloudNativePG's) time to notice the primary is gone before it promotes the standby."""


def database_failover(platform: FaultPlatform, full: bool) -> ScenarioReport:
    """c2. kill -9 of the PostgreSQL primary under load; the standby promoted; the lost server rebuilt as standby."""
    assert isinstance(platform, ClusterPlatform)
    began, before, alive_before = time.monotonic(), platform.faults, pids(platform)
    stream, moments, promoted = Stream(platform, "c2", 40 if full else 12), list[float](), list[float]()

    def faults(stop: threading.Event) -> None:
        for k in range(2 if full else 1):
            if not loaded(stream, k, stop):
                return
            moments.append(time.monotonic())
            platform.stack.kill_postgres()
            platform.faults += 1
            time.sleep(FAILOVER_DELAY_S)
            platform.stack.promote_postgres(rebuild=False)
            promoted.append(round(time.monotonic() - moments[-1], 1))
            platform.stack.postgres_pair.rebuild_standby()  # commits synchronous again before the next round

    with WriteProbe(platform.stack.database_url) as writes, AnswerProbe(stream, platform.bootstrap) as probe:
        under_load(stream, faults, probe)
    figures: dict[str, Any] = {
        "promoted_after_s": promoted,
        "time_without_writes_s": writes.gap_s,
        "acknowledged_writes": len(writes.acknowledged),
    }
    answer_figures(probe, moments, figures)
    report = cluster_finish(
        "c2 PostgreSQL primary killed, standby promoted",
        platform,
        stream,
        before,
        began,
        alive_before,
        probe,
        **figures,
    )
    lost = report.figures["acknowledged_writes_lost"] = len(writes.lost())
    if lost:
        report.problems.append(f"lost: {lost} acknowledged commits missing on the promoted primary")
    return report


def rolling_restart_services(platform: FaultPlatform, full: bool) -> ScenarioReport:
    """c3. every instance in turn (both of each service; the first of each reduced): SIGTERM, then started again
    and ready at the balancer before the next, while partners publish and staff send commands."""
    assert isinstance(platform, ClusterPlatform)
    began, before = time.monotonic(), platform.faults
    stream = Stream(platform, "c3", 64 if full else 24)
    order = [f"{s}/{n}" for n in (1, 2) for s in SERVICES] if full else [f"{s}/1" for s in SERVICES]
    restarts: list[tuple[str, int | None, float, bool]] = []
    moments: list[float] = []
    balancer = platform.balancer
    assert balancer is not None

    def faults(stop: threading.Event) -> None:
        loaded(stream, 0, stop, per_fault=4)
        for name in order:  # all of them, even once the stream is done: a rollout does not stop halfway
            moments.append(time.monotonic())
            under_load = not stop.is_set()
            code = platform.kill(name, signal.SIGTERM, timeout=60)  # drain, then the graceful shutdown
            platform.start(name)
            while not balancer.ready(name):  # a rollout waits for the new pod's readiness before the next
                time.sleep(0.1)
            restarts.append((name, code, round(time.monotonic() - moments[-1], 1), under_load))

    alive_before: dict[str, int] = {}  # every instance is restarted on purpose: only the dead ones are reported
    with AnswerProbe(stream, platform.bootstrap) as probe:
        under_load(stream, faults, probe)
    figures: dict[str, Any] = {
        "restarts": len(restarts),
        "restarts_under_load": sum(r[3] for r in restarts),
        "restart_s": max((r[2] for r in restarts), default=0.0),
    }
    answer_figures(probe, moments, figures)
    report = cluster_finish(
        "c3 rolling restart of every service", platform, stream, before, began, alive_before, probe, **figures
    )
    unclean = [r for r in restarts if r[1] not in (0, -signal.SIGTERM)]
    if unclean:
        report.problems.append(f"a SIGTERM is a clean exit after the drain and shutdown: {unclean}")
    return report


CLUSTER_SCENARIOS: dict[str, Callable[[FaultPlatform, bool], ScenarioReport]] = {
    "c2": database_failover,
    "c3": rolling_restart_services,
}

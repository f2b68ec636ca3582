"""Scenarios c1-c5 (issue 28), on the cluster platform (`cluster.fault_cluster`: three Kafka nodes, a synchronous
PostgreSQL standby, two instances of every service behind a balancer), each checked by the same history checker.

c1. kill -9 of one Kafka node under load, then its restart, three times, a different node each time;
c2. kill -9 of the PostgreSQL primary under load, then the standby promoted (and the lost server rebuilt);
c3. a rolling restart of every service instance (SIGTERM: drain, graceful shutdown), staff commands through the
    balancer;
c4. a rolling restart of the Kafka nodes (SIGTERM: controlled shutdown), as an upgrade;
c5. one Kafka node cut off from the other two for 30 s (iptables in its network namespace), skipped with the
    reason where namespaces cannot be made.

Each reports, beside the checker's counts: the HTTP commands refused and retried with their Idempotency-Key
(`http_refused`), the longest wait of a partner for an answer (`no_answer_s`, the answer probe) and the broker's
or database's own figure for the same fault (leader election seen in the metadata, controlled shutdown,
fencing, time without writes).
"""

from __future__ import annotations

import asyncio
import functools
import signal
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient

from tdi_localstack.faults.checker import GROUPS
from tdi_localstack.faults.cluster import INSTANCES, ClusterPlatform
from tdi_localstack.faults.cluster_probes import AnswerProbe, WriteProbe
from tdi_localstack.faults.harness import FaultPlatform, during
from tdi_localstack.faults.report import ScenarioReport
from tdi_localstack.faults.scenarios_core import _finish, _wait
from tdi_localstack.faults.scenarios_infra_probes import acknowledged_missing, applied_above, crashed_since, pids
from tdi_localstack.faults.stream import Stream
from tdi_localstack.kafka_network import namespaces_available
from tdi_localstack.provisioning import SERVICES

SCENARIOS: dict[str, Callable[[FaultPlatform, bool], ScenarioReport]] = {}  # these need the cluster platform
FAILOVER_DELAY_S = 2.0
"""The operator's (CloudNativePG's) time to notice the primary is gone before it promotes the standby."""
PARTITION_S = 30.0


def _answer_figures(probe: AnswerProbe, moments: list[float], figures: dict[str, Any]) -> None:
    """Per fault: the longest time without any partner answer, and the longest wait of one partner event; the
    ordinary wait before the first fault beside them."""
    ends = [*moments[1:], float("inf")]
    windows = list(zip(moments, ends, strict=True))
    figures["no_answer_s"] = [probe.silence_between(start, end) for start, end in windows]
    figures["longest_wait_s"] = [probe.worst_between(start, end) for start, end in windows]
    before = [probe.answered[e] - t for e, t in probe.sent.items() if e in probe.answered and t < moments[0]]
    figures["answer_s_before_faults"] = round(statistics.median(before), 2) if before else None
    figures["probe_events"] = len(probe.sent)


def _under_load(stream: Stream, faults: Callable[[threading.Event], None], probe: AnswerProbe) -> None:
    """The stream runs until the faults are done (not only its own size), once partners are answered promptly."""
    probe.warm()
    done = threading.Event()

    def until_done(stop: threading.Event) -> None:
        try:
            faults(stop)
        finally:
            done.set()

    during(functools.partial(stream.run, until=done), until_done)


def _cluster_finish(
    name: str,
    platform: ClusterPlatform,
    stream: Stream,
    before: int,
    began: float,
    alive_before: dict[str, int],
    **figures: Any,
) -> ScenarioReport:
    crashed = crashed_since(platform, alive_before) or [n for n in platform.services if not platform.alive(n)]
    refused = stream.ledger.refused
    figures |= {
        "http_commands": len(stream.ledger.http),
        "http_refused": len(refused),
        "http_refused_attempts": sum(len(r) for r in refused.values()),
        "http_refusal_reasons": dict(Counter(reason for reasons in refused.values() for reason in reasons)),
        "crashed": crashed,
    }
    report = _finish(name, platform, stream, before, began, **figures)
    missing = report.figures["acknowledged_missing"] = asyncio.run(acknowledged_missing(platform))
    failed = [k for k, (status, _) in stream.ledger.http.items() if status >= 500]
    if crashed:
        report.problems.append(f"service instances died or were restarted by someone else: {crashed}")
    if missing:
        report.problems.append(f"lost: {missing} outbox rows marked sent are not on their topic")
    if failed:
        report.problems.append(f"HTTP commands refused for good (5xx after every retry): {failed[:5]}")
    return report


def _loaded(stream: Stream, k: int, stop: threading.Event, per_fault: int = 6) -> bool:
    return _wait(functools.partial(applied_above, stream, per_fault * (k + 1)), stop)


def broker_kills(platform: FaultPlatform, full: bool) -> ScenarioReport:
    """c1. kill -9 of one Kafka node of three under load, restarted after a few seconds; 3 times (1 reduced)."""
    assert isinstance(platform, ClusterPlatform)
    began, before, alive_before = time.monotonic(), platform.faults, pids(platform)
    cluster, stream = platform.stack.kafka_cluster, Stream(platform, "c1", 48 if full else 16)
    moments: list[float] = []
    elections: list[float] = []
    back: list[float] = []

    def faults(stop: threading.Event) -> None:
        for k in range(3 if full else 1):
            if not _loaded(stream, k, stop):
                return
            node = k % 3 + 1
            moments.append(time.monotonic())
            cluster.kill(node)
            platform.faults += 1
            elections.append(round(cluster.wait_fenced(node, timeout=300), 1))  # the brokers' own verdict
            time.sleep(3.0)  # down a while longer, under load
            cluster.restart(node, timeout=300)
            back.append(round(cluster.wait_in_sync(timeout=300), 1))

    with AnswerProbe(stream, platform.bootstrap) as probe:
        _under_load(stream, faults, probe)
    figures: dict[str, Any] = {"leader_election_s": elections, "back_in_sync_s": back}
    _answer_figures(probe, moments, figures)
    return _cluster_finish(
        "c1 kill -9 of one Kafka node of three", platform, stream, before, began, alive_before, **figures
    )


def database_failover(platform: FaultPlatform, full: bool) -> ScenarioReport:
    """c2. kill -9 of the PostgreSQL primary under load; the standby promoted; the lost server rebuilt as standby."""
    assert isinstance(platform, ClusterPlatform)
    began, before, alive_before = time.monotonic(), platform.faults, pids(platform)
    stream, moments, promoted = Stream(platform, "c2", 40 if full else 12), list[float](), list[float]()

    def faults(stop: threading.Event) -> None:
        for k in range(2 if full else 1):
            if not _loaded(stream, k, stop):
                return
            moments.append(time.monotonic())
            platform.stack.kill_postgres()
            platform.faults += 1
            time.sleep(FAILOVER_DELAY_S)
            platform.stack.promote_postgres(rebuild=False)
            promoted.append(round(time.monotonic() - moments[-1], 1))
            platform.stack.postgres_pair.rebuild_standby()  # commits synchronous again before the next round

    with WriteProbe(platform.stack.database_url) as writes, AnswerProbe(stream, platform.bootstrap) as probe:
        _under_load(stream, faults, probe)
    figures: dict[str, Any] = {
        "promoted_after_s": promoted,
        "time_without_writes_s": writes.gap_s,
        "acknowledged_writes": len(writes.acknowledged),
    }
    _answer_figures(probe, moments, figures)
    report = _cluster_finish(
        "c2 PostgreSQL primary killed, standby promoted", platform, stream, before, began, alive_before, **figures
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
        _loaded(stream, 0, stop, per_fault=4)
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
        _under_load(stream, faults, probe)
    figures: dict[str, Any] = {
        "restarts": len(restarts),
        "restarts_under_load": sum(r[3] for r in restarts),
        "restart_s": max((r[2] for r in restarts), default=0.0),
    }
    _answer_figures(probe, moments, figures)
    report = _cluster_finish(
        "c3 rolling restart of every service", platform, stream, before, began, alive_before, **figures
    )
    unclean = [r for r in restarts if r[1] not in (0, -signal.SIGTERM)]
    if unclean:
        report.problems.append(f"a SIGTERM is a clean exit after the drain and shutdown: {unclean}")
    return report


async def _groups(bootstrap: str) -> dict[str, tuple[str, int]]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_consumer_groups(GROUPS)
        return {g.group: (g.state, len(g.members)) for response in described for g in _group_rows(response)}
    finally:
        await admin.close()


def _settled_groups(bootstrap: str, timeout: float = 120.0) -> dict[str, tuple[str, int]]:
    """Each group's (state, members) once all are Stable with every instance, or as they are at `timeout`."""
    deadline, groups = time.monotonic() + timeout, dict[str, tuple[str, int]]()
    while time.monotonic() < deadline:
        try:
            groups = asyncio.run(_groups(bootstrap))
        except Exception as error:  # a node just restarted: its connections close once, ask again
            groups = {"(describe failed)": (repr(error), 0)}
        if groups and all(state == ("Stable", INSTANCES) for state in groups.values()):
            break
        time.sleep(1.0)
    return groups


def _group_rows(response: Any) -> list[Any]:
    from types import SimpleNamespace

    return [SimpleNamespace(group=row[1], state=row[2], members=row[5]) for row in response.groups]


def rolling_restart_brokers(platform: FaultPlatform, full: bool) -> ScenarioReport:
    """c4. each Kafka node in turn: SIGTERM (a controlled shutdown), restart, back in sync before the next."""
    assert isinstance(platform, ClusterPlatform)
    began, before, alive_before = time.monotonic(), platform.faults, pids(platform)
    cluster, stream = platform.stack.kafka_cluster, Stream(platform, "c4", 48 if full else 16)
    moments: list[float] = []
    shutdowns: list[float] = []
    back: list[float] = []

    def faults(stop: threading.Event) -> None:
        for k, node in enumerate((1, 2, 3)):
            if not _loaded(stream, k, stop, per_fault=4):
                return
            moments.append(time.monotonic())
            code = cluster.terminate(node)
            shutdowns.append(round(time.monotonic() - moments[-1], 1))
            platform.faults += 1
            if code not in (0, 143, -signal.SIGTERM):
                raise RuntimeError(f"Kafka node {node} did not stop cleanly on SIGTERM: exit {code}")
            cluster.restart(node, timeout=300)
            back.append(round(cluster.wait_in_sync(timeout=300), 1))

    with AnswerProbe(stream, platform.bootstrap) as probe:
        _under_load(stream, faults, probe)
    figures: dict[str, Any] = {"controlled_shutdown_s": shutdowns, "back_in_sync_s": back}
    _answer_figures(probe, moments, figures)
    report = _cluster_finish(
        "c4 rolling restart of the Kafka nodes", platform, stream, before, began, alive_before, **figures
    )
    groups = report.figures["groups"] = _settled_groups(platform.bootstrap)
    stuck = {g: s for g, s in groups.items() if s != ("Stable", INSTANCES)}
    if stuck:
        report.problems.append(f"consumer groups not stable after the rolling restart: {stuck}")
    return report


def broker_partition(platform: FaultPlatform, full: bool) -> ScenarioReport:
    """c5. the node leading the most partitions cut off from the two others for 30 s (iptables in its network
    namespace), then healed."""
    assert isinstance(platform, ClusterPlatform)
    name = "c5 one Kafka node cut off from the others"
    cluster = platform.stack.kafka_cluster
    if not cluster.isolated:
        reason = namespaces_available() or "the cluster runs on loopback (TDI_STACK_ISOLATED unset)"
        report = ScenarioReport(f"{name} SKIPPED", 0, 0, 0, 0, 0, 0.0, {"skipped": reason})
        print(report.line(), flush=True)  # noqa: T201 - the counts each scenario must show
        return report
    began, before, alive_before = time.monotonic(), platform.faults, pids(platform)
    stream, moments, fenced, back = Stream(platform, "c5", 48 if full else 16), list[float](), list[float](), []
    cut_s = PARTITION_S if full else PARTITION_S / 2

    def faults(stop: threading.Event) -> None:
        if not _loaded(stream, 0, stop):
            return
        node = cluster.busiest()
        moments.append(time.monotonic())
        cluster.partition(node)
        platform.faults += 1
        try:
            fenced.append(round(cluster.wait_fenced(node, timeout=cut_s + 60), 1))
            time.sleep(max(0.0, cut_s - (time.monotonic() - moments[-1])))
        finally:
            cluster.heal(node)
        back.append(round(cluster.wait_in_sync(timeout=300), 1))

    with AnswerProbe(stream, platform.bootstrap) as probe:
        _under_load(stream, faults, probe)
    figures: dict[str, Any] = {"cut_s": cut_s, "fenced_after_s": fenced, "back_in_sync_s": back}
    _answer_figures(probe, moments or [time.monotonic()], figures)
    return _cluster_finish(name, platform, stream, before, began, alive_before, **figures)


CLUSTER_SCENARIOS: dict[str, Callable[[FaultPlatform, bool], ScenarioReport]] = {
    "c1": broker_kills,
    "c2": database_failover,
    "c3": rolling_restart_services,
    "c4": rolling_restart_brokers,
    "c5": broker_partition,
}

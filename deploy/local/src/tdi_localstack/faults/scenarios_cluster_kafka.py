"""Scenarios c1, c4 and c5 (issue 28) on the cluster platform: the Kafka nodes killed, restarted, cut off.

c1. kill -9 of one Kafka node under load, then its restart, three times, a different node each time;
c4. a rolling restart of the Kafka nodes (SIGTERM: controlled shutdown), as an upgrade; no consumer group stuck;
c5. the node leading the most partitions cut off from the other two for 30 s (iptables in its network
    namespace), skipped with the reason where namespaces cannot be made.

Beside the checker's counts and the answer probe's figures, the brokers' own figure for the same fault: the
leader election seen in the metadata (c1), the controlled shutdown (c4), the fencing of the cut node (c5).
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from tdi_localstack.faults.checker import GROUPS
from tdi_localstack.faults.cluster import INSTANCES, ClusterPlatform
from tdi_localstack.faults.cluster_probes import AnswerProbe
from tdi_localstack.faults.cluster_report import answer_figures, cluster_finish, loaded, under_load
from tdi_localstack.faults.harness import FaultPlatform
from tdi_localstack.faults.report import ScenarioReport
from tdi_localstack.faults.scenarios_infra_probes import pids
from tdi_localstack.faults.stream import Stream
from tdi_localstack.kafka_network import namespaces_available

SCENARIOS: dict[str, Callable[[FaultPlatform, bool], ScenarioReport]] = {}  # these need the cluster platform
PARTITION_S = 30.0


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
            if not loaded(stream, k, stop):
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
        under_load(stream, faults, probe)
    figures: dict[str, Any] = {"leader_election_s": elections, "back_in_sync_s": back}
    answer_figures(probe, moments, figures)
    return cluster_finish(
        "c1 kill -9 of one Kafka node of three", platform, stream, before, began, alive_before, probe, **figures
    )


def _groups(bootstrap: str) -> dict[str, tuple[str, int]]:
    """(state, members) of each service's consumer group. librdkafka's DescribeGroups: aiokafka's version of the
    request is one Kafka 4 no longer serves (the broker closes the connection)."""
    from confluent_kafka.admin import AdminClient

    admin = AdminClient({"bootstrap.servers": bootstrap})
    described = {g: f.result(timeout=30) for g, f in admin.describe_consumer_groups(GROUPS, request_timeout=20).items()}
    return {g: (d.state.name.title(), len(d.members)) for g, d in described.items()}


def _settled_groups(bootstrap: str, timeout: float = 120.0) -> dict[str, tuple[str, int]]:
    """Each group's (state, members) once all are Stable with every instance, or as they are at `timeout`."""
    deadline, groups = time.monotonic() + timeout, dict[str, tuple[str, int]]()
    while time.monotonic() < deadline:
        try:
            groups = _groups(bootstrap)
        except Exception as error:  # a node just restarted: ask again
            groups = {"(describe failed)": (repr(error), 0)}
        if groups and all(state == ("Stable", INSTANCES) for state in groups.values()):
            break
        time.sleep(1.0)
    return groups


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
            if not loaded(stream, k, stop, per_fault=4):
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
        under_load(stream, faults, probe)
    figures: dict[str, Any] = {"controlled_shutdown_s": shutdowns, "back_in_sync_s": back}
    answer_figures(probe, moments, figures)
    report = cluster_finish(
        "c4 rolling restart of the Kafka nodes", platform, stream, before, began, alive_before, probe, **figures
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
        if not loaded(stream, 0, stop):
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
        under_load(stream, faults, probe)
    figures: dict[str, Any] = {"cut_s": cut_s, "fenced_after_s": fenced, "back_in_sync_s": back}
    answer_figures(probe, moments or [time.monotonic()], figures)
    return cluster_finish(name, platform, stream, before, began, alive_before, probe, **figures)


CLUSTER_SCENARIOS: dict[str, Callable[[FaultPlatform, bool], ScenarioReport]] = {
    "c1": broker_kills,
    "c4": rolling_restart_brokers,
    "c5": broker_partition,
}

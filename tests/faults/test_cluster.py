"""Reduced scenarios c1 and c3 of issue 28 (all five, full: `make faults`), on a cluster platform of their own:
three Kafka nodes, a PostgreSQL primary and its synchronous standby, two instances of every service behind a
load balancer address.

c1: one Kafka node killed (-9) under load and restarted: nothing acknowledged lost, nothing applied twice, no
    service restarted, partners answered again once the brokers elected new leaders.
c3: every service restarted (SIGTERM, one instance at a time) while partners publish and staff send commands
    through the balancer: no command refused for good, nothing lost or twice.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tdi_localstack.faults import scenarios_cluster, scenarios_cluster_kafka
from tdi_localstack.faults.cluster import ClusterPlatform, fault_cluster

pytestmark = [pytest.mark.integration, pytest.mark.faults, pytest.mark.timeout(1800)]


@pytest.fixture(scope="module")
def cluster_run() -> Iterator[ClusterPlatform]:
    """Torn down with this module: never alongside the single-broker platform of the other fault tests."""
    folder = Path(tempfile.mkdtemp(prefix="tdi-faults-cluster-"))
    try:
        with fault_cluster(folder) as platform:
            rss = platform.rss_mib()
            print(f"\n[faults] cluster platform resident memory: {sum(rss.values())} MiB {rss}")
            yield platform
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_kafka_node_killed_under_load_loses_nothing_and_restarts_no_service(cluster_run):
    report = scenarios_cluster_kafka.broker_kills(cluster_run, full=False)
    report.assert_clean()
    assert report.faults == 1
    assert report.figures["acknowledged_missing"] == 0
    assert report.figures["crashed"] == []
    assert len(report.figures["leader_election_s"]) == len(report.figures["no_answer_s"]) == 1
    assert report.figures["probe_events"] > 0


def test_a_rolling_restart_of_every_service_refuses_no_command_for_good_and_loses_nothing(cluster_run):
    report = scenarios_cluster.rolling_restart_services(cluster_run, full=False)
    report.assert_clean()
    assert report.figures["restarts"] == 5
    assert report.figures["restarts_under_load"] >= 1
    assert report.figures["http_commands"] > 0

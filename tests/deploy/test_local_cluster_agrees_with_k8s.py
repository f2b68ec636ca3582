"""The local cluster (issue 28) and the Kubernetes manifests promise the same thing: replication, in-sync minimum,
acknowledgements, client settings, synchronous standby, drain within the grace period.

Values are read on both sides, never copied here: from deploy/k8s as rendered by kustomize, and from the local
stack's own rendering (the properties a node is started with, the topic plan it creates, the settings its
PostgreSQL servers get) and the kit's settings.
"""

from __future__ import annotations

import importlib.util
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from tdi_localstack import provisioning
from tdi_localstack.kafka_cluster import KafkaCluster
from tdi_localstack.kafka_server import KafkaServer
from tdi_localstack.postgres_server import SERVER_SETTINGS
from tdi_localstack.postgres_standby import PostgresPair, synchronous_standby_names
from tdi_runtime.kafka import PRODUCER_SETTINGS
from tdi_runtime.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
REPLICATION = (
    "default.replication.factor",
    "min.insync.replicas",
    "offsets.topic.replication.factor",
    "transaction.state.log.replication.factor",
    "transaction.state.log.min.isr",
    "unclean.leader.election.enable",
    "auto.create.topics.enable",
)


@cache
def _manifests() -> Any:
    spec = importlib.util.spec_from_file_location("tdi_k8s_manifests", ROOT / "tests/deploy/test_k8s_manifests.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _of_kind(overlay: str, kind: str) -> dict[str, dict[str, Any]]:
    return dict(_manifests()._of_kind(_manifests().rendered(overlay), kind))


_RENDER = tempfile.TemporaryDirectory(prefix="tdi-cluster-render-")
"""Where the local servers' settings are rendered (credentials, ports): nothing is started; removed at exit."""


@cache
def _local_cluster() -> KafkaCluster:
    cluster = KafkaCluster(Path(_RENDER.name) / "cluster", secure=True)
    cluster._build()  # the nodes and their settings, nothing started
    return cluster


def _broker(config: dict[str, Any]) -> dict[str, str]:
    return {k: str(v).lower() for k, v in config.items()}


def test_the_local_cluster_has_as_many_combined_nodes_as_the_node_pool() -> None:
    pools = _of_kind("prod", "KafkaNodePool")
    assert sum(pool["spec"]["replicas"] for pool in pools.values()) == len(_local_cluster().nodes)
    assert all(set(pool["spec"]["roles"]) == {"controller", "broker"} for pool in pools.values())
    for node in _local_cluster().nodes:
        assert node.properties()["process.roles"] == "broker,controller"
        assert len(node.properties()["controller.quorum.voters"].split(",")) == len(_local_cluster().nodes)


def test_every_node_of_the_local_cluster_has_the_brokers_replication_settings_of_the_manifest() -> None:
    manifest = _broker(_of_kind("prod", "Kafka")["tdi"]["spec"]["kafka"]["config"])
    for node in _local_cluster().nodes:
        local = _broker(node.properties())
        assert {k: local.get(k) for k in REPLICATION} == {k: manifest.get(k) for k in REPLICATION}, node.node_id


def test_the_single_local_broker_matches_the_development_overlay() -> None:
    manifest = _broker(_of_kind("dev", "Kafka")["tdi"]["spec"]["kafka"]["config"])
    single = KafkaServer(Path(_RENDER.name) / "single")
    from tdi_localstack.kafka_server import _properties

    local = _broker(dict(line.split("=", 1) for line in _properties(single.data_dir, 1, 2, 6, {}).splitlines()))
    keys = [k for k in REPLICATION if k in manifest and k in local]  # Kafka's own default otherwise (unclean: false)
    assert {"default.replication.factor", "min.insync.replicas", "offsets.topic.replication.factor"} <= set(keys)
    assert {k: local[k] for k in keys} == {k: manifest[k] for k in keys}
    topics = _of_kind("dev", "KafkaTopic").values()
    assert {t["spec"]["replicas"] for t in topics} == {int(local["default.replication.factor"])}


def test_every_topic_is_created_locally_as_its_kafka_topic_declares_it() -> None:
    options = _local_cluster().topic_options()
    plan = {
        name: (partitions, options["replication_factor"], configs)
        for name, partitions, configs in provisioning.topic_plan(None, options["min_insync_replicas"])
    }
    declared = {t["spec"]["topicName"]: t["spec"] for t in _of_kind("prod", "KafkaTopic").values()}
    assert set(plan) == set(declared)
    for name, spec in declared.items():
        partitions, replicas, configs = plan[name]
        assert (partitions, replicas) == (spec["partitions"], spec["replicas"]), name
        assert configs == {k: str(v) for k, v in spec["config"].items()}, name


def test_writes_wait_for_every_in_sync_replica_so_the_minimum_means_something() -> None:
    """acks=all (and idempotence) in the kit's producer, the one both deployments use; with replication 3 and
    min.insync.replicas 2 an acknowledged write is on two nodes, and one node may be lost."""
    assert PRODUCER_SETTINGS["acks"] == "all" and PRODUCER_SETTINGS["enable_idempotence"] is True
    for topic in _of_kind("prod", "KafkaTopic").values():
        assert 1 < int(topic["spec"]["config"]["min.insync.replicas"]) < topic["spec"]["replicas"]
    local = _local_cluster().topic_options()
    assert 1 < local["min_insync_replicas"] < local["replication_factor"]


def test_clients_log_in_to_the_local_cluster_as_the_manifests_tell_the_services_to() -> None:
    settings = _of_kind("prod", "ConfigMap")["tdi-settings"]["data"]
    options = _local_cluster().client_options("svc-funding")
    assert options["security_protocol"] == settings["KAFKA_SECURITY_PROTOCOL"]
    assert options["sasl_mechanism"] == settings["KAFKA_SASL_MECHANISM"]
    assert settings["DB_HOST"].endswith("-rw"), "CloudNativePG's read-write Service: always the primary"
    pair = PostgresPair(Path(_RENDER.name) / "pair")
    assert pair.url().endswith("?target_session_attrs=read-write"), "locally: the multi-host address finds it"


def test_the_local_standby_is_synchronous_as_the_cloudnativepg_cluster_declares() -> None:
    cluster = _of_kind("prod", "Cluster")["tdi-pg"]["spec"]
    synchronous = cluster["postgresql"]["synchronous"]
    rendered = synchronous_standby_names(["pg-2"])
    assert rendered == f'{synchronous["method"].upper()} {synchronous["number"]} ("pg-2")'
    parameters = cluster["postgresql"]["parameters"]
    assert SERVER_SETTINGS["synchronous_commit"] == parameters.get("synchronous_commit", "on")
    assert SERVER_SETTINGS["max_connections"] == parameters["max_connections"]
    # production keeps `number` standbys after losing one instance: commits stay synchronous ("required")
    assert synchronous["dataDurability"] == "required"
    assert cluster["instances"] - 2 >= synchronous["number"]
    dev = _of_kind("dev", "Cluster")["tdi-pg"]["spec"]
    assert dev["instances"] == 1 and "synchronous" not in dev["postgresql"], "one instance: nothing to wait for"


def test_a_terminating_pod_drains_and_shuts_down_within_its_grace_period() -> None:
    for deployment in _of_kind("prod", "Deployment").values():
        service = deployment["metadata"]["name"].removeprefix("tdi-")
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        env = {item["name"]: item.get("value") for item in container.get("env", [])}
        drain = float(env[f"TDI_{service.upper()}_SHUTDOWN_DRAIN_S"])
        settings = ServiceSettings.for_service(service, deployment="production", shutdown_drain_s=drain)
        grace = deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
        assert 0 < settings.drain_s == ServiceSettings.for_service(service, deployment="production").drain_s
        assert settings.drain_s + settings.shutdown_timeout_s <= grace, deployment["metadata"]["name"]

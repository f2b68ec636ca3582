"""Cluster mode of the local stack (`LocalStack(brokers=3, standby=True)`, `--cluster`): three KRaft nodes from the
same jars (replication 3, min in-sync 2), secure mode as on one broker, (as root) a network namespace per node so
that one can be cut off, and the database behind a multi-host address with a synchronous standby."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import psutil
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import TopicAuthorizationFailedError

from tdi_contracts.topics import ALL_TOPICS, partner_feedback_topic
from tdi_localstack import provisioning
from tdi_localstack.kafka_cluster import KafkaCluster, namespaces_available
from tdi_localstack.stack import LocalStack
from tdi_runtime.kafka import PRODUCER_SETTINGS, batches_to_end, tls_context

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    """A secure cluster stack of its own (a session's shared server settings set aside while it starts)."""
    folder = Path(tempfile.mkdtemp(prefix="tdi-stack-cluster-"))
    shared = {k: os.environ.pop(k) for k in list(os.environ) if k == "KAFKA_BOOTSTRAP_SERVERS" or k == "DATABASE_URL"}
    modes = {k: os.environ.get(k) for k in ("TDI_KAFKA_SECURE", "TDI_KAFKA_TLS")}
    os.environ |= {"TDI_KAFKA_SECURE": "1", "TDI_KAFKA_TLS": "1"}  # and a SASL_SSL listener per node, as on one broker
    servers = LocalStack(data_dir=folder, brokers=3, standby=True, isolated=namespaces_available() is None)
    try:
        servers.kafka_ready_timeout_s = 240
        servers.start()
        rss = sum(psutil.Process(pid).memory_info().rss for pid in servers.server_pids.values())
        print(f"cluster stack: {servers.server_pids}; RSS of the servers' main processes {rss / 2**20:.0f} MiB")
        yield servers
    finally:
        os.environ.update(shared)
        for key, value in modes.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        servers.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster(stack: LocalStack) -> KafkaCluster:
    return stack.kafka_cluster


async def _describe(cluster: KafkaCluster, topics: list[str]) -> list[dict]:
    admin = AIOKafkaAdminClient(bootstrap_servers=cluster.bootstrap_servers, **cluster.client_options())
    await admin.start()
    try:
        return list(await admin.describe_topics(topics))
    finally:
        await admin.close()


async def _min_insync(cluster: KafkaCluster, topic: str) -> str:
    from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

    admin = AIOKafkaAdminClient(bootstrap_servers=cluster.bootstrap_servers, **cluster.client_options())
    await admin.start()
    try:
        described = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
        entries = {e[0]: e[1] for response in described for resource in response.resources for e in resource[4]}
        return str(entries["min.insync.replicas"])
    finally:
        await admin.close()


def test_every_topic_of_the_contracts_has_three_replicas_in_sync_on_three_brokers(cluster: KafkaCluster) -> None:
    described = asyncio.run(_describe(cluster, [t.name for t in ALL_TOPICS]))
    assert len(described) == len(ALL_TOPICS)
    for topic in described:
        for partition in topic["partitions"]:
            assert len(partition["replicas"]) == 3, topic["topic"]
            assert sorted(partition["isr"]) == [1, 2, 3], topic["topic"]
    assert asyncio.run(_min_insync(cluster, ALL_TOPICS[0].name)) == "2"
    assert cluster.heap.endswith("m") and int(cluster.heap[:-1]) <= 512, "each JVM has a small explicit heap"


def test_the_secure_cluster_logs_services_in_and_refuses_what_no_acl_allows(cluster: KafkaCluster) -> None:
    async def scenario() -> None:
        topic = "tdi.territory.territory.v1"
        producer = AIOKafkaProducer(
            bootstrap_servers=cluster.bootstrap_servers, **PRODUCER_SETTINGS, **cluster.client_options("svc-territory")
        )
        await producer.start()
        try:
            await producer.send_and_wait(topic, b"{}", key=b"probe")
        finally:
            await producer.stop()
        other = partner_feedback_topic("bpifrance")
        snoop = AIOKafkaConsumer(
            other, bootstrap_servers=cluster.bootstrap_servers, group_id=None, **cluster.client_options("partner-ademe")
        )
        with pytest.raises(TopicAuthorizationFailedError):  # at start (metadata) or at the first fetch
            try:
                await snoop.start()
                await snoop.getmany(timeout_ms=5000)
                await snoop.getmany(timeout_ms=5000)
            finally:
                await snoop.stop()

    asyncio.run(scenario())


def _handshake(address: str, ca_file: str | None) -> dict[str, object]:
    """A TLS handshake with a node's listener, its certificate verified against `ca_file` (None: the system's CAs)."""
    host, port = address.rsplit(":", 1)
    context = ssl.create_default_context(cafile=ca_file)
    with (
        socket.create_connection((host, int(port)), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=host) as tls,
    ):
        return dict(tls.getpeercert() or {})


def test_the_secure_cluster_serves_clients_over_tls_on_every_node_with_the_local_ca(stack: LocalStack) -> None:
    cluster, env = stack.kafka_cluster, stack.env()
    addresses, ca_file = env["KAFKA_TLS_BOOTSTRAP_SERVERS"], env["KAFKA_SSL_CAFILE"]
    assert addresses == cluster.tls_bootstrap_servers and len(addresses.split(",")) == 3
    for address in addresses.split(","):
        host = address.rsplit(":", 1)[0]
        assert ("IP Address", host) in _handshake(address, ca_file)["subjectAltName"]  # type: ignore[operator]
        with pytest.raises(ssl.SSLCertVerificationError):  # a certificate only our CA vouches for: TLS for real
            _handshake(address, None)

    def over_tls(user: str) -> dict[str, object]:
        return {**cluster.client_options(user), "security_protocol": "SASL_SSL", "ssl_context": tls_context(ca_file)}

    async def scenario() -> list[bytes]:
        topic, value = "tdi.territory.territory.v1", f"tls-{uuid.uuid4().hex}".encode()
        producer = AIOKafkaProducer(bootstrap_servers=addresses, **PRODUCER_SETTINGS, **over_tls("svc-territory"))
        await producer.start()
        try:
            await producer.send_and_wait(topic, value, key=b"probe")  # acks=all: two nodes at least have it
        finally:
            await producer.stop()
        read = [r.value async for b in batches_to_end(addresses, [topic], security=over_tls("admin")) for r in b]
        return [v for v in read if v == value]

    assert len(asyncio.run(scenario())) == 1


async def _produce(cluster: KafkaCluster, topic: str, values: list[bytes]) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=cluster.bootstrap_servers, **PRODUCER_SETTINGS, **cluster.client_options()
    )
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(topic, value, key=value)  # acknowledged by two in-sync replicas at least
    finally:
        await producer.stop()


async def _read(cluster: KafkaCluster, topic: str) -> list[bytes]:
    batches = batches_to_end(cluster.bootstrap_servers, [topic], security=cluster.client_options())
    return [r.value async for batch in batches for r in batch]


def test_writes_acknowledged_before_and_while_a_broker_is_killed_are_all_read_back(cluster: KafkaCluster) -> None:
    topic = f"tdi.test.cluster-{uuid.uuid4().hex[:8]}.v1"
    asyncio.run(provisioning.create_topics(cluster.bootstrap_servers, [(topic, 3, {})], **cluster.topic_options()))
    before = [f"before-{i}".encode() for i in range(50)]
    during = [f"during-{i}".encode() for i in range(50)]
    asyncio.run(_produce(cluster, topic, before))
    cluster.kill(2)
    try:
        asyncio.run(_produce(cluster, topic, during))  # two of three in sync: min.insync.replicas still holds
        assert sorted(asyncio.run(_read(cluster, topic))) == sorted(before + during)
    finally:
        cluster.restart(2)
    cluster.wait_in_sync(timeout=180)


@pytest.mark.skipif(namespaces_available() is not None, reason=str(namespaces_available()))
def test_a_node_cut_off_from_the_others_is_fenced_then_catches_up_once_the_network_heals(cluster: KafkaCluster) -> None:
    topic = f"tdi.test.partition-{uuid.uuid4().hex[:8]}.v1"
    asyncio.run(provisioning.create_topics(cluster.bootstrap_servers, [(topic, 3, {})], **cluster.topic_options()))
    cluster.partition(3)
    try:
        cluster.wait_fenced(3, timeout=120)  # the controller's own verdict: node 3 leads nothing, in no ISR
        values = [f"cut-{i}".encode() for i in range(20)]
        asyncio.run(_produce(cluster, topic, values))
    finally:
        cluster.heal(3)
    cluster.wait_in_sync(timeout=180)
    assert sorted(asyncio.run(_read(cluster, topic))) == sorted(values)


async def _port_and_role(url: str) -> tuple[int, bool]:
    conn = await asyncpg.connect(url)
    try:
        return int(await conn.fetchval("SELECT inet_server_port()")), bool(await conn.fetchval("SELECT current_user"))
    finally:
        await conn.close()


def test_services_reach_the_writable_database_through_one_multi_host_address(stack: LocalStack) -> None:
    pair = stack.postgres_pair
    for service, url in stack.service_database_urls.items():
        assert url == stack.env()[f"TDI_{service.upper()}_DATABASE_URL"]
        assert url.endswith("/tdi?target_session_attrs=read-write")
        assert all(f"127.0.0.1:{s.port}" in url for s in pair.servers)
        assert asyncio.run(_port_and_role(url))[0] == pair.primary_server.port


def test_the_promote_command_fails_over_and_services_find_the_new_primary(stack: LocalStack) -> None:
    pair = stack.postgres_pair
    old, new = pair.primary_server.port, pair.standby_server.port
    env = {**os.environ, "DATABASE_URL": stack.database_url}
    done = subprocess.run(
        [sys.executable, "-m", "tdi_localstack", "promote"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert f"promoted 127.0.0.1:{new}" in done.stdout and f"127.0.0.1:{old}" in done.stdout
    url = stack.service_database_urls["funding"]
    assert asyncio.run(_port_and_role(url))[0] == new

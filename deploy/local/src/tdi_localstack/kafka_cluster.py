"""Cluster mode of the local Kafka: three KRaft nodes (combined broker+controller, a 3-voter quorum) from the same
Maven jars as the single `KafkaServer`, each JVM with a small explicit heap.

Replication as in production (`deploy/k8s`: Strimzi, 3 nodes): every topic has 3 replicas and
`min.insync.replicas = 2`, so an `acks=all` write survives one node down; `unclean.leader.election.enable` stays
false. Secure mode (`secure=True`) is the single broker's: SCRAM-SHA-512 on the client and inter-broker listener,
the KRaft `StandardAuthorizer`, one SCRAM user per principal (shared by the three nodes).

`isolated=True` (root, `ip netns`): each node runs in a network namespace of its own, on a private bridge
(`10.x.y.0/24`, the host at `.1`, node N at `.1N`), so that `partition(N)` can cut node N off from the other
nodes (iptables rules inside N's namespace only: nothing on the host changes) while clients still reach it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tdi_localstack.kafka_network import LoopbackNetwork, NamespaceNetwork, Network, namespaces_available
from tdi_localstack.kafka_node import (
    CLUSTER_SETTINGS,
    DEFAULT_HEAP,
    MIN_INSYNC_REPLICAS,
    REPLICATION_FACTOR,
    KafkaNode,
)
from tdi_localstack.kafka_server import TLS_NEEDS_SECURE, new_cluster_id

__all__ = ["CLUSTER_SETTINGS", "MIN_INSYNC_REPLICAS", "REPLICATION_FACTOR", "KafkaCluster", "namespaces_available"]


@dataclass
class KafkaCluster:
    """`start()` launches every node and waits for each to answer; `bootstrap_servers` lists them all."""

    data_dir: Path
    size: int = REPLICATION_FACTOR
    secure: bool = False
    isolated: bool = False
    heap: str = field(default_factory=lambda: os.environ.get("TDI_KAFKA_CLUSTER_HEAP", DEFAULT_HEAP))
    tls: bool = field(default_factory=lambda: os.environ.get("TDI_KAFKA_TLS", "") in ("1", "true", "yes"))
    """Secure mode only, as on one broker (`TDI_KAFKA_TLS=1`): each node gets a SASL_SSL listener on its own address,
    every certificate signed by one local CA (`ca_file`); clients bootstrap from `tls_bootstrap_servers`."""
    nodes: list[KafkaNode] = field(default_factory=list)
    network: Network | None = None

    def _build(self) -> None:
        if self.nodes:
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        ids = self.data_dir / "cluster-id"
        # An id starting with "-" (made before `new_cluster_id`) formatted no node: StorageTool refused it.
        if not ids.exists() or ids.read_text(encoding="utf-8").startswith("-"):
            ids.write_text(new_cluster_id(), encoding="utf-8")
        network: Network = NamespaceNetwork(self.size) if self.isolated else LoopbackNetwork(self.size)
        self.network = network
        ports = self._ports()
        for n in range(1, self.size + 1):
            self.nodes.append(
                KafkaNode(
                    self.data_dir / f"node-{n}",
                    heap=self.heap,
                    secure=self.secure,
                    node_id=n,
                    host=network.host(n),
                    port=ports[n][0],
                    controller_port=ports[n][1],
                    voters=self.voters,
                    shared_credentials=self.data_dir / "credentials.json",  # what KafkaServer(data_dir) keeps
                    wrap=functools.partial(network.wrap, n),
                    tls=self.tls,
                    tls_port=network.tls_port(n) if self.tls else 0,
                    tls_names=self.tls_names,
                )
            )

    def _ports(self) -> dict[int, tuple[int, int]]:
        """(client, controller) port of each node, kept with the data: KRaft remembers its voters' addresses."""
        saved = self.data_dir / "ports.json"
        assert self.network is not None
        if saved.exists() and not self.isolated:
            return {int(k): (v[0], v[1]) for k, v in json.loads(saved.read_text()).items()}
        ports = {n: self.network.ports(n) for n in range(1, self.size + 1)}
        saved.write_text(json.dumps(ports))
        return ports

    def tls_names(self) -> tuple[str, ...]:
        """What the one certificate of the nodes' TLS listeners names: loopback and every node's address."""
        return ("127.0.0.1", "localhost", *dict.fromkeys(n.host for n in self.nodes))

    @property
    def tls_bootstrap_servers(self) -> str:
        """Every node's SASL_SSL listener (`tls=True`)."""
        self._build()
        return ",".join(node.tls_bootstrap_servers for node in self.nodes)

    @property
    def ca_file(self) -> Path:
        """The local CA that signed the nodes' TLS certificate (PEM): what clients trust (`KAFKA_SSL_CAFILE`)."""
        return self.data_dir / "tls" / "ca.pem"

    def voters(self) -> str:
        return ",".join(f"{n.node_id}@{n.host}:{n.controller_port}" for n in self.nodes)

    @property
    def bootstrap_servers(self) -> str:
        self._build()
        return ",".join(node.bootstrap_servers for node in self.nodes)

    def bootstrap_without(self, node_id: int) -> str:
        return ",".join(n.bootstrap_servers for n in self.nodes if n.node_id != node_id)

    @property
    def credentials(self) -> dict[str, str]:
        self._build()
        return self.nodes[0].credentials

    def client_options(self, user: str = "admin") -> dict[str, str]:
        self._build()
        return self.nodes[0].client_options(user)

    def topic_options(self) -> dict[str, Any]:
        """`provisioning.create_topics` keyword arguments for this cluster: replication and security."""
        return {
            "replication_factor": min(REPLICATION_FACTOR, self.size),
            "min_insync_replicas": MIN_INSYNC_REPLICAS if self.size >= REPLICATION_FACTOR else None,
            "security": self.client_options(),
        }

    def node(self, node_id: int) -> KafkaNode:
        self._build()
        return self.nodes[node_id - 1]

    @property
    def pids(self) -> dict[int, int]:
        return {n.node_id: n.process.pid for n in self.nodes if n.process is not None}

    def launch(self) -> None:
        if self.tls and not self.secure:
            raise ValueError(TLS_NEEDS_SECURE)
        self._build()
        assert self.network is not None
        self.network.up()
        for node in self.nodes:
            node.launch()

    def wait_ready(self, *, timeout: float = 180.0) -> None:
        for node in self.nodes:
            node.wait_ready(timeout=timeout)

    def start(self, *, timeout: float = 180.0) -> None:
        self.launch()
        self.wait_ready(timeout=timeout)

    def kill(self, node_id: int) -> None:
        """kill -9 of one node, as a crash would."""
        self.node(node_id).kill()

    def terminate(self, node_id: int, timeout: float = 120.0) -> int | None:
        """SIGTERM of one node (a controlled shutdown: its leaderships move first); its exit code."""
        node = self.node(node_id)
        assert node.process is not None
        node.process.send_signal(signal.SIGTERM)
        try:
            return node.process.wait(timeout)
        except subprocess.TimeoutExpired:
            node.kill()
            return None
        finally:
            node.process = None

    def restart(self, node_id: int, *, timeout: float = 180.0) -> None:
        self.node(node_id).start(timeout=timeout)

    def partition(self, node_id: int) -> None:
        """Cut `node_id` off from the other nodes (both ways); clients on this host still reach every node."""
        if not isinstance(self.network, NamespaceNetwork):
            raise RuntimeError(f"a partition needs isolated=True (network namespaces): {namespaces_available()}")
        self.network.cut(node_id, [n.node_id for n in self.nodes if n.node_id != node_id])

    def heal(self, node_id: int) -> None:
        if isinstance(self.network, NamespaceNetwork):
            self.network.mend(node_id)

    async def leadership(self, bootstrap: str | None = None) -> dict[tuple[str, int], tuple[int, list[int], list[int]]]:
        """(topic, partition) -> (leader, replicas, isr) as the metadata of `bootstrap` (default: all) says."""
        from aiokafka.admin import AIOKafkaAdminClient

        admin = AIOKafkaAdminClient(
            bootstrap_servers=bootstrap or self.bootstrap_servers, request_timeout_ms=5000, **self.client_options()
        )
        await admin.start()
        try:
            topics = [t for t in await admin.list_topics() if t.startswith("tdi.")]
            return {
                (t["topic"], p["partition"]): (p["leader"], list(p["replicas"]), list(p["isr"]))
                for t in await admin.describe_topics(topics)
                for p in t["partitions"]
            }
        finally:
            await admin.close()

    def busiest(self) -> int:
        """The node that leads the most partitions right now (the one whose loss moves the most leaderships)."""
        leaders = [leader for leader, _, _ in asyncio.run(self.leadership()).values()]
        return max(sorted(set(leaders)), key=leaders.count)

    def wait_acls(self, at_least: int | None = None, *, timeout: float = 60.0) -> None:
        """Until every node's authorizer holds `at_least` ACL bindings (default: as many as the most advanced node
        holds now): they travel through the metadata log, and a node that has not applied them yet refuses what they
        allow (`acls.apply` asks one node only)."""
        from aiokafka.admin import AIOKafkaAdminClient
        from aiokafka.protocol.admin import DescribeAclsRequest

        async def counts() -> list[int]:
            admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap_servers, **self.client_options())
            await admin.start()
            try:
                every = DescribeAclsRequest(1, None, 1, None, None, 1, 1)  # type ANY, pattern ANY, op ANY, perm ANY
                answers = [await admin._send_request(every, n.node_id) for n in self.nodes]
                return [sum(len(resource[-1]) for resource in answer.resources) for answer in answers]
            finally:
                await admin.close()

        wanted = at_least if at_least is not None else max(asyncio.run(counts()))
        _poll(lambda: min(asyncio.run(counts())) >= wanted, timeout, f"a node holds fewer than {wanted} ACLs")

    def wait_fenced(self, node_id: int, *, timeout: float = 120.0) -> float:
        """Seconds until the other nodes' metadata shows `node_id` leading nothing and in no in-sync replica set."""
        began = time.monotonic()

        def fenced() -> bool:
            layout = asyncio.run(self.leadership(self.bootstrap_without(node_id)))
            return bool(layout) and all(leader != node_id and node_id not in isr for leader, _, isr in layout.values())

        _poll(fenced, timeout, f"node {node_id} still leads or is in sync")
        return time.monotonic() - began

    def wait_in_sync(self, *, timeout: float = 180.0) -> float:
        """Seconds until every partition has all its replicas in sync (no under-replicated partition)."""
        began = time.monotonic()

        def in_sync() -> bool:
            layout = asyncio.run(self.leadership())
            return bool(layout) and all(sorted(isr) == sorted(replicas) for _, replicas, isr in layout.values())

        _poll(in_sync, timeout, "partitions still under-replicated")
        return time.monotonic() - began

    def stop(self) -> None:
        for node in self.nodes:
            if node.process is not None:
                node.process.send_signal(signal.SIGTERM)  # every node at once: no leadership to hand over
        for node in self.nodes:
            node.stop()
        if self.network is not None:
            self.network.down()


def _poll(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(Exception):  # a node still starting or just killed: ask again
            if check():
                return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} after {timeout:.0f}s")
        time.sleep(0.2)

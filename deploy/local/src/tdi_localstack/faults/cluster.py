"""The platform beyond one machine, on this one (issue 28): three Kafka nodes, a PostgreSQL primary and its
synchronous standby, two instances of every service sharing their consumer groups, and a load balancer address
per service that the stream's staff commands go through.

Instances are named `<service>/1` and `<service>/2`; `urls[service]` is the balancer's address. As root, each
Kafka node runs in a network namespace of its own (`kafka_network.py`), so that scenario c5 can cut one off.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from tdi_localstack.faults.balancer import Balancer
from tdi_localstack.faults.harness import FaultPlatform
from tdi_localstack.kafka_network import namespaces_available
from tdi_localstack.provisioning import SERVICES
from tdi_localstack.stack import LocalStack

INSTANCES = 2


@dataclass
class ClusterPlatform(FaultPlatform):
    """A `FaultPlatform` whose services run twice each behind a balancer; `stack` is in cluster mode."""

    balancer: Balancer | None = field(default=None, repr=False)

    @property
    def urls(self) -> dict[str, str]:
        assert self.balancer is not None, "the balancer starts with the platform"
        return {service: self.balancer.url(service) for service in SERVICES}

    def instances(self, service: str | None = None) -> list[str]:
        return [name for name in self.services if service is None or self.service_of(name) == service]

    def rss_mib(self) -> dict[str, int]:
        """Memory (MiB, PSS) of the servers (each JVM; each PostgreSQL with its backends) and of the services."""
        found = {name: _tree_rss(pid) for name, pid in self.stack.server_pids.items()}
        found |= {name: _tree_rss(s.process.pid) for name, s in self.services.items() if self.alive(name)}
        return {name: round(rss / 2**20) for name, rss in found.items()}

    def stop(self) -> None:
        if self.balancer is not None:
            self.balancer.stop()
        super().stop()


def _tree_rss(pid: int) -> int:
    """Resident memory of a process and its children, shared pages divided among them (PSS, where readable):
    a PostgreSQL server's shared buffers are counted once, not once per backend."""
    total = 0
    with contextlib.suppress(psutil.NoSuchProcess):
        process = psutil.Process(pid)
        for member in [process, *process.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                info = member.memory_full_info()
                total += int(getattr(info, "pss", info.rss))
    return total


@contextlib.contextmanager
def fault_cluster(
    workdir: Path, service_env: Mapping[str, Mapping[str, str]] | None = None
) -> Iterator[ClusterPlatform]:
    """Three brokers, a primary and its standby, ten service processes and their balancer, all of their own."""
    stack = LocalStack(data_dir=workdir / "stack", brokers=3, standby=True, isolated=namespaces_available() is None)
    stack.kafka_ready_timeout_s = 300
    shared = [k for k in os.environ if k == "KAFKA_BOOTSTRAP_SERVERS" or k.endswith("DATABASE_URL")]
    saved = {k: os.environ.pop(k) for k in shared}
    try:
        stack.start()
    finally:
        os.environ.update(saved)
    platform = ClusterPlatform(stack, workdir / "logs")
    try:
        try:
            for service in SERVICES:
                for n in range(1, INSTANCES + 1):
                    platform.start(f"{service}/{n}", (service_env or {}).get(service), wait=False)
            platform.wait_ready(timeout=420)
            platform.balancer = Balancer(
                {s: {name: platform.services[name].port for name in platform.instances(s)} for s in SERVICES}
            )
            platform.balancer.start()
            platform.know_perimeters()
            yield platform
        finally:
            platform.stop()
    finally:
        stack.stop()
        for cleanup in platform.after_stop:
            cleanup()

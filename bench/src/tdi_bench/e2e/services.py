"""The platform under test: its own LocalStack, the five services as real processes, as `make run` starts them.

The run always starts its own broker and database: the services use fixed consumer groups (`tdi-vte`, ...)
and the catalogue's topic names, so on a shared broker they would join other people's groups and count
their events. Bpifrance's VTE ingress topic gets 8 partitions (the catalogue has 3) for the scale-out.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient, NewPartitions

from tdi_bench.e2e.budget import EXPORT_ENV
from tdi_localstack.perimeters import KnownPerimeter, await_projected, http_post, join_epcis, known_perimeters
from tdi_localstack.platform import RunningService, stop_services, wait_ready
from tdi_localstack.ports import free_port
from tdi_localstack.processes import spawn
from tdi_localstack.provisioning import SERVICES
from tdi_localstack.stack import LocalStack
from tdi_runtime.trace_receiver import TraceReceiver

INGRESS = "tdi.partner.bpifrance.vte.v1"
INGRESS_PARTITIONS = 8
TRACED = ("vte", "reporting")
"""The services that export their spans in the run (the per-hop budget's hops are theirs)."""
TOKEN = "bench-e2e-staff"  # a loopback-only stack that lives as long as the run
READERS_CAPACITY = {
    "TDI_REPORTING_FEED_MAX_STREAMS": "100000",
    "TDI_REPORTING_FEED_MAX_STREAMS_PER_CALLER": "100000",
    "TDI_REPORTING_RATE_EXPORTS_PER_MINUTE": "1000000000",
    "TDI_REPORTING_RATE_EXPORTS_BURST": "1000000",
    "TDI_REPORTING_RATE_FEED_OPENS_PER_MINUTE": "1000000000",
    "TDI_REPORTING_RATE_FEED_OPENS_BURST": "1000000",
}
"""Scenario "readers" measures capacity, not the caps: every stream is the bench's one token, so the caps and rate
limits (issue 22 #7; ignored by the code before it) are lifted for the run."""


@dataclass
class Platform:
    stack: LocalStack
    logs: Path
    profile_dir: Path | None = None
    running: dict[str, list[RunningService]] = field(default_factory=dict)
    profiled: set[str] = field(default_factory=set)
    traces: TraceReceiver | None = None
    """Where vte and reporting export their spans (OTLP/HTTP): the per-hop budget's source."""

    @property
    def admin_url(self) -> str:
        return self.stack.database_url

    def start(self, name: str, instances: int = 1) -> list[RunningService]:
        started = [self._spawn(name, len(self.running.get(name, [])) + i) for i in range(instances)]
        self.running.setdefault(name, []).extend(started)
        return started

    def _spawn(self, name: str, instance: int) -> RunningService:
        port = free_port()
        env = {
            **os.environ,
            **self.stack.env(),
            f"TDI_{name.upper()}_HTTP_PORT": str(port),
            f"TDI_{name.upper()}_API_TOKENS": json.dumps({TOKEN: "staff"}),
            "TDI_VTE_PSEUDONYM_KEY": "bench-e2e-pseudonym-key-not-a-secret",
            **READERS_CAPACITY,
        }
        if self.traces is not None and name in TRACED:
            env |= {
                "OTEL_EXPORTER_OTLP_ENDPOINT": self.traces.endpoint,
                "OTEL_SERVICE_NAME": f"tdi-{name}",
                **EXPORT_ENV,
            }
        log = self.logs / f"{name}-{instance}.log"
        argv = [sys.executable, "-m", f"tdi_{name}"]
        if self.profile_dir is not None and name in ("vte", "reporting") and name not in self.profiled:
            self.profiled.add(name)  # the first process of each: the one that runs scenarios 1 and 2
            out = self.profile_dir / f"profile-e2e-{name}.txt"  # written when the service stops (SIGINT)
            argv = [sys.executable, "-m", "pyinstrument", "-r", "text", "-o", str(out), "-m", f"tdi_{name}"]
        return RunningService(name, port, spawn(argv, log_path=log, env=env), log)

    def stop(self, name: str) -> None:
        services = self.running.pop(name, [])
        if self.profile_dir is not None:  # pyinstrument writes its profile on SIGINT (uvicorn re-raises SIGTERM)
            for service in services:
                service.process.send_signal(signal.SIGINT)
            for service in services:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    service.process.wait(90)
        stop_services(services)

    def stop_all(self) -> None:
        for name in list(self.running):
            self.stop(name)

    def all_services(self) -> list[RunningService]:
        return [s for group in self.running.values() for s in group]


@contextmanager
def _own_servers() -> Iterator[None]:
    """Hide the variables naming existing servers while the stack starts (restored after: a test session's)."""
    names = ["KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL", *(f"TDI_{s.upper()}_DATABASE_URL" for s in SERVICES)]
    saved = {name: os.environ.pop(name) for name in names if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


@contextmanager
def platform(profile_dir: Path | None = None, traces: TraceReceiver | None = None) -> Iterator[Platform]:
    """A fresh stack and the five services, ready; everything stopped and deleted on the way out. With `traces`,
    vte and reporting export their spans to that receiver."""
    stack = LocalStack()
    with _own_servers():
        stack.start()
    try:
        with tempfile.TemporaryDirectory(prefix="tdi-bench-e2e-") as tmp:
            asyncio.run(_more_partitions(stack.bootstrap_servers))
            running = Platform(stack, Path(tmp) / "logs", profile_dir, traces=traces)
            try:
                for name in SERVICES:
                    running.start(name)
                wait_ready(running.all_services(), timeout=300)
                yield running
            finally:
                running.stop_all()
    finally:
        stack.stop()


async def _more_partitions(bootstrap: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_partitions({INGRESS: NewPartitions(INGRESS_PARTITIONS)})
    finally:
        await admin.close()


async def vte_perimeters(platform: Platform, timeout: float = 300.0) -> list[KnownPerimeter]:
    """The territories the contracts stand in: they join the EPCI they are named after (`tdi_localstack.perimeters`),
    then the run waits until the vte service's projection holds their communes and knows their perimeters, so no
    contract of the run is held pending (issue 24)."""
    joined = join_epcis(http_post(platform.running["territory"][0].url, TOKEN))
    if set(joined) != {"joined"}:
        raise RuntimeError(f"the territories could not join their EPCI: {joined}")
    await await_projected(platform.admin_url, timeout_s=timeout)
    return list(known_perimeters())

"""The platform under faults: its own broker and database, the five services as child processes, and the
means to hurt them (kill -9, SIGTERM, restart with other settings) and to see their progress (`/metrics`)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from tdi_localstack.perimeters import join_epcis, wait_projected
from tdi_localstack.platform import RunningService, wait_ready
from tdi_localstack.ports import free_port
from tdi_localstack.processes import spawn, stop
from tdi_localstack.provisioning import SERVICES
from tdi_localstack.stack import LocalStack

T = TypeVar("T")
TOKEN = "faults-staff-token"  # noqa: S105 - a local test token, not a secret
FAST_SETTINGS = {
    "CONSUMER_SESSION_TIMEOUT_MS": "6000",
    "LOG_LEVEL": "WARNING",
    "SHUTDOWN_TIMEOUT_S": "10",
    "SHUTDOWN_DRAIN_S": "2",
}
"""Every service of the suite: a dead member's partitions move within 6 s (the kit's default is 10 s); a SIGTERM
drains for 2 s, four times the cluster harness's load balancer readiness period."""
_PROGRESS = re.compile(r"^tdi_events_(consumed|produced)_total\{[^}]*\}\s+([0-9.e+]+)$", re.MULTILINE)


@dataclass
class FaultPlatform:
    """A running platform that scenarios may break. `urls[name]`, `token`, `bootstrap`, `stack`."""

    stack: LocalStack
    logs: Path
    services: dict[str, RunningService] = field(default_factory=dict)
    env_of: dict[str, dict[str, str]] = field(default_factory=dict)
    faults: int = 0  # kills, terminations, crash points reached: what scenarios report
    token: str = TOKEN
    after_stop: list[Callable[[], None]] = field(default_factory=list)
    """Run once the broker and database have stopped (e.g. unmount what the database wrote to)."""

    @property
    def bootstrap(self) -> str:
        return self.stack.bootstrap_servers

    @property
    def urls(self) -> dict[str, str]:
        return {name: s.url for name, s in self.services.items()}

    @staticmethod
    def service_of(name: str) -> str:
        """The service an instance runs: `funding` for `funding` and for `funding/2` (the cluster harness)."""
        return name.split("/", 1)[0]

    def _env(self, name: str, port: int, extra: Mapping[str, str]) -> dict[str, str]:
        prefix = f"TDI_{self.service_of(name).upper()}_"
        env = {k: v for k, v in os.environ.items() if k != "TDI_FAILPOINTS" and not k.endswith("DATABASE_URL")}
        env |= self.stack.env() | {prefix + k: v for k, v in FAST_SETTINGS.items()}
        env |= {
            prefix + "HTTP_PORT": str(port),
            prefix + "API_TOKENS": json.dumps({self.token: "staff"}),
            "TDI_VTE_PSEUDONYM_KEY": "faults-suite-pseudonym-key-not-a-secret",
        }
        return env | dict(extra)

    def start(self, name: str, extra_env: Mapping[str, str] | None = None, *, wait: bool = True) -> None:
        """(Re)start one service on its port; `extra_env` (e.g. `TDI_FAILPOINTS`) holds until its next start."""
        old = self.services.get(name)
        if old is not None and old.process.poll() is None:
            raise RuntimeError(f"{name} is still running (pid {old.process.pid})")
        port = old.port if old is not None else free_port()
        self.env_of[name] = dict(extra_env or {})
        log = self.logs / f"{name.replace('/', '-')}.log"
        process = spawn(
            [sys.executable, "-m", f"tdi_{self.service_of(name)}"],
            log_path=log,
            env=self._env(name, port, self.env_of[name]),
        )
        self.services[name] = RunningService(name, port, process, log)
        if wait:
            self.wait_ready([name])

    def wait_ready(self, names: list[str] | None = None, timeout: float = 180.0) -> float:
        return wait_ready([self.services[n] for n in names or list(self.services)], timeout=timeout)

    def kill(self, name: str, sig: int = signal.SIGKILL, timeout: float = 30.0) -> int | None:
        """Send `sig` to the service and wait for its exit; returns its exit code (None if it outlived `timeout`)."""
        process = self.services[name].process
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(sig)
        self.faults += 1
        with contextlib.suppress(Exception):
            return process.wait(timeout)
        return None

    def restart(
        self, name: str, extra_env: Mapping[str, str] | None = None, sig: int = signal.SIGKILL, *, wait: bool = True
    ) -> None:
        self.kill(name, sig)
        self.start(name, extra_env, wait=wait)

    def alive(self, name: str) -> bool:
        return self.services[name].process.poll() is None

    def wait_exit(self, name: str, timeout: float) -> int | None:
        """Wait for a service to exit by itself (a crash point): its exit code, or None if still running."""
        with contextlib.suppress(Exception):
            code = self.services[name].process.wait(timeout)
            self.faults += 1
            return code
        return None

    def metrics(self, name: str) -> str:
        with urllib.request.urlopen(f"{self.services[name].url}/metrics", timeout=5) as answer:  # noqa: S310
            return str(answer.read().decode())

    def progress(self, name: str) -> int:
        """Events this process consumed or relayed since it started (0 when it does not answer)."""
        try:
            return int(sum(float(v) for _, v in _PROGRESS.findall(self.metrics(name))))
        except (OSError, urllib.error.URLError):
            return 0

    def readyz(self, name: str) -> tuple[int, Any]:
        try:
            with urllib.request.urlopen(f"{self.services[name].url}/readyz", timeout=5) as answer:  # noqa: S310
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def wait_progress(self, name: str, at_least: int = 1, timeout: float = 120.0) -> int:
        """Wait until the service (this process) made progress; returns it. Raises when it never comes."""
        deadline = time.monotonic() + timeout
        while (done := self.progress(name)) < at_least:
            if not self.alive(name):
                raise RuntimeError(f"{name} exited while waiting for its progress")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{name}: progress {done} < {at_least} after {timeout:.0f}s")
            time.sleep(0.2)
        return done

    def know_perimeters(self) -> None:
        """Before any fault: the territories of `tdi_localstack.perimeters` join their EPCI, and the vte service
        applies them, so the stream's VTE contracts (in their communes) are decided at once (issue 24)."""
        from tdi_localstack.faults.http import call

        def post(path: str, body: dict[str, Any], key: str) -> tuple[int, Any]:
            return call(self.urls["territory"], path, self.token, body, f"faults-{key}")

        joined = join_epcis(post)
        if set(joined) != {"joined"}:
            raise RuntimeError(f"the territories could not join their EPCI: {joined}")
        wait_projected(self.stack.database_url)

    def stop(self) -> None:
        for service in self.services.values():
            if service.process.poll() is None:
                service.process.terminate()
        for service in self.services.values():
            stop(service.process, timeout=15)


@contextlib.contextmanager
def fault_platform(
    workdir: Path, service_env: Mapping[str, Mapping[str, str]] | None = None
) -> Iterator[FaultPlatform]:
    """A broker, a database and the five services of their own (never the shared dev stack: faults kill things)."""
    stack = LocalStack(data_dir=workdir / "stack")
    shared = [k for k in os.environ if k == "KAFKA_BOOTSTRAP_SERVERS" or k.endswith("DATABASE_URL")]
    saved = {k: os.environ.pop(k) for k in shared}
    try:
        stack.start()  # reads the environment only here: other tests of the session keep their stack settings
    finally:
        os.environ.update(saved)
    platform = FaultPlatform(stack, workdir / "logs")
    try:
        try:
            for name in SERVICES:
                platform.start(name, (service_env or {}).get(name), wait=False)
            platform.wait_ready(timeout=240)
            platform.know_perimeters()
            yield platform
        finally:
            platform.stop()
    finally:
        stack.stop()
        for cleanup in platform.after_stop:
            cleanup()


def during(work: Callable[[], T], faults: Callable[[threading.Event], None]) -> T:
    """Run `work` while `faults(stop)` runs in a thread; `stop` is set when the work is done. Both must succeed."""
    stop, failure = threading.Event(), []

    def _faults() -> None:
        try:
            faults(stop)
        except BaseException as error:  # handed to the caller below
            failure.append(error)

    thread = threading.Thread(target=_faults, name="faults", daemon=True)
    thread.start()
    try:
        return work()
    finally:
        stop.set()
        thread.join(300)
        if failure:
            raise failure[0]

"""Runs the whole platform locally: the stack, then the five services as child processes, until Ctrl-C."""

from __future__ import annotations

import json
import os
import secrets
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from subprocess import Popen

from tdi_localstack.ports import free_port, stable_port
from tdi_localstack.processes import spawn, stop, tail
from tdi_localstack.provisioning import SERVICES
from tdi_localstack.stack import LocalStack


@dataclass
class RunningService:
    name: str
    port: int
    process: Popen[bytes]
    log: Path
    fell_back: bool = False  # its stable port was taken: it serves on another one

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def local_secret(folder: Path, name: str) -> str:
    """A random secret for local use only, made once and kept (mode 600) in `folder`."""
    path = folder / name
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(24), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def staff_token(folder: Path) -> str:
    """The local staff bearer token (commands need it; reads do not)."""
    return local_secret(folder, "staff-token")


def start_services(
    stack: LocalStack, logs: Path, token: str | None = None, *, stable_ports: bool = False
) -> list[RunningService]:
    """Start the five services; with `stable_ports`, each on its docker-compose port (8001-8005) when free."""
    running = []
    tokens = json.dumps({token: "staff"} if token else {})
    for name in SERVICES:
        port, fell_back = stable_port(name) if stable_ports else (free_port(), False)
        env = {
            **os.environ,
            **stack.env(),
            f"TDI_{name.upper()}_HTTP_PORT": str(port),
            f"TDI_{name.upper()}_API_TOKENS": tokens,
            # the VTE candidates' pseudonymisation key: a local one unless the environment gives the real secret
            "TDI_VTE_PSEUDONYM_KEY": os.environ.get("TDI_VTE_PSEUDONYM_KEY") or local_secret(logs.parent, "vte-key"),
        }
        log = logs / f"{name}.log"
        process = spawn([sys.executable, "-m", f"tdi_{name}"], log_path=log, env=env)
        running.append(RunningService(name, port, process, log, fell_back))
    return running


def write_services_file(services: list[RunningService], path: Path) -> None:
    """Where each service answers, for `make demo` and other tools run beside `make run`."""
    path.write_text(json.dumps({s.name: s.url for s in services}, indent=2) + "\n", encoding="utf-8")


def _ready(service: RunningService) -> bool:
    try:
        with urllib.request.urlopen(f"{service.url}/readyz", timeout=2) as answer:  # noqa: S310 - loopback
            return bool(answer.status == 200)
    except OSError:
        return False


def wait_ready(services: list[RunningService], timeout: float = 120.0) -> float:
    """Seconds until every service's /readyz answered 200; raises with the laggard's log tail otherwise."""
    started = time.monotonic()
    waiting = list(services)
    while waiting:
        for service in list(waiting):
            if service.process.poll() is not None:
                raise RuntimeError(f"{service.name} exited ({service.process.returncode}):\n{tail(service.log)}")
            if _ready(service):
                waiting.remove(service)
        if time.monotonic() - started > timeout:
            names = ", ".join(s.name for s in waiting)
            raise TimeoutError(f"not ready after {timeout:.0f}s: {names}\n{tail(waiting[0].log)}")
        if waiting:
            time.sleep(0.3)
    return time.monotonic() - started


def stop_services(services: list[RunningService], timeout: float = 25.0) -> None:
    for service in services:
        if service.process.poll() is None:
            service.process.terminate()
    for service in services:
        stop(service.process, timeout=timeout)

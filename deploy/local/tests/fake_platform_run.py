"""`python -m tdi_localstack run` with the stack and the services faked: what `make run` prints, with no server.

Run as a script by `test_terminal_output.py` (stdout a pipe, the environment the test gives). The fakes write
`[fake] …` lines when the services and the stack stop, so the test can tell what was said after them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from tdi_localstack import cli, platform
from tdi_localstack.provisioning import SERVICES

TOKEN = sys.argv[1]
LOGS = Path("/srv/tdi/.tdi/logs")


class FakeStack:
    bootstrap_servers = "127.0.0.1:39092"
    database_url = "postgresql://tdi@127.0.0.1:35432/tdi"

    def __enter__(self) -> FakeStack:
        return self

    def __exit__(self, *exc: object) -> None:
        print("[fake] stack stopped", flush=True)

    def write_env_file(self, path: Path) -> None:
        pass


def start_services(stack: Any, logs: Path, token: str | None = None, **_: Any) -> list[platform.RunningService]:
    return [
        platform.RunningService(name, (41000 if name == "vte" else 8000) + n, None, LOGS / f"{name}.log", name == "vte")  # type: ignore[arg-type]
        for n, name in enumerate(SERVICES, start=1)
    ]


def stop_services(services: list[platform.RunningService], timeout: float = 25.0) -> None:
    print("[fake] services stopped", flush=True)


cli._stack = lambda data_dir, cluster=False: FakeStack()  # type: ignore[assignment,return-value]
platform.start_services = start_services  # type: ignore[assignment]
platform.stop_services = stop_services
platform.wait_ready = lambda services, timeout=120.0: 0.0
platform.write_services_file = lambda services, path: None
platform.staff_token = lambda folder: TOKEN

cli.app(["run"], prog_name="tdi_localstack")

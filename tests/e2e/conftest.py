"""The five services as real processes (uvicorn) on the session's stack, each on a schema of its own, with one
static token per role: what the HTTP fuzz and the browser's security-policy test call.

HTTP only: consumers and relay are off, so nothing they write reaches the session's topics.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tdi_localstack.platform import RunningService, stop_services, wait_ready
from tdi_localstack.ports import free_port
from tdi_localstack.processes import spawn
from tdi_localstack.provisioning import SERVICES
from tdi_runtime.testing import unique_name

TOKENS = {
    "staff": "e2e-staff-token",
    "reader": "e2e-reader-token",
    "regional": "e2e-regional-44-token",
    "instructor": "e2e-instructor-fonds-vert-token",
}
GRANTS = {
    TOKENS["staff"]: "staff",
    TOKENS["reader"]: "reader",
    TOKENS["regional"]: "regional:44",
    TOKENS["instructor"]: "instructor:fonds-vert-ti",
}


@dataclass
class Platform:
    urls: dict[str, str]
    tokens: dict[str, str]


@pytest.fixture(scope="session")
def http_platform(platform_stack, tmp_path_factory) -> Iterator[Platform]:
    logs = tmp_path_factory.mktemp("http-platform")
    running = []
    try:
        for name in SERVICES:
            prefix, port = f"TDI_{name.upper()}_", free_port()
            env = {
                **os.environ,
                **platform_stack.env(),
                f"{prefix}DATABASE_URL": platform_stack.database_url,
                f"{prefix}DB_SCHEMA": unique_name(f"e2e_{name}"),
                f"{prefix}HTTP_PORT": str(port),
                f"{prefix}API_TOKENS": json.dumps(GRANTS),
                f"{prefix}START_CONSUMERS": "false",
                f"{prefix}START_RELAY": "false",
                f"{prefix}START_RETENTION": "false",
                f"{prefix}LOG_LEVEL": "WARNING",
                "TDI_VTE_PSEUDONYM_KEY": "e2e-pseudonym-key",
            }
            log = logs / f"{name}.log"
            process = spawn([sys.executable, "-m", f"tdi_{name}"], log_path=log, env=env)
            running.append(RunningService(name, port, process, log))
        wait_ready(running, timeout=180)
        yield Platform({s.name: s.url for s in running}, dict(TOKENS))
    finally:
        stop_services(running)

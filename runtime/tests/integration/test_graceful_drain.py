"""SIGTERM of a service behind a load balancer: `/readyz` turns false at once, requests are still served for the
drain period (the balancer needs that long to stop sending any), then the graceful shutdown runs."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import urllib.error
import urllib.request

import pytest

from tdi_localstack.ports import free_port
from tdi_localstack.processes import spawn, stop, tail
from tdi_runtime.settings import ServiceSettings
from tdi_runtime.testing import until

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:  # loopback: the probe service
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


async def _until(condition, process, log, what: str) -> None:
    async def reached() -> bool:
        if await asyncio.to_thread(condition):
            return True
        assert process.poll() is None, f"exited before {what}:\n{tail(log)}"
        return False

    await until(reached, what, timeout_s=120)


async def test_sigterm_turns_readiness_false_at_once_and_keeps_serving_for_the_drain_period(
    platform_stack, kit_schema, new_topic, new_group, tmp_path
):
    topic, group, port, log = await new_topic(), await new_group(), free_port(), tmp_path / "probe.log"
    env = {**os.environ, "TDI_PROBE_SHUTDOWN_DRAIN_S": "4", "TDI_PROBE_LOG_LEVEL": "WARNING"}
    argv = ["-m", "tdi_runtime.probe", "--group", group, "--topic", topic, "--schema", kit_schema]
    probe = spawn([sys.executable, *argv, "--port", str(port)], log_path=log, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        await _until(lambda: _connectable(base) and _get(f"{base}/readyz")[0] == 200, probe, log, "ready")
        probe.send_signal(signal.SIGTERM)
        status, body = await asyncio.to_thread(_get, f"{base}/readyz")  # a refused connection fails the test
        while status == 200:  # an answer sent before the signal was handled
            status, body = await asyncio.to_thread(_get, f"{base}/readyz")
        assert (status, "draining" in body) == (503, True), body
        assert await asyncio.to_thread(_get, f"{base}/healthz") == (200, '{"status":"alive"}'), "new requests served"
        assert probe.poll() is None, "still running during the drain"
        code = await asyncio.to_thread(probe.wait, 60)
    finally:
        stop(probe)
    assert code in (0, -signal.SIGTERM), tail(log)
    assert '"graceful": true' in log.read_text(), "then the lifespan shutdown ran to its end"


def _connectable(base: str) -> bool:
    try:
        _get(f"{base}/healthz")
    except OSError:
        return False
    return True


def test_the_drain_period_is_a_production_default_and_nothing_on_this_machine() -> None:
    production = ServiceSettings.for_service("probe", deployment="production")
    local = ServiceSettings.for_service("probe", deployment="local")
    assert production.drain_s > 0
    assert local.drain_s == 0
    assert ServiceSettings.for_service("probe", deployment="local", shutdown_drain_s=2).drain_s == 2


def test_a_service_whose_start_fails_exits_with_a_failure_status(tmp_path):
    """Kubernetes and the local tools see a failed start as one: uvicorn's startup failure status (3), never 0."""
    env = {**os.environ, "TDI_PROBE_DATABASE_URL": f"postgresql://nobody@127.0.0.1:{free_port()}/none"}
    argv = ["-m", "tdi_runtime.probe", "--group", "g", "--topic", "tdi.test.none.v1", "--schema", "s"]
    probe = spawn([sys.executable, *argv, "--port", str(free_port())], log_path=tmp_path / "probe.log", env=env)
    try:
        code = probe.wait(120)
    finally:
        stop(probe)
    assert code == 3, tail(tmp_path / "probe.log")

"""The run command's platform: all five services start as processes and answer healthy against the real stack."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tdi_localstack.platform import start_services, stop_services, wait_ready

pytestmark = pytest.mark.integration


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as answer:
        return answer.status, answer.read()


def test_all_five_services_answer_ready_with_broker_database_and_migrations_checked(platform_stack, tmp_path):
    services = start_services(platform_stack, tmp_path)
    try:
        seconds = wait_ready(services, timeout=120)
        print(f"\n[platform] 5 services ready in {seconds:.1f}s on a running stack")
        for service in services:
            status, body = get(f"{service.url}/readyz")
            assert status == 200
            assert json.loads(body)["checks"] == {"database": "ok", "migrations": "ok", "broker": "ok"}
            assert get(f"{service.url}/healthz")[0] == 200
            assert get(f"{service.url}/openapi.json")[0] == 200
            assert b"# TYPE tdi_outbox_pending_rows gauge" in get(f"{service.url}/metrics")[1]
        assert {s.name for s in services} == {"territory", "actions", "funding", "vte", "reporting"}
    finally:
        stop_services(services)
    assert all(s.process.poll() is not None for s in services), "every service stopped with the run"

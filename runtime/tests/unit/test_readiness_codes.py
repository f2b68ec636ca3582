"""Issue 22 #9: /readyz says which stage is stuck with the exception's class and a stable code, never the
exception's text (a validation error quotes partner data); the text goes to the logs only."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tdi_runtime.http import health_router
from tdi_runtime.metrics import Metrics
from tdi_runtime.settings import ServiceSettings

PARTNER_DATA = "Société Dupont, SIRET 73282932000074, candidat 1999-04-02"


class AwayPool:
    @contextlib.asynccontextmanager
    async def acquire(self) -> AsyncIterator[Any]:
        raise ConnectionRefusedError(f"connect to 10.0.0.5:5432 failed ({PARTNER_DATA})")
        yield


class AwayBroker:
    async def fetch_all_metadata(self) -> None:
        raise OSError(f"broker 10.0.0.7 unreachable ({PARTNER_DATA})")


def readiness(consumers: list[Any], relay: Any) -> dict[str, Any]:
    api = FastAPI()
    api.state.runtime = SimpleNamespace(
        settings=ServiceSettings.for_service("vte", deployment="local"),
        metrics=Metrics("vte"),
        pool=AwayPool(),
        migration_packages=[],
        consumers=consumers,
        relay=relay,
        producer=SimpleNamespace(client=AwayBroker()),
    )
    api.include_router(health_router())
    answer = TestClient(api).get("/readyz")
    assert answer.status_code == 503
    body: dict[str, Any] = answer.json()
    return body


def test_a_stuck_consumer_and_relay_are_named_with_the_exception_class_and_a_stable_code_only():
    stuck = SimpleNamespace(
        group="tdi-vte",
        retrying=20,
        last_error=f"ValidationError: 1 validation error for MessageDeadLettered reason: {PARTNER_DATA}"[:200],
    )
    relay = SimpleNamespace(retrying=3, last_error=f"DiskFullError: could not extend file ({PARTNER_DATA})"[:200])
    body = readiness([stuck, SimpleNamespace(group="tdi-vte-other", retrying=0, last_error="")], relay)
    assert body["checks"] == {
        "database": "unreachable: ConnectionRefusedError (SERVICE_UNAVAILABLE)",
        "consumer tdi-vte": "paused, retrying (20): ValidationError (INTERNAL_ERROR)",
        "relay": "retrying (3): DiskFullError (SERVICE_UNAVAILABLE)",
        "broker": "unreachable: OSError (SERVICE_UNAVAILABLE)",
    }
    assert "Dupont" not in str(body) and "10.0.0" not in str(body)

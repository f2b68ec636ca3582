"""/readyz says when the DS door keeps failing, by class and code, without taking the service out."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry
from test_readiness_codes import AwayBroker, AwayPool

from tdi_runtime.doors.demarches.client import DemarchesAccessRefusedError, DemarchesUnavailableError
from tdi_runtime.doors.demarches.metrics import DemarchesMetrics
from tdi_runtime.doors.demarches.poller import DemarchesDoor
from tdi_runtime.doors.demarches.settings import DemarchesSettings
from tdi_runtime.http import health_router
from tdi_runtime.metrics import Metrics
from tdi_runtime.settings import ServiceSettings


class Failing(DemarchesDoor[str, str]):
    def __init__(self, error: Exception, settings: DemarchesSettings | None = None) -> None:
        super().__init__(
            settings=settings or DemarchesSettings(),
            pool=None,  # type: ignore[arg-type]
            bindings={4242: None, 77: None},  # type: ignore[dict-item]
            dispatch=None,  # type: ignore[arg-type]
            caller="demarches-simplifiees",
            metrics=DemarchesMetrics(CollectorRegistry(), "funding"),
        )
        self.error = error
        self.polls = 0

    async def poll(self, demarche: int) -> Any:
        self.polls += 1
        if demarche == 4242:
            raise self.error
        return None


async def test_a_refused_token_is_said_with_its_code_and_never_the_errors_text() -> None:
    door = Failing(DemarchesAccessRefusedError(401))
    for _ in range(3):
        await door.round(4242)
    await door.round(77)
    assert door.readiness() == {"demarches 4242": "failing (3): DemarchesAccessRefusedError (DS_ACCESS_REFUSED)"}


async def test_an_outage_is_service_unavailable_and_a_good_round_clears_it() -> None:
    door = Failing(DemarchesUnavailableError("DS answered 503 at 10.0.0.9"))
    await door.round(4242)
    assert door.readiness() == {"demarches 4242": "failing (1): DemarchesUnavailableError (SERVICE_UNAVAILABLE)"}
    door.error = None  # type: ignore[assignment]
    door.poll = lambda demarche: asyncio.sleep(0)  # type: ignore[method-assign,assignment,return-value]
    await door.round(4242)
    assert door.readiness() == {}


def test_readyz_lists_a_failing_door_beside_the_checks() -> None:
    door = SimpleNamespace(readiness=lambda: {"demarches 4242": "failing (3): X (DS_ACCESS_REFUSED)"})
    api = FastAPI()
    api.state.runtime = SimpleNamespace(
        settings=ServiceSettings.for_service("funding", deployment="local"),
        metrics=Metrics("funding"),
        pool=AwayPool(),
        migration_packages=[],
        consumers=[],
        relay=None,
        producer=SimpleNamespace(client=AwayBroker()),
        doors=[door],
    )
    api.include_router(health_router())
    body = TestClient(api).get("/readyz").json()
    assert body["doors"] == {"demarches 4242": "failing (3): X (DS_ACCESS_REFUSED)"}


async def test_webhook_triggers_during_a_round_fold_into_one_more_round() -> None:
    settings = DemarchesSettings(webhook_debounce_s=0, poll_interval_s=3600)
    door = Failing(RuntimeError("unused"), settings)
    gate, started = asyncio.Event(), asyncio.Event()

    async def poll(demarche: int) -> None:
        door.polls += 1
        started.set()
        await gate.wait()

    door.poll = poll  # type: ignore[method-assign,assignment]
    door.bindings = {77: None}  # type: ignore[dict-item]
    door.start()
    await started.wait()  # the first round is running
    for _ in range(5):
        assert door.trigger(77)
    started.clear()
    gate.set()
    await started.wait()  # one more round, for the five triggers
    assert not door.trigger(999)  # a démarche the door does not read
    await door.stop(timeout_s=5)
    assert door.polls == 2

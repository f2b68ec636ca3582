"""The DS webhook: a capability URL that only triggers a poll of a démarche the door reads."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from tdi_runtime.doors.demarches.settings import DemarchesSettings
from tdi_runtime.doors.demarches.webhook import webhook_router

SECRET = "s" * 40
FORM = {"content-type": "application/x-www-form-urlencoded"}
BODY = "procedure_id=4242&dossier_id=1001&state=accepte&updated_at=2018-10-25+10%3A32%3A42+UTC"


class Door:
    def __init__(self) -> None:
        self.triggered: list[int] = []

    def trigger(self, demarche: int) -> bool:
        self.triggered.append(demarche)
        return True


def app(door: Door | None, secret: str | None = SECRET) -> httpx.AsyncClient:
    settings = DemarchesSettings(webhook_secret=secret)
    api = FastAPI()
    api.include_router(webhook_router(settings, frozenset({4242}), lambda: door))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://funding.test")


async def test_a_call_with_the_secret_for_a_known_demarche_triggers_one_poll_and_nothing_else() -> None:
    door = Door()
    async with app(door) as http:
        answer = await http.post(f"/ds/webhook/{SECRET}", content=BODY, headers=FORM)
    assert answer.status_code == 202
    assert answer.json() == {"status": "poll-scheduled", "demarche": 4242}
    assert door.triggered == [4242]  # the body's state « accepte » is not applied: the poll reads DS


@pytest.mark.parametrize("path", ["/ds/webhook/wrong", f"/ds/webhook/{SECRET}x", f"/ds/webhook/{SECRET[:-1]}"])
async def test_a_wrong_secret_is_an_unknown_address(path: str) -> None:
    door = Door()
    async with app(door) as http:
        answer = await http.post(path, content=BODY, headers=FORM)
    assert answer.status_code == 404
    assert answer.json()["code"] == "NOT_FOUND"
    assert door.triggered == []


async def test_without_a_configured_secret_the_webhook_does_not_exist() -> None:
    door = Door()
    async with app(door, secret=None) as http:
        answer = await http.post("/ds/webhook/anything", content=BODY, headers=FORM)
    assert answer.status_code == 404
    assert door.triggered == []


async def test_an_unknown_demarche_is_refused_with_a_code_and_a_french_sentence() -> None:
    door = Door()
    async with app(door) as http:
        answer = await http.post(f"/ds/webhook/{SECRET}", content=BODY.replace("4242", "999"), headers=FORM)
    assert answer.status_code == 422
    assert answer.json()["code"] == "DS_UNKNOWN_DEMARCHE"
    assert "démarche" in answer.json()["message"]
    assert door.triggered == []


@pytest.mark.parametrize("body", ["dossier_id=1001", "procedure_id=abc", "procedure_id=%00", "procedure_id=1e3"])
async def test_a_body_without_a_demarche_number_is_refused_naming_the_field(body: str) -> None:
    door = Door()
    async with app(door) as http:
        answer = await http.post(f"/ds/webhook/{SECRET}", content=body, headers=FORM)
    assert answer.status_code == 422
    assert answer.json()["code"] == "INVALID_REQUEST"
    assert answer.json()["errors"][0]["field"] == "procedure_id"


async def test_a_json_body_is_not_what_ds_sends() -> None:
    async with app(Door()) as http:
        answer = await http.post(f"/ds/webhook/{SECRET}", json={"procedure_id": 4242})
    assert answer.status_code == 415
    assert answer.json()["code"] == "UNSUPPORTED_MEDIA_TYPE"


async def test_before_the_door_runs_the_webhook_says_unavailable() -> None:
    async with app(None) as http:
        answer = await http.post(f"/ds/webhook/{SECRET}", content=BODY, headers=FORM)
    assert answer.status_code == 503
    assert answer.json()["code"] == "SERVICE_UNAVAILABLE"

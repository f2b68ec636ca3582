"""Webhooks out (issue 25) on the real stack (Kafka, PostgreSQL, reporting's consumer and worker): a receiver that
fails three times then recovers gets every event once, in order, every request signed for an independent verifier
(`standardwebhooks.Webhook(secret).verify`); a subscription failing past its limit is disabled (with an alert) and
`enable` resumes it where it stopped; the catch-up by cursor gives the same events."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import scenario
import uvicorn
from standardwebhooks.webhooks import Webhook
from starlette.requests import Request
from starlette.responses import Response

from tdi_contracts.events.funding import GrantCommitted
from tdi_contracts.registry import spec_for
from tdi_reporting.alerts import AlertRules, AlertSignal, evaluate_alerts
from tdi_reporting.app import create_app
from tdi_reporting.options import ReportingOptions

from .conftest import AS_STAFF, READER_TOKEN, eventually

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

GRANT = spec_for(GrantCommitted).type


@pytest.fixture(scope="module")
def options(isolation) -> ReportingOptions:
    """Deliveries looked for every 0.1 s, retries after 50–200 ms, batches of 3, the receiver on 127.0.0.1 allowed."""
    return ReportingOptions(
        topic_prefix=isolation["prefix"],
        consumer_group=isolation["group"],
        alert_interval_s=0,
        snapshot_interval_s=0,
        webhook_interval_s=0.1,
        webhook_backoff_base_s=0.05,
        webhook_backoff_cap_s=0.2,
        webhook_batch_max=3,
        webhook_allowed_hosts=["127.0.0.1"],
    )


class Receiver:
    """A webhook receiver: answers 500 to its first `failures` requests (or while `down`), then 200."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.down = False
        self.requests: list[tuple[dict[str, str], bytes, int]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        body = await request.body()
        status = 500 if self.down or len(self.requests) < self.failures else 200
        self.requests.append((dict(request.headers), body, status))
        await Response(status_code=status)(scope, receive, send)

    def accepted(self) -> list[dict[str, Any]]:
        """The events of the requests answered 200, in the order received."""
        return [e for _, body, status in self.requests if status == 200 for e in json.loads(body)["events"]]


@contextlib.asynccontextmanager
async def receiving(receiver: Receiver) -> AsyncIterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(receiver, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())

    async def started() -> bool:
        return bool(server.started)

    await eventually(started)
    try:
        yield f"http://127.0.0.1:{port}/tdi"
    finally:
        server.should_exit = True
        await task


@contextlib.asynccontextmanager
async def reporting(settings: Any, options: ReportingOptions) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    app = create_app(settings, options)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=30, headers=AS_STAFF) as c:
            yield app, c


def _grants(tag: str, n: int) -> list[Any]:
    def one(i: int) -> Any:
        ids = {"grant_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"wh/{tag}/{i}")),
               "application_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"wh/{tag}/app/{i}"))}  # fmt: skip
        values = {**ids, "territory_id": scenario.REIMS, "envelope_id": scenario.ENVELOPE, "programme": "fonds-vert-ti",
                  "instrument": "subvention", "amount_cents": 100_000 + i, "committed_on": "2024-03-04"}  # fmt: skip
        return GrantCommitted.model_validate_json(json.dumps(values))

    return [one(i) for i in range(n)]


async def _subscribe(client: httpx.AsyncClient, url: str, types: list[str]) -> dict[str, Any]:
    answer = await client.post("/api/webhooks", json={"url": url, "event_types": types, "description": "test"})
    assert answer.status_code == 201, answer.text
    return answer.json()


async def _catch_up(client: httpx.AsyncClient, sub: str, after: str, limit: int) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    while True:
        page = (await client.get(f"/api/webhooks/{sub}/events", params={"after": after, "limit": limit})).json()
        events += page["events"]
        if not page["events"]:
            return events
        after = page["next_after"]


async def test_a_receiver_failing_three_times_then_recovering_gets_every_event_once_in_order_all_signed(
    settings, options, topics, publish
):
    receiver = Receiver(failures=3)
    async with receiving(receiver) as url, reporting(settings, options) as (_, client):
        created = await _subscribe(client, url, [GRANT])
        assert created["secret"].startswith("whsec_")
        grants = _grants("recover", 7)
        await publish(grants)
        expected = {str(g.grant_id) for g in grants}

        async def all_delivered() -> bool:
            return {e["data"]["grant_id"] for e in receiver.accepted()} >= expected

        await eventually(all_delivered)
        accepted = receiver.accepted()
        ids = [e["id"] for e in accepted]
        assert len(ids) == len(set(ids)) == 7  # every event once
        assert {e["data"]["grant_id"] for e in accepted} == expected
        cursors = [tuple(int(p) for p in e["cursor"].split(".")) for e in accepted]
        assert cursors == sorted(cursors)  # in the stream's order

        statuses = [status for _, _, status in receiver.requests]
        assert statuses[:4] == [500, 500, 500, 200]
        first_ids = {headers["webhook-id"] for headers, _, _ in receiver.requests[:4]}
        assert len(first_ids) == 1  # the failed batch was sent again, the same, before anything after it
        for headers, body, _ in receiver.requests:
            Webhook(created["secret"]).verify(body, headers)  # raises when a signature does not verify

        log = (await client.get(f"/api/webhooks/{created['id']}/deliveries")).json()["deliveries"]
        assert [d["outcome"] for d in reversed(log)][:4] == ["failed", "failed", "failed", "delivered"]

        # catch-up: the same payloads, in the same order, from the subscription's first cursor, by pages of 2
        assert await _catch_up(client, created["id"], created["cursor"], 2) == accepted

        refused = await client.get(f"/api/webhooks/{created['id']}/events", params={"after": "x"})
        assert refused.status_code == 422 and refused.json()["code"] == "INVALID_REQUEST"
        reader = await client.get("/api/webhooks", headers={"Authorization": f"Bearer {READER_TOKEN}"})
        assert reader.status_code == 403
        private = await client.post("/api/webhooks", json={"url": "https://10.1.2.3/in", "event_types": [GRANT]})
        assert private.status_code == 422 and private.json()["code"] == "WEBHOOK_TARGET_REFUSED"
        assert (await client.delete(f"/api/webhooks/{created['id']}")).status_code == 200


async def test_a_subscription_failing_past_its_limit_is_disabled_with_an_alert_and_enable_resumes_it(
    settings, options, topics, publish
):
    receiver = Receiver()
    receiver.down = True
    limited = options.model_copy(update={"webhook_disable_after_attempts": 3})
    async with receiving(receiver) as url, reporting(settings, limited) as (app, client):
        created = await _subscribe(client, url, [GRANT, "alert"])
        grants = _grants("disable", 4)
        await publish(grants)

        async def disabled() -> bool:
            found = (await client.get("/api/webhooks")).json()["webhooks"]
            return any(w["id"] == created["id"] and not w["enabled"] for w in found)

        await eventually(disabled)
        log = (await client.get(f"/api/webhooks/{created['id']}/deliveries")).json()["deliveries"]
        assert [d["outcome"] for d in reversed(log)] == ["failed", "failed", "disabled"]
        metrics = (await client.get("/metrics")).text
        assert 'tdi_webhooks_disabled{service="reporting"} 1.0' in metrics

        pool = app.state.runtime.pool
        await evaluate_alerts(pool, AlertRules(), datetime.now(UTC),
                              AlertSignal())  # fmt: skip
        alerts = (await client.get("/api/alerts", params={"type": "webhook-desactive"})).json()["alertes"]
        assert [a["sujet"] for a in alerts] == [created["id"]] and "désactivé" in alerts[0]["message"]

        receiver.down = False
        enabled = await client.post(f"/api/webhooks/{created['id']}/enable")
        assert enabled.status_code == 200 and enabled.json()["enabled"]
        expected = {str(g.grant_id) for g in grants}

        async def resumed() -> bool:
            return {e["data"].get("grant_id") for e in receiver.accepted() if e["type"] == GRANT} >= expected

        await eventually(resumed)
        accepted = [e for e in receiver.accepted() if e["type"] == GRANT]
        assert sorted(e["data"]["grant_id"] for e in accepted) == sorted(expected)  # once each, nothing skipped
        cursors = [tuple(int(p) for p in e["cursor"].split(".")) for e in receiver.accepted()]
        assert cursors == sorted(cursors)
        for headers, body, _ in receiver.requests:
            Webhook(created["secret"]).verify(body, headers)
        # the alert raised on disabling comes through the same stream once it is judged again (cleared: enabled)
        await evaluate_alerts(pool, AlertRules(), datetime.now(UTC),
                              AlertSignal())  # fmt: skip

        async def alert_delivered() -> bool:
            return any(e["type"] == "alert" and e["data"]["type"] == "webhook-desactive" for e in receiver.accepted())

        await eventually(alert_delivered)

"""Webhooks of their own (issue 25): a partner, a regional or a territory dashboard subscribes with its own token,
manages and catches up on its own subscriptions only, and its feed (push and pull) carries only what that caller may
read elsewhere: a partner its own answers (what its feedback topic tells it), a regional or territory caller the
alerts `/api/alerts` shows it. National staff still see and manage every subscription."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from tdi_contracts.events.partners import PartnerEventAccepted, PartnerEventRejected
from tdi_contracts.registry import spec_for
from tdi_contracts.wire import encode_event, envelope_for
from tdi_reporting.options import ReportingOptions
from tdi_runtime.testing import example_payload, publish_records

from .conftest import AS_STAFF, READER_TOKEN, REGIONAL_TOKEN, TERRITORY_TOKEN, eventually
from .test_webhooks import GRANT, Receiver, _catch_up, receiving, reporting

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

ACCEPTED, REJECTED = spec_for(PartnerEventAccepted).type, spec_for(PartnerEventRejected).type
BPI_TOKEN, ADEME_TOKEN = "bpifrance-reporting-webhooks", "ademe-reporting-webhooks"
AS_BPI = {"Authorization": f"Bearer {BPI_TOKEN}"}
AS_ADEME = {"Authorization": f"Bearer {ADEME_TOKEN}"}
AS_REGIONAL = {"Authorization": f"Bearer {REGIONAL_TOKEN}"}
AS_TERRITORY = {"Authorization": f"Bearer {TERRITORY_TOKEN}"}


@pytest.fixture(scope="module")
def options(isolation) -> ReportingOptions:
    return ReportingOptions(
        topic_prefix=isolation["prefix"],
        consumer_group=isolation["group"],
        alert_interval_s=0,
        snapshot_interval_s=0,
        indicators_interval_s=0,
        webhook_interval_s=0.1,
        webhook_backoff_base_s=0.05,
        webhook_backoff_cap_s=0.2,
        webhook_allowed_hosts=["127.0.0.1"],
    )


@pytest.fixture(autouse=True)
def partners_have_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bpifrance and ADEME authenticate to reporting as they do to the partners' door: their tokens' digests."""
    digests = {hashlib.sha256(t.encode()).hexdigest(): p for t, p in ((BPI_TOKEN, "bpifrance"), (ADEME_TOKEN, "ademe"))}
    monkeypatch.setenv("TDI_REPORTING_PARTNER_TOKENS", json.dumps(digests))


def _answer(partner: str, event_id: str) -> Any:
    return example_payload(PartnerEventAccepted, partner=partner, partner_event_id=event_id)


async def _subscribe(client: httpx.AsyncClient, url: str, types: list[str], headers: dict[str, str]) -> Any:
    return await client.post(
        "/api/webhooks", json={"url": url, "event_types": types, "description": "mine"}, headers=headers
    )


async def _answer_on_feedback_topics(platform_stack: Any, options: ReportingOptions, answers: list[Any]) -> None:
    """Each answer on its partner's feedback topic, as the vte service's consumer sends it."""
    for answer in answers:
        record = encode_event(envelope_for(answer, "vte"), answer)
        topic = f"{options.topic_prefix}tdi.partner.{answer.partner.value}.feedback.v1"
        await publish_records(platform_stack.bootstrap_servers, topic, [record])


async def test_a_partner_catches_up_on_its_own_subscription_with_its_own_token(
    settings, options, topics, platform_stack, db
):
    receiver = Receiver()
    run = uuid.uuid4().hex[:8]
    async with receiving(receiver) as url, reporting(settings, options) as (_, client):
        created = await _subscribe(client, url, [ACCEPTED, REJECTED], AS_BPI)
        assert created.status_code == 201, created.text
        sub = created.json()
        assert sub["owner"] == {"role": "partner", "subject": "partner:bpifrance", "scope": "bpifrance"}

        ours = [f"BPI-{run}-{i}" for i in range(3)]
        answers = [_answer("bpifrance", ours[0]), _answer("ademe", f"ADEME-{run}"), _answer("bpifrance", ours[1]),
                   _answer("bpifrance", ours[2])]  # fmt: skip
        await _answer_on_feedback_topics(platform_stack, options, answers)

        async def all_folded() -> int | None:  # ADEME's answer too: then the push has passed it or will
            rows = await db.fetch("SELECT tick, payload FROM event_log WHERE type = $1", ACCEPTED)
            ids = {json.loads(bytes(r["payload"]))["partner_event_id"]: r["tick"] for r in rows}
            return max(ids[i] for i in [*ours, f"ADEME-{run}"]) if {*ours, f"ADEME-{run}"} <= set(ids) else None

        last_tick = await eventually(all_folded)

        async def pushed_past_it() -> bool:
            listed = (await client.get("/api/webhooks")).json()["webhooks"]
            cursor = next(w["cursor"] for w in listed if w["id"] == sub["id"])
            return int(cursor.split(".")[0]) >= last_tick

        await eventually(pushed_past_it)
        # the push carries Bpifrance's own answers only, signed with its subscription's secret
        assert sorted(e["data"]["partner_event_id"] for e in receiver.accepted()) == ours
        cursors = [tuple(int(p) for p in e["cursor"].split(".")) for e in receiver.accepted()]
        assert cursors == sorted(cursors)  # in the stream's order (a partition each: folded in any order)
        for headers, body, _ in receiver.requests:
            Webhook(sub["secret"]).verify(body, headers)
        # the catch-up, with its own token, gives the very same events (by pages of 2)
        client.headers.pop("Authorization")
        client.headers.update(AS_BPI)
        assert await _catch_up(client, sub["id"], sub["cursor"], 2) == receiver.accepted()
        listed = (await client.get("/api/webhooks")).json()["webhooks"]
        assert [w["id"] for w in listed] == [sub["id"]]
        deliveries = await client.get(f"/api/webhooks/{sub['id']}/deliveries")
        assert deliveries.status_code == 200 and deliveries.json()["deliveries"][0]["outcome"] == "delivered"


async def test_a_partner_may_not_subscribe_to_what_it_cannot_read_elsewhere(settings, options, topics):
    async with reporting(settings, options) as (_, client):
        for types in ([GRANT], ["alert"], [ACCEPTED, GRANT]):
            refused = await _subscribe(client, "https://127.0.0.1/in", types, AS_BPI)
            assert refused.status_code == 403, refused.text
            assert refused.json()["code"] == "FORBIDDEN" and "ne peut pas s'abonner" in refused.json()["message"]
        anonymous = await client.post(
            "/api/webhooks",
            json={"url": "https://127.0.0.1/in", "event_types": [ACCEPTED]},
            headers={"Authorization": ""},
        )
        assert anonymous.status_code == 401


async def test_a_partner_cannot_read_another_owners_subscription(settings, options, topics):
    async with reporting(settings, options) as (_, client):
        mine = (await _subscribe(client, "https://127.0.0.1/bpi", [ACCEPTED], AS_BPI)).json()
        staff = (await _subscribe(client, "https://127.0.0.1/staff", [GRANT], AS_STAFF)).json()
        for other in (mine["id"], staff["id"]):
            for method, path in (("GET", "/events"), ("GET", "/deliveries"), ("POST", "/enable"), ("DELETE", "")):
                answer = await client.request(method, f"/api/webhooks/{other}{path}", headers=AS_ADEME)
                assert answer.status_code == 404, (method, path, answer.text)
                assert answer.json()["code"] == "NOT_FOUND"  # the same as an id that does not exist
        assert (await client.get("/api/webhooks", headers=AS_ADEME)).json()["webhooks"] == []
        bpi_list = [w["id"] for w in (await client.get("/api/webhooks", headers=AS_BPI)).json()["webhooks"]]
        assert staff["id"] not in bpi_list and mine["id"] in bpi_list
        # national staff still see and manage every subscription
        everything = [w["id"] for w in (await client.get("/api/webhooks")).json()["webhooks"]]
        assert {mine["id"], staff["id"]} <= set(everything)
        assert (await client.get(f"/api/webhooks/{mine['id']}/events")).status_code == 200
        assert (await client.delete(f"/api/webhooks/{mine['id']}", headers=AS_BPI)).status_code == 200
        assert (await client.delete(f"/api/webhooks/{staff['id']}")).status_code == 200


async def _alert(db: Any, kind: str, subject: str, details: dict[str, Any]) -> None:
    await db.execute(
        "INSERT INTO alert_log (kind, subject, state, at, details) VALUES ($1, $2, 'declenchee', $3, $4::jsonb)",
        kind, subject, datetime.now(UTC), json.dumps(details),
    )  # fmt: skip


async def test_a_regional_or_territory_dashboard_catches_up_on_the_alerts_it_may_read_only(
    settings, options, topics, db
):
    async with reporting(settings, options) as (_, client):
        regional = await _subscribe(client, "https://127.0.0.1/region", ["alert"], AS_REGIONAL)
        territory = await _subscribe(client, "https://127.0.0.1/territoire", ["alert"], AS_TERRITORY)
        assert regional.status_code == territory.status_code == 201, (regional.text, territory.text)
        assert regional.json()["owner"]["scope"] == "44" and territory.json()["owner"]["scope"] == "ti-990001"
        for types in ([GRANT], [ACCEPTED]):
            refused = await _subscribe(client, "https://127.0.0.1/region", types, AS_REGIONAL)
            assert refused.status_code == 403 and refused.json()["code"] == "FORBIDDEN"
        reader = await _subscribe(client, "https://127.0.0.1/x", ["alert"], {"Authorization": f"Bearer {READER_TOKEN}"})
        assert reader.status_code == 403 and reader.json()["code"] == "READ_ONLY_ROLE"

        await _alert(db, "plan-sans-progres", "ti-990001", {"regions": ["44"], "dernier_changement": "2024-01-01"})
        await _alert(db, "plan-sans-progres", "ti-990002", {"regions": ["44"], "dernier_changement": "2024-01-01"})
        await _alert(db, "enveloppe-engagee", "FV-76", {"region": "76", "programme": "fonds-vert-ti"})
        await _alert(db, "partenaire-rejets", "bpifrance", {"reponses": 30, "rejets": 10})

        def subjects(events: list[dict[str, Any]]) -> list[str]:
            return [e["subject"] for e in events]

        client.headers.update(AS_REGIONAL)
        region_feed = await _catch_up(client, regional.json()["id"], regional.json()["cursor"], 1)
        assert subjects(region_feed) == ["plan-sans-progres/ti-990001", "plan-sans-progres/ti-990002"]
        client.headers.update(AS_STAFF)  # national staff read a subscription's feed as its owner gets it
        assert await _catch_up(client, regional.json()["id"], regional.json()["cursor"], 5) == region_feed
        client.headers.update(AS_TERRITORY)
        territory_feed = await _catch_up(client, territory.json()["id"], territory.json()["cursor"], 1)
        assert subjects(territory_feed) == ["plan-sans-progres/ti-990001"]
        other = await client.get(f"/api/webhooks/{regional.json()['id']}/events")
        assert other.status_code == 404 and other.json()["code"] == "NOT_FOUND"

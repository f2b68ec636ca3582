"""On the real stack: Bpifrance, without a Kafka client, POSTs its VTE commands as CloudEvents; the event sent by
HTTP and again by Kafka (same source and id) has one effect, and its receipt says what the feedback topic says."""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from typing import Any

import httpx
import pytest
from test_bpifrance_to_aid import answers_for, signed
from vte_bpifrance import STAFF_TOKEN, publish_as_bpifrance

from tdi_contracts.envelope import Envelope, encode_event, spec_for
from tdi_contracts.events.vte import RecordVteAidPaymentV2
from tdi_runtime.testing import until
from tdi_vte.domain import contract_id_of

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

PARTNER_TOKEN = "bpifrance-http-door-test-token"
STRUCTURED = "application/cloudevents+json; charset=utf-8"
BATCH = "application/cloudevents-batch+json"
AUTH = {"Authorization": f"Bearer {PARTNER_TOKEN}"}


@pytest.fixture(autouse=True)
def bpifrance_has_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    digest = hashlib.sha256(PARTNER_TOKEN.encode()).hexdigest()
    monkeypatch.setenv("TDI_VTE_PARTNER_TOKENS", json.dumps({digest: "bpifrance"}))


def as_kafka_and_http(payload: Any, event_id: str) -> tuple[tuple[str, bytes | None, bytes, Any], dict[str, Any]]:
    """The same event, as Bpifrance's Kafka client publishes it (its own serialisation: spaces, another key order)
    and as a structured CloudEvent."""
    spec = spec_for(payload)
    envelope = Envelope.new(spec.type, spec.subject_of(payload), "bpifrance").model_copy(
        update={
            "id": event_id,
            "source": "/partners/bpifrance/erp",
            "correlation_id": event_id,
            "causation_id": event_id,
        }
    )
    key, value, headers = encode_event(envelope, payload)
    data = json.loads(value)
    own_bytes = json.dumps(dict(reversed(list(data.items()))), indent=1).encode()  # not the door's bytes
    structured = {
        "specversion": "1.0",
        "id": event_id,
        "source": "/partners/bpifrance/erp",
        "type": spec.type,
        "time": envelope.time.isoformat(),
        "subject": envelope.subject,
        "data": data,
    }
    return (event_id, key, own_bytes, headers), structured


async def settled(client: httpx.AsyncClient, receipt_id: str, deadline_s: float = 90.0) -> dict[str, Any]:
    """The receipt once it is no longer pending (polled)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline_s
    while True:
        response = await client.get(f"/partner-events/receipts/{receipt_id}", headers=AUTH)
        assert response.status_code == 200, response.text
        if response.json()["status"] != "pending":
            return dict(response.json())
        assert loop.time() < end, "the receipt stayed pending"
        await asyncio.sleep(0.5)


async def test_an_event_sent_by_http_and_by_kafka_has_one_effect_and_one_accepted_receipt(vte_service, platform_stack):
    bootstrap = platform_stack.bootstrap_servers
    run = uuid.uuid4().hex[:8]
    async with vte_service() as (app, client, territory_id, group, commune):
        reference, event_id = f"BPI-VTE-{run}-HTTP", f"BPI-EVT-{run}-1"
        kafka_copy, structured = as_kafka_and_http(signed(reference, territory_id, commune), event_id)

        response = await client.post(
            "/partner-events", content=json.dumps(structured), headers={**AUTH, "Content-Type": STRUCTURED}
        )
        assert response.status_code == 202, response.text
        [receipt] = response.json()["receipts"]
        assert receipt["status"] == "pending" and receipt["event_id"] == event_id
        await publish_as_bpifrance(bootstrap, [kafka_copy])  # the same event by Kafka

        answers = await answers_for(bootstrap, {event_id})
        assert {type(a).__name__ for a in answers} == {"PartnerEventAccepted"}  # never a conflicting redelivery
        final = await settled(client, receipt["receipt_id"])
        assert final["status"] == "accepted"
        assert [r["id"] for r in final["resulting_ids"]] == [str(contract_id_of(reference))]
        pool = app.state.runtime.pool

        async def both_copies_answered() -> bool:  # the second copy is answered too
            return len(await answers_for(bootstrap, {event_id})) >= 2

        await until(both_copies_answered, "an answer to each copy of the event", every_s=0.5)
        contracts = await pool.fetchval("SELECT count(*) FROM vte_contracts WHERE contract_reference = $1", reference)
        assert contracts == 1
        applied = await pool.fetchval(
            "SELECT count(*) FROM inbox WHERE consumer = $1 AND event_id = $2 AND outcome = 'applied'", group, event_id
        )
        assert applied == 1


async def test_a_rejected_events_receipt_carries_the_feedback_topics_code_and_reason(vte_service, platform_stack):
    bootstrap = platform_stack.bootstrap_servers
    run = uuid.uuid4().hex[:8]
    async with vte_service() as (_app, client, _territory_id, _group, _commune):
        payment = RecordVteAidPaymentV2.model_validate(
            {
                "contract_reference": f"BPI-VTE-{run}-NONE",
                "payment_reference": "P1",
                "amount_cents": 1,
                "paid_on": "2024-10-01",
            },
            strict=False,
        )
        _, structured = as_kafka_and_http(payment, f"BPI-EVT-{run}-R")
        response = await client.post(
            "/partner-events", content=json.dumps(structured), headers={**AUTH, "Content-Type": STRUCTURED}
        )
        assert response.status_code == 202, response.text
        final = await settled(client, response.json()["receipts"][0]["receipt_id"])

        [answer] = await answers_for(bootstrap, {f"BPI-EVT-{run}-R"})
        assert final["status"] == "rejected"
        assert (final["code"], final["reason"]) == (answer.code, answer.reason) == (answer.code, final["reason"])
        assert final["code"] == "UNKNOWN_AGGREGATE"


async def test_a_batch_gets_one_receipt_per_event_and_refusals_at_the_door_at_once(vte_service, platform_stack):
    run = uuid.uuid4().hex[:8]
    async with vte_service() as (_app, client, territory_id, _group, commune):
        events = [
            as_kafka_and_http(signed(f"BPI-VTE-{run}-B{i}", territory_id, commune), f"BPI-EVT-{run}-B{i}")[1]
            for i in range(3)
        ]
        events.append({**events[0], "id": f"BPI-EVT-{run}-X", "source": "/partners/ademe"})  # not its source
        response = await client.post(
            "/partner-events", content=json.dumps(events), headers={**AUTH, "Content-Type": BATCH}
        )
        assert response.status_code == 202, response.text
        receipts = response.json()["receipts"]
        assert [r["event_id"] for r in receipts] == [e["id"] for e in events]
        assert [r["status"] for r in receipts] == ["pending"] * 3 + ["rejected"]
        assert receipts[3]["code"] == "SOURCE_MISMATCH" and receipts[3]["receipt_id"] is None
        assert len({r["receipt_id"] for r in receipts[:3]}) == 3
        for r in receipts[:3]:
            assert (await settled(client, r["receipt_id"]))["status"] == "accepted"

        staff = await client.get(
            f"/partner-events/receipts/{receipts[0]['receipt_id']}", headers={"Authorization": f"Bearer {STAFF_TOKEN}"}
        )
        assert staff.status_code == 403 and staff.json()["code"] == "NOT_A_PARTNER"

"""On the real stack, funding's partner door (issue 25): Bpifrance, without a Kafka client, POSTs a Rebond industriel
dossier as a CloudEvent; it is accepted, and the same event sent again by Kafka (same source and id, Bpifrance's own
serialisation) has one effect, and one receipt says so."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from tdi_contracts.envelope import Envelope, encode_event, spec_for
from tdi_contracts.events.funding import FileApplication
from tdi_contracts.topics import partner_ingress_topic
from tdi_runtime.kafka import security_options
from tdi_runtime.testing import until

from .test_service import answers, dossier, funding_service  # noqa: F401  (fixture)

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

PARTNER_TOKEN = "bpifrance-funding-door-test-token"
AUTH = {"Authorization": f"Bearer {PARTNER_TOKEN}"}
STRUCTURED = "application/cloudevents+json; charset=utf-8"


@pytest.fixture(autouse=True)
def bpifrance_has_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    digest = hashlib.sha256(PARTNER_TOKEN.encode()).hexdigest()
    monkeypatch.setenv("TDI_FUNDING_PARTNER_TOKENS", json.dumps({digest: "bpifrance"}))


def filing(territory_id: str, reference: str) -> FileApplication:
    body = dossier(territory_id, programme="rebond-industriel-investissement",
                   envelope_id="rebond-industriel-investissement", instrument="avance-remboursable", value_chain=None,
                   partner_reference=reference)  # fmt: skip
    return FileApplication.model_validate_json(json.dumps(body))


def as_kafka_and_http(payload: Any, event_id: str) -> tuple[tuple[bytes | None, bytes, Any], dict[str, Any]]:
    """The same event as Bpifrance's Kafka client publishes it (its own serialisation) and as a structured
    CloudEvent."""
    spec = spec_for(payload)
    ids = {"id": event_id, "correlation_id": event_id, "causation_id": event_id}
    envelope = Envelope.new(spec.type, spec.subject_of(payload), "bpifrance").model_copy(
        update={**ids, "source": "/partners/bpifrance/erp"}
    )
    key, value, headers = encode_event(envelope, payload)
    data = json.loads(value)
    own_bytes = json.dumps(dict(reversed(list(data.items()))), indent=1).encode()  # not the door's bytes
    structured = {"specversion": "1.0", "id": event_id, "source": envelope.source, "type": spec.type,
                  "time": envelope.time.isoformat(), "subject": envelope.subject, "data": data}  # fmt: skip
    return (key, own_bytes, list(headers)), structured


async def settled(client: httpx.AsyncClient, receipt_id: str) -> dict[str, Any]:
    async def decided() -> dict[str, Any] | None:
        response = await client.get(f"/partner-events/receipts/{receipt_id}", headers=AUTH)
        assert response.status_code == 200, response.text
        return None if response.json()["status"] == "pending" else dict(response.json())

    found: dict[str, Any] = await until(decided, "the receipt's decision", every_s=0.5)
    return found


async def by_kafka(bootstrap: str, record: tuple[bytes | None, bytes, Any]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, **security_options())
    await producer.start()
    try:
        key, value, headers = record
        await producer.send_and_wait(partner_ingress_topic("bpifrance", "funding"), value, key=key, headers=headers)
    finally:
        await producer.stop()


async def test_a_dossier_sent_by_http_and_by_kafka_is_filed_once_and_one_receipt_says_accepted(
    funding_service,  # noqa: F811
    platform_stack,
):
    bootstrap, run = platform_stack.bootstrap_servers, uuid.uuid4().hex[:8]
    async with funding_service() as (app, client, t):
        reference, event_id = f"BPI-HTTP-{run}", f"bpi-file-{run}"
        kafka_copy, structured = as_kafka_and_http(filing(t["two"], reference), event_id)

        response = await client.post(
            "/partner-events", content=json.dumps(structured), headers={**AUTH, "Content-Type": STRUCTURED}
        )
        assert response.status_code == 202, response.text
        [receipt] = response.json()["receipts"]
        assert receipt["status"] == "pending" and receipt["event_id"] == event_id
        final = await settled(client, receipt["receipt_id"])
        assert final["status"] == "accepted", final
        [application] = [r["id"] for r in final["resulting_ids"] if r["kind"] == "application"]

        await by_kafka(bootstrap, kafka_copy)
        both = await answers(bootstrap, "bpifrance", {event_id}, 2)  # one answer to each copy
        assert {type(a).__name__ for _, a in both} == {"PartnerEventAccepted"}  # never a conflicting redelivery
        assert {str(r.id) for _, a in both for r in a.resulting_ids if r.kind == "application"} == {application}
        assert (await settled(client, receipt["receipt_id"]))["status"] == "accepted"

        pool = app.state.runtime.pool
        filed = await pool.fetchval("SELECT count(*) FROM inbox WHERE event_id = $1 AND outcome = 'applied'", event_id)
        assert filed == 1
        seen = (await client.get(f"/applications/{application}")).json()
        assert [h["state"] for h in seen["history"]] == ["filed"]
        staff = await client.get(f"/partner-events/receipts/{receipt['receipt_id']}")
        assert (staff.status_code, staff.json()["code"]) == (403, "NOT_A_PARTNER")


async def test_a_dossier_sent_by_kafka_first_then_by_http_keeps_one_effect_and_its_receipt_says_accepted(
    funding_service,  # noqa: F811
    platform_stack,
):
    bootstrap, run = platform_stack.bootstrap_servers, uuid.uuid4().hex[:8]
    async with funding_service() as (app, client, t):
        reference, event_id = f"BPI-KAFKA-{run}", f"bpi-kafka-first-{run}"
        kafka_copy, structured = as_kafka_and_http(filing(t["two"], reference), event_id)
        await by_kafka(bootstrap, kafka_copy)
        [(_, first)] = await answers(bootstrap, "bpifrance", {event_id}, 1)
        assert type(first).__name__ == "PartnerEventAccepted"

        response = await client.post(
            "/partner-events", content=json.dumps(structured), headers={**AUTH, "Content-Type": STRUCTURED}
        )
        assert response.status_code == 202, response.text
        final = await settled(client, response.json()["receipts"][0]["receipt_id"])
        assert final["status"] == "accepted", final
        assert [str(r["id"]) for r in final["resulting_ids"]] == [str(r.id) for r in first.resulting_ids]
        filed = await app.state.runtime.pool.fetchval(
            "SELECT count(*) FROM inbox WHERE event_id = $1 AND outcome = 'applied'", event_id
        )
        assert filed == 1

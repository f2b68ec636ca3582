"""The platform in secure mode: services log in as their own SCRAM principal under the ACLs, and a partner
using a client that is not ours (confluent-kafka, librdkafka) publishes a VTE contract and reads its answer."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from confluent_kafka import Consumer, Producer

from tdi_contracts.envelope import Envelope, decode_event, encode_event, spec_for
from tdi_contracts.events.vte import RecordVteContractV2
from tdi_contracts.topics import partner_feedback_topic, partner_ingress_topic
from tdi_localstack.acls import confluent_options
from tdi_localstack.perimeters import await_projected, known_perimeters
from tdi_localstack.stack import LocalStack
from tdi_runtime.testing import unique_name
from tdi_territory.app import create_app as create_territory
from tdi_vte.app import create_app as create_vte

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

REIMS = "tdi-44-grand-reims"


@pytest.fixture
def secure_stack(platform_stack, monkeypatch):
    """A broker of its own in secure mode (the session's database), its settings exported for the test."""
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    monkeypatch.setenv("TDI_KAFKA_SECURE", "1")
    monkeypatch.setenv("DATABASE_URL", platform_stack.database_url)
    stack = LocalStack()
    stack.start()
    try:
        for key, value in stack.env().items():
            monkeypatch.setenv(key, value)
        yield stack
    finally:
        stack.stop()


def contract(reference: str) -> RecordVteContractV2:
    payload = {
        "contract_reference": reference,
        "establishment": {"siret": "73282932000074", "siren": "732829320", "size": "pme", "commune_insee": "51454"},
        "territory_id": REIMS,
        "candidate": {"candidate_reference": "BPI-CAND-SEC-1", "status": "jeune-diplome", "study_level": "bac+5",
                      "graduated_in": "2023-06"},
        "contract_type": "cdd", "duration_months": 12, "starts_on": "2023-10-02", "signed_on": "2023-09-15",
        "aid_requested_on": "2023-10-20",
    }  # fmt: skip
    return RecordVteContractV2.model_validate_json(json.dumps(payload))


def partner_options(stack: LocalStack, user: str) -> dict:
    assert stack._kafka is not None
    password = stack._kafka.credentials[user]
    return {**confluent_options(stack.bootstrap_servers, user, password), "log_level": 2}


async def test_a_partner_with_librdkafka_gets_its_vte_decision_from_services_running_under_their_own_acls(
    secure_stack, run_service
):
    schemas = {"territory": unique_name("sec_t"), "vte": unique_name("sec_v")}
    url = secure_stack.database_url
    staff = {"test-staff-token": "staff"}
    async with (
        run_service(create_territory, "territory", database_url=url, db_schema=schemas["territory"],
                    api_tokens=staff) as (_, territory_client),
        run_service(create_vte, "vte", database_url=url, db_schema=schemas["vte"]) as (vte_app, vte_client),
    ):  # fmt: skip
        # Reims joins its EPCI through the territory service's door: the vte service learns the perimeter (its
        # communes and « périmètre connu ») from the territory topics, so the contract below is decided, not held.
        territory_client.headers["Authorization"] = "Bearer test-staff-token"
        [reims] = [p for p in known_perimeters() if p.territory_id == REIMS]
        joined = await territory_client.post(f"/territories/{REIMS}/epci", json=reims.join_body())
        assert joined.status_code == 201, joined.text
        await await_projected(url, [reims], schemas["vte"], timeout_s=120)
        assert vte_app.state.runtime.settings.kafka_username == "svc-vte"

        payload = contract(f"BPI-VTE-SEC-{uuid.uuid4().hex[:6]}")
        spec = spec_for(payload)
        envelope = Envelope.new(spec.type, spec.subject_of(payload), "bpifrance")
        key, value, headers = encode_event(envelope, payload)
        producer = Producer({**partner_options(secure_stack, "partner-bpifrance"), "enable.idempotence": True})
        delivered: dict[str, object] = {}
        own, other = partner_ingress_topic("bpifrance", "vte"), partner_ingress_topic("ademe", "vte")
        for topic in (own, other):
            producer.produce(topic, value=value, key=key, headers=headers,
                             on_delivery=lambda err, msg, t=topic: delivered.setdefault(t, err))  # fmt: skip
        await asyncio.to_thread(producer.flush, 30)
        assert delivered[own] is None, delivered
        assert "AUTHORIZATION" in delivered[other].name(), delivered  # the broker refused another partner's topic

        consumer = Consumer({**partner_options(secure_stack, "partner-bpifrance"),
                             "group.id": "partner-bpifrance.secure-test", "auto.offset.reset": "earliest"})  # fmt: skip
        consumer.subscribe([partner_feedback_topic("bpifrance")])
        answers = []
        for _ in range(300):
            message = await asyncio.to_thread(consumer.poll, 0.5)
            if message is not None and message.error() is None:
                answer_envelope, answer = decode_event(message.key(), message.value(), message.headers() or [])
                if getattr(answer, "partner_event_id", None) == envelope.id:
                    answers.append((answer_envelope.type, answer))
            if answers:
                await asyncio.sleep(1)  # would a second answer come?
                extra = await asyncio.to_thread(consumer.poll, 1.0)
                if extra is None or extra.error() is not None:
                    break
        consumer.close()
        print(f"\n[secure platform] answers to the partner: {[t for t, _ in answers]}")
        assert [t.rsplit(".", 2)[-2] for t, _ in answers] == ["PartnerEventAccepted"]
        aids = (await vte_client.get("/vte/aids", params={"territory_id": REIMS})).json()
        print(f"[secure platform] aids: {aids}")
        assert aids

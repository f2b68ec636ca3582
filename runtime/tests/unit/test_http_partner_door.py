"""The partners' HTTP door reads CloudEvents (structured, batch) into the Kafka door's record and checks."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tdi_contracts.envelope import spec_for
from tdi_contracts.events.vte import RecordVteContractV2
from tdi_contracts.reference import Partner
from tdi_contracts.topics import partner_ingress_topic
from tdi_runtime.doors.http_partner.events import BATCH, STRUCTURED, check, parse_body, receipt_id
from tdi_runtime.errors import DomainError
from tdi_runtime.partners import PartnerIngressFeedback
from tdi_runtime.testing import example_payload

FEEDBACK = PartnerIngressFeedback("vte")
CONTRACT = spec_for(RecordVteContractV2)


def event(**overrides: Any) -> dict[str, Any]:
    payload = example_payload(RecordVteContractV2)
    found = {
        "specversion": "1.0",
        "id": "BPI-HTTP-1",
        "source": "/partners/bpifrance/erp",
        "type": CONTRACT.type,
        "time": "2024-03-01T09:00:00Z",
        "subject": CONTRACT.subject_of(payload),
        "data": json.loads(payload.model_dump_json()),
    }
    found.update(overrides)
    return {k: v for k, v in found.items() if v is not None}


def test_a_structured_event_is_one_event_and_a_batch_is_a_list():
    assert parse_body(f"{STRUCTURED}; charset=utf-8", json.dumps(event()).encode(), 10) == (False, [event()])
    batch, items = parse_body(BATCH, json.dumps([event(), event(id="BPI-HTTP-2")]).encode(), 10)
    assert batch and [i["id"] for i in items] == ["BPI-HTTP-1", "BPI-HTTP-2"]


@pytest.mark.parametrize(
    ("content_type", "body", "code"),
    [
        ("application/json", b"{}", "UNSUPPORTED_MEDIA_TYPE"),
        (STRUCTURED, b"{not json", "MALFORMED_REQUEST"),
        (STRUCTURED, b"\xff\xfe", "MALFORMED_REQUEST"),
        (BATCH, b"{}", "NOT_A_CLOUDEVENT"),
        (BATCH, json.dumps([{}] * 3).encode(), "PARTNER_BATCH_TOO_LARGE"),
    ],
)
def test_a_body_the_door_cannot_read_gets_a_code(content_type: str, body: bytes, code: str):
    with pytest.raises(DomainError) as refused:
        parse_body(content_type, body, 2)
    assert refused.value.code == code
    assert refused.value.http_status < 500


def test_a_well_formed_granted_event_becomes_the_record_bpifrance_would_publish():
    checked = check(0, event(), Partner.BPIFRANCE, "vte", FEEDBACK)
    assert checked.violation is None and checked.record is not None and checked.delivery is not None
    payload = checked.delivery.payload
    assert checked.record.topic == partner_ingress_topic("bpifrance", "vte")
    assert checked.record.key == CONTRACT.key_of(payload).encode()  # the key rule of the type
    headers = dict(checked.record.headers)
    assert headers["ce_producer"] == b"bpifrance"  # defaults: the caller, the event's own id
    assert headers["ce_correlationid"] == headers["ce_causationid"] == b"BPI-HTTP-1"
    assert checked.event_id == "BPI-HTTP-1" and checked.source == "/partners/bpifrance/erp"


def test_another_partners_source_is_refused_as_source_mismatch():
    checked = check(0, event(source="/partners/ademe"), Partner.BPIFRANCE, "vte", FEEDBACK)
    assert checked.violation is not None and checked.violation.code == "SOURCE_MISMATCH"
    assert "/partners/ademe" in checked.violation.reason


def test_a_type_not_granted_to_the_partner_is_refused_as_command_not_allowed():
    checked = check(0, event(source="/partners/ademe"), Partner.ADEME, "vte", FEEDBACK)  # no VTE command
    assert checked.violation is not None and checked.violation.code == "COMMAND_NOT_ALLOWED"


def test_a_producer_that_is_not_the_caller_is_refused_as_producer_mismatch():
    checked = check(0, event(producer="ademe"), Partner.BPIFRANCE, "vte", FEEDBACK)
    assert checked.violation is not None and checked.violation.code == "PRODUCER_MISMATCH"


@pytest.mark.parametrize(
    ("item", "code"),
    [
        ("not an object", "NOT_A_CLOUDEVENT"),
        (event(data=None), "NOT_A_CLOUDEVENT"),
        (event(data="text"), "NOT_A_CLOUDEVENT"),
        (event(id=None), "MISSING_HEADER"),
        (event(id=42.5), "INVALID_HEADER"),
        (event(type="not a type!"), "INVALID_HEADER"),
        (event(type="fr.territoires-industrie.vte.Nothing.v1"), "UNKNOWN_EVENT_TYPE"),
        (event(subject="another"), "SUBJECT_MISMATCH"),
        (event(data={"contract_reference": 3}), "INVALID_PAYLOAD"),
    ],
)
def test_a_malformed_event_gets_the_kafka_doors_code(item: Any, code: str):
    checked = check(0, item, Partner.BPIFRANCE, "vte", FEEDBACK)
    assert checked.violation is not None and checked.violation.code == code
    assert checked.violation.reason  # a French sentence


def test_a_missing_attribute_is_named_as_the_http_caller_wrote_it():
    checked = check(0, event(id=None), Partner.BPIFRANCE, "vte", FEEDBACK)
    assert checked.violation is not None
    paths = [e["path"] for e in checked.violation.details["field_errors"]]
    assert "id" in paths and "ce_id" not in paths


def test_a_control_character_in_a_command_is_refused_as_on_kafka():
    data = event()["data"]
    data["contract_reference"] = "BPI\u0007REF"
    checked = check(0, event(data=data), Partner.BPIFRANCE, "vte", FEEDBACK)
    assert checked.violation is not None and checked.violation.code == "INVALID_PAYLOAD"


def test_a_receipt_id_is_stable_for_the_same_source_and_id_and_differs_otherwise():
    assert receipt_id("/partners/bpifrance", "E1") == receipt_id("/partners/bpifrance", "E1")
    assert receipt_id("/partners/bpifrance", "E1") != receipt_id("/partners/bpifrance/erp", "E1")


def test_an_accepted_receipt_carries_the_notes_the_feedback_topic_carries():
    """A decision taken otherwise than asked (a VTE green top-up capped at 8,000 EUR, seed 000 l. 673) says so on
    the feedback topic (`PartnerEventAccepted.notes`); the HTTP receipt of the same event says the same."""
    from tdi_runtime.doors.http_partner.receipts import accepted_parts

    contract = "7d3f4e2a-1b2c-4d5e-8f90-123456789abc"
    ids, notes = accepted_parts([["vte-contract", contract], ["note", "Complément plafonné à 8 000,00 €."]])
    assert [(str(i.kind), str(i.id)) for i in ids] == [("vte-contract", contract)]
    assert notes == ["Complément plafonné à 8 000,00 €."]


def test_an_accepted_receipt_of_a_held_decision_says_why_it_is_held_as_the_feedback_topic_does():
    """Issue 24: a VTE contract held until its territory's perimeter is known is accepted with `status: pending` and
    `pending_code` on the feedback topic; the HTTP receipt (status `accepted`: applied) carries the same code."""
    from tdi_runtime.doors.http_partner.receipts import held_code

    contract = "7d3f4e2a-1b2c-4d5e-8f90-123456789abc"
    held = [["vte-contract", contract], ["pending", "TERRITORY_PERIMETER_PENDING"], ["note", "En attente."]]
    assert held_code(held) == "TERRITORY_PERIMETER_PENDING"
    assert held_code([["vte-contract", contract]]) is None and held_code(None) is None

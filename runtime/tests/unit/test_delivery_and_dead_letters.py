"""Decoding a consumed record keeps its violation; a dead letter keeps the original and says why."""

import base64
import json
from types import SimpleNamespace

from tdi_contracts.envelope import decode_event
from tdi_runtime.deadletters import dead_letter
from tdi_runtime.delivery import decode_record
from tdi_runtime.testing import probe_event


def record(key, value, headers, offset=7):
    return SimpleNamespace(
        topic="tdi.territory.territory.v1", partition=2, offset=offset, key=key, value=value, headers=headers
    )


def test_a_well_formed_record_is_decoded_with_its_event_id_and_type():
    delivery = decode_record(record(*probe_event(8413, 3)))
    assert delivery.violation is None
    assert delivery.event_type == "fr.territoires-industrie.territory.EpciJoined.v1"
    assert delivery.payload.epci_name == "EPCI n° 3"


def test_float_money_or_a_wrong_type_is_kept_as_a_violation_naming_the_field():
    key, value, headers = probe_event(8413, 3)
    bad = json.dumps({**json.loads(value), "epci_siren": 200067213.5}).encode()
    delivery = decode_record(record(key, bad, headers))
    assert delivery.violation is not None
    assert delivery.violation.code == "INVALID_PAYLOAD"
    assert [e["path"] for e in delivery.violation.details["field_errors"]] == ["epci_siren"]
    assert delivery.event_id == dict(headers)["ce_id"].decode(), "the partner's event id is kept for feedback"


def test_a_record_without_any_header_gets_an_id_from_its_position():
    delivery = decode_record(record(None, b"{}", []))
    assert delivery.violation.code == "MISSING_HEADER"
    assert delivery.event_id == "tdi.territory.territory.v1/2/7"


def test_a_dead_letter_keeps_the_original_record_and_says_why_in_headers_and_body():
    key, value, headers = probe_event(8413, 3)
    delivery = decode_record(record(key, value, headers))
    message = dead_letter(delivery, "tdi-reporting", "UNKNOWN_TERRITORY", "Le territoire ti-8413 est inconnu.")
    assert message.topic == "tdi.dlq.tdi-reporting.v1"
    why = {k: v.decode() for k, v in message.headers}
    assert why["tdi_dlq_code"] == "UNKNOWN_TERRITORY"
    assert (why["tdi_dlq_source_topic"], why["tdi_dlq_source_partition"], why["tdi_dlq_source_offset"]) == (
        "tdi.territory.territory.v1",
        "2",
        "7",
    )
    _, body = decode_event(message.key, message.value, list(message.headers))
    assert base64.b64decode(body.original_value_base64) == value
    assert body.reason == "Le territoire ti-8413 est inconnu."


def test_a_ce_id_with_a_space_or_an_accent_is_replaced_by_the_records_position_like_a_missing_one():
    key, value, headers = probe_event(8413, 3)
    for unusable in ("BPI 42", "BPI-42-é", "x" * 129):
        bad = [(k, unusable.encode() if k == "ce_id" else v) for k, v in headers]
        delivery = decode_record(record(key, value, bad))
        assert delivery.violation is not None and delivery.violation.code == "INVALID_HEADER", unusable
        assert delivery.event_id == "tdi.territory.territory.v1/2/7", unusable

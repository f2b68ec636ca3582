"""Property tests: every payload survives its wire form (key, JSON value, ce_* headers) unchanged."""

import json
import re
from datetime import datetime
from typing import Any

import pytest
from contract_strategies import documents
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tdi_contracts.envelope import COMMAND_TYPES, EVENT_TYPES, Envelope, decode_event, encode_event, envelope_for

PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_DEL_AND_C1 = re.compile(r"[\x7f-\x9f]")


def _printable(document: Any) -> Any:
    """The document with DEL and C1 characters replaced: the schemas' text patterns let them through, the
    decoding of a command refuses them (test_control_characters), so a command holding one never round-trips."""
    if isinstance(document, dict):
        return {k: _printable(v) for k, v in document.items()}
    if isinstance(document, list):
        return [_printable(v) for v in document]
    return _DEL_AND_C1.sub("x", document) if isinstance(document, str) else document


@pytest.mark.parametrize("type_", sorted(EVENT_TYPES))
@PROPERTY
@given(data=st.data())
def test_every_payload_round_trips_through_its_wire_form_unchanged(type_: str, data: st.DataObject) -> None:
    model = EVENT_TYPES[type_]
    document = data.draw(documents(model))
    document = _printable(document) if type_ in COMMAND_TYPES else document
    payload = model.model_validate_json(json.dumps(document))
    envelope = envelope_for(payload, "platform")

    key, value, headers = encode_event(envelope, payload)
    decoded_envelope, decoded = decode_event(key, value, headers)

    assert decoded == payload
    assert decoded_envelope == envelope
    assert encode_event(decoded_envelope, decoded) == (key, value, headers)


@PROPERTY
@given(
    ids=st.from_regex(r"^[!-~]{1,128}$", fullmatch=True),
    time=st.datetimes(timezones=st.timezones()),
    version=st.integers(1, 999),
)
def test_an_envelope_reads_back_from_its_headers_unchanged(ids: str, time: datetime, version: int) -> None:
    envelope = Envelope(
        id=ids,
        source="/partners/bpifrance",
        type=f"fr.territoires-industrie.funding.FileApplication.v{version}",
        time=time,
        subject=ids,
        correlation_id=ids,
        causation_id=ids,
        schema_version=version,
        producer="bpifrance",
    )

    assert Envelope.from_kafka_headers(envelope.to_kafka_headers()) == envelope

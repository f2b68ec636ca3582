"""The envelope travels as CloudEvents Kafka headers; a missing or malformed header is named."""

from uuid import UUID

import pytest
from grant_records import GRANT, grant_record, refused, with_header

from tdi_contracts.envelope import (
    Envelope,
    ErrorCode,
    decode_event,
    envelope_for,
)


def test_the_kafka_key_is_the_territory_id_and_the_subject_the_aggregate_id() -> None:
    key, _, headers = grant_record()
    assert key == b"ti-8413"
    assert dict(headers)["ce_subject"] == str(GRANT.grant_id).encode()


def test_headers_are_the_cloudevents_kafka_binary_mode_ones() -> None:
    names = [name for name, _ in grant_record()[2]]
    assert sorted(names) == sorted(
        [
            *["ce_id", "ce_source", "ce_type", "ce_specversion", "ce_time", "ce_subject", "content-type"],
            *["ce_correlationid", "ce_causationid", "ce_schemaversion", "ce_producer"],
        ]
    )
    extensions = [n.removeprefix("ce_") for n in names if n.startswith("ce_")]
    assert all(e.isalnum() and e.islower() for e in extensions)


def test_time_travels_in_utc_with_a_z() -> None:
    assert dict(grant_record()[2])["ce_time"].endswith(b"Z")


def test_a_missing_header_is_named() -> None:
    key, value, headers = grant_record()
    violation = refused(key, value, [(n, v) for n, v in headers if n != "ce_correlationid"])
    assert violation.code is ErrorCode.MISSING_HEADER
    assert [e.path for e in violation.field_errors] == ["ce_correlationid"]
    assert "absent" in violation.reason


def test_a_time_without_timezone_is_an_invalid_header() -> None:
    key, value, headers = grant_record()
    violation = refused(key, value, with_header(headers, "ce_time", b"2024-01-15T09:30:00"))
    assert violation.code is ErrorCode.INVALID_HEADER
    assert violation.field_errors[0].path == "ce_time"


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("ce_producer", b"someone-else"),
        ("ce_specversion", b"0.3"),
        ("ce_id", b"has space"),
        ("ce_id", b"\xff"),
    ],
)
def test_a_malformed_header_is_named(header: str, value: bytes) -> None:
    key, payload, headers = grant_record()
    violation = refused(key, payload, with_header(headers, header, value))
    assert violation.code is ErrorCode.INVALID_HEADER
    assert violation.field_errors[0].path == header


def test_other_headers_such_as_tracing_travel_alongside() -> None:
    key, value, headers = grant_record()
    _, payload = decode_event(key, value, [*headers, ("traceparent", b"00-abc-def-01")])
    assert payload == GRANT


def test_a_caused_event_keeps_the_correlation_and_points_at_its_cause() -> None:
    root = envelope_for(GRANT, "bpifrance")
    child = Envelope.new("fr.territoires-industrie.funding.PaymentMade.v1", str(UUID(int=1)), "funding", cause=root)
    assert (child.correlation_id, child.causation_id) == (root.correlation_id, root.id)
    assert root.correlation_id == root.causation_id == root.id

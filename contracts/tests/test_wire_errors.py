"""Decoding refuses bad records with a stable code, a French reason and the header or field at fault."""

import pytest
from grant_records import grant_record, refused, with_header

from tdi_contracts.envelope import (
    ErrorCode,
)


def test_an_unknown_event_type_is_refused() -> None:
    key, value, headers = grant_record()
    violation = refused(key, value, with_header(headers, "ce_type", b"com.example.Something.v1"))
    assert violation.code is ErrorCode.UNKNOWN_EVENT_TYPE


def test_an_unserved_version_of_a_known_event_is_refused_naming_the_served_ones() -> None:
    key, value, headers = grant_record()
    headers = with_header(headers, "ce_type", b"fr.territoires-industrie.funding.GrantCommitted.v7")
    violation = refused(key, value, with_header(headers, "ce_schemaversion", b"7"))
    assert violation.code is ErrorCode.SCHEMA_VERSION_UNSUPPORTED
    assert "GrantCommitted.v1" in violation.reason


def test_a_schema_version_header_disagreeing_with_the_type_is_refused() -> None:
    key, value, headers = grant_record()
    violation = refused(key, value, with_header(headers, "ce_schemaversion", b"2"))
    assert violation.code is ErrorCode.SCHEMA_VERSION_UNSUPPORTED


@pytest.mark.parametrize("value", [b"{not json", b"", None, b"\xff\xfe"])
def test_a_value_that_is_not_json_is_malformed(value: bytes | None) -> None:
    key, _, headers = grant_record()
    assert refused(key, value, headers).code is ErrorCode.MALFORMED_JSON


def test_a_key_other_than_the_territory_id_is_refused() -> None:
    _, value, headers = grant_record()
    violation = refused(b"ti-1", value, headers)
    assert violation.code is ErrorCode.KEY_MISMATCH
    assert "territory_id" in violation.reason


def test_a_subject_other_than_the_aggregate_id_is_refused() -> None:
    key, value, headers = grant_record()
    violation = refused(key, value, with_header(headers, "ce_subject", b"ti-8413"))
    assert violation.code is ErrorCode.SUBJECT_MISMATCH


def test_every_violation_carries_a_french_reason_and_a_stable_code() -> None:
    from tdi_contracts.errors import REASONS

    assert set(REASONS) == set(ErrorCode)
    assert all(code.value == code.name for code in ErrorCode)
    assert all(reason.endswith(".") for reason in REASONS.values())

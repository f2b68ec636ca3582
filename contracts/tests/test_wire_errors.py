"""Decoding refuses bad records with a stable code, a French reason and the header or field at fault."""

import json

import pytest
from tdi_contracts.envelope import (
    ContractViolation,
    ErrorCode,
    decode_event,
    encode_event,
    envelope_for,
)
from tdi_contracts.events.funding import GrantCommitted

GRANT = GrantCommitted.model_validate_json(
    json.dumps(
        {
            "grant_id": "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e06",
            "application_id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c05",
            "territory_id": "ti-8413",
            "envelope_id": "fonds-vert-ti-2024-r44",
            "programme": "fonds-vert-ti",
            "instrument": "subvention",
            "amount_cents": 120_000_000,
            "committed_on": "2024-03-04",
        }
    )
)


def _record() -> tuple[bytes | None, bytes, list[tuple[str, bytes]]]:
    return encode_event(envelope_for(GRANT, "funding"), GRANT)


def _decode(key: bytes | None, value: bytes | None, headers: list[tuple[str, bytes]]) -> ContractViolation:
    with pytest.raises(ContractViolation) as caught:
        decode_event(key, value, headers)
    return caught.value


def _replace(headers: list[tuple[str, bytes]], name: str, value: bytes) -> list[tuple[str, bytes]]:
    return [(n, value if n == name else v) for n, v in headers]


def test_an_unknown_event_type_is_refused() -> None:
    key, value, headers = _record()
    violation = _decode(key, value, _replace(headers, "ce_type", b"com.example.Something.v1"))
    assert violation.code is ErrorCode.UNKNOWN_EVENT_TYPE


def test_an_unserved_version_of_a_known_event_is_refused_naming_the_served_ones() -> None:
    key, value, headers = _record()
    headers = _replace(headers, "ce_type", b"fr.territoires-industrie.funding.GrantCommitted.v7")
    violation = _decode(key, value, _replace(headers, "ce_schemaversion", b"7"))
    assert violation.code is ErrorCode.SCHEMA_VERSION_UNSUPPORTED
    assert "GrantCommitted.v1" in violation.reason


def test_a_schema_version_header_disagreeing_with_the_type_is_refused() -> None:
    key, value, headers = _record()
    violation = _decode(key, value, _replace(headers, "ce_schemaversion", b"2"))
    assert violation.code is ErrorCode.SCHEMA_VERSION_UNSUPPORTED


@pytest.mark.parametrize("value", [b"{not json", b"", None, b"\xff\xfe"])
def test_a_value_that_is_not_json_is_malformed(value: bytes | None) -> None:
    key, _, headers = _record()
    assert _decode(key, value, headers).code is ErrorCode.MALFORMED_JSON


def test_a_key_other_than_the_territory_id_is_refused() -> None:
    _, value, headers = _record()
    violation = _decode(b"ti-1", value, headers)
    assert violation.code is ErrorCode.KEY_MISMATCH
    assert "territory_id" in violation.reason


def test_a_subject_other_than_the_aggregate_id_is_refused() -> None:
    key, value, headers = _record()
    violation = _decode(key, value, _replace(headers, "ce_subject", b"ti-8413"))
    assert violation.code is ErrorCode.SUBJECT_MISMATCH


def test_every_violation_carries_a_french_reason_and_a_stable_code() -> None:
    from tdi_contracts.errors import REASONS

    assert set(REASONS) == set(ErrorCode)
    assert all(code.value == code.name for code in ErrorCode)
    assert all(reason.endswith(".") for reason in REASONS.values())

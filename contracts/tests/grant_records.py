"""A valid GrantCommitted record and helpers to spoil it, shared by the envelope and wire tests."""

import json

import pytest

from tdi_contracts.envelope import ContractViolation, decode_event, encode_event, envelope_for
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


def grant_record() -> tuple[bytes | None, bytes, list[tuple[str, bytes]]]:
    return encode_event(envelope_for(GRANT, "funding"), GRANT)


def refused(key: bytes | None, value: bytes | None, headers: list[tuple[str, bytes]]) -> ContractViolation:
    with pytest.raises(ContractViolation) as caught:
        decode_event(key, value, headers)
    return caught.value


def with_header(headers: list[tuple[str, bytes]], name: str, value: bytes) -> list[tuple[str, bytes]]:
    return [(n, value if n == name else v) for n, v in headers]

"""Every answer on a partner's feedback topic quotes the partner's `ce_id` in `ce_causationid` and in
`partner_event_id`, and its correlation id in `ce_correlationid`, as the partner guide promises: for each kind of
rejection, the record-level ones (the envelope or the payload could not be read) included. A record whose `ce_id`
cannot be read is answered under its place, `<topic>/<partition>/<offset>`, in both."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from memory_db import MemoryPool, NoKafka
from partner_records import FLOW, VTE_INGRESS, answers, contract_record, record_of, vte_consumer

from tdi_contracts.errors import ErrorCode
from tdi_contracts.events.funding import FileApplication
from tdi_contracts.events.vte import EndVteContractV2, VteAidRefused
from tdi_runtime.errors import DomainError
from tdi_runtime.pipeline import UnitOfWork
from tdi_runtime.testing import example_payload


def _header(record: SimpleNamespace, name: str, value: bytes | None) -> SimpleNamespace:
    kept = [(k, v) for k, v in record.headers if k != name]
    record.headers = kept if value is None else [*kept, (name, value)]
    return record


def _payload(record: SimpleNamespace, **changes: Any) -> SimpleNamespace:
    record.value = json.dumps({**json.loads(record.value), **changes}).encode()
    return record


def _value(record: SimpleNamespace, value: bytes) -> SimpleNamespace:
    record.value = value
    return record


def _key(record: SimpleNamespace, key: bytes) -> SimpleNamespace:
    record.key = key
    return record


KINDS: dict[str, tuple[str, Callable[[int, str], SimpleNamespace]]] = {
    "malformed json": ("MALFORMED_JSON", lambda o, i: _value(contract_record(o, i), b"{not json")),
    "missing header": ("MISSING_HEADER", lambda o, i: _header(contract_record(o, i), "ce_time", None)),
    "invalid header": ("INVALID_HEADER", lambda o, i: _header(contract_record(o, i), "ce_time", b"hier")),
    "type with a line break": (
        "INVALID_HEADER",
        lambda o, i: _header(contract_record(o, i), "ce_type", b"fr.territoires-industrie.vte.Record\nVte.v2"),
    ),
    "unknown type": ("UNKNOWN_EVENT_TYPE", lambda o, i: _header(contract_record(o, i), "ce_type", b"com.example.X.v1")),
    "unserved version": (
        "SCHEMA_VERSION_UNSUPPORTED",
        lambda o, i: _header(contract_record(o, i), "ce_schemaversion", b"7"),
    ),
    "invalid payload": ("INVALID_PAYLOAD", lambda o, i: _payload(contract_record(o, i), duration_months="12")),
    "nul in the payload": (
        "INVALID_PAYLOAD",
        lambda o, i: _payload(contract_record(o, i), contract_reference="BPI\u0000VTE"),
    ),
    "key mismatch": ("KEY_MISMATCH", lambda o, i: _key(contract_record(o, i), b"ti-8413")),
    "subject mismatch": ("SUBJECT_MISMATCH", lambda o, i: _header(contract_record(o, i), "ce_subject", b"OTHER")),
    "producer mismatch": ("PRODUCER_MISMATCH", lambda o, i: _header(contract_record(o, i), "ce_producer", b"ademe")),
    "source mismatch": (
        "SOURCE_MISMATCH",
        lambda o, i: _header(contract_record(o, i), "ce_source", b"/partners/ademe"),
    ),
    "not a command": ("NOT_A_COMMAND", lambda o, i: record_of(example_payload(VteAidRefused), o, i)),
    "command of another service": (
        "COMMAND_NOT_ALLOWED",
        lambda o, i: record_of(example_payload(FileApplication), o, i),
    ),
    "command without a handler": (
        "UNKNOWN_EVENT_TYPE",
        lambda o, i: record_of(example_payload(EndVteContractV2), o, i),
    ),
    "refused by the rules": ("UNKNOWN_AGGREGATE", lambda o, i: contract_record(o, i, contract_reference="BPI-REFUSE")),
}


async def refuse_marked(command: Any, uow: UnitOfWork) -> None:
    if command.contract_reference == "BPI-REFUSE":
        raise DomainError(ErrorCode.UNKNOWN_AGGREGATE)


@pytest.mark.parametrize("kind", sorted(KINDS))
async def test_a_rejection_quotes_the_partners_event_id_and_correlation_id(kind: str):
    code, make = KINDS[kind]
    pool = MemoryPool()
    assert await vte_consumer(pool, refuse_marked).handle_batch([make(3, "BPI-EVT-77")], NoKafka())
    [answer] = answers(pool)
    assert answer["code"] == code
    assert answer["partner_event_id"] == "BPI-EVT-77"
    assert answer["_headers"]["ce_causationid"] == "BPI-EVT-77"
    assert answer["_headers"]["ce_correlationid"] == FLOW


async def test_a_conflicting_copy_and_an_acceptance_quote_the_partners_event_id_too():
    pool = MemoryPool()
    first, copy = contract_record(0, "BPI-EVT-5"), contract_record(1, "BPI-EVT-5", duration_months=6)
    assert await vte_consumer(pool).handle_batch([first, copy], NoKafka())
    assert [(a.get("code", "ACCEPTED"), a["_headers"]["ce_causationid"]) for a in answers(pool)] == [
        ("ACCEPTED", "BPI-EVT-5"),
        ("CONFLICTING_REDELIVERY", "BPI-EVT-5"),
    ]


@pytest.mark.parametrize("ce_id", [None, b"has space", b"\xff", b"x" * 129])
async def test_a_record_whose_id_cannot_be_read_is_answered_under_its_place(ce_id: bytes | None):
    pool = MemoryPool()
    record = _header(_value(contract_record(8), b"{"), "ce_id", ce_id)
    assert await vte_consumer(pool).handle_batch([record], NoKafka())
    [answer] = answers(pool)
    place = f"{VTE_INGRESS}/1/8"
    assert answer["partner_event_id"] == answer["_headers"]["ce_causationid"] == place
    assert answer["_headers"]["ce_correlationid"] == FLOW

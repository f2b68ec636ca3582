"""The inbox's content digest: the same JSON content gives the same digest whatever its bytes (spacing, key order,
escapes), another content another digest; a partner's event sent by Kafka and again re-serialised (the HTTP door's
form) is one event, whichever copy comes first."""

from __future__ import annotations

import hashlib
import json
from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from memory_db import MemoryPool, NoKafka
from partner_records import answers, contract_record, dead_letters, vte_consumer

from tdi_runtime.inbox import content_digest


def _reference(value: bytes) -> str | None:
    """The digest as migration 0008 defined it (stored rows carry it): json.loads, sorted keys, no spaces, UTF-8."""
    try:
        document = json.loads(value)
    except ValueError:
        return None
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:32]


_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
_documents = st.recursive(
    _scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4), max_leaves=20
)


@settings(deadline=None)  # no timing threshold: the machine is shared
@given(_documents, st.booleans(), st.booleans(), st.sampled_from([None, 2]))
def test_a_documents_digest_is_the_stored_rows_digest_however_it_is_serialised(
    document: Any, ascii_only: bool, sort: bool, indent: int | None
):
    value = json.dumps(document, ensure_ascii=ascii_only, sort_keys=sort, indent=indent).encode(
        "utf-8", "surrogatepass"
    )
    compact = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
    assert content_digest(value) == _reference(value) == content_digest(compact)


def test_odd_json_gets_the_stored_rows_digest_or_none_when_it_is_not_json():
    odd = [
        b'"\\ud800"',  # a lone surrogate, escaped
        b'{"a":1,"a":2}',
        b"NaN",
        b"[1e400, -Infinity, -0.0, 1E5, 1e-7]",
        b"123456789012345678901234567890",
        b"0.1000000000000000055511151231257827",
        b'\xef\xbb\xbf{"a": "\xc3\xa9"}',  # UTF-8 with a BOM
        '{"a": "é"}'.encode("utf-16"),
        b'{"a": "\\u00e9\\u0000"}',
    ]
    for value in odd:
        assert content_digest(value) == _reference(value) is not None, value
    for not_json in (b"", b"{", b'{"a": "\xff"}', b'"a\x01"', None):
        assert content_digest(not_json) is None


def _door_form(record: SimpleNamespace) -> SimpleNamespace:
    """The same record as the HTTP door re-serialises it (its own spacing), at the next offset."""
    value = json.dumps(json.loads(record.value), ensure_ascii=False, indent=1).encode()
    assert value != record.value
    return SimpleNamespace(**{**vars(record), "value": value, "offset": record.offset + 1})


async def test_a_partners_event_by_kafka_then_by_the_http_door_is_one_event_answered_twice():
    pool = MemoryPool()
    kafka_copy = contract_record(0, "BPI-EVT-8")
    applied: list[str] = []

    async def handler(command: Any, uow: Any) -> None:
        applied.append(command.contract_reference)

    assert await vte_consumer(pool, handler).handle_batch([kafka_copy, _door_form(kafka_copy)], NoKafka())
    assert len(applied) == 1
    assert dead_letters(pool) == []
    assert [a.get("code", "ACCEPTED") for a in answers(pool)] == ["ACCEPTED", "ACCEPTED"]

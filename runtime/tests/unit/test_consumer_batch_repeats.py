"""Copies of one event inside a single batch: applied once, a different content refused, a correction kept.

The consumer keeps what it did with each event of the batch and answers a later copy from it, as it would
from the inbox once recorded. An in-memory connection stands for PostgreSQL (the batch's inbox lookup finds
nothing recorded before); the integration suites cover the real database.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

from memory_db import MemoryConnection, MemoryPool, NoKafka

from tdi_runtime.testing import probe_consumer, probe_event

TOPIC = "tdi.test.batch-repeats.v1"


def _record(offset: int, key: bytes | None, value: bytes, headers: list[tuple[str, bytes]]) -> SimpleNamespace:
    return SimpleNamespace(topic=TOPIC, partition=0, offset=offset, key=key, value=value, headers=headers)


def _dead_letter_codes(conn: MemoryConnection) -> list[str]:
    codes = []
    for row in conn.outbox:
        names, values = row[4], row[5]
        codes += [
            v.decode() if isinstance(v, bytes) else v for n, v in zip(names, values, strict=True) if n == "tdi_dlq_code"
        ]
    return codes


async def _handle(*records: SimpleNamespace) -> MemoryConnection:
    pool = MemoryPool()
    consumer = probe_consumer(pool, "tdi-repeats")  # type: ignore[arg-type]
    assert await consumer.handle_batch(list(records), NoKafka())
    return pool.conn


async def test_an_event_published_twice_in_a_row_in_one_batch_is_applied_and_recorded_once():
    key, value, headers = probe_event(5000, 1)
    conn = await _handle(_record(0, key, value, headers), _record(1, key, value, headers))
    event_id = dict(headers)["ce_id"].decode()
    assert conn.inbox == [(event_id, "applied")]
    assert len(conn.effects) == 1
    assert _dead_letter_codes(conn) == []


async def test_a_copy_with_another_content_in_the_same_batch_is_dead_lettered_as_a_conflicting_redelivery():
    key, value, headers = probe_event(5000, 1)
    _, other_value, _ = probe_event(5000, 2)  # same territory (key, subject), another EPCI: another digest
    conn = await _handle(_record(0, key, value, headers), _record(1, key, other_value, headers))
    assert conn.inbox == [(dict(headers)["ce_id"].decode(), "applied")]
    assert len(conn.effects) == 1
    assert _dead_letter_codes(conn) == ["CONFLICTING_REDELIVERY"]


async def test_a_record_refused_unread_then_its_corrected_copy_in_the_same_batch_apply_the_copy_once():
    key, value, headers = probe_event(5000, 1)
    conn = await _handle(_record(0, key, b"{not json", headers), _record(1, key, value, headers))
    # the refused record is known by its place (it could not be read), the corrected copy by its id
    assert conn.inbox == [(f"{TOPIC}/0/0", "rejected"), (dict(headers)["ce_id"].decode(), "applied")]
    assert len(conn.effects) == 1
    assert _dead_letter_codes(conn) == ["MALFORMED_JSON"]  # the refused copy, dead-lettered with its reason


async def test_a_domain_event_sent_again_with_other_bytes_of_the_same_content_is_a_conflicting_redelivery():
    """Only a partner's events have two doors (Kafka and HTTP) that may serialise one event twice; a domain event is
    published from the bytes its outbox stored, so another serialisation of it is not the same event (platform
    rule: the content digest is kept for partner topics only)."""
    key, value, headers = probe_event(5000, 1)
    respaced = json.dumps(json.loads(value), indent=2, sort_keys=True).encode()
    assert respaced != value and json.loads(respaced) == json.loads(value)
    conn = await _handle(_record(0, key, value, headers), _record(1, key, respaced, headers))
    assert conn.inbox == [(dict(headers)["ce_id"].decode(), "applied")]
    assert len(conn.effects) == 1
    assert _dead_letter_codes(conn) == ["CONFLICTING_REDELIVERY"]

"""Copies of one event inside a single batch: applied once, a different content refused, a correction kept.

The consumer keeps what it did with each event of the batch and answers a later copy from it, as it would
from the inbox once recorded. An in-memory connection stands for PostgreSQL (the batch's inbox lookup finds
nothing recorded before); the integration suites cover the real database.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tdi_runtime.testing import probe_consumer, probe_event

TOPIC = "tdi.test.batch-repeats.v1"


class _Transaction:
    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *exc: object) -> bool:
        return False


class MemoryConnection:
    """What one batch writes: inbox rows (event id, outcome), probe effects, outbox rows."""

    def __init__(self) -> None:
        self.inbox: list[tuple[str, str]] = []
        self.effects: list[tuple[Any, ...]] = []
        self.outbox: list[tuple[Any, ...]] = []

    def is_in_transaction(self) -> bool:
        return True

    def transaction(self) -> _Transaction:
        return _Transaction()

    async def fetch(self, sql: str, *args: Any) -> list[Any]:
        return []  # the inbox has never seen these events

    async def execute(self, sql: str, *args: Any) -> None:
        if sql.startswith("INSERT INTO inbox"):
            self.inbox += list(zip(args[2], args[6], strict=True))  # event ids, outcomes
        elif "INSERT INTO outbox" in sql:
            self.outbox.append(args)

    async def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        if "probe_effects" in sql:
            self.effects += rows
        elif "INSERT INTO outbox" in sql:
            self.outbox += rows


class MemoryPool:
    def __init__(self) -> None:
        self.conn = MemoryConnection()

    def acquire(self) -> MemoryPool:
        return self

    async def __aenter__(self) -> MemoryConnection:
        return self.conn

    async def __aexit__(self, *exc: object) -> bool:
        return False


class NoKafka:
    def assignment(self) -> set[Any]:
        return set()


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


async def test_a_refused_event_then_its_corrected_copy_in_the_same_batch_leave_one_applied_inbox_row():
    key, value, headers = probe_event(5000, 1)
    conn = await _handle(_record(0, key, b"{not json", headers), _record(1, key, value, headers))
    assert conn.inbox == [(dict(headers)["ce_id"].decode(), "applied")]
    assert len(conn.effects) == 1
    assert _dead_letter_codes(conn) == ["MALFORMED_JSON"]  # the refused copy, dead-lettered with its reason

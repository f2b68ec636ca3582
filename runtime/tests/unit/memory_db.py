"""An in-memory stand-in for PostgreSQL and Kafka in the consumer's unit tests: what one batch writes.

The inbox lookup finds nothing recorded before; the integration suites cover the real database.
"""

from __future__ import annotations

from typing import Any


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


def outbox_rows(conn: MemoryConnection) -> list[tuple[str, bytes | None, bytes, dict[str, str]]]:
    """(topic, key, value, headers) of every outbox row the batch wrote, header values read as UTF-8 text."""
    rows = []
    for row in conn.outbox:
        topic, key, value, names, values = row[1], row[2], row[3], row[4], row[5]
        rows.append((topic, key, value, {k: v.decode() for k, v in zip(names, values, strict=True)}))
    return rows

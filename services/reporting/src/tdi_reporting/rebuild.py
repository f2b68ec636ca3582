"""Rebuild by replay: empty the read models and fold every domain topic again from offset zero.

The records are read without a consumer group (every partition, up to the end offsets taken at start) and go
through the same folds as the live consumer. The whole rebuild is one transaction: readers keep seeing the
old figures until it commits, then the new ones; the live consumer's writes to the same rows wait for it and
then apply again harmlessly (every fold is an idempotent upsert).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from tdi_reporting.history import record_versions
from tdi_reporting.store import READ_MODEL_TABLES
from tdi_runtime.delivery import decode_record
from tdi_runtime.handling import Handler, HandlerContext
from tdi_runtime.kafka import batches_to_end


@dataclass
class RebuildReport:
    records: int = 0
    folded: int = 0
    skipped: int = 0  # not decodable against the contracts: the live consumer dead-lettered them too
    seconds: float = 0.0

    @property
    def events_per_second(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0


async def rebuild(
    pool: asyncpg.Pool,
    bootstrap_servers: str,
    topics: Sequence[str],
    handlers: Mapping[str, Handler],
    *,
    batch_max: int = 5000,
    security: Mapping[str, Any] | None = None,
) -> RebuildReport:
    """Drop the read models and fold every record of `topics` up to their current end.

    `security`: the service's SASL options on a secure broker (`settings.kafka_security()`); by default
    those of the environment.
    """
    report = RebuildReport()
    began = time.perf_counter()
    batches = batches_to_end(bootstrap_servers, topics, max_records=batch_max, security=security)
    async with contextlib.aclosing(batches), pool.acquire() as conn, conn.transaction():
        for table in READ_MODEL_TABLES:
            await conn.execute(f"DELETE FROM {table}")
        async for records in batches:
            await _fold(conn, records, handlers, report)
        await record_versions(conn, every_fact=True)  # one tick: what changed, if anything, is versioned
    report.seconds = time.perf_counter() - began
    return report


async def _fold(conn: Any, records: list[Any], handlers: Mapping[str, Handler], report: RebuildReport) -> None:
    """One batch through the folds, their writes sent as one executemany per statement (as the consumer does)."""
    deferred: dict[str, list[tuple[Any, ...]]] = {}
    for record in records:
        report.records += 1
        delivery = decode_record(record)
        handler = handlers.get(delivery.event_type)
        if delivery.violation is not None:
            report.skipped += 1
        elif handler is not None:
            await handler(HandlerContext(conn, delivery, deferred=deferred))
            report.folded += 1
    for sql, rows in deferred.items():
        await conn.executemany(sql, rows)

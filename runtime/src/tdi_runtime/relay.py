"""The outbox relay: publishes pending outbox rows with the idempotent producer, then marks them sent.

Rows are read in id order among those not yet sent, through a partial index on unsent rows (never
`id > last_seen`, which skips rows whose transaction commits late). Each outbox shard is relayed by exactly
one instance at a time (a session advisory lock), so one aggregate's events reach its partition in the order
they were committed. A row is marked sent only after the broker acknowledged it: a relay killed in between
re-sends it on restart and consumers drop the duplicate through their inbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import zlib
from typing import Any

import asyncpg
import structlog

from tdi_runtime.db import Connection
from tdi_runtime.metrics import Metrics

log = structlog.get_logger(__name__)

_PENDING = """
SELECT id, topic, key, value, header_keys, header_values
FROM outbox WHERE sent_at IS NULL AND shard = ANY($1::smallint[]) ORDER BY id LIMIT $2
"""


class Relay:
    """Drains the outbox of one schema. `run()` until cancelled; `drain()` empties it once (for tests, shutdown)."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        producer: Any,
        *,
        schema: str,
        shards: int = 8,
        batch_size: int = 2000,
        poll_interval_s: float = 0.1,
        metrics: Metrics | None = None,
    ) -> None:
        self.pool = pool
        self.producer = producer
        self.schema = schema
        self.shards = shards
        self.batch_size = batch_size
        self.poll_interval_s = poll_interval_s
        self.metrics = metrics
        self._lock_space = zlib.crc32(f"relay:{schema}".encode()) & 0x7FFFFFFF
        self._held: list[int] = []
        self._wake = asyncio.Event()
        self._stopping = False

    async def _claim_shards(self, conn: Connection) -> None:
        for shard in range(self.shards):
            if shard not in self._held and await conn.fetchval(
                "SELECT pg_try_advisory_lock($1, $2)", self._lock_space, shard
            ):
                self._held.append(shard)

    async def publish_batch(self, conn: Connection) -> int:
        """Publish one batch of pending rows of the held shards; returns how many were marked sent."""
        if not self._held:
            return 0
        rows = await conn.fetch(_PENDING, self._held, self.batch_size)
        if not rows:
            return 0
        started = time.perf_counter()
        futures = []
        for row in rows:
            headers = [(k, v.encode()) for k, v in zip(row["header_keys"], row["header_values"], strict=True)]
            futures.append(await self.producer.send(row["topic"], value=row["value"], key=row["key"], headers=headers))
        results = await asyncio.gather(*futures, return_exceptions=True)
        sent = [row["id"] for row, result in zip(rows, results, strict=True) if not isinstance(result, BaseException)]
        failed = len(rows) - len(sent)
        if sent:
            await self.mark_sent(conn, sent)
        if self.metrics is not None:
            self.metrics.observe_relay(rows, results, time.perf_counter() - started)
        if failed:
            first = next(r for r in results if isinstance(r, BaseException))
            log.warning("relay_publish_failed", failed=failed, error=repr(first))
            raise ConnectionError(f"{failed} outbox rows not acknowledged by the broker: {first!r}")
        return len(sent)

    async def mark_sent(self, conn: Connection, ids: list[int]) -> None:
        """One UPDATE per batch, only for rows the broker acknowledged."""
        await conn.execute("UPDATE outbox SET sent_at = now() WHERE id = ANY($1::bigint[])", ids)

    async def drain(self) -> int:
        """Publish until nothing is pending in the held shards (claims them first)."""
        total = 0
        async with self.pool.acquire() as conn:
            await self._claim_shards(conn)
            try:
                while n := await self.publish_batch(conn):
                    total += n
            finally:
                await self._release(conn)
        return total

    async def _release(self, conn: Connection) -> None:
        for shard in self._held:
            with contextlib.suppress(Exception):
                await conn.execute("SELECT pg_advisory_unlock($1, $2)", self._lock_space, shard)
        self._held.clear()

    def stop(self) -> None:
        """Ask `run()` to return after the batch in flight and a last drain (graceful shutdown)."""
        self._stopping = True
        self._wake.set()

    def wake(self) -> None:
        """Look for pending rows now rather than at the next idle poll."""
        self._wake.set()

    async def run(self) -> None:
        """Relay until stopped: back-to-back batches while rows are pending, a short poll when idle."""
        backoff = 0.1
        while True:
            try:
                async with self.pool.acquire() as conn:
                    try:
                        while True:
                            self._wake.clear()  # before draining: a wake-up during the drain is not lost
                            await self._claim_shards(conn)
                            while await self.publish_batch(conn):
                                backoff = 0.1
                            if self.metrics is not None:
                                await self.metrics.sample_outbox_lag(conn)
                            if self._stopping:
                                return
                            with contextlib.suppress(TimeoutError):
                                await asyncio.wait_for(self._wake.wait(), self.poll_interval_s)
                    finally:
                        with contextlib.suppress(Exception):
                            await self._release(conn)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the broker or database is away: wait and try again
                self._held.clear()
                if self._stopping:
                    return
                log.warning("relay_retrying", error=repr(error), backoff_s=backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)

"""The outbox relay: publishes pending outbox rows with the idempotent producer, then marks them sent.

Rows are read in id order among those not yet sent, through a partial index on pending rows (never
`id > last_seen`, which skips rows whose transaction commits late), at most `batch_size` rows and about
`batch_max_bytes` per batch. Each outbox shard is relayed by one instance at a time (`relay_shards`), so one
aggregate's events reach its partition in the order they were committed, and live relays share the shards.

One row never stops a shard. Each row is checked against its topic's limit and sent on its own: a row that is
too large, or that `send()` raises for, fails alone and holds back the rest of its partition in this batch. In
each partition only the acknowledged prefix is marked sent; rows after a refused acknowledgement are re-sent
next batch (the inbox drops the copies). A failed row counts an attempt and keeps its last error; refused for
good `max_attempts` times (`relay_failures`) it is parked, and the shard moves on. A row is marked sent only
after the broker acknowledged it: a relay killed in between re-sends it.

`topics`: the catalogue whose limits apply (a service passes the contracts'; None checks every record against
the producer's max request size only, for tests and benchmarks on topics of their own).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import asyncpg
import structlog

from tdi_runtime import failpoints
from tdi_runtime.db import Connection
from tdi_runtime.kafka import MAX_REQUEST_BYTES
from tdi_runtime.metrics import Metrics
from tdi_runtime.outbox import TopicCatalogue, record_bytes
from tdi_runtime.relay_failures import RecordRefusedError, record_failures, refused_for_good
from tdi_runtime.relay_partitions import Partitions
from tdi_runtime.relay_shards import ShardClaims

log = structlog.get_logger(__name__)

_PENDING = """
SELECT id, topic, key, value, header_keys, header_values FROM (
    SELECT *, sum(octet_length(value)) OVER (ORDER BY id) - octet_length(value) AS bytes_before
    FROM outbox WHERE sent_at IS NULL AND parked_at IS NULL AND shard = ANY($1::smallint[]) ORDER BY id LIMIT $2
) AS head WHERE bytes_before < $3 ORDER BY id
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
        batch_max_bytes: int = 8 * 1024 * 1024,
        max_attempts: int = 5,
        poll_interval_s: float = 0.1,
        topics: TopicCatalogue | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.pool = pool
        self.producer = producer
        self.schema = schema
        self.shards = shards
        self.batch_size = batch_size
        self.batch_max_bytes = batch_max_bytes
        self.max_attempts = max_attempts
        self.poll_interval_s = poll_interval_s
        self.topics = topics
        self.metrics = metrics
        self.claims = ShardClaims(schema, shards)
        self.partitions = Partitions(producer)
        self.refused_in_last_batch = 0
        self._wake = asyncio.Event()
        self._stopping = False
        self.retrying = 0
        """Consecutive failed rounds (database or broker away): readiness and `tdi_retrying_attempts` show it."""
        self.last_error = ""

    @property
    def held(self) -> list[int]:
        """The shards this relay publishes now."""
        return sorted(self.claims.held)

    def _limit_of(self, topic: str) -> int | None:
        """The largest record the topic takes (None: not declared); the producer's max request size at most."""
        if self.topics is None:
            return MAX_REQUEST_BYTES
        limit = self.topics.limit_of(topic)
        return None if limit is None else min(limit, MAX_REQUEST_BYTES)

    async def publish_batch(self, conn: Connection, shards: list[int] | None = None) -> int:
        """Publish one batch of pending rows of the held shards; returns how many were marked sent."""
        self.refused_in_last_batch = 0
        shards = self.claims.held if shards is None else shards
        if not shards:
            return 0
        rows = await conn.fetch(_PENDING, shards, self.batch_size, self.batch_max_bytes)
        if not rows:
            return 0
        started = time.perf_counter()
        self.partitions.new_batch()
        tries: list[tuple[Any, Any, Any]] = []  # (row, partition, future or the error that kept it from going)
        broken: set[tuple[str, int]] = set()
        for row in rows:
            topic = row["topic"]
            if (limit := self._limit_of(topic)) is None:
                tries.append((row, None, RecordRefusedError(f"topic {topic} is not declared in the contracts")))
                continue
            partitions = await self.partitions.of_topic(topic)
            if isinstance(partitions, BaseException):
                tries.append((row, None, partitions))
                continue
            partition = self.partitions.of_key(row["key"], partitions)
            if (topic, partition) in broken:
                continue  # an earlier row of this partition failed: keep its order, try again next batch
            outcome: Any
            size = record_bytes(row["key"], row["value"], row["header_keys"], row["header_values"])
            if size > limit:
                outcome = RecordRefusedError(f"record of {size} bytes over the {limit} bytes max.message.bytes")
            else:
                headers = [(k, v.encode()) for k, v in zip(row["header_keys"], row["header_values"], strict=True)]
                try:
                    outcome = await self.producer.send(
                        topic, value=row["value"], key=row["key"], partition=partition, headers=headers
                    )
                except Exception as error:  # aiokafka raises in send() for a record too large, an unknown topic
                    outcome = error
            if isinstance(outcome, BaseException):
                broken.add((topic, partition))
            tries.append((row, partition, outcome))
        queued = [f for _, _, f in tries if not isinstance(f, BaseException)]
        acks = iter(await asyncio.gather(*queued, return_exceptions=True))
        results = [f if isinstance(f, BaseException) else next(acks) for _, _, f in tries]
        sent, failed, broken = [], [], set()
        for (row, partition, _), result in zip(tries, results, strict=True):
            stream = (row["topic"], partition)
            if partition is not None and stream in broken:
                continue  # after a failure in its partition: neither marked nor charged, re-sent next batch
            if isinstance(result, BaseException):
                failed.append((row, result))
                if partition is not None:
                    broken.add(stream)
            else:
                sent.append(row["id"])  # in the acknowledged prefix of its partition
        if sent:
            failpoints.hit(failpoints.RELAY_AFTER_ACK)
            await self.mark_sent(conn, sent)
        if failed:
            await record_failures(
                conn, failed, max_attempts=self.max_attempts, schema=self.schema, metrics=self.metrics
            )
        if self.metrics is not None:
            self.metrics.observe_relay([r for r, _, _ in tries], results, time.perf_counter() - started)
        away = [e for _, e in failed if not refused_for_good(e)]
        if away:
            raise ConnectionError(f"{len(away)} outbox rows not acknowledged by the broker: {away[0]!r}")
        self.refused_in_last_batch = len(failed)
        return len(sent)

    async def mark_sent(self, conn: Connection, ids: list[int]) -> None:
        """One UPDATE per batch, only for rows the broker acknowledged."""
        await conn.execute("UPDATE outbox SET sent_at = now() WHERE id = ANY($1::bigint[])", ids)

    async def _publish_until_idle(self, conn: Connection, claims: ShardClaims, *, rebalance: bool) -> int:
        """Batches back to back while they make progress (rows sent, or refusals counted towards parking)."""
        total = 0
        while True:
            if self.metrics is not None:  # under backlog too (throttled inside), not only when idle
                await self.metrics.sample_outbox_lag(conn)
            n = await self.publish_batch(conn, claims.held)
            total += n
            if not n and not self.refused_in_last_batch:
                return total
            if rebalance:
                await claims.rebalance(conn)  # another relay may have joined meanwhile

    async def drain(self) -> int:
        """Publish until nothing is pending in the free shards (claims them first, apart from `run()`'s)."""
        claims = ShardClaims(self.schema, self.shards)
        async with self.pool.acquire() as conn:
            await claims.claim_free(conn)
            try:
                return await self._publish_until_idle(conn, claims, rebalance=False)
            finally:
                await claims.release(conn)

    def stop(self) -> None:
        """Ask `run()` to return after the batch in flight and a last drain (graceful shutdown)."""
        self._stopping = True
        self._wake.set()

    def wake(self) -> None:
        """Look for pending rows now rather than at the next idle poll."""
        self._wake.set()

    def _signal(self, error: BaseException | None) -> None:
        self.retrying = 0 if error is None else self.retrying + 1
        self.last_error = "" if error is None else f"{type(error).__name__}: {error}"[:200]
        if self.metrics is not None:
            self.metrics.retrying.labels(self.metrics.service, "relay").set(self.retrying)

    async def run(self) -> None:
        """Relay until stopped: back-to-back batches while rows are pending, a short poll when idle."""
        backoff = 0.1
        while True:
            try:
                async with self.pool.acquire() as conn:
                    try:
                        while True:
                            self._wake.clear()  # before draining: a wake-up during the drain is not lost
                            await self.claims.rebalance(conn)
                            if await self._publish_until_idle(conn, self.claims, rebalance=True):
                                backoff = 0.1
                            self._signal(None)
                            if self._stopping:
                                return
                            with contextlib.suppress(TimeoutError):
                                await asyncio.wait_for(self._wake.wait(), self.poll_interval_s)
                    finally:
                        with contextlib.suppress(Exception):
                            await self.claims.release(conn)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the broker or database is away: wait and try again
                # (a connection the server closed is handed back to the pool by asyncpg at once, so the outage
                # may first show as InterfaceError "released back to the pool": the same outage, retried)
                self.claims.forget()
                self._signal(error)
                if self._stopping:
                    return
                log.warning("relay_retrying", error=repr(error), backoff_s=backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)

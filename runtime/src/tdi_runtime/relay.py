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

Pipelined (issue 27): while the broker acknowledges a batch, the relay reads the next one, and while the
database marks a batch sent, the relay sends the next one. One batch is in flight at a time, so the rules
above hold unchanged. The read made while acks are pending cannot exclude the rows in flight by id (they are
not marked yet), so it reads the rows after the last one in flight and, in the same snapshot, counts the
pending rows up to it: a count other than the rows in flight means a transaction committed a lower id late,
and the read is thrown away for a plain one once the batch in flight is settled (a row committed late is never
overtaken by a newer row of its key). A batch with any failure also throws its read-ahead away.

Headers are stored ready to send (`header_values bytea[]`, encoded once with the event) and a row's size is
summed by the database from `octet_length`s: the per-row Python is the send itself.

`topics`: the catalogue whose limits apply (a service passes the contracts'; None checks every record against
the producer's max request size only, for tests and benchmarks on topics of their own).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import structlog

from tdi_runtime import failpoints, tracing
from tdi_runtime.db import Connection
from tdi_runtime.kafka import MAX_REQUEST_BYTES
from tdi_runtime.metrics import Metrics
from tdi_runtime.outbox import RECORD_OVERHEAD_BYTES, TopicCatalogue
from tdi_runtime.relay_failures import RecordRefusedError, record_failures, refused_for_good
from tdi_runtime.relay_partitions import Partitions
from tdi_runtime.relay_shards import ShardClaims

log = structlog.get_logger(__name__)

RECORD_SIZE = f"""{RECORD_OVERHEAD_BYTES} + coalesce(octet_length(key), 0) + octet_length(value)
        + octet_length(array_to_string(header_keys, '')) + 5 * coalesce(cardinality(header_keys), 0)
        + coalesce((SELECT sum(octet_length(v)) FROM unnest(header_values) AS v), 0)::integer"""
"""`outbox.record_bytes` of a row, summed by the database: the relay never reads header bytes to size them."""

_HEAD = f"""
SELECT id, topic, key, value, header_keys, header_values, size{{extra}} FROM (
    SELECT id, topic, key, value, header_keys, header_values, {RECORD_SIZE} AS size,
        sum(octet_length(value)) OVER (ORDER BY id) - octet_length(value) AS bytes_before
    FROM outbox WHERE sent_at IS NULL AND parked_at IS NULL AND shard = ANY($1::smallint[]){{after}}
    ORDER BY id LIMIT $2
) AS head WHERE bytes_before < $3 ORDER BY id
"""
_PENDING = _HEAD.format(extra="", after="")
_PENDING_AFTER = _HEAD.format(
    extra=", (SELECT count(*) FROM outbox WHERE sent_at IS NULL AND parked_at IS NULL"
    " AND shard = ANY($1::smallint[]) AND id <= $4) AS pending_up_to",
    after=" AND id > $4",
)
"""The read made while a batch is in flight: rows after its last, and how many pending rows precede them."""
_ID, _TOPIC, _KEY, _VALUE, _NAMES, _BYTES, _SIZE = range(7)


@dataclass
class _Batch:
    """One batch on its way: each row with its partition and the future of its ack, or why it did not go."""

    rows: Sequence[Any]
    tries: list[tuple[Any, Any, Any]] = field(default_factory=list)
    clean: bool = True
    """No row failed before it was sent (topic, size, `send()`): its read-ahead may be used."""
    started: float = field(default_factory=time.perf_counter)
    started_ns: int = field(default_factory=time.time_ns)


async def _acknowledged(tries: list[tuple[Any, Any, Any]]) -> None:
    """Until every future of `tries` is done: first the last one of each partition (the producer completes a
    partition's records in order, so they are usually the only ones to wait for; one callback each instead of
    one per record), then whatever is still pending."""
    last: dict[Any, asyncio.Future[Any]] = {}
    for row, partition, outcome in tries:
        if not isinstance(outcome, BaseException):
            last[(row[_TOPIC], partition)] = outcome
    if last:
        await asyncio.wait(last.values())
    if rest := [f for _, _, f in tries if not isinstance(f, BaseException) and not f.done()]:
        await asyncio.wait(rest)


def _error(result: Any) -> BaseException | None:
    return result if isinstance(result, BaseException) else None


def _outcome(f: Any) -> Any:
    """The ack of a done future, or the error that kept a row from being sent or acknowledged."""
    if isinstance(f, BaseException):
        return f
    if f.cancelled():
        return ConnectionError("the producer gave the record up (cancelled): sent again next batch")
    return f.exception() or f.result()


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
        backoff_max_s: float = 5.0,
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
        self.backoff_max_s = backoff_max_s
        """The longest wait between two failed rounds (the service's `retry_backoff_max_s`)."""
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

    async def _read(self, conn: Connection, shards: Sequence[int], after: _Batch | None = None) -> Sequence[Any]:
        """The next batch of pending rows; `after` a batch in flight, the rows after it (empty if unsure)."""
        if after is None:
            return await conn.fetch(_PENDING, shards, self.batch_size, self.batch_max_bytes)
        rows = await conn.fetch(_PENDING_AFTER, shards, self.batch_size, self.batch_max_bytes, after.rows[-1][_ID])
        if rows and rows[0]["pending_up_to"] != len(after.rows):
            return ()  # a lower id committed late (or a shard was added): read again once the batch is settled
        return rows

    async def _send(self, rows: Sequence[Any]) -> _Batch:
        """Hand every row to the producer (its future of ack), or note why it could not go."""
        batch = _Batch(rows)
        self.partitions.new_batch()
        tries, broken = batch.tries, set()
        limits: dict[str, Any] = {}
        send = self.producer.send
        for row in rows:
            topic = row[_TOPIC]
            found = limits.get(topic)
            if found is None:
                if (limit := self._limit_of(topic)) is None:
                    found = RecordRefusedError(f"topic {topic} is not declared in the contracts")
                else:
                    partitions = await self.partitions.of_topic(topic)
                    found = partitions if isinstance(partitions, BaseException) else (limit, partitions)
                limits[topic] = found
            if isinstance(found, BaseException):
                tries.append((row, None, found))
                batch.clean = False
                continue
            limit, partitions = found
            partition = self.partitions.of_key(row[_KEY], partitions)
            if (topic, partition) in broken:
                continue  # an earlier row of this partition failed: keep its order, try again next batch
            outcome: Any
            if (size := row[_SIZE]) > limit:
                outcome = RecordRefusedError(f"record of {size} bytes over the {limit} bytes max.message.bytes")
            else:
                try:
                    outcome = await send(
                        topic,
                        value=row[_VALUE],
                        key=row[_KEY],
                        partition=partition,
                        headers=list(zip(row[_NAMES], row[_BYTES], strict=True)),
                    )
                except Exception as error:  # aiokafka raises in send() for a record too large, an unknown topic
                    outcome = error
            if isinstance(outcome, BaseException):
                broken.add((topic, partition))
                batch.clean = False
            tries.append((row, partition, outcome))
        return batch

    async def _settle(self, conn: Connection, batch: _Batch) -> tuple[list[int], list[tuple[Any, BaseException]]]:
        """Wait for the batch's acks: the ids to mark sent (acknowledged prefix of each partition), the failures."""
        await _acknowledged(batch.tries)
        results = [_outcome(f) for _, _, f in batch.tries]
        sent: list[int] = []
        failed: list[tuple[Any, BaseException]] = []
        broken: set[tuple[str, int]] = set()
        for (row, partition, _), result in zip(batch.tries, results, strict=True):
            if partition is not None and (row[_TOPIC], partition) in broken:
                continue  # after a failure in its partition: neither marked nor charged, re-sent next batch
            if isinstance(result, BaseException):
                failed.append((row, result))
                if partition is not None:
                    broken.add((row[_TOPIC], partition))
            else:
                sent.append(row[_ID])  # in the acknowledged prefix of its partition
        if tracing.exporting():  # a span per record of a sampled trace, only when spans leave the process
            tracing.publish_spans(
                (
                    (row[_TOPIC], row[_BYTES][row[_NAMES].index("traceparent")], _error(result))
                    for (row, _, _), result in zip(batch.tries, results, strict=True)
                    if "traceparent" in row[_NAMES]
                ),
                batch.started_ns,
            )
        if failed:
            await record_failures(
                conn, failed, max_attempts=self.max_attempts, schema=self.schema, metrics=self.metrics
            )
        if self.metrics is not None:
            self.metrics.observe_relay(
                Counter(row[_TOPIC] for (row, _, _), r in zip(batch.tries, results, strict=True)
                        if not isinstance(r, BaseException)),
                time.perf_counter() - batch.started,
            )  # fmt: skip
        return sent, failed

    async def publish_batch(self, conn: Connection, shards: list[int] | None = None) -> int:
        """Publish one batch of pending rows of the held shards, unpipelined; returns how many were marked sent."""
        self.refused_in_last_batch = 0
        rows = await self._read(conn, self.claims.held if shards is None else shards)
        if not rows:
            return 0
        sent, failed = await self._settle(conn, await self._send(rows))
        if sent:
            failpoints.hit(failpoints.RELAY_AFTER_ACK)
            await self.mark_sent(conn, sent)
        self._check_away(failed)
        self.refused_in_last_batch = len(failed)
        return len(sent)

    def _check_away(self, failed: list[tuple[Any, BaseException]]) -> None:
        away = [e for _, e in failed if not refused_for_good(e)]
        if away:
            raise ConnectionError(f"{len(away)} outbox rows not acknowledged by the broker: {away[0]!r}")

    async def mark_sent(self, conn: Connection, ids: list[int]) -> None:
        """One UPDATE per batch, only for rows the broker acknowledged."""
        await conn.execute("UPDATE outbox SET sent_at = now() WHERE id = ANY($1::bigint[])", ids)

    async def _publish_until_idle(self, conn: Connection, claims: ShardClaims, *, rebalance: bool) -> int:
        """Batches back to back while they make progress (rows sent, or refusals counted towards parking),
        pipelined: the next batch is read while the broker acknowledges one, and sent while the database marks
        the one before (`conn` runs one statement at a time: `marked()` before each other use)."""
        total = 0
        marking: asyncio.Task[int] | None = None

        async def marked() -> int:
            nonlocal marking
            task, marking = marking, None
            return 0 if task is None else await task

        async def mark(ids: list[int]) -> int:
            await self.mark_sent(conn, ids)
            return len(ids)

        try:
            if self.metrics is not None:  # under backlog too (throttled inside), not only when idle
                await self.metrics.sample_outbox_lag(conn)
            rows = await self._read(conn, claims.held)
            while rows:
                batch = await self._send(rows)  # meanwhile the database marks the batch before
                total += await marked()
                if self.metrics is not None:
                    await self.metrics.sample_outbox_lag(conn)
                share = await claims.share(conn) if rebalance else len(claims.held)  # another relay joined?
                ahead = await self._read(conn, claims.held, after=batch) if batch.clean else ()
                sent, failed = await self._settle(conn, batch)
                self.refused_in_last_batch = len(failed)
                if sent:
                    failpoints.hit(failpoints.RELAY_AFTER_ACK)
                    marking = asyncio.create_task(mark(sent))
                    await asyncio.sleep(0)  # the UPDATE leaves now; the next batch is sent while it runs
                if failed:
                    total += await marked()
                    self._check_away(failed)
                elif not sent:
                    break
                if share != len(claims.held):  # nothing in flight when shards are given up or claimed
                    total += await marked()
                    await claims.rebalance(conn, share)
                    ahead = ()
                if failed or not ahead:  # settled first: a row held back or committed late is read in order
                    total += await marked()
                    ahead = await self._read(conn, claims.held)
                rows = ahead
            total += await marked()
        finally:
            if marking is not None:  # acknowledged rows: let their UPDATE finish (a failure is re-sent later)
                with contextlib.suppress(Exception):
                    await marking
        return total

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
        """Relay until stopped: back-to-back batches while rows are pending, a short poll when idle. Its own
        statements make no spans (an idle poll every `poll_interval_s` would flood the traces): its records'
        `publish` spans say what it did."""
        with tracing.untraced():
            await self._run()

    async def _run(self) -> None:
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
                backoff = min(backoff * 2, self.backoff_max_s)

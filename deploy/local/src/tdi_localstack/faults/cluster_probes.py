"""What the cluster scenarios measure beside the checker's counts.

- `AnswerProbe`: Bpifrance files one Rebond industriel application every `period_s` (a real command, in the ledger,
  checked like the stream's) and the probe notes when its answer appears on Bpifrance's feedback topic: the longest
  wait is the time during which partner events got no answer.
- `WriteProbe`: one acknowledged INSERT after another through the multi-host address; the longest gap between
  two acknowledgements is the time without writes, and every acknowledged row must still be there afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from tdi_contracts.events.partners import PartnerEventAccepted, PartnerEventRejected
from tdi_contracts.reference import Partner
from tdi_contracts.topics import partner_feedback_topic
from tdi_contracts.wire import decode_event
from tdi_localstack.faults import partners as p
from tdi_localstack.faults.ledger import PartnerEvent
from tdi_localstack.faults.stream import FILE, Stream
from tdi_partner.client import record_of


@dataclass
class AnswerProbe:
    """`with AnswerProbe(stream, bootstrap):` while faults happen; then `latencies` (s) and `worst_s`."""

    stream: Stream
    bootstrap: str
    period_s: float = 0.5
    first_unit: int = 100_000
    sent: dict[str, float] = field(default_factory=dict)  # event id -> when the partner meant to send it
    answered: dict[str, float] = field(default_factory=dict)  # event id -> when its answer was seen
    partitions: dict[str, int] = field(default_factory=dict)  # event id -> partition of Bpifrance's ingress topic
    sent_wall: dict[str, float] = field(default_factory=dict)  # event id -> the same moment, wall clock (the DB's)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _error: list[BaseException] = field(default_factory=list)

    def __enter__(self) -> AnswerProbe:
        self._territories = self.stream.territories()
        self._thread = threading.Thread(target=self._run, name="answer-probe", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join(900)
        if self._error:
            raise self._error[0]

    @property
    def latencies(self) -> list[float]:
        return [self.answered[e] - t for e, t in self.sent.items() if e in self.answered]

    @property
    def worst_s(self) -> float:
        return round(max(self.latencies, default=0.0), 1)

    def warm(self, answers: int = 5, timeout: float = 300.0) -> None:
        """Until the first `answers` probes were answered: the services' first batches are slow, not the fault."""
        deadline = time.monotonic() + timeout
        while len(self.answered) < answers and time.monotonic() < deadline:
            if self._error:
                raise self._error[0]
            time.sleep(0.2)

    def silence_between(self, start: float, end: float) -> float:
        """The longest time without any probe answer between `start` (a fault) and `end` (the next one)."""
        seen = sorted(t for t in self.answered.values() if start <= t < end)
        if not seen:
            return round(min(end, max(self.answered.values(), default=start)) - start, 1)
        points = [start, *seen]
        return round(max(b - a for a, b in itertools.pairwise(points)), 1)

    def worst_between(self, start: float, end: float) -> float:
        """The longest wait of the probes meant to be sent between `start` and `end` (e.g. one fault's window)."""
        waits = [self.answered[e] - t for e, t in self.sent.items() if e in self.answered and start <= t < end]
        return round(max(waits, default=0.0), 1)

    def diagnose(self, database_url: str, over_s: float = 30.0, schema: str = "funding") -> list[dict[str, Any]]:
        """Where the answers that took longer than `over_s` waited: to be consumed (the inbox's `processed_at`), or
        to be relayed (their feedback row's `created_at` to `sent_at`, and its outbox shard)."""
        slow = [e for e, t in self.sent.items() if self.answered.get(e, t + 1e9) - t > over_s]

        async def read() -> list[dict[str, Any]]:
            conn = await asyncpg.connect(database_url)
            try:
                found = []
                for event_id in slow[:10]:
                    inbox = await conn.fetchrow(
                        f"SELECT partition, processed_at FROM {schema}.inbox WHERE event_id = $1", event_id
                    )
                    row = await conn.fetchrow(
                        f"SELECT shard, created_at, sent_at FROM {schema}.outbox"
                        " WHERE topic LIKE '%.feedback.v1' AND $1 = ANY(header_values)",
                        event_id.encode(),
                    )
                    sent = self.sent_wall[event_id]
                    found.append(
                        {
                            "partition": self.partitions.get(event_id),
                            "consumed_after_s": round(inbox["processed_at"].timestamp() - sent, 1) if inbox else None,
                            "shard": row["shard"] if row else None,
                            "relayed_after_s": round(row["sent_at"].timestamp() - sent, 1)
                            if row and row["sent_at"]
                            else None,
                        }
                    )
                return found
            finally:
                await conn.close()

        return asyncio.run(read()) if slow else []

    def _run(self) -> None:
        try:
            asyncio.run(self._probe())
        except BaseException as error:  # handed to __exit__
            self._error.append(error)

    async def _probe(self) -> None:
        topic = partner_feedback_topic(Partner.BPIFRANCE)
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, group_id=None, enable_auto_commit=False)
        producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, acks="all", enable_idempotence=True)
        await consumer.start()
        await producer.start()
        try:
            partitions = await _partitions(consumer, topic)
            consumer.assign(partitions)
            await consumer.seek_to_end(*partitions)
            reader = asyncio.create_task(self._read(consumer))
            resend: list[Any] = []
            for unit in itertools.count(self.first_unit):
                if self._stop.is_set():
                    break
                command = self._command(unit)
                self.sent[command.event_id] = time.monotonic()
                self.sent_wall[command.event_id] = time.time()
                resend.append(await self._send(producer, command))
                await asyncio.sleep(self.period_s)
            for _ in range(3000):  # every probe answered, within 10 minutes
                if len(self.answered) >= len(self.sent):
                    break
                await asyncio.sleep(0.2)
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
            for task in resend:
                with contextlib.suppress(BaseException):
                    await task
        finally:
            await producer.stop()
            await consumer.stop()

    def _command(self, unit: int) -> Any:
        payload = self.stream.application(self._territories, unit, 20 * 10_000_00)
        (ref, command), *_ = p.commands(Partner.BPIFRANCE, FILE, [(str(unit), payload)])
        event = PartnerEvent(command.event_id, Partner.BPIFRANCE.value, command.type, ref, sends=1)
        self.stream.ledger.partner_events[command.event_id] = event  # checked like the stream's own commands
        return command

    async def _send(self, producer: AIOKafkaProducer, command: Any) -> asyncio.Task[None]:
        """Send without waiting for the acknowledgement; re-send the same event (a partner's retry) if refused."""
        topic, key, value, headers = record_of(Partner.BPIFRANCE, command)

        async def deliver() -> None:
            while True:
                try:
                    sent = await (await producer.send(topic, value, key=key, headers=headers))
                    self.partitions[command.event_id] = sent.partition
                    return
                except Exception:
                    self.stream.ledger.partner_events[command.event_id].sends += 1
                    await asyncio.sleep(0.5)

        return asyncio.create_task(deliver())

    async def _read(self, consumer: AIOKafkaConsumer) -> None:
        while True:
            batches = await consumer.getmany(timeout_ms=200)
            now = time.monotonic()
            for records in batches.values():
                for r in records:
                    with contextlib.suppress(Exception):
                        _, payload = decode_event(r.key, r.value, r.headers)
                        if isinstance(payload, PartnerEventAccepted | PartnerEventRejected) and (
                            payload.partner_event_id in self.sent
                        ):
                            self.answered.setdefault(payload.partner_event_id, now)


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> list[Any]:
    from aiokafka import TopicPartition

    for _ in range(100):
        found = consumer.partitions_for_topic(topic)
        if found:
            return [TopicPartition(topic, n) for n in sorted(found)]
        await consumer._client.force_metadata_update()  # before any assignment the consumer knows no topic
        await asyncio.sleep(0.1)
    raise TimeoutError(f"no partitions known for {topic}")


@dataclass
class WriteProbe:
    """`with WriteProbe(url):` one committed INSERT after another; `gap_s`, and `lost()` once the server is back."""

    url: str
    table: str = "faults_write_probe"
    acknowledged: list[tuple[int, float]] = field(default_factory=list)  # (row, when its commit was acknowledged)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> WriteProbe:
        asyncio.run(self._execute(f"DROP TABLE IF EXISTS {self.table}; CREATE TABLE {self.table} (n int PRIMARY KEY)"))
        self._thread = threading.Thread(target=lambda: asyncio.run(self._write()), name="write-probe", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join(120)

    async def _execute(self, sql: str) -> None:
        conn = await asyncpg.connect(self.url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    async def _write(self) -> None:
        conn: asyncpg.Connection[Any] | None = None
        for n in itertools.count(1):
            if self._stop.is_set():
                break
            while not self._stop.is_set():
                try:
                    if conn is None or conn.is_closed():
                        conn = await asyncpg.connect(self.url, timeout=2)
                    await conn.execute(f"INSERT INTO {self.table} VALUES ($1) ON CONFLICT DO NOTHING", n)
                    self.acknowledged.append((n, time.monotonic()))
                    break
                except Exception:  # the primary away: a client reconnects through the multi-host address
                    if conn is not None:
                        conn.terminate()
                    conn = None
                    await asyncio.sleep(0.05)
            await asyncio.sleep(0.02)
        if conn is not None:
            await conn.close()

    @property
    def gap_s(self) -> float:
        """The longest time between two acknowledged writes."""
        times = [t for _, t in self.acknowledged]
        return round(max((b - a for a, b in itertools.pairwise(times)), default=0.0), 1)

    def lost(self) -> list[int]:
        """Acknowledged rows missing from the (new) primary."""

        async def present() -> set[int]:
            conn = await asyncpg.connect(self.url)
            try:
                return {r["n"] for r in await conn.fetch(f"SELECT n FROM {self.table}")}
            finally:
                await conn.close()

        there = asyncio.run(present())
        return [n for n, _ in self.acknowledged if n not in there]

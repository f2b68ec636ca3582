"""Test and benchmark support: contract payloads built from their field examples, and a probe consumer.

The probe applies `EpciJoined` events by writing one `probe_effects` row per event, which is what the
reliability tests count to prove "exactly once": a registry handler `(event, uow)` like any service's
(`probe_registry(handler)`). Used by tests and `bench/`, never by a service.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, TypeVar

import asyncpg
from aiokafka import AIOKafkaConsumer

from tdi_contracts.envelope import decode_event, encode_event, envelope_for
from tdi_contracts.events.territory import EpciJoined
from tdi_contracts.topics import MAX_MESSAGE_BYTES
from tdi_runtime.consumer import EventConsumer
from tdi_runtime.db import KIT_MIGRATIONS, migrate
from tdi_runtime.kafka import security_options
from tdi_runtime.outbox import CONTRACT_TOPICS
from tdi_runtime.pipeline.registry import Registry
from tdi_runtime.pipeline.uow import UnitOfWork

C = TypeVar("C")

PROBE_TYPE = "fr.territoires-industrie.territory.EpciJoined.v1"
TEST_TOPICS = CONTRACT_TOPICS.with_topics(
    families=[("tdi.test.", ".v1", MAX_MESSAGE_BYTES), ("tdi.bench.", ".v1", MAX_MESSAGE_BYTES)]
)
"""The contracts' topics plus those tests and benchmarks create (`tdi.test.*.v1`, `tdi.bench.*.v1`)."""
_SIRENS = ("200067213", "200066793", "200069177", "243500139", "200054781")


def probe_event(
    territory: int, seq: int, producer: str = "territory"
) -> tuple[bytes | None, bytes, list[tuple[str, bytes]]]:
    """An EpciJoined record for territory `ti-<territory>`; `seq` is carried in the EPCI name."""
    payload = EpciJoined(
        territory_id=f"ti-{territory}",
        epci_siren=_SIRENS[seq % len(_SIRENS)],
        epci_name=f"EPCI n° {seq}",
        joined_on=date(2024, 1, 15),
    )
    return encode_event(envelope_for(payload, producer), payload)


async def prepare_schema(database_url: str, schema: str) -> None:
    """Kit tables plus the probe's effect table, in a schema of their own."""
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2, server_settings={"search_path": schema})
    assert pool is not None
    try:
        await migrate(pool, schema, [KIT_MIGRATIONS])
        await pool.execute(
            "CREATE TABLE IF NOT EXISTS probe_effects (event_id text NOT NULL, territory text NOT NULL,"
            " seq int NOT NULL, applied_at timestamptz NOT NULL DEFAULT clock_timestamp())"
        )
    finally:
        await pool.close()


ProbeHandler = Callable[[EpciJoined, UnitOfWork], Awaitable[None]]
"""A probe handler: the registry's signature (the event, the batch's unit of work)."""


async def apply_probe(event: EpciJoined, uow: UnitOfWork) -> None:
    """The probe's effect: one row per applied event (a duplicate effect shows as a second row)."""
    assert uow.cause is not None  # the Kafka door: the consumed event's envelope
    seq = int(event.epci_name.rsplit(" ", 1)[-1])
    await uow.defer(
        "INSERT INTO probe_effects (event_id, territory, seq) VALUES ($1, $2, $3)",
        uow.cause.id,
        event.territory_id,
        seq,
    )


def registry_of(command: type[C], handler: Callable[[C, UnitOfWork], Awaitable[object]]) -> Registry[UnitOfWork]:
    """A registry applying one command (or event) class with `handler`: a test's consumer of one type."""
    registry: Registry[UnitOfWork] = Registry()
    registry.handles(command)(handler)
    return registry


def probe_registry(handler: ProbeHandler = apply_probe) -> Registry[UnitOfWork]:
    """A registry applying `EpciJoined` (`PROBE_TYPE`) with `handler`."""
    return registry_of(EpciJoined, handler)


def probe_consumer(
    pool: asyncpg.Pool, group: str, *, handler: ProbeHandler = apply_probe, **kwargs: Any
) -> EventConsumer:
    from tdi_runtime.outbox import Outbox

    return EventConsumer(
        service="probe",
        group=group,
        pool=pool,
        outbox=Outbox(topics=TEST_TOPICS),
        registry=probe_registry(handler),
        **kwargs,
    )


async def read_topic(bootstrap: str, topic: str, *, expect: int, timeout: float = 60.0) -> list[Any]:
    """Every record of `topic` from the beginning, waiting until at least `expect` arrived (or timeout)."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
        **security_options(),
    )
    await consumer.start()
    records: list[Any] = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(records) < expect and asyncio.get_running_loop().time() < deadline:
            batch = await consumer.getmany(timeout_ms=500, max_records=5000)
            for part in batch.values():
                records.extend(part)
        if expect == 0:
            batch = await consumer.getmany(timeout_ms=1500)
            for part in batch.values():
                records.extend(part)
    finally:
        await consumer.stop()
    return records


def decoded(records: list[Any]) -> list[tuple[Any, Any]]:
    return [decode_event(r.key, r.value, r.headers) for r in records]


def unique_name(prefix: str) -> str:
    letters = "".join(chr(ord("a") + int(c, 16) % 26) for c in uuid.uuid4().hex[:8])
    return f"{prefix}{letters}"


def example_payload(model: type[Any], **overrides: Any) -> Any:
    """A valid payload of a contract model built from the first example of each field."""
    values = {name: f.examples[0] for name, f in model.model_fields.items() if f.examples}
    values.update(overrides)
    return model.model_validate_json(json.dumps(values, default=str))  # the wire form: lax on enums, ids


class DetachedConsumer:
    """Stands for the Kafka consumer when a test feeds fetched records to `handle_batch` directly."""

    def __init__(self) -> None:
        self.seeks: list[tuple[int, int]] = []

    def assignment(self) -> set[Any]:
        return set()

    def seek(self, tp: Any, offset: int) -> None:
        self.seeks.append((tp.partition, offset))


async def publish_records(bootstrap: str, topic: str, records: list[Any], *, pace_s: float = 0.0) -> None:
    """Send (key, value, headers) records with an idempotent producer; `pace_s` pauses every 100."""
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5, **security_options()
    )
    await producer.start()
    try:
        futures = []
        for i, (key, value, headers) in enumerate(records):
            futures.append(await producer.send(topic, value=value, key=key, headers=headers))
            if pace_s and i % 100 == 99:
                await asyncio.sleep(pace_s)
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def until(check: Callable[[], Any], what: str, *, timeout_s: float = 60.0, every_s: float = 0.1) -> Any:
    """Poll `check()` (plain or async) every `every_s` until it returns a truthy value, and return that value: the
    tests' one polling loop. The bound only turns a hang into a failure naming `what` (keep it generous: never a
    timing threshold); an exception `check` raises (a process found dead) ends the wait at once."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result
        if loop.time() >= deadline:
            raise AssertionError(f"never reached within {timeout_s:g} s: {what}")
        await asyncio.sleep(every_s)


async def caught_up(bootstrap: str, group: str, topics: list[str]) -> bool:
    """The consumer group has committed every partition of `topics` up to its end offset (all applied)."""
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **security_options())
    reader = AIOKafkaConsumer(*topics, bootstrap_servers=bootstrap, group_id=None, **security_options())
    await admin.start()
    await reader.start()
    try:
        committed = await admin.list_consumer_group_offsets(group)
        ends = await reader.end_offsets(list(reader.assignment()))
        return all(end == 0 or (tp in committed and committed[tp].offset >= end) for tp, end in ends.items())
    finally:
        await reader.stop()
        await admin.close()

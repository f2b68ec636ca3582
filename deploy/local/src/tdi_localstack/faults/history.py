"""The whole history: every topic of the broker read to its end offsets (no group), each record decoded."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient

from tdi_contracts.topics import DOMAIN_TOPICS
from tdi_contracts.wire import decode_event
from tdi_runtime.kafka import batches_to_end


@dataclass
class History:
    records: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))  # topic -> raw records
    events: dict[str, list[tuple[Any, Any]]] = field(
        default_factory=lambda: defaultdict(list)
    )  # topic -> (env, payload)
    undecodable: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    resent: int = 0  # records whose event id was already on the topic: a relay re-sending, a partner retrying

    def of_type(self, name: str) -> list[tuple[Any, Any]]:
        """(envelope, payload) of every distinct event (by id) whose payload class is `name`."""
        seen: dict[str, tuple[Any, Any]] = {}
        for events in self.events.values():
            for envelope, payload in events:
                if type(payload).__name__ == name:
                    seen.setdefault(envelope.id, (envelope, payload))
        return list(seen.values())


async def _topics(bootstrap: str) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return sorted(t for t in await admin.list_topics() if t.startswith("tdi."))
    finally:
        await admin.close()


async def read_history(bootstrap: str) -> History:
    topics = await _topics(bootstrap)
    history = History()
    async for batch in batches_to_end(bootstrap, topics, max_records=5000):
        for record in batch:
            history.records[record.topic].append(record)
    for topic, records in history.records.items():
        ids: set[str] = set()
        for r in records:
            try:
                envelope, payload = decode_event(r.key, r.value, r.headers)
            except Exception:
                history.undecodable[topic] += 1
                continue
            history.resent += envelope.id in ids
            ids.add(envelope.id)
            history.events[topic].append((envelope, payload))
    return history


async def _lags(bootstrap: str, groups: list[str]) -> dict[str, Any]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    consumer = AIOKafkaConsumer(*(t.name for t in DOMAIN_TOPICS), bootstrap_servers=bootstrap, group_id=None)
    await admin.start()
    await consumer.start()
    try:
        lags: dict[str, Any] = {}
        for group in groups:
            committed = await admin.list_consumer_group_offsets(group)
            tps = set(committed)
            if group == "tdi-reporting":  # a partition it never committed yet still counts
                tps |= set(consumer.assignment())
            ends = await consumer.end_offsets(list(tps)) if tps else {}
            behind = {tp: ends[tp] - (committed[tp].offset if tp in committed else 0) for tp in tps}
            lags[group] = sum(max(0, n) for n in behind.values())
            if lags[group]:
                lags[f"{group} partitions"] = sorted(
                    f"{tp.topic}[{tp.partition}]:{n}" for tp, n in behind.items() if n > 0
                )
        return lags
    finally:
        await consumer.stop()
        await admin.close()


def wait_quiet(bootstrap: str, groups: list[str], timeout_s: float = 300.0) -> dict[str, Any]:
    """Until every group has committed every record twice in a row (the relays drained meanwhile)."""
    deadline, quiet = time.monotonic() + timeout_s, 0
    lags: dict[str, Any] = {}
    while quiet < 2:
        lags = asyncio.run(_lags(bootstrap, groups))
        quiet = quiet + 1 if not any(lags.values()) else 0
        if time.monotonic() > deadline:
            raise TimeoutError(f"consumer groups still behind after {timeout_s:.0f}s: {lags}")
        time.sleep(1.0)
    return lags

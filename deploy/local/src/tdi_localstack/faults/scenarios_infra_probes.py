"""What the infrastructure scenarios (4, 5, 6, 10) look at: crashes, readiness reasons, dead letters of
defects, acknowledged writes missing from their topic; and partners that retry while the broker is away."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import asyncpg

from tdi_localstack.faults.harness import FaultPlatform
from tdi_localstack.faults.history import read_history
from tdi_localstack.faults.report import ScenarioReport
from tdi_localstack.faults.stream import Stream
from tdi_localstack.provisioning import SERVICES
from tdi_runtime.dlq import parse

T = TypeVar("T")
SCENARIOS: dict[str, Callable[[FaultPlatform, bool], ScenarioReport]] = {}  # helpers only


def pids(platform: FaultPlatform) -> dict[str, int]:
    return {name: s.process.pid for name, s in platform.services.items()}


def applied_above(stream: Stream, floor: int) -> bool:
    return stream.applied > floor


def crashed_since(platform: FaultPlatform, before: dict[str, int]) -> list[str]:
    """Services that died or were restarted by anyone but the scenario: a crash loop shows here."""
    return [n for n, pid in before.items() if not platform.alive(n) or platform.services[n].process.pid != pid]


def wait_reason(platform: FaultPlatform, check: str, stop: threading.Event, service: str = "funding") -> str:
    """Poll `/readyz` of `service` until a check other than ok names `check` (e.g. 'broker'); its reason."""
    while not stop.is_set():
        try:
            status, body = platform.readyz(service)
        except OSError:
            status, body = 0, None
        reasons = {k: v for k, v in ((body or {}).get("checks") or {}).items() if v != "ok"}
        if status == 503 and any(check in k for k in reasons):
            return "; ".join(f"{k}: {v}" for k, v in reasons.items())
        time.sleep(0.2)
    return "stream ended first"


def internal_dead_letters(platform: FaultPlatform) -> int:
    """Dead letters of an event the platform could not process (INTERNAL_ERROR): where a transient fault taken
    for a defect would land. Business refusals (a ceiling, a duplicate contract) are dead-lettered by design."""

    async def read() -> int:
        history = await read_history(platform.bootstrap)
        letters = [
            parse(r) for topic, records in history.records.items() if topic.startswith("tdi.dlq.") for r in records
        ]
        return sum(letter.code == "INTERNAL_ERROR" for letter in letters)

    return asyncio.run(read())


async def acknowledged_missing(platform: FaultPlatform) -> int:
    """Outbox rows the broker acknowledged (marked sent) whose event is not on their topic."""
    conn = await asyncpg.connect(platform.stack.database_url)
    try:
        sent = {
            (r["topic"], r["event_id"])
            for s in SERVICES
            for r in await conn.fetch(f"SELECT topic, event_id FROM {s}.outbox WHERE sent_at IS NOT NULL")
        }
    finally:
        await conn.close()
    history = await read_history(platform.bootstrap)
    on_topics = {
        (topic, value.decode())
        for topic, records in history.records.items()
        for r in records
        for key, value in r.headers or ()
        if key == "ce_id"
    }
    return len(sent - on_topics)

"""Scenario 2: at a low, steady pace, each contract's time from the partner's send to its read-model row, and
the time until the dashboard's SSE stream (`/api/feed` of reporting) sends figures that include it."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections.abc import Sequence
from typing import Any

import asyncpg
import httpx

from tdi_bench.e2e.partner import PartnerRecord, producer, send_all, send_paced

POLL_S = 0.002
"""The read model is polled this often for the contracts still awaited: the resolution of every latency."""
_SEEN = "SELECT vte_contract_id FROM reporting.rm_vte_contract WHERE vte_contract_id = ANY($1::text[])"


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))] if ordered else 0.0


async def read_model_latency(
    bootstrap: str, admin_url: str, records: Sequence[PartnerRecord], rate: float, sent_ns: dict[str, int] | None = None
) -> dict[str, Any]:
    """Milliseconds from each send to its row, for records sent at `rate`/s (`sent_ns`: each send in epoch ns)."""
    sent_at: dict[str, float] = {}
    latencies: list[float] = []
    conn = await asyncpg.connect(admin_url)
    sender = await producer(bootstrap)
    try:
        sending = asyncio.create_task(send_paced(sender, records, rate, sent_at, sent_ns))
        deadline = time.perf_counter() + len(records) / rate + 60
        while (not sending.done() or sent_at) and time.perf_counter() < deadline:
            if sent_at:
                for row in await conn.fetch(_SEEN, list(sent_at)):
                    latencies.append((time.perf_counter() - sent_at.pop(row[0])) * 1000)
            await asyncio.sleep(POLL_S)
        await sending
    finally:
        await sender.stop()
        await conn.close()
    return {
        "records": len(records),
        "rate_per_s": rate,
        "received": len(latencies),
        "p50_ms": round(percentile(latencies, 0.50), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "max_ms": round(max(latencies, default=0.0), 2),
        "mean_ms": round(statistics.fmean(latencies), 2) if latencies else 0.0,
        "poll_s": POLL_S,
    }


async def sse_latency(
    bootstrap: str,
    reporting_url: str,
    token: str,
    records: Sequence[PartnerRecord],
    probes_ns: dict[str, tuple[int, int]] | None = None,
) -> dict[str, Any]:
    """For each record sent alone: ms until the feed's next `figures` message, and that it counts one more
    (`probes_ns[contract_id]`: its send and that message, in epoch ns)."""
    delays: list[float] = []
    missed = 0
    sender = await producer(bootstrap)
    try:
        headers = {"Authorization": f"Bearer {token}"}
        client = httpx.AsyncClient(base_url=reporting_url, timeout=60, headers=headers)
        async with client, client.stream("GET", "/api/feed") as stream:
            messages = _messages(stream.aiter_lines())
            contracts = _vte_contracts(await anext(messages))  # the figures at connection
            for record in records:
                started, started_ns = time.perf_counter(), time.time_ns()
                await send_all(sender, [record])
                try:
                    contracts = await asyncio.wait_for(_more_than(messages, contracts), 60)
                except TimeoutError:  # the platform is behind (a backlog): the stream is given up
                    missed = len(records) - len(delays)
                    break
                delays.append((time.perf_counter() - started) * 1000)
                if probes_ns is not None:
                    probes_ns[record.contract_id] = (started_ns, time.time_ns())
    finally:
        await sender.stop()
    return {
        "records": len(records),
        "each_ms": [round(d, 1) for d in delays],
        "missed": missed,
        "p50_ms": round(percentile(delays, 0.5), 1),
        "max_ms": round(max(delays, default=0.0), 1),
    }


async def _more_than(messages: Any, contracts: int) -> int:
    """The count of the first message that counts more contracts than `contracts`."""
    while True:
        now = _vte_contracts(await anext(messages))
        if now > contracts:
            return now


async def _messages(lines: Any) -> Any:
    data: list[str] = []
    async for line in lines:
        if line.startswith("data:"):
            data.append(line[5:].strip())
        elif not line and data:
            yield json.loads("\n".join(data))
            data = []


def _vte_contracts(figures: Any) -> int:
    """The national count of VTE contracts granted or signed, wherever the figures put it."""
    found: list[int] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "contrats_signes" and isinstance(value, int):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(figures)
    return sum(found)

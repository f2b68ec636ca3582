"""Scenario "readers" (issue 22 #7, issue 27): how many live dashboards one reporting instance holds, and how
many exports it serves per second.

- **held streams**: N concurrent SSE streams of `/api/feed` (N = each step), then `changes` changes, each caused
  alone (`change()`: a partner record in the e2e run) and awaited on every stream. For each message, the delay
  is the receive time minus the message's `id`, the change cursor: the instant (epoch ms) of the reporting
  fold's transaction that applied it. A step is held when every stream got every change and the p99 delay is
  ≤ `goal_ms` (100 ms); `held` is the largest step held, the first step not held ends the scenario.
- **exports**: `concurrency` clients calling `GET /api/exports/financements.csv?level=territory` back to back for
  `seconds`; 2xx answers per second (other answers are counted apart, e.g. 429 from a rate limit).

HTTP only, with the bearer header (no ticket, no `?access_token=`), so the very same code measures reporting
before and after issue 22's changes. The client runs in one process: at large N its own event loop adds to the
delays (the JSON also gives the client's CPU seconds), so read `held` as a lower bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import httpx

PATH = "/api/feed"
EXPORT = "/api/exports/financements.csv"


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))] if ordered else 0.0


async def _ids(lines: Any, out: asyncio.Queue[tuple[int, float]]) -> None:
    """Each `figures` message's id (cursor, epoch ms) and when it arrived (epoch ms); data is not parsed."""
    cursor = None
    async for line in lines:
        if line.startswith("id:"):
            with contextlib.suppress(ValueError):
                cursor = int(line[3:].strip())
        elif not line and cursor is not None:
            out.put_nowait((cursor, time.time() * 1000))
            cursor = None


async def _step(
    url: str, headers: dict[str, str], streams: int, changes: int, change: Callable[[], Awaitable[None]],
    wait_s: float,
) -> dict[str, Any]:  # fmt: skip
    limits = httpx.Limits(max_connections=streams + 8, max_keepalive_connections=streams + 8)
    queues: list[asyncio.Queue[tuple[int, float]]] = [asyncio.Queue() for _ in range(streams)]
    delays: list[float] = []
    missed = refused = 0
    async with (
        httpx.AsyncClient(base_url=url, headers=headers, timeout=httpx.Timeout(60, read=None), limits=limits) as c,
        contextlib.AsyncExitStack() as stack,
    ):
        readers = []
        for queue in queues:
            response = await stack.enter_async_context(c.stream("GET", PATH))
            if response.status_code != 200:
                refused += 1
                continue
            readers.append((asyncio.create_task(_ids(response.aiter_lines(), queue)), queue))
        try:
            for _, queue in readers:  # the figures at connection
                await asyncio.wait_for(queue.get(), wait_s)
            for _ in range(changes):
                await change()
                for _, queue in readers:
                    try:
                        cursor, arrived = await asyncio.wait_for(queue.get(), wait_s)
                    except TimeoutError:
                        missed += 1
                        continue
                    delays.append(arrived - cursor)
                    while not queue.empty():  # a change in two batches: the latest message counts
                        cursor, arrived = queue.get_nowait()
        finally:
            for task, _ in readers:
                task.cancel()
            await asyncio.gather(*(t for t, _ in readers), return_exceptions=True)
    return {
        "streams": streams,
        "opened": streams - refused,
        "messages": len(delays),
        "missed": missed,
        "p50_ms": round(_percentile(delays, 0.50), 1),
        "p99_ms": round(_percentile(delays, 0.99), 1),
        "max_ms": round(max(delays, default=0.0), 1),
        "mean_ms": round(statistics.fmean(delays), 1) if delays else 0.0,
    }


async def held_streams(
    url: str, token: str, change: Callable[[], Awaitable[None]], steps: Sequence[int], changes: int,
    goal_ms: float = 100.0, wait_s: float = 30.0,
) -> dict[str, Any]:  # fmt: skip
    """Steps of N streams until one is not held; `held` is the largest N held (0: none)."""
    headers = {"Authorization": f"Bearer {token}"}
    cpu = time.process_time()
    runs: list[dict[str, Any]] = []
    held = 0
    for streams in steps:
        run = await _step(url, headers, streams, changes, change, wait_s)
        run["held"] = run["opened"] == streams and not run["missed"] and run["p99_ms"] <= goal_ms
        runs.append(run)
        if not run["held"]:
            break
        held = streams
    return {"goal_ms": goal_ms, "held": held, "steps": runs, "client_cpu_s": round(time.process_time() - cpu, 2)}


async def export_rate(url: str, token: str, seconds: float, concurrency: int = 4) -> dict[str, Any]:
    """2xx export answers per second over `seconds`, `concurrency` callers back to back."""
    headers = {"Authorization": f"Bearer {token}"}
    counts = {"ok": 0, "other": 0}
    statuses: dict[int, int] = {}
    params = {"level": "territory"}

    async def caller(client: httpx.AsyncClient, until: float) -> None:
        while time.perf_counter() < until:
            answer = await client.get(EXPORT, params=params)
            if answer.is_success:
                counts["ok"] += 1
            else:
                counts["other"] += 1
                statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1

    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as client:
        started = time.perf_counter()
        await asyncio.gather(*(caller(client, started + seconds) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {
        "seconds": round(elapsed, 2),
        "concurrency": concurrency,
        "ok": counts["ok"],
        "other": counts["other"],
        "other_statuses": {str(k): v for k, v in statuses.items()},
        "per_s": round(counts["ok"] / elapsed, 1) if elapsed else 0.0,
    }

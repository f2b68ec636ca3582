"""Does the reporting fold's one NOTIFY per batch slow the fold? (issue 22 #7; `shared/recipes.md`: NOTIFY takes a
global lock at commit, which serialised the outbox writers' commits)

`python -m tdi_bench.fold_notify [--events N] [--replicas R] [--repetitions K]` (`DATABASE_URL` names the server):
R reporting consumers (replicas, one consumer group each, as many concurrent transactions as replicas), each
folding its share of N `FicheActionPlanned` with reporting's own folds in batches of 500, with and without the
`in_commit` hook that sends reporting's NOTIFY, alternately, best and median of K. Only transactions that NOTIFY
queue on that lock: reporting's folds, one per replica; no other service's commits are concerned.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from typing import Any

import asyncpg
from aiokafka.structs import ConsumerRecord

from tdi_bench.growth import fiche_events
from tdi_bench.workload import NoKafka
from tdi_contracts.topics import DOMAIN_TOPICS
from tdi_reporting.handlers import registry_for
from tdi_reporting.notifier import NOTIFY_SQL, channel_of
from tdi_reporting.repositories import reporting_unit_of_work
from tdi_reporting.store import MIGRATIONS
from tdi_runtime.consumer import EventConsumer
from tdi_runtime.db import KIT_MIGRATIONS, Connection, migrate
from tdi_runtime.outbox import Outbox
from tdi_runtime.testing import unique_name

BATCH = 500
TOPIC = next(t.name for t in DOMAIN_TOPICS if "fiche-action" in t.name)


def _records(start: int, stop: int) -> list[Any]:
    return [
        ConsumerRecord(TOPIC, 0, i, 0, 0, key, value, None, len(key or b""), len(value), headers)
        for i, (key, value, headers) in zip(range(start, stop), fiche_events(start, stop), strict=True)
    ]


async def fold(database_url: str, shares: list[list[Any]], notify: bool) -> float:
    """Events/s of `len(shares)` consumers folding their shares concurrently into a fresh schema."""
    schema = unique_name("bench_fold_")
    pool = await asyncpg.create_pool(
        database_url, min_size=len(shares) + 1, max_size=len(shares) + 1, server_settings={"search_path": schema}
    )
    assert pool is not None
    try:
        await pool.execute(f"CREATE SCHEMA {schema}")
        await migrate(pool, schema, [KIT_MIGRATIONS, *MIGRATIONS])
        channel = channel_of(schema)

        async def notify_in_commit(conn: Connection) -> None:
            await conn.execute(NOTIFY_SQL, channel)

        async def run(group: str, records: list[Any]) -> None:
            consumer = EventConsumer(
                service="reporting", group=group, pool=pool, outbox=Outbox(), registry=registry_for(),
                unit_of_work=reporting_unit_of_work(),
                in_commit=notify_in_commit if notify else None,
            )  # fmt: skip
            for i in range(0, len(records), BATCH):
                if not await consumer.handle_batch(records[i : i + BATCH], NoKafka()):
                    raise RuntimeError("a batch was handed back")

        started = time.perf_counter()
        await asyncio.gather(*(run(f"bench-fold-{i}", share) for i, share in enumerate(shares)))
        elapsed = time.perf_counter() - started
        return sum(len(s) for s in shares) / elapsed
    finally:
        await pool.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await pool.close()


async def measure(database_url: str, events: int, replicas: int, repetitions: int) -> dict[str, Any]:
    per = events // replicas
    runs: dict[str, list[float]] = {"without": [], "with_notify": []}
    offset = 0
    for _ in range(repetitions):
        for side in ("without", "with_notify"):  # alternate, so a noisy neighbour hurts both sides alike
            shares = [_records(offset + r * per, offset + (r + 1) * per) for r in range(replicas)]
            offset += replicas * per
            runs[side].append(await fold(database_url, shares, notify=side == "with_notify"))
    best = {k: max(v) for k, v in runs.items()}
    median = {k: statistics.median(v) for k, v in runs.items()}
    return {
        "events": per * replicas,
        "replicas": replicas,
        "load_average": os.getloadavg()[0],
        "events_per_s": {k: [round(x) for x in v] for k, v in runs.items()},
        "ratio_best": round(best["with_notify"] / best["without"], 3),
        "ratio_median": round(median["with_notify"] / median["without"], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args()
    found = asyncio.run(measure(os.environ["DATABASE_URL"], args.events, args.replicas, args.repetitions))
    print(json.dumps(found, indent=2))


if __name__ == "__main__":
    main()

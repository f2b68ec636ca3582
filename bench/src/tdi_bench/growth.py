"""Scenario 4, growth: the reporting rebuild (`tdi_reporting.rebuild`) at 10k, 100k and 1M events, as events/s.

The domain topics of the run (a `tdi.bench.<name>.` prefix) grow in one place: the first size is produced and
rebuilt `repetitions` times, then topped up to the next size and rebuilt again, and so on. Each rebuild is the
service's own (`python -m tdi_reporting rebuild` calls the same function): it empties the read models and folds
every record from offset zero in one transaction. The events are `FicheActionPlanned` (two upserts each), encoded
once by the contracts and copied with fresh ids, sent with aiokafka's batch API (untimed).

A row compares the events/s of a larger size with those of the smallest, so its ratio is the linearity of the
cost: 1.0 when a rebuild of 100x the events takes 100x the time.
"""

from __future__ import annotations

import time
from contextlib import AsyncExitStack
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
from aiokafka import AIOKafkaProducer
from pyinstrument import Profiler

from tdi_bench.measure import SideResult
from tdi_bench.profiling import write_profile
from tdi_bench.runner import ScenarioResult
from tdi_bench.workload import Workload
from tdi_contracts.events.actions import FicheActionPlanned
from tdi_contracts.reference.action_plans import Category
from tdi_contracts.topics import DOMAIN_TOPICS, FICHE_ACTION
from tdi_contracts.wire import encode_event, envelope_for
from tdi_localstack.provisioning import create_topics
from tdi_reporting.handlers import registry_for
from tdi_reporting.rebuild import rebuild
from tdi_reporting.store import MIGRATIONS
from tdi_runtime.db import KIT_MIGRATIONS, migrate
from tdi_runtime.kafka import PRODUCER_SETTINGS, security_options
from tdi_runtime.testing import unique_name

SIZES = (10_000, 100_000, 1_000_000)
GOAL_LINEARITY = 0.8
"""Bench rule: events/s at 10x and 100x the events stay within 20 % of the smallest size's."""
_MARK = "424242424242"  # 12 digits replaced by each event's number in the template's ids


def fiche_events(start: int, stop: int, territories: int = 40) -> list[tuple[bytes | None, bytes, list[Any]]]:
    """Events number `start` to `stop` - 1: one template per territory encoded by the contracts, ids rewritten."""
    templates = []
    for t in range(territories):
        payload = FicheActionPlanned(
            fiche_action_id=UUID(f"00000000-0000-4000-8000-{_MARK}"),
            territory_id=f"ti-{5000 + t}",
            title="Réseau de chaleur fatale de la zone industrielle",
            categories=[next(iter(Category))],
            planned_on=date(2024, 3, 12),
        )
        envelope = envelope_for(payload, "actions")
        ids = {"id": f"bench-{_MARK}", "correlation_id": f"bench-{_MARK}", "causation_id": f"bench-{_MARK}"}
        templates.append(encode_event(envelope.model_copy(update=ids), payload))
    mark, events = _MARK.encode(), []
    for i in range(start, stop):
        key, value, headers = templates[i % territories]
        n = b"%012d" % i
        events.append((key, value.replace(mark, n), [(k, v.replace(mark, n)) for k, v in headers]))
    return events


class GrowthScenario:
    key = "growth"

    def __init__(self, workload: Workload, sizes: tuple[int, ...]) -> None:
        self.w, self.sizes = workload, sizes
        self.prefix = f"tdi.bench.{unique_name('g')}."
        self.produced = 0
        self.cpu_us: dict[int, list[float]] = {}
        """CPU time of this process per event folded, by size: the Python side, whatever the neighbours do."""

    @property
    def topics(self) -> list[str]:
        return [self.prefix + t.name for t in DOMAIN_TOPICS]

    async def _top_up(self, size: int) -> None:
        """Produce events up to `size` in all, with aiokafka's batch API (untimed)."""
        topic, partitions = self.prefix + FICHE_ACTION.name, FICHE_ACTION.partitions
        producer = AIOKafkaProducer(bootstrap_servers=self.w.bootstrap, **PRODUCER_SETTINGS, **security_options())
        await producer.start()
        try:
            for start in range(self.produced, size, 50_000):
                chunk = fiche_events(start, min(start + 50_000, size))
                futures = []
                for p in range(partitions):
                    batch = producer.create_batch()
                    for key, value, headers in chunk[p::partitions]:
                        if batch.append(key=key, value=value, timestamp=None, headers=headers) is None:
                            futures.append(await producer.send_batch(batch, topic, partition=p))
                            batch = producer.create_batch()
                            batch.append(key=key, value=value, timestamp=None, headers=headers)
                    futures.append(await producer.send_batch(batch, topic, partition=p))
                for future in futures:
                    await future
        finally:
            await producer.stop()
        self.produced = size

    async def _rebuild(self, pool: asyncpg.Pool, profiler: Profiler | None = None) -> float:
        """Events/s of one rebuild (wall clock); its CPU µs per event in this process go to `self.cpu_us`."""
        if profiler is not None:
            profiler.start()
        began, cpu = time.perf_counter(), time.process_time()
        report = await rebuild(pool, self.w.bootstrap, self.topics, registry_for())
        elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
        if profiler is not None:
            profiler.stop()
        if report.folded != self.produced:
            raise AssertionError(f"the rebuild folded {report.folded} of {self.produced} events")
        self.cpu_us.setdefault(self.produced, []).append(cpu / report.folded * 1e6)
        return report.folded / elapsed

    async def measure_rows(
        self, *, repetitions: int = 3, profile_dir: Path | None = None, warm_up: bool = True
    ) -> list[ScenarioResult]:
        specs = zip(self.topics, DOMAIN_TOPICS, strict=True)
        await create_topics(self.w.bootstrap, [(t, spec.partitions, {}) for t, spec in specs])
        self.w.adopt_topics(self.topics)
        by_size: dict[int, SideResult] = {}
        async with AsyncExitStack() as stack:
            schema, pool = await stack.enter_async_context(self.w.schema(max_size=2))
            await migrate(pool, schema, [KIT_MIGRATIONS, *MIGRATIONS])
            for size in self.sizes:
                await self._top_up(size)
                if warm_up and size == self.sizes[0]:
                    await self._rebuild(pool)
                    self.cpu_us[size].pop()  # a warm-up: not a measurement
                runs = 1 if size == self.sizes[-1] and len(self.sizes) > 1 else repetitions  # the largest: once
                by_size[size] = SideResult([await self._rebuild(pool) for _ in range(runs)])
                cpu = ", ".join(f"{us:.0f}" for us in self.cpu_us[size])
                print(
                    f"[bench] growth: {size:,} events, {by_size[size].rates} events/s, CPU µs/event {cpu}", flush=True
                )
            profiled: tuple[float, list[str]] | None = None
            if profile_dir is not None:  # the largest size, where a bend would show
                profiler = Profiler(interval=0.001, async_mode="disabled")
                rate = await self._rebuild(pool, profiler)
                self.cpu_us[self.produced].pop()  # under the profiler: not a measurement
                profiled = rate, [str(p) for p in write_profile(profiler, profile_dir, "growth")]
        smallest = self.sizes[0]
        rows = []
        for size in self.sizes[1:]:
            title = f"rebuild of {size:,} events / of {smallest:,} events (fold + upsert, one tx)"
            row = ScenarioResult(f"growth-x{size // smallest}", title, size, GOAL_LINEARITY, None)
            row.platform, row.raw, row.raw_records = by_size[size], by_size[smallest], smallest
            row.details = {"cpu_us_per_event": {"platform": self.cpu_us[size], "raw": self.cpu_us[smallest]}}
            if profiled is not None:
                row.profiled_rate, row.profiles = profiled
            rows.append(row)
        return rows

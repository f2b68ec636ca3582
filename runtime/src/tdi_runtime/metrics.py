"""Prometheus metrics of one service: consumed, produced, failed, dead-lettered, outbox lag, handler latency,
consumer lag, and the service's own gauges refreshed from its database on each scrape."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from tdi_runtime.db import Connection

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """One registry per service instance (several services may share a process in tests and benchmarks)."""

    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry()
        self.consumed = Counter(
            "tdi_events_consumed",
            "Events consumed and applied or rejected",
            ["service", "topic", "outcome"],
            registry=self.registry,
        )
        self.produced = Counter(
            "tdi_events_produced",
            "Outbox rows acknowledged by the broker",
            ["service", "topic"],
            registry=self.registry,
        )
        self.failed = Counter(
            "tdi_failures",
            "Failures that were retried (database or broker away)",
            ["service", "stage"],
            registry=self.registry,
        )
        self.dead_lettered = Counter(
            "tdi_events_dead_lettered",
            "Events sent to a dead-letter topic",
            ["service", "topic", "code"],
            registry=self.registry,
        )
        self.outbox_pending = Gauge(
            "tdi_outbox_pending_rows", "Outbox rows not yet acknowledged", ["service"], registry=self.registry
        )
        self.outbox_lag = Gauge(
            "tdi_outbox_lag_seconds", "Age of the oldest pending outbox row", ["service"], registry=self.registry
        )
        self.outbox_parked = Counter(
            "tdi_outbox_rows_parked",
            "Outbox rows the relay set aside after the broker refused them relay_max_attempts times",
            ["service", "topic"],
            registry=self.registry,
        )
        self.outbox_parked_rows = Gauge(
            "tdi_outbox_parked_rows",
            "Outbox rows parked now (python -m tdi_runtime.outbox parked)",
            ["service"],
            registry=self.registry,
        )
        self.handler_latency = Histogram(
            "tdi_handler_batch_seconds",
            "Time to apply one consumed batch",
            ["service", "topic"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.relay_latency = Histogram(
            "tdi_relay_batch_seconds",
            "Time to publish one outbox batch",
            ["service"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.consumer_lag = Gauge(
            "tdi_consumer_lag_records",
            "Records of a partition not yet consumed by the group (high watermark minus next offset), per batch",
            ["service", "topic", "partition"],
            registry=self.registry,
        )
        self.ready = Gauge(
            "tdi_ready_check",
            "1 if the readiness check (database, migrations, broker) passed at the last /readyz, else 0",
            ["service", "check"],
            registry=self.registry,
        )
        self.purged = Counter(
            "tdi_retention_purged_rows",
            "Rows purged by retention (sent outbox rows, inbox rows, idempotency keys)",
            ["service", "table"],
            registry=self.registry,
        )
        self.retrying = Gauge(
            "tdi_retrying_attempts",
            "Consecutive failed attempts of the batch in flight (0: healthy); a consumer above 0 is paused: it"
            " pulls nothing new until its batch commits (back-pressure), a relay above 0 publishes nothing",
            ["service", "stage"],
            registry=self.registry,
        )
        self.database_latency = Gauge(
            "tdi_database_latency_seconds",
            "Round trip of the last readiness query to the database (its timeout when it did not answer)",
            ["service"],
            registry=self.registry,
        )
        self.service = service
        self._lag_sampled_at = 0.0
        self._refreshers: list[Callable[[Connection], Awaitable[None]]] = []

    def add_refresher(self, refresh: Callable[[Connection], Awaitable[None]]) -> None:
        """A service's own gauges read from its database, refreshed on each scrape of /metrics."""
        self._refreshers.append(refresh)

    async def refresh(self, pool: Any) -> None:
        if not self._refreshers or pool is None:
            return
        async with pool.acquire() as conn:
            for refresh in self._refreshers:
                await refresh(conn)

    def observe_relay(self, produced: Mapping[str, int], seconds: float) -> None:
        """One relay batch: records acknowledged per topic, and how long the batch took."""
        for topic, count in produced.items():
            self.produced.labels(self.service, topic).inc(count)
        self.relay_latency.labels(self.service).observe(seconds)

    async def sample_outbox_lag(self, conn: Connection, every_s: float = 5.0) -> None:
        """Refresh the outbox gauges, at most every `every_s` (the relay calls this on each idle poll)."""
        now = time.monotonic()
        if now - self._lag_sampled_at < every_s:
            return
        self._lag_sampled_at = now
        row = await conn.fetchrow(
            "SELECT count(*) AS n, coalesce(extract(epoch FROM now() - min(created_at)), 0) AS age"
            " FROM outbox WHERE sent_at IS NULL AND parked_at IS NULL"
        )
        assert row is not None
        self.outbox_pending.labels(self.service).set(row["n"])
        self.outbox_lag.labels(self.service).set(float(row["age"]))
        parked = await conn.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL AND parked_at IS NOT NULL")
        self.outbox_parked_rows.labels(self.service).set(parked)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)

"""Envelope consumption as Prometheus gauges, read from the envelopes on each scrape of /metrics.

`tdi_funding_envelope_cents{envelope, programme, amount}` with `amount` = ceiling, committed or paid, for each
open envelope: the dashboard shows committed / ceiling per programme, and an envelope about to be exhausted.
"""

from __future__ import annotations

from prometheus_client import Gauge

from tdi_runtime.db import Connection
from tdi_runtime.metrics import Metrics
from tdi_runtime.service import Runtime

AMOUNTS = ("ceiling", "committed", "paid")


def install_envelope_gauges(metrics: Metrics) -> None:
    gauge = Gauge(
        "tdi_funding_envelope_cents",
        "Ceiling, committed and paid amounts of each open envelope, in euro cents",
        ["envelope", "programme", "amount"],
        registry=metrics.registry,
    )

    async def refresh(conn: Connection) -> None:
        rows = await conn.fetch(
            "SELECT id, programme, ceiling_cents, committed_cents, paid_cents FROM envelopes WHERE NOT closed"
        )
        gauge.clear()  # a closed envelope leaves the gauge
        for row in rows:
            for amount in AMOUNTS:
                gauge.labels(row["id"], row["programme"], amount).set(row[f"{amount}_cents"])

    metrics.add_refresher(refresh)


async def start_envelope_gauges(runtime: Runtime) -> None:
    """on_started hook of the funding service."""
    install_envelope_gauges(runtime.metrics)

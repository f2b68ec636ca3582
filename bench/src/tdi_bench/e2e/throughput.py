"""Scenario 1 (end to end, throughput) and 3 (scale-out): a backlog sent at the partner's full speed, counted
where it lands (rows of a table, polled), as records/s between 10 % and 90 % of the rows (the sustained
middle, without the start and the tail)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from tdi_bench.e2e.partner import PartnerRecord, producer, send_all

REPORTING_ROWS = "SELECT count(*) FROM reporting.rm_vte_contract"
VTE_ROWS = "SELECT count(*) FROM vte.vte_contracts"


@dataclass
class Drain:
    records: int
    send_s: float = 0.0
    samples: list[tuple[float, int, int]] = field(default_factory=list)  # (s since the send, vte, reporting)
    usage: list[dict[str, Any]] = field(default_factory=list)

    def sustained(self, column: int) -> float:
        """Records/s between the 10 % and 90 % crossings of a column's final count (1 = vte, 2 = read model)."""
        final = self.samples[-1][column] if self.samples else 0
        low, high = self._crossing(column, 0.1 * final), self._crossing(column, 0.9 * final)
        return 0.8 * final / (high - low) if high > low else 0.0

    def _crossing(self, column: int, rows: float) -> float:
        before = self.samples[0]
        for sample in self.samples:
            if sample[column] >= rows:
                share = (rows - before[column]) / max(sample[column] - before[column], 1)
                return before[0] + share * (sample[0] - before[0])  # linear between the two samples
            before = sample
        return before[0]

    @property
    def completed(self) -> bool:
        return bool(self.samples) and max(self.samples[-1][1:]) >= self.records

    def as_dict(self) -> dict[str, Any]:
        done = self.samples[-1][0] if self.samples else 0.0
        return {
            "records": self.records,
            "send_s": round(self.send_s, 3),
            "read_model_per_s": round(self.sustained(2), 1),
            "vte_per_s": round(self.sustained(1), 1),
            "whole_run_per_s": round(self.samples[-1][2] / done, 1) if done else 0.0,  # read-model rows
            "seconds": round(done, 2),
            "completed": self.completed,
            "samples": [(round(t, 2), a, b) for t, a, b in self.samples],
            "usage": self.usage,
        }


async def drain(
    bootstrap: str,
    admin_url: str,
    records: Sequence[PartnerRecord],
    *,
    until_column: int = 2,
    timeout_s: float = 900.0,
    on_sample: Callable[[], dict[str, Any]] | None = None,
) -> Drain:
    """Send every record at once, then sample both counts every 0.25 s until the chosen one has them all."""
    conn = await asyncpg.connect(admin_url)
    sender = await producer(bootstrap)
    result = Drain(len(records))
    try:
        base = (await conn.fetchval(VTE_ROWS), await conn.fetchval(REPORTING_ROWS))
        started = time.perf_counter()
        sending = asyncio.create_task(send_all(sender, records))
        while True:
            now = time.perf_counter() - started
            counts = (await conn.fetchval(VTE_ROWS) - base[0], await conn.fetchval(REPORTING_ROWS) - base[1])
            result.samples.append((now, *counts))
            last = counts[until_column - 1] >= len(records) or now > timeout_s
            if on_sample is not None and (len(result.samples) % 8 == 1 or last):
                result.usage.append({"t": round(now, 2), **on_sample()})
            if last:
                break
            await asyncio.sleep(0.25)
        result.send_s = await sending
    finally:
        await sender.stop()
        await conn.close()
    return result

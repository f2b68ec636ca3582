"""What a scenario is: one platform path and its raw baseline, doing the same work on the same servers."""

from __future__ import annotations

from typing import Protocol

from tdi_bench.measure import Stopwatch


class Scenario(Protocol):
    key: str
    title: str
    records: int
    goal_ratio: float | None
    """The issue's goal for platform / baseline; None for a row kept as physical context only."""
    min_rate: float | None
    """A floor on the platform's own throughput (records/s), where the issue sets one."""

    async def prepare(self) -> None:
        """Untimed setup shared by every repetition (topics, pre-produced records, fetched batches)."""

    async def platform(self, records: int, watch: Stopwatch) -> int:
        """The kit's path; starts `watch` right before the timed work and stops it after."""
        ...

    async def raw(self, records: int, watch: Stopwatch) -> int:
        """The baseline: the same records through aiokafka or asyncpg alone."""
        ...

    async def close(self) -> None:
        """Release what `prepare` opened."""

"""Timing of one benchmark side: a stopwatch each side starts and stops around its own critical section."""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from pyinstrument import Profiler


@dataclass
class Stopwatch:
    """Started by the side right before the timed work (setup stays outside), optionally under a profiler."""

    profiler: Profiler | None = None
    started: float | None = None
    elapsed: float = 0.0

    def start(self) -> None:
        """Idempotent: a side may call it on every batch, only the first call counts."""
        if self.started is None:
            if self.profiler is not None:
                self.profiler.start()
            self.started = time.perf_counter()

    def stop(self) -> None:
        """Idempotent too: the first call after `start()` fixes the elapsed time."""
        if self.started is None:
            raise RuntimeError("the stopwatch was never started")
        if self.elapsed:
            return
        self.elapsed = time.perf_counter() - self.started
        if self.profiler is not None:
            self.profiler.stop()


Side = Callable[[int, Stopwatch], Awaitable[int]]
"""One side of a scenario: given how many records, does the work (starting the watch) and returns how many it did."""


async def rate_of(side: Side, records: int, profiler: Profiler | None = None) -> float:
    """Records per second of one run of `side`."""
    watch = Stopwatch(profiler)
    done = await side(records, watch)
    watch.stop()  # a no-op when the side stopped it before its own teardown
    return done / watch.elapsed


@dataclass
class SideResult:
    """Records per second of each repetition; the best is what the table shows (least disturbed by neighbours)."""

    rates: list[float] = field(default_factory=list)

    @property
    def best(self) -> float:
        return max(self.rates)

    @property
    def median(self) -> float:
        return statistics.median(self.rates)

"""How big each scenario is in each mode: `full` (the measurement), `quick`, `smoke` (what `make test` runs)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mode:
    name: str
    repetitions: int
    perf_records: int  # ProducerPerformance / ConsumerPerformance
    latency_records: int  # EndToEndLatency
    first_drain: int  # scenario 1, first repetition; the next ones last `drain_target_s` at its pace
    drain_target_s: float
    drain_timeout_s: float
    latency_rate: float  # scenario 2: partner events per second
    latency_s: float
    sse_probes: int
    scale_instances: tuple[int, ...]
    scale_s: float  # scale-out: records for about this many seconds at the pace of scenario 1
    settle_s: float  # pause after starting or stopping processes, so one measurement starts on a calm machine
    readers_steps: tuple[int, ...] = (50, 100, 200, 400, 800, 1600)  # scenario "readers": concurrent SSE streams
    readers_changes: int = 5  # changes awaited on every stream at each step
    exports_s: float = 10.0  # export calls, back to back, for this long

    def max_drain(self, rate: float) -> int:
        return max(self.first_drain, min(600_000, int(rate * self.drain_target_s)))


MODES = {
    "full": Mode("full", 2, 200_000, 1_000, 10_000, 90.0, 120.0, 200.0, 20.0, 5, (1, 2, 4), 30.0, 3.0),
    "quick": Mode(
        "quick", 1, 100_000, 500, 3_000, 20.0, 90.0, 200.0, 5.0, 2, (1, 2, 4), 10.0, 1.0, (50, 200, 800), 3, 3.0
    ),
    "smoke": Mode("smoke", 1, 20_000, 100, 300, 0.0, 90.0, 200.0, 0.5, 1, (1, 2), 0.0, 0.0, (2, 4), 1, 0.5),
}

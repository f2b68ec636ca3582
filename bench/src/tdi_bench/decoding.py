"""Micro-benchmark of contract decoding: `decode_event` per event, and how its time splits.

No server: the records are made in memory (the same EpciJoined records the scenarios publish). Each
repetition decodes every record once and is timed in CPU time of the thread (see `per_event_us`); the best
repetition counts. The parts
are measured the same way on their own: the `ce_*` headers into the `Envelope`, the JSON value into the
payload model, and `json.loads` of the value alone as the physical floor of reading the bytes in Python.
`python -m tdi_bench.decoding [--profile]` runs it alone (pyinstrument text profile with `--profile`).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tdi_bench.workload import Record, make_events
from tdi_contracts.envelope import Envelope, decode_event, payload_model_for

GOAL_US = 10.0
EVENTS = 20_000


def per_event_us(step: Callable[[Record], Any], records: list[Record], repetitions: int) -> list[float]:
    """CPU microseconds per record of each repetition of `step` over every record.

    CPU time of this thread, not wall time: on a shared machine the process is often descheduled (a wall
    clock then measures the neighbours); the CPU time of a pure-CPU loop is what it costs the consumer.
    """
    runs = []
    for _ in range(repetitions):
        started = time.thread_time()
        for record in records:
            step(record)
        runs.append((time.thread_time() - started) / len(records) * 1e6)
    return runs


def _decode(record: Record) -> Any:
    return decode_event(*record)


def _envelope(record: Record) -> Any:
    return Envelope.from_kafka_headers(record[2])


def _payload_step(records: list[Record]) -> Callable[[Record], Any]:
    model = payload_model_for(Envelope.from_kafka_headers(records[0][2]).type)
    return lambda record: model.model_validate_json(record[1])


def _json_loads(record: Record) -> Any:
    return json.loads(record[1])


@dataclass
class DecodeResult:
    events: int
    runs_us: list[float] = field(default_factory=list)
    parts_us: dict[str, float] = field(default_factory=dict)
    goal_us: float = GOAL_US

    @property
    def best_us(self) -> float:
        return min(self.runs_us)

    @property
    def met(self) -> bool:
        return self.best_us <= self.goal_us

    def as_json(self) -> dict[str, Any]:
        return {
            "key": "decode",
            "title": "decode_event per EpciJoined record (µs, best of the repetitions)",
            "events": self.events,
            "best_us": self.best_us,
            "runs_us": self.runs_us,
            "parts_best_us": self.parts_us,
            "goal_us": self.goal_us,
            "met": self.met,
        }


def measure_decoding(records: list[Record], repetitions: int = 3) -> DecodeResult:
    """Warm up on a tenth, then `repetitions` of the whole decode and of each part (best of each kept)."""
    result = DecodeResult(len(records))
    parts = {
        "ce_* headers -> Envelope": _envelope,
        "JSON value -> payload model": _payload_step(records),
        "json.loads of the value (floor)": _json_loads,
    }
    per_event_us(_decode, records[: max(len(records) // 10, 1)], 1)
    result.runs_us = per_event_us(_decode, records, repetitions)
    result.parts_us = {name: min(per_event_us(step, records, repetitions)) for name, step in parts.items()}
    return result


def cpu_profile(records: list[Record], lines: int = 25) -> str:
    """cProfile of decode_event over `records` on the thread's CPU clock (deterministic, so it inflates
    the many small calls: read it for where the calls are, the part timings above for how long they take)."""
    profiler = cProfile.Profile(time.thread_time)
    profiler.runcall(per_event_us, _decode, records, 1)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(lines)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tdi_bench.decoding", description=__doc__)
    parser.add_argument("--events", type=int, default=EVENTS)
    parser.add_argument("--profile", action="store_true", help="print a pyinstrument profile of decode_event")
    args = parser.parse_args()
    records = make_events(args.events)
    result = measure_decoding(records)
    print(f"decode_event: {result.best_us:.1f} µs/event (runs {', '.join(f'{r:.1f}' for r in result.runs_us)})")
    for name, us in result.parts_us.items():
        print(f"  {name}: {us:.1f} µs")
    if args.profile:
        print(cpu_profile(records))


if __name__ == "__main__":
    main()

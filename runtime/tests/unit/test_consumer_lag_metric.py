"""The consumer lag gauge: high watermark minus the offset after the last record applied, per partition."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tdi_runtime.lag import record_lag
from tdi_runtime.metrics import Metrics


class _Consumer:
    def __init__(self, ends: dict[tuple[str, int], int]) -> None:
        self.ends = ends

    def highwater(self, tp: Any) -> int | None:
        return self.ends.get((tp.topic, tp.partition))


def _record(topic: str, partition: int, offset: int) -> Any:
    return SimpleNamespace(topic=topic, partition=partition, offset=offset)


def _lag(metrics: Metrics, topic: str, partition: int) -> float | None:
    labels = {"service": "funding", "topic": topic, "partition": str(partition)}
    return metrics.registry.get_sample_value("tdi_consumer_lag_records", labels)


def test_lag_is_what_remains_after_the_last_record_of_each_partition() -> None:
    metrics = Metrics("funding")
    consumer = _Consumer({("t", 0): 100, ("t", 1): 8})
    record_lag(metrics, consumer, [_record("t", 0, 40), _record("t", 0, 41), _record("t", 1, 7)])
    assert _lag(metrics, "t", 0) == 58
    assert _lag(metrics, "t", 1) == 0


def test_a_partition_whose_end_is_unknown_or_a_consumer_without_watermarks_sets_nothing() -> None:
    metrics = Metrics("funding")
    record_lag(metrics, _Consumer({}), [_record("t", 2, 5)])
    record_lag(metrics, object(), [_record("t", 3, 5)])
    assert _lag(metrics, "t", 2) is None
    assert _lag(metrics, "t", 3) is None

"""Consumer lag per partition, as the consumer itself sees it after each batch (no extra request to Kafka).

The lag is the partition's high watermark, from the last fetch response, minus the offset after the batch's
last record. An idle group keeps its last value (0 once it has caught up); the broker-side view of every group,
Strimzi's Kafka Exporter (`kafka_consumergroup_lag`), also covers a group whose pods are all down.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tdi_runtime.metrics import Metrics


def record_lag(metrics: Metrics, consumer: Any, records: Sequence[Any]) -> None:
    """Set `tdi_consumer_lag_records` for each partition of the batch just applied."""
    highwater = getattr(consumer, "highwater", None)
    if highwater is None:
        return
    from aiokafka import TopicPartition

    last: dict[tuple[str, int], int] = {}
    for r in records:
        last[(r.topic, r.partition)] = max(last.get((r.topic, r.partition), -1), r.offset)
    for (topic, partition), offset in last.items():
        end = highwater(TopicPartition(topic, partition))
        if isinstance(end, int):
            metrics.consumer_lag.labels(metrics.service, topic, str(partition)).set(max(0, end - offset - 1))

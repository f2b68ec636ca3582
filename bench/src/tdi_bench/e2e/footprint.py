"""Scenario 5: RSS (and PSS, CPU seconds) of each service process, the broker and PostgreSQL's process tree."""

from __future__ import annotations

from typing import Any

from tdi_bench.e2e.procs import usage
from tdi_bench.e2e.services import Platform


def footprint(platform: Platform) -> dict[str, Any]:
    """One reading of every process of the platform, keyed `<service>-<instance>`, `kafka`, `postgres`."""
    found: dict[str, Any] = {}
    for name, services in platform.running.items():
        for i, service in enumerate(services):
            found[f"{name}-{i}"] = usage(service.process.pid).as_dict()
    if platform.stack.kafka_pid is not None:
        found["kafka"] = usage(platform.stack.kafka_pid).as_dict()
    if platform.stack.postgres_pid is not None:
        found["postgres"] = usage(platform.stack.postgres_pid, tree=True).as_dict()
    return found


def peak(readings: list[dict[str, Any]]) -> dict[str, Any]:
    """The largest RSS of each process over several readings (under load)."""
    top: dict[str, Any] = {}
    for reading in readings:
        for key, value in reading.items():
            if isinstance(value, dict) and (key not in top or value["rss_mib"] > top[key]["rss_mib"]):
                top[key] = value
    return top

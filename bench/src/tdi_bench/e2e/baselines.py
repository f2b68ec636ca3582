"""The broker's own limits, measured by Kafka's tools (the jars the stack runs) in the same run.

`ProducerPerformance` (acks=all, idempotent, 300-byte records), `ConsumerPerformance` over what it wrote, and
`EndToEndLatency` (acks=all, 300 bytes). Each JVM gets an explicit heap (-Xmx256m).
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import uuid
from typing import Any

from tdi_localstack.kafka_jars import kafka_libs
from tdi_localstack.provisioning import create_topics

HEAP = "-Xmx256m"
RECORD_BYTES = 300
PARTITIONS = 8


def _tool(tool: str, *args: str, timeout: float = 300.0) -> str:
    java = shutil.which("java") or "java"
    argv = [java, HEAP, "-cp", f"{kafka_libs()}/*", f"org.apache.kafka.tools.{tool}", *args]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


def producer_performance(bootstrap: str, topic: str, records: int) -> dict[str, Any]:
    out = _tool(
        "ProducerPerformance", "--topic", topic, "--num-records", str(records), "--record-size", str(RECORD_BYTES),
        "--throughput", "-1", "--producer-props", f"bootstrap.servers={bootstrap}", "acks=all",
        "enable.idempotence=true",
    )  # fmt: skip
    last = [line for line in out.splitlines() if "records sent" in line][-1]
    rate = float(re.search(r"([\d.]+) records/sec", last).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"(\d+) ms 99th", last)
    return {"records": records, "records_per_s": rate, "p99_ms": int(p99.group(1)) if p99 else None}


def consumer_performance(bootstrap: str, topic: str, records: int) -> dict[str, Any]:
    out = _tool(
        "ConsumerPerformance", "--bootstrap-server", bootstrap, "--topic", topic, "--num-records", str(records),
        "--group", f"bench-e2e-{uuid.uuid4().hex[:8]}", "--timeout", "60000",
    )  # fmt: skip
    header, values = [line for line in out.splitlines() if line.strip()][-2:]
    row = dict(zip([h.strip() for h in header.split(",")], [v.strip() for v in values.split(",")], strict=False))
    return {
        "records": int(row["data.consumed.in.nMsg"]),
        "records_per_s": float(row["nMsg.sec"]),  # from the tool's start: includes joining the group
        "fetch_records_per_s": float(row["fetch.nMsg.sec"]),  # without the group join (rebalance time)
    }


def end_to_end_latency(bootstrap: str, topic: str, records: int) -> dict[str, Any]:
    out = _tool("EndToEndLatency", bootstrap, topic, str(records), "all", str(RECORD_BYTES))
    percentiles = re.search(r"50th = ([\d.]+), 99th = ([\d.]+), 99.9th = ([\d.]+)", out)
    average = re.search(r"Avg latency: ([\d.]+) ms", out)
    if percentiles is None:
        raise RuntimeError(f"EndToEndLatency printed no percentiles: {out[-500:]}")
    return {
        "records": records,
        "p50_ms": float(percentiles.group(1)),
        "p99_ms": float(percentiles.group(2)),
        "p999_ms": float(percentiles.group(3)),
        "avg_ms": float(average.group(1)) if average else None,
    }


def baselines(bootstrap: str, throughput_records: int, latency_records: int, repetitions: int) -> dict[str, Any]:
    """Every repetition of the three tools, each on fresh topics (8 partitions; 1 for the latency tool)."""
    runs: dict[str, list[dict[str, Any]]] = {"producer": [], "consumer": [], "latency": []}
    for _ in range(repetitions):
        topic, latency_topic = f"tdi.bench.e2e-perf-{uuid.uuid4().hex[:8]}", f"tdi.bench.e2e-lat-{uuid.uuid4().hex[:8]}"
        asyncio.run(create_topics(bootstrap, [(topic, PARTITIONS, {}), (latency_topic, 1, {})]))
        runs["producer"].append(producer_performance(bootstrap, topic, throughput_records))
        runs["consumer"].append(consumer_performance(bootstrap, topic, throughput_records))
        runs["latency"].append(end_to_end_latency(bootstrap, latency_topic, latency_records))
    return {
        "runs": runs,
        "producer_per_s": max(r["records_per_s"] for r in runs["producer"]),
        "consumer_per_s": max(r["fetch_records_per_s"] for r in runs["consumer"]),
        "latency_p50_ms": min(r["p50_ms"] for r in runs["latency"]),
        "latency_p99_ms": min(r["p99_ms"] for r in runs["latency"]),
    }

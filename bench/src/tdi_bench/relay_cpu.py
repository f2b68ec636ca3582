"""The relay's CPU per record, against aiokafka sending the same records: a figure the machine's load barely moves.

`DATABASE_URL=… KAFKA_BOOTSTRAP_SERVERS=… python -m tdi_bench.relay_cpu [--records 20000] [--profile]`
fills a fresh outbox with one COPY (records as a service writes them: `ce_*` headers and a `traceparent`), then,
alternately, drains it with `Relay.drain()` and sends the same records with one `AIOKafkaProducer` (every
record in flight), each timed in **CPU time of the process** (`time.process_time`: the event loop, aiokafka's
sender and asyncpg's decoding; the servers run in other processes). The ratio of the raw side's CPU per record
to the relay's is what `make bench`'s relay ratio tends to when the relay is CPU-bound (as it is: issue 27),
without the neighbours' noise a wall clock measures on a shared machine. `--profile` adds a cProfile of one
drain (CPU timer), printed by own time with call counts.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import statistics
import time
from typing import Any

from aiokafka import AIOKafkaProducer

from tdi_bench.relay import COLUMNS, outbox_row
from tdi_bench.workload import Record, Workload, make_events
from tdi_runtime.kafka import PRODUCER_SETTINGS, create_producer, security_options
from tdi_runtime.relay import Relay

TRACEPARENT = ("traceparent", b"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")


def _records(count: int) -> list[Record]:
    """Records as a service writes them: the contract's `ce_*` headers, then the trace context."""
    return [(k, v, [*h, TRACEPARENT]) for k, v, h in make_events(count)]


async def _relay_cpu(w: Workload, topic: str, records: list[Record], producer: Any, profile: bool) -> float:
    rows = [outbox_row(topic, r) for r in records]
    async with w.schema() as (schema, pool):
        async with pool.acquire() as conn:
            await conn.copy_records_to_table("outbox", records=rows, columns=COLUMNS, schema_name=schema)
            await conn.execute("ANALYZE outbox")
        relay = Relay(pool, producer, schema=schema)
        profiler = cProfile.Profile(time.process_time) if profile else None
        started = time.process_time()
        if profiler is not None:
            profiler.enable()
        sent = await relay.drain()
        if profiler is not None:
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(30)
            print(out.getvalue())
        spent = time.process_time() - started
    assert sent == len(records), f"the relay sent {sent} of {len(records)}"
    return spent / sent * 1e6


async def _raw_cpu(topic: str, records: list[Record], producer: Any) -> float:
    started = time.process_time()
    futures = [await producer.send(topic, value=v, key=k, headers=h) for k, v, h in records]
    await asyncio.gather(*futures)
    return (time.process_time() - started) / len(records) * 1e6


async def measure(records: int, repetitions: int, profile: bool) -> dict[str, Any]:
    w = Workload(os.environ["KAFKA_BOOTSTRAP_SERVERS"], os.environ["DATABASE_URL"], [])
    batch = _records(records)
    topic = await w.new_topic()
    kit = create_producer(w.bootstrap, client_id="tdi-bench-relay-cpu")
    raw = AIOKafkaProducer(bootstrap_servers=w.bootstrap, **PRODUCER_SETTINGS, **security_options())
    await kit.start()
    await raw.start()
    relay_us: list[float] = []
    raw_us: list[float] = []
    try:
        await _raw_cpu(topic, batch[: records // 10], raw)  # warm-up of each side
        await _relay_cpu(w, topic, batch[: records // 10], kit, False)
        for _ in range(repetitions):
            raw_us.append(await _raw_cpu(topic, batch, raw))
            relay_us.append(await _relay_cpu(w, topic, batch, kit, False))
        if profile:
            await _relay_cpu(w, topic, batch, kit, True)
    finally:
        await kit.stop()
        await raw.stop()
        await w.delete_topics()
    return {
        "records": records,
        "relay_cpu_us_per_record": {"best": min(relay_us), "median": statistics.median(relay_us), "runs": relay_us},
        "raw_cpu_us_per_record": {"best": min(raw_us), "median": statistics.median(raw_us), "runs": raw_us},
        "cpu_ratio_best": min(raw_us) / min(relay_us),
        "load_average": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tdi_bench.relay_cpu", description=__doc__)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(measure(args.records, args.repetitions, args.profile))
    r, b = result["relay_cpu_us_per_record"], result["raw_cpu_us_per_record"]
    print(
        f"relay {r['best']:.1f} µs CPU/record (median {r['median']:.1f}), aiokafka send {b['best']:.1f} "
        f"(median {b['median']:.1f}): CPU ratio {result['cpu_ratio_best']:.2f}, load {result['load_average']:.1f}"
    )


if __name__ == "__main__":
    main()

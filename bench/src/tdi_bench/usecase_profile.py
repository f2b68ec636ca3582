"""The usecase row profiled on all its records: `python -m tdi_bench.usecase_profile OUT.txt [records] [pairs]`.

`python -m tdi_bench --profile` profiles a fifth of a scenario's records (1,000 for usecase: under a second, a few
hundred samples). This runs the same scenario (`usecase.UseCaseScenario`: state + `Outbox.add` vs state only, 8
writers) on a PostgreSQL of its own (or `BENCH_DB_URL`), no broker: one warm-up, the platform side on every record
under pyinstrument (0.5 ms interval, the event loop thread) written to OUT.txt, then `pairs` runs of raw then
platform on half the records, each printed with the load average, and the median and best ratio. Shares of time
are what to read on a shared machine, not rates; the database's own settings differ from the kit bench's broker
stack (its rates are not comparable with `make bench`'s).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
from pathlib import Path

from pyinstrument import Profiler

from tdi_bench.measure import rate_of
from tdi_bench.usecase import UseCaseScenario
from tdi_bench.workload import Workload, make_events
from tdi_localstack.postgres_server import PostgresServer


async def profile(url: str, records: int, pairs: int) -> str:
    """The platform side's profile (text); prints the rate under the profiler, then each pair and the ratios."""
    scenario = UseCaseScenario(Workload("", url, make_events(records)), records)
    await scenario.prepare()
    await rate_of(scenario.platform, max(records // 5, 50))  # warm-up: pools, statement caches
    profiler = Profiler(interval=0.0005, async_mode="disabled")
    rate = await rate_of(scenario.platform, records, profiler)
    print(f"profiled: {rate:,.0f}/s under the profiler")
    ratios = []
    for _ in range(pairs):
        raw = await rate_of(scenario.raw, records // 2)
        platform = await rate_of(scenario.platform, records // 2)
        ratios.append(platform / raw)
        load = os.getloadavg()[0]
        print(f"raw {raw:,.0f}/s, platform {platform:,.0f}/s, ratio {platform / raw:.2f}, load {load:.1f}")
    if ratios:
        print(f"ratio: median {statistics.median(ratios):.2f}, best {max(ratios):.2f}")
    return profiler.output_text(unicode=True, color=False, show_all=False)


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("profile-usecase-full.txt")
    records = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    pairs = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    if url := os.environ.get("BENCH_DB_URL"):
        text = asyncio.run(profile(url, records, pairs))
    else:
        with tempfile.TemporaryDirectory(prefix="tdi-usecase-profile-") as tmp:
            server = PostgresServer(Path(tmp) / "postgres" / "data")
            server.start()
            try:
                text = asyncio.run(profile(server.url(), records, pairs))
            finally:
                server.stop()
    out.write_text(text, encoding="utf-8")
    print(f"profile written to {out}")


if __name__ == "__main__":
    main()

"""The scenarios in order, on one platform: latency and SSE while it is idle, then throughput, then scale-out."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tdi_bench.e2e.footprint import footprint, peak
from tdi_bench.e2e.latency import read_model_latency, sse_latency
from tdi_bench.e2e.modes import Mode
from tdi_bench.e2e.partner import PartnerRecord, make_records, producer, send_all
from tdi_bench.e2e.readers import export_rate, held_streams
from tdi_bench.e2e.services import TOKEN, Platform, vte_perimeters
from tdi_bench.e2e.throughput import drain
from tdi_localstack.perimeters import KnownPerimeter
from tdi_localstack.platform import wait_ready


@dataclass
class Contracts:
    """Fresh contracts, never sent before in this run."""

    run: str
    territories: list[KnownPerimeter]
    sent: int = 0

    def next(self, count: int) -> list[PartnerRecord]:
        records = make_records(self.run, self.sent, count, self.territories)
        self.sent += count
        return records


async def run_scenarios(
    platform: Platform, mode: Mode, run: str, results: dict[str, Any], save: Callable[[], None]
) -> None:
    bootstrap, admin = platform.stack.bootstrap_servers, platform.admin_url
    contracts = Contracts(run, await vte_perimeters(platform))
    results["footprint"] = {"idle": footprint(platform)}
    results["latency"] = await read_model_latency(
        bootstrap, admin, contracts.next(max(1, int(mode.latency_rate * mode.latency_s))), mode.latency_rate
    )
    save()
    reporting = platform.running["reporting"][0].url
    results["sse"] = await sse_latency(bootstrap, reporting, TOKEN, contracts.next(mode.sse_probes))
    save()
    results["readers"] = await readers(platform, mode, contracts)
    save()
    await _throughput(platform, mode, contracts, results, save)
    await _scale_out(platform, mode, contracts, results, save)


async def readers(platform: Platform, mode: Mode, contracts: Contracts) -> dict[str, Any]:
    """Scenario "readers": live streams one reporting instance holds (updates ≤ 100 ms after the fold), exports/s."""
    reporting = platform.running["reporting"][0].url
    sender = await producer(platform.stack.bootstrap_servers)

    async def change() -> None:  # one new contract, from the partner: a fold in reporting, a change on every stream
        await send_all(sender, contracts.next(1))

    try:
        held = await held_streams(reporting, TOKEN, change, mode.readers_steps, mode.readers_changes)
    finally:
        await sender.stop()
    return {"streams": held, "exports": await export_rate(reporting, TOKEN, mode.exports_s)}


async def _throughput(
    platform: Platform, mode: Mode, contracts: Contracts, results: dict[str, Any], save: Callable[[], None]
) -> None:
    runs: list[dict[str, Any]] = []
    results["throughput"] = {"repetitions": runs}
    size = mode.first_drain
    for _ in range(mode.repetitions):
        await asyncio.sleep(mode.settle_s)
        before = footprint(platform)
        done = await drain(
            platform.stack.bootstrap_servers, platform.admin_url, contracts.next(size),
            timeout_s=mode.drain_timeout_s, on_sample=lambda: footprint(platform),
        )  # fmt: skip
        after = footprint(platform)
        run = done.as_dict()
        run["cpu_ms_per_event"] = {
            k: round((after[k]["cpu_s"] - before[k]["cpu_s"]) * 1000 / max(done.samples[-1][2], 1), 3)
            for k in after
            if k in before
        }
        runs.append(run)
        results["throughput"]["best_per_s"] = max(r["read_model_per_s"] for r in runs)
        results["footprint"]["load"] = peak([u for r in runs for u in r["usage"]])
        save()
        size = mode.max_drain(done.sustained(2))


async def _scale_out(
    platform: Platform, mode: Mode, contracts: Contracts, results: dict[str, Any], save: Callable[[], None]
) -> None:
    """The vte service alone (reporting stopped), 1, 2, 4 instances in one group on the 8-partition ingress."""
    platform.stop("reporting")
    pace = max(r["vte_per_s"] for r in results["throughput"]["repetitions"])
    size = max(mode.first_drain, int(pace * mode.scale_s * 2))
    results["scale_out"] = {"records": size, "instances": {}}
    for instances in mode.scale_instances:
        platform.stop("vte")
        wait_ready(platform.start("vte", instances), timeout=180)
        bootstrap, admin = platform.stack.bootstrap_servers, platform.admin_url
        await drain(bootstrap, admin, contracts.next(20 * instances), until_column=1, timeout_s=30)  # warm-up
        await asyncio.sleep(mode.settle_s)
        done = await drain(bootstrap, admin, contracts.next(size), until_column=1, timeout_s=mode.drain_timeout_s / 2)
        run = done.as_dict()
        run.pop("usage")
        results["scale_out"]["instances"][str(instances)] = run
        save()

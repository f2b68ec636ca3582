"""The scenarios in order, on one platform: latency and SSE while it is idle, then throughput, then scale-out."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tdi_bench.e2e.budget import REPORTING, TRACE_EVERY, budget, settings_in_force, timelines, trace_some
from tdi_bench.e2e.footprint import footprint, peak
from tdi_bench.e2e.latency import read_model_latency, sse_latency
from tdi_bench.e2e.modes import Mode
from tdi_bench.e2e.partner import PartnerRecord, make_records, producer, send_all
from tdi_bench.e2e.readers import export_rate, held_streams
from tdi_bench.e2e.services import READERS_CAPACITY, TOKEN, Platform, vte_perimeters
from tdi_bench.e2e.throughput import drain
from tdi_localstack.perimeters import KnownPerimeter
from tdi_localstack.platform import wait_ready
from tdi_runtime.trace_receiver import ReceivedSpan, TraceReceiver

SPANS_TIMEOUT_S = 60.0
"""How long the spans of the sampled events may take to arrive (an export every 200 ms; a busy machine)."""
ENV_OF_SERVICES = READERS_CAPACITY
"""What the run sets in the services' environment besides the stack's (the settings in force are read with it)."""


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
    paced, traces = trace_some(contracts.next(max(1, int(mode.latency_rate * mode.latency_s))), TRACE_EVERY)
    sent_ns: dict[str, int] = {}
    results["latency"] = await read_model_latency(bootstrap, admin, paced, mode.latency_rate, sent_ns)
    save()
    reporting = platform.running["reporting"][0].url
    probes, probe_traces = trace_some(contracts.next(mode.sse_probes), 1)
    probes_ns: dict[str, tuple[int, int]] = {}
    results["sse"] = await sse_latency(bootstrap, reporting, TOKEN, probes, probes_ns)
    save()
    if platform.traces is not None:
        results["budget"] = await _budget(platform.traces, traces, sent_ns, probe_traces, probes_ns)
        save()
    results["readers"] = await readers(platform, mode, contracts)
    save()
    await _throughput(platform, mode, contracts, results, save)
    await _scale_out(platform, mode, contracts, results, save)


async def _budget(
    receiver: TraceReceiver,
    traces: dict[str, str],
    sent_ns: dict[str, int],
    probe_traces: dict[str, str],
    probes_ns: dict[str, tuple[int, int]],
) -> dict[str, Any]:
    """The per-hop budget of the sampled events of scenario 2 and of the SSE probes, once their spans arrived."""
    sent = {traces[c]: ns for c, ns in sent_ns.items() if c in traces}
    sent |= {probe_traces[c]: ns for c, (ns, _) in probes_ns.items()}
    sse = {probe_traces[c]: ns for c, (_, ns) in probes_ns.items()}

    def arrived(spans: list[ReceivedSpan]) -> bool:  # every sampled event folded by reporting, and its batch
        folded = {s.trace_id for s in spans if s.service == REPORTING and s.name.startswith("apply ")}
        return set(sent) <= folded

    spans = await asyncio.to_thread(receiver.wait_for, arrived, SPANS_TIMEOUT_S)
    await asyncio.sleep(1.0)  # the batch spans end after their events' spans: one more export round
    spans = receiver.spans()
    return budget(timelines(spans, sent, sse), settings_in_force(os.environ | ENV_OF_SERVICES))


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

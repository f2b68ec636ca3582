"""`python -m tdi_bench.e2e [--quick|--smoke] [--profile] [--name NAME]`: measure the platform end to end."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tdi_bench.e2e.baselines import baselines
from tdi_bench.e2e.budget import budget_table
from tdi_bench.e2e.modes import MODES
from tdi_bench.e2e.report import goals, table, update_readme, write_json
from tdi_bench.e2e.run import run_scenarios
from tdi_bench.e2e.services import platform
from tdi_bench.machine import machine_facts
from tdi_localstack.paths import repo_root
from tdi_runtime.trace_receiver import TraceReceiver


def _arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tdi_bench.e2e", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller scenarios: a try, not a measurement")
    parser.add_argument("--smoke", action="store_true", help="tiny scenarios, one repetition (what make test runs)")
    parser.add_argument("--name", default="", help="results file name (default e2e-latest, e2e-latest-quick...)")
    parser.add_argument("--profile", action="store_true", help="run vte and reporting under pyinstrument")
    parser.add_argument("--latency-rate", type=float, default=0.0, help="scenario 2's pace (default 200/s)")
    parser.add_argument("--out", type=Path, default=repo_root() / "bench" / "results")
    parser.add_argument("--readme", type=Path, default=repo_root() / "bench" / "README.md")
    return parser.parse_args(argv)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def measure(argv: list[str] | None = None) -> dict[str, Any]:
    """The whole run; returns the document written to the JSON file."""
    args = _arguments(argv)
    mode = MODES["smoke" if args.smoke else "quick" if args.quick else "full"]
    if args.latency_rate > 0:
        mode = dataclasses.replace(mode, latency_rate=args.latency_rate)
    name = f"{args.name or ('e2e-latest' if mode.name == 'full' else f'e2e-latest-{mode.name}')}.json"
    document: dict[str, Any] = {"mode": mode.name, "started": _now(), "baselines": None, "scenarios": {}}

    def save() -> None:
        document["load_average_end"] = round(os.getloadavg()[0], 2)
        document["goals"] = goals(document)
        write_json(args.out / name, document)

    with TraceReceiver() as traces, platform(args.out if args.profile else None, traces) as running:
        document["machine"] = asyncio.run(machine_facts(running.admin_url))
        print(f"platform ready ({running.stack.bootstrap_servers}); broker baselines…", flush=True)
        document["baselines"] = baselines(
            running.stack.bootstrap_servers, mode.perf_records, mode.latency_records, mode.repetitions
        )
        save()
        print(f"baselines: {document['baselines']['producer_per_s']:,.0f}/s produced; scenarios…", flush=True)
        asyncio.run(run_scenarios(running, mode, uuid.uuid4().hex[:8], document["scenarios"], save))
    document["finished"] = _now()
    save()
    text = table(document, name)
    if "budget" in document["scenarios"]:
        text += "\n\n" + budget_table(document["scenarios"]["budget"])
    print(text)
    if mode.name == "full":
        update_readme(args.readme, text)
    print(f"Results written to {args.out / name}")
    return document


if __name__ == "__main__":
    measure()

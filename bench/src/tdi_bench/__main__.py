"""`python -m tdi_bench [--quick|--smoke] [--profile] [--only consume,relay] [--name NAME]`: measure, report."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from rich.console import Console

from tdi_bench.bench import QUICK_DIVISOR, SIZES, SMOKE_DIVISOR, run_bench
from tdi_bench.decoding import EVENTS, measure_decoding
from tdi_bench.machine import machine_facts
from tdi_bench.report import print_report, write_json
from tdi_bench.runner import ScenarioResult
from tdi_bench.workload import make_events
from tdi_localstack.paths import repo_root
from tdi_localstack.stack import LocalStack


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tdi_bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10x fewer records (a smoke run, not a measurement)")
    parser.add_argument("--smoke", action="store_true", help="100x fewer records, 1 repetition, no warm-up")
    parser.add_argument("--name", default="", help="results file name (default latest, latest-quick...)")
    parser.add_argument("--profile", action="store_true", help="pyinstrument on the platform side of each scenario")
    parser.add_argument("--only", default="", help=f"comma-separated scenarios among {', '.join(SIZES)}")
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--out", type=Path, default=repo_root() / "bench" / "results")
    return parser.parse_args()


async def _measure(stack: LocalStack, args: argparse.Namespace, console: Console) -> None:
    facts = await machine_facts(stack.database_url)
    console.print(f"Kafka {stack.bootstrap_servers}, PostgreSQL {stack.database_url}")
    mode = "smoke" if args.smoke else "quick" if args.quick else "full"
    divisor = {"smoke": SMOKE_DIVISOR, "quick": QUICK_DIVISOR, "full": 1}[mode]
    only = [k for k in args.only.split(",") if k] or None
    decoding = None if only and "decode" not in only else measure_decoding(make_events(EVENTS // divisor))
    name = f"{args.name or ('latest' if mode == 'full' else f'latest-{mode}')}.json"

    def progress(results: list[ScenarioResult]) -> None:
        r = results[-1]
        console.print(f"{r.key}: platform {r.platform.rates}, raw {r.raw.rates}, ratio {r.ratio:.2f}")
        write_json(args.out / name, mode, facts, results, decoding)  # partial results survive a failure

    results = await run_bench(
        stack.bootstrap_servers,
        stack.database_url,
        divisor=divisor,
        only=only,
        profile_dir=args.out if args.profile else None,
        repetitions=1 if args.smoke else args.repetitions,
        warm_up=not args.smoke,
        on_result=progress,
    )
    print_report(console, facts, results, decoding)
    write_json(args.out / name, mode, facts, results, decoding)
    console.print(f"Results written to {args.out / name}")


def main() -> None:
    args = _arguments()
    console = Console()
    if not console.is_terminal:
        console.width = 160  # a log or a pipe: keep the table on one line per scenario
    with LocalStack() as stack:  # KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL, when set, are reused instead
        asyncio.run(_measure(stack, args, console))


if __name__ == "__main__":
    main()

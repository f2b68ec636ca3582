"""`python -m tdi_bench [--quick] [--profile] [--only consume,relay]`: start or reuse the stack, measure, report."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from rich.console import Console

from tdi_bench.bench import SIZES, run_bench
from tdi_bench.machine import machine_facts
from tdi_bench.report import print_report, write_json
from tdi_localstack.paths import repo_root
from tdi_localstack.stack import LocalStack


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tdi_bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10x fewer records (a smoke run, not a measurement)")
    parser.add_argument("--profile", action="store_true", help="pyinstrument on the platform side of each scenario")
    parser.add_argument("--only", default="", help=f"comma-separated scenarios among {', '.join(SIZES)}")
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--out", type=Path, default=repo_root() / "bench" / "results")
    return parser.parse_args()


async def _measure(stack: LocalStack, args: argparse.Namespace, console: Console) -> None:
    facts = await machine_facts(stack.database_url)
    console.print(f"Kafka {stack.bootstrap_servers}, PostgreSQL {stack.database_url}")
    results = await run_bench(
        stack.bootstrap_servers,
        stack.database_url,
        quick=args.quick,
        only=[k for k in args.only.split(",") if k] or None,
        profile_dir=args.out if args.profile else None,
        repetitions=args.repetitions,
    )
    print_report(console, facts, results)
    name = "latest-quick.json" if args.quick else "latest.json"
    write_json(args.out / name, "quick" if args.quick else "full", facts, results)
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

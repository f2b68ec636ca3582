"""The results as a rich table on the terminal and as bench/results/latest.json."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from tdi_bench.decoding import DecodeResult
from tdi_bench.runner import ScenarioResult


def _goal(r: ScenarioResult) -> str:
    if r.goal_ratio is None:
        return "context"
    goal = f"≥ {r.goal_ratio:.2f}"
    return goal + (f" and ≥ {r.min_rate:,.0f}/s" if r.min_rate else "")


def results_table(results: list[ScenarioResult]) -> Table:
    table = Table(title="Platform path vs raw baseline (records/s, best of the repetitions)")
    for column in ("scenario", "platform path / raw baseline", "records", "platform", "raw", "ratio", "goal", ""):
        table.add_column(column, justify="right" if column in ("records", "platform", "raw", "ratio") else "left")
    for r in results:
        table.add_row(
            r.key,
            r.title,
            f"{r.records:,}",
            f"{r.platform.best:,.0f}",
            f"{r.raw.best:,.0f}",
            f"{r.ratio:.2f}",
            _goal(r),
            "" if r.met is None else "[green]met[/green]" if r.met else "[red]missed[/red]",
        )
    return table


def print_report(
    console: Console, facts: dict[str, Any], results: list[ScenarioResult], decoding: DecodeResult | None = None
) -> None:
    console.print(" ".join(f"{k}={v}" for k, v in facts.items()), soft_wrap=True)
    console.print(results_table(results))
    if decoding is not None:
        verdict = "[green]met[/green]" if decoding.met else "[red]missed[/red]"
        parts = ", ".join(f"{name} {us:.1f}" for name, us in decoding.parts_us.items())
        console.print(
            f"decode_event: {decoding.best_us:.1f} µs/event CPU (goal ≤ {decoding.goal_us:.0f}: {verdict}); {parts}"
        )
    for r in results:
        if r.profiles:
            console.print(f"profile of {r.key} ({r.profiled_rate:,.0f}/s under the profiler): {', '.join(r.profiles)}")


def write_json(
    path: Path, mode: str, facts: dict[str, Any], results: list[ScenarioResult], decoding: DecodeResult | None = None
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": mode,
        "machine": facts,
        "scenarios": [r.as_json() for r in results],
        "decoding": None if decoding is None else decoding.as_json(),
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

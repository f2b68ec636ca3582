"""pyinstrument on the platform side of a scenario: one extra run, profiled, written as HTML and text."""

from __future__ import annotations

from pathlib import Path

from pyinstrument import Profiler

from tdi_bench.measure import rate_of
from tdi_bench.scenario import Scenario


async def profile_platform(scenario: Scenario, out_dir: Path) -> tuple[float, list[Path]]:
    """Profiles the whole event loop thread (async_mode disabled): background fetchers and senders included.

    On a fifth of the records: the profiler halves the throughput, and a shape needs no more.
    """
    profiler = Profiler(interval=0.001, async_mode="disabled")
    rate = await rate_of(scenario.platform, max(scenario.records // 5, 50), profiler)
    return rate, write_profile(profiler, out_dir, scenario.key)


def write_profile(profiler: Profiler, out_dir: Path, key: str) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    html, text = out_dir / f"profile-{key}.html", out_dir / f"profile-{key}.txt"
    html.write_text(profiler.output_html(), encoding="utf-8")
    text.write_text(profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8")
    return [html, text]

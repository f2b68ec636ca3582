"""Measures one scenario: untimed setup, a warm-up of each side, then alternating repetitions (and a profile)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tdi_bench.measure import Side, SideResult, rate_of
from tdi_bench.profiling import profile_platform
from tdi_bench.scenario import Scenario


@dataclass
class ScenarioResult:
    key: str
    title: str
    records: int
    goal_ratio: float | None
    min_rate: float | None
    platform: SideResult = field(default_factory=SideResult)
    raw: SideResult = field(default_factory=SideResult)
    profiled_rate: float | None = None
    profiles: list[str] = field(default_factory=list)
    raw_records: int | None = None
    """Records of one baseline run when it differs from the platform's (a rate is a rate)."""
    details: dict[str, Any] = field(default_factory=dict)
    """What else a scenario measured for this row (e.g. CPU time per event), written to the JSON as is."""

    @property
    def ratio(self) -> float:
        """0 when the baseline did nothing (e.g. an HTTP smoke run too short for a loaded machine)."""
        return self.platform.best / self.raw.best if self.raw.best else 0.0

    @property
    def met(self) -> bool | None:
        """None when the row has no goal (physical context)."""
        if self.goal_ratio is None:
            return None
        return self.ratio >= self.goal_ratio and (self.min_rate is None or self.platform.best >= self.min_rate)

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "records": self.records,
            "platform_records_per_s": {"best": self.platform.best, "median": self.platform.median},
            "raw_records_per_s": {"best": self.raw.best, "median": self.raw.median},
            "platform_runs": self.platform.rates,
            "raw_runs": self.raw.rates,
            "raw_records": self.raw_records or self.records,
            "ratio": self.ratio,
            "goal_ratio": self.goal_ratio,
            "goal_min_records_per_s": self.min_rate,
            "met": self.met,
            "profiled_records_per_s": self.profiled_rate,
            "profiles": self.profiles,
            "details": self.details,
        }


async def measure(
    scenario: Scenario, *, repetitions: int = 3, profile_dir: Path | None = None, warm_up: bool = True
) -> ScenarioResult:
    s = scenario
    result = ScenarioResult(s.key, s.title, s.records, s.goal_ratio, s.min_rate)
    await s.prepare()
    try:
        if warm_up:
            await rate_of(s.raw, max(s.records // 10, 50))
            await rate_of(s.platform, max(s.records // 10, 50))
        for _ in range(repetitions):  # alternating, so a noisy neighbour hurts both sides alike
            result.raw.rates.append(await rate_of(s.raw, s.records))
            result.platform.rates.append(await rate_of(s.platform, s.records))
        if profile_dir is not None:
            result.profiled_rate, paths = await profile_platform(s, profile_dir)
            result.profiles = [str(p) for p in paths]
    finally:
        await s.close()
    return result


@dataclass
class Baseline:
    """One of several baselines a platform path is measured against in the same run (one table row each)."""

    key: str
    title: str
    side: Side
    goal_ratio: float | None = None
    share: float = 1.0
    """Fraction of the scenario's records a baseline run handles (a slow baseline needs fewer for a rate)."""


async def measure_against(
    scenario: Scenario,
    baselines: list[Baseline],
    *,
    repetitions: int = 3,
    profile_dir: Path | None = None,
    warm_up: bool = True,
) -> list[ScenarioResult]:
    """As `measure`, with the platform side alternating with each baseline; the rows share the platform's runs."""
    s, platform = scenario, SideResult()
    rows = [ScenarioResult(b.key, b.title, s.records, b.goal_ratio, None, platform=platform) for b in baselines]
    sizes = [max(int(s.records * b.share), 10) for b in baselines]
    for row, size in zip(rows, sizes, strict=True):
        row.raw_records = size if size != s.records else None
    await s.prepare()
    try:
        if warm_up:
            for b, size in zip(baselines, sizes, strict=True):
                await rate_of(b.side, max(size // 10, 50))
            await rate_of(s.platform, max(s.records // 10, 50))
        for _ in range(repetitions):
            for b, row, size in zip(baselines, rows, sizes, strict=True):
                row.raw.rates.append(await rate_of(b.side, size))
            platform.rates.append(await rate_of(s.platform, s.records))
        if profile_dir is not None:
            rate, paths = await profile_platform(s, profile_dir)
            for row in rows:
                row.profiled_rate, row.profiles = rate, [str(p) for p in paths]
    finally:
        await s.close()
    return rows

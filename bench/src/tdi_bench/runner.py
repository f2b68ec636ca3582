"""Measures one scenario: untimed setup, a warm-up of each side, then alternating repetitions (and a profile)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tdi_bench.measure import SideResult, rate_of
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

    @property
    def ratio(self) -> float:
        return self.platform.best / self.raw.best

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
            "ratio": self.ratio,
            "goal_ratio": self.goal_ratio,
            "goal_min_records_per_s": self.min_rate,
            "met": self.met,
            "profiled_records_per_s": self.profiled_rate,
            "profiles": self.profiles,
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

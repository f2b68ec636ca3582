"""What each scenario prints: events, faults, lost, applied twice, over-commit (and its own figures)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tdi_localstack.faults.checker import CheckResult
from tdi_localstack.faults.ledger import Ledger


@dataclass
class ScenarioReport:
    name: str
    events: int
    faults: int
    lost: int
    applied_twice: int
    over_commit: int
    seconds: float
    figures: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @classmethod
    def of(
        cls, name: str, ledger: Ledger, result: CheckResult, faults: int, seconds: float, **figures: Any
    ) -> ScenarioReport:
        return cls(
            name,
            ledger.events,
            faults,
            result.lost,
            result.applied_twice,
            result.over_commit,
            seconds,
            {**result.figures, **figures},
            list(result.problems),
        )

    def line(self) -> str:
        extra = ", ".join(f"{k}={v}" for k, v in self.figures.items())
        return (
            f"[faults] {self.name}: events={self.events} faults={self.faults} lost={self.lost} "
            f"applied_twice={self.applied_twice} over_commit={self.over_commit} ({self.seconds:.0f}s; {extra})"
        )

    @property
    def clean(self) -> bool:
        return not self.problems

    def assert_clean(self) -> None:
        assert not self.problems, f"{self.line()}\n" + "\n".join(self.problems[:30])

"""Exponential backoff with jitter between the attempts of one batch: the n-th retry waits a random time in
[d/2, d] where d = min(cap, base × factor^(n-1)) ("equal jitter": never less than half the schedule, so a dead
receiver is not hammered, and receivers that failed together do not all come back at the same instant)."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    base_s: float = 5.0
    factor: float = 2.0
    cap_s: float = 3600.0

    def ceiling(self, failures: int) -> float:
        """The upper bound of the wait after `failures` failed attempts (≥ 1)."""
        exponent = max(failures, 1) - 1
        if exponent > 64:  # past any cap: avoid an overflow
            return self.cap_s
        return min(self.cap_s, self.base_s * self.factor**exponent)

    def delay(self, failures: int, rng: random.Random | None = None) -> float:
        d = self.ceiling(failures)
        return (rng or random).uniform(d / 2, d)

"""How reporting holds its readers (issue 22 #7): a cap on live streams per caller and in all, and a token bucket
per caller and route class for the expensive calls (figures, read models, exports, stream opens, tickets).

In-process and per replica, on purpose: a limit only has to protect the instance that pays for the work.
A hand-written bucket (a dozen lines) rather than a new dependency: `limits` would bring storage back ends we do
not use; the behaviour is pinned by `tests/unit/test_holding_readers.py`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from tdi_contracts.errors import ErrorCode
from tdi_runtime.errors import DomainError

WAIT_S = 5
"""Retry-After of a refused stream: long enough for a place to free, short enough for a dashboard to retry."""


class LimitError(DomainError):
    """A limit: its code (status and sentence from the catalogue), a detail, and `Retry-After` (per refusal, so not a
    catalogue's header)."""

    def __init__(self, code: ErrorCode, detail: str, *, retry_after_s: int) -> None:
        super().__init__(code, detail)
        self.headers = {"Retry-After": str(max(1, retry_after_s))}  # type: ignore[misc]


TOO_MANY = "Au plus {} flux par jeton."
FULL = "Connexions ouvertes : {}."
RATE = "Réessayez dans {} s."


@dataclass
class Slot:
    """One open stream's place; `release` is idempotent (called by the stream's end and by the response's)."""

    slots: StreamSlots
    caller: str
    held: bool = True

    def release(self) -> None:
        if self.held:
            self.held = False
            self.slots.open -= 1
            left = self.slots.by_caller[self.caller] - 1
            if left:
                self.slots.by_caller[self.caller] = left
            else:
                del self.slots.by_caller[self.caller]


@dataclass
class StreamSlots:
    """Open streams, counted in all and per caller; above a cap: 429 TOO_MANY_STREAMS or 503 STREAMS_FULL."""

    total: int
    per_caller: int
    open: int = 0
    by_caller: dict[str, int] = field(default_factory=dict)

    def take(self, caller: str) -> Slot:
        if self.by_caller.get(caller, 0) >= self.per_caller:
            raise LimitError(ErrorCode.TOO_MANY_STREAMS, TOO_MANY.format(self.per_caller), retry_after_s=WAIT_S)
        if self.open >= self.total:
            raise LimitError(ErrorCode.STREAMS_FULL, FULL.format(self.total), retry_after_s=WAIT_S)
        self.open += 1
        self.by_caller[caller] = self.by_caller.get(caller, 0) + 1
        return Slot(self, caller)


class RateLimiter:
    """A token bucket per (route class, caller): `burst` calls at once, then `per_minute` a minute."""

    def __init__(self, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 100_000) -> None:  # fmt: skip
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self.max_keys = max_keys
        self.buckets: dict[tuple[str, str], tuple[float, float]] = {}  # key -> (tokens, at)

    def take(self, kind: str, caller: str) -> None:
        now = self.clock()
        tokens, at = self.buckets.get((kind, caller), (self.burst, now))
        tokens = min(self.burst, tokens + (now - at) * self.rate)
        if tokens < 1.0:
            wait = math.ceil((1.0 - tokens) / self.rate) if self.rate > 0 else 60
            raise LimitError(ErrorCode.RATE_LIMITED, RATE.format(wait), retry_after_s=wait)
        if len(self.buckets) >= self.max_keys:  # bounded memory: full buckets carry no information
            self.buckets = {k: v for k, v in self.buckets.items() if v[0] + (now - v[1]) * self.rate < self.burst}
        self.buckets[(kind, caller)] = (tokens - 1.0, now)


class RateLimits:
    """One bucket set per kind of call, each with its own rate (`ReportingOptions.rate_*`)."""

    def __init__(self, rates: dict[str, tuple[float, int]]) -> None:
        self.limiters = {kind: RateLimiter(per_minute, burst) for kind, (per_minute, burst) in rates.items()}

    def take(self, kind: str, caller: str) -> None:
        self.limiters[kind].take(kind, caller)

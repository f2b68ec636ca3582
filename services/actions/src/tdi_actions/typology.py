"""Typology of a scope's fiches: each axis's share of the axes' counts, in whole percent (platform rule)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

K = TypeVar("K")


def share_percent(part: int, whole: int) -> int:
    """`part` out of `whole` in whole percent, halves rounded up; 0 when there is nothing to share."""
    if whole <= 0:
        return 0
    return int((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def shares(counts: Mapping[K, int]) -> dict[K, int]:
    """Each key's share of the counts' sum, in whole percent."""
    whole = sum(counts.values())
    return {key: share_percent(n, whole) for key, n in counts.items()}


def matching_counts(percents: Mapping[K, int], at_least: int, at_most: int = 10_000) -> dict[K, int]:
    """The smallest counts (summing to `at_least` or more) whose shares are exactly `percents`."""
    for whole in range(at_least, at_most):
        exact = {k: Decimal(p) * whole / 100 for k, p in percents.items()}
        counts = {k: int(v.quantize(Decimal(1), rounding=ROUND_HALF_UP)) for k, v in exact.items()}
        if sum(counts.values()) == whole and shares(counts) == dict(percents):
            return counts
    raise ValueError(f"no counts between {at_least} and {at_most} give the shares {dict(percents)}")

"""Demonstration data: a synthetic national action plan whose totals are the published figures.

- 2,150 fiches actions at the launch of Temps II, and per category exactly the press kit's count (a fiche in
  two categories counts once in each: 2,255 category memberships, so 105 fiches are in two categories);
- the territories of the Marne (département 51) hold 39 of them, with the deck's typology Compétences 35 %,
  Transition écologique 26 %, Foncier 24 %, Innovation 15 %.

Typology (platform rule, the sources do not say how it is computed): the share of an axis is the number of
fiches counted in that axis divided by the sum of the four axes' counts, rounded to the nearest whole percent.
A fiche's two categories are always on two different axes here, so an axis counts a fiche at most once.
Every generated fiche says it is synthetic: `synthetic` is true and its title starts with `DEMO_PREFIX`.
Pure: the same territories and seed give the same plan.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tdi_actions.typology import matching_counts
from tdi_contracts.reference import Axis, Category

NATIONAL_FICHES = 2150
MARNE = "51"
MARNE_FICHES = 39
MARNE_TYPOLOGY = {Axis.COMPETENCES: 35, Axis.TRANSITION_ECOLOGIQUE: 26, Axis.FONCIER: 24, Axis.INNOVATION: 15}
LAUNCH = date(2023, 11, 9)
DEMO_PREFIX = "[Démo] "


@dataclass(frozen=True)
class DemoTerritory:
    territory_id: str
    name: str
    departements: tuple[str, ...]


@dataclass(frozen=True)
class DemoFiche:
    territory_id: str
    reference: str
    title: str
    categories: tuple[Category, ...]
    budget_cents: int
    expected_jobs: int


def _split(total: int, weights: dict[Category, int]) -> Counter[Category]:
    """`total` spread over the categories in proportion to `weights` (largest remainder, exact sum)."""
    whole = sum(weights.values())
    shares = {c: total * w / whole for c, w in weights.items()}
    counts = Counter({c: int(s) for c, s in shares.items()})
    for c in sorted(shares, key=lambda c: shares[c] - int(shares[c]), reverse=True)[: total - sum(counts.values())]:
        counts[c] += 1
    return counts


def marne_categories() -> Counter[Category]:
    """The Marne's category memberships: per axis the typology's counts, spread like the national plan."""
    per_axis = matching_counts(MARNE_TYPOLOGY, at_least=MARNE_FICHES)
    counts: Counter[Category] = Counter()
    for axis, n in per_axis.items():
        counts += _split(n, {c: c.actions_at_launch for c in Category if c.axis is axis})
    return counts


def _fiches(memberships: Counter[Category], fiches: int) -> list[tuple[Category, ...]]:
    """`fiches` category sets using every membership once; the extra ones pair two categories of two axes."""
    left = Counter(memberships)
    doubles = sum(left.values()) - fiches
    if not 0 <= doubles <= fiches:
        raise ValueError(f"{sum(left.values())} category memberships cannot make {fiches} fiches")
    sets: list[tuple[Category, ...]] = []
    for _ in range(doubles):
        ranked = sorted((c for c in Category if left[c]), key=lambda c: -left[c])
        first = ranked[0]
        second = next(c for c in ranked if c.axis is not first.axis)
        left[first] -= 1
        left[second] -= 1
        sets.append((first, second))
    sets.extend((c,) for c in Category for _ in range(left[c]))
    return sets


def demo_plan(territories: Sequence[DemoTerritory], seed: int = 2023) -> list[DemoFiche]:
    """The national synthetic plan spread over `territories` (those touching the Marne get its 39 fiches)."""
    marne = [t for t in territories if MARNE in t.departements]
    others = [t for t in territories if MARNE not in t.departements]
    if not marne or not others:
        raise ValueError("the demonstration needs the Marne's territories and at least one other territory")
    national = Counter({c: c.actions_at_launch for c in Category})
    in_marne = marne_categories()
    rng = random.Random(seed)  # noqa: S311 (reproducible demonstration data, not a secret)
    plan: list[DemoFiche] = []
    for group, memberships, count in ((marne, in_marne, MARNE_FICHES), (others, national - in_marne, None)):
        sets = _fiches(memberships, count if count is not None else NATIONAL_FICHES - MARNE_FICHES)
        rng.shuffle(sets)
        for i, categories in enumerate(sets):
            territory = group[i % len(group)]
            number = len(plan) + 1
            title = f"{DEMO_PREFIX}{categories[0].label} — {territory.name} n° {number}"
            budget = rng.randrange(5, 500) * 10_000_00  # 50 000 € to 5 M€, whole thousands of euros
            plan.append(DemoFiche(territory.territory_id, f"DEMO-{number:04d}", title[:200], categories,
                                  budget, rng.randrange(0, 60)))  # fmt: skip
    return plan


def as_rows(plan: Sequence[DemoFiche]) -> list[tuple[int, dict[str, str]]]:
    """The plan as the rows of an import file (line numbers from 2, after the header): it loads through the
    service's real import, like a territory's spreadsheet. Every fiche is planned at the launch of Temps II."""
    return [
        (line, {
            "territoire": f.territory_id, "reference": f.reference, "titre": f.title,
            "description": "Fiche action fictive générée pour la démonstration (données synthétiques).",
            "maturite": "ready", "type_porteur": "organisation", "porteur": "Territoire d'industrie (démo)",
            "categories": "|".join(c.value for c in f.categories), "budget_eur": str(f.budget_cents // 100),
            "emplois_attendus": str(f.expected_jobs), "statut": "planned", "date_statut": LAUNCH.isoformat(),
            "synthetique": "oui",
        })
        for line, f in enumerate(plan, start=2)
    ]  # fmt: skip

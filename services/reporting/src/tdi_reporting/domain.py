"""The aggregation of facts into figures per zone (pure). Facts are plain mappings (one per fiche action and
category, application, grant, VTE contract, territory) carrying a `territory_id` in either form."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from tdi_reporting.geography import (
    NATIONAL_CODE,
    Filters,
    Level,
    Territory,
    TerritoryMap,
    Zone,
    departement_label,
    region_label,
    region_of_departement,
    zones,
)

__all__ = [
    "NATIONAL_CODE",
    "Filters",
    "Level",
    "Measure",
    "Territory",
    "TerritoryMap",
    "Zone",
    "aggregate",
    "departement_label",
    "region_label",
    "region_of_departement",
]


@dataclass(frozen=True)
class Measure:
    """One figure of a read model: a sum of a field, a count of facts (where a field is truthy), or the
    number of distinct values of a set-valued field (e.g. EPCI sirens, so a shared one counts once)."""

    name: str
    kind: Literal["sum", "count", "distinct"]
    field: str | None = None


def aggregate(
    facts: Iterable[Mapping[str, Any]],
    tmap: TerritoryMap,
    level: Level,
    filters: Filters,
    dims: Sequence[str],
    measures: Sequence[Measure],
) -> list[dict[str, Any]]:
    """Rows of (zone, dimensions, measures), ordered by zone code then dimensions."""
    groups: dict[tuple[Zone, tuple[Any, ...]], list[Any]] = {}
    places: dict[str | None, list[Zone]] = {}  # zones of each territory id met, computed once per call
    for fact in facts:
        any_id = fact.get("territory_id")
        found = places.get(any_id)
        if found is None:
            t = tmap.resolve(any_id)
            found = places[any_id] = zones(t, level, filters) if filters.admits(t) else []
        for zone in found:
            key = (zone, tuple(fact[d] for d in dims))
            acc = groups.get(key)
            if acc is None:
                acc = groups[key] = [_zero(m) for m in measures]
            for i, m in enumerate(measures):
                acc[i] = _add(m, acc[i], fact)
    rows = []
    for (zone, dim_values), acc in sorted(groups.items(), key=lambda g: (g[0][0].code, _sortable(g[0][1]))):
        row: dict[str, Any] = {"niveau": level.value, "code_zone": zone.code, "libelle_zone": zone.label}
        row.update(zip(dims, dim_values, strict=True))
        row.update({m.name: len(v) if m.kind == "distinct" else v for m, v in zip(measures, acc, strict=True)})
        rows.append(row)
    return rows


def _zero(m: Measure) -> Any:
    return set() if m.kind == "distinct" else 0


def _add(m: Measure, acc: Any, fact: Mapping[str, Any]) -> Any:
    if m.kind == "count":
        return acc + (1 if m.field is None or fact.get(m.field) else 0)
    if m.kind == "sum":
        return acc + (fact.get(m.field or "") or 0)
    acc.update(fact.get(m.field or "") or ())
    return acc


def _sortable(values: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple("" if v is None else str(v) for v in values)

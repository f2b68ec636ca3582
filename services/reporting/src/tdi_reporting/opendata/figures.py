"""The figures by zone (pure): the read models aggregated over the whole country at one level, as the anonymous
public sees them (`visibility.PUBLIC`, through the same functions as the dashboard: facts narrowed, aggregated,
sensitive columns nulled), then laid out in the files' columns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tdi_reporting import views
from tdi_reporting.domain import Filters, Level, TerritoryMap, aggregate, region_label, region_of_departement
from tdi_reporting.opendata.schema import Column
from tdi_reporting.readmodels import LABELS, READ_MODELS
from tdi_reporting.store import Snapshot
from tdi_reporting.visibility import PUBLIC, reaches, require_model, shown

Key = tuple[Any, ...]


def public_rows(snapshot: Snapshot, model: str, level: Level, dims: Sequence[str] = ()) -> dict[Key, dict[str, Any]]:
    """One read model's rows at `level` over the whole country, by (zone code, *dimension values), as the public
    may see them (a read model it does not reach gives nothing)."""
    if not reaches(PUBLIC, model):
        return {}
    require_model(PUBLIC, model)
    spec = READ_MODELS[model]
    counted = views.model_facts(snapshot, model, PUBLIC)
    rows = shown(aggregate(counted, snapshot.territories, level, Filters(), tuple(dims), spec.measures), model, PUBLIC)
    return {(r["code_zone"], *(r[d] for d in dims)): r for r in rows}


def zone(level: Level, code: str, label: str, tmap: TerritoryMap) -> dict[str, Any]:
    """The columns naming a zone of `level`."""
    if level is Level.TERRITORY:
        t = tmap.resolve(code)
        return {
            "code_territoire": code,
            "identifiant_officiel": t.official_id if t else None,
            "nom_territoire": label,
            "codes_regions": t.regions if t else (),
            "codes_departements": t.departements if t else (),
        }
    if level is Level.DEPARTEMENT:
        region = region_of_departement(code)
        return {
            "code_departement": code,
            "nom_departement": label,
            "code_region": region,
            "nom_region": region_label(region),
        }
    return {"code_region": code, "nom_region": label}


def _value(found: dict[Key, dict[str, Any]], key: Key, column: Column) -> Any:
    assert column.source is not None
    row = found.get(key)
    return 0 if row is None else row[column.source[1]]  # a zone without any fact of this read model: none counted


def totals(snapshot: Snapshot, level: Level, columns: Sequence[Column]) -> list[dict[str, Any]]:
    """One row per zone of `level` where the programme has a figure: every read model summed over its dimensions."""
    figures = [c for c in columns if c.source is not None]
    by_model = {m: public_rows(snapshot, m, level) for m in {c.source[0] for c in figures if c.source}}
    zones = sorted({(k[0], r["libelle_zone"]) for rows in by_model.values() for k, r in rows.items()})
    return [
        zone(level, code, label, snapshot.territories)
        | {c.name: _value(by_model[c.source[0]], (code,), c) for c in figures if c.source}
        for code, label in zones
    ]


def breakdown(
    snapshot: Snapshot, level: Level, model: str, dims: Sequence[str], columns: Sequence[Column]
) -> list[dict[str, Any]]:
    """One row per zone of `level` and value of the dimensions (a programme; an axis and a category), each coded
    dimension with its French label (`code_<dim>`, `libelle_<dim>`)."""
    found = public_rows(snapshot, model, level, dims)
    rows = []
    for key, row in found.items():
        out = zone(level, row["code_zone"], row["libelle_zone"], snapshot.territories)
        for d in dims:
            out[f"code_{d}"], out[f"libelle_{d}"] = row[d], LABELS[d].get(row[d], row[d])
        rows.append(out | {c.name: _value(found, key, c) for c in columns if c.source})
    return rows

"""What a reader sees, computed from one snapshot: the rows of a read model, and the dashboard's figures."""

from __future__ import annotations

from typing import Any

from tdi_reporting import facts
from tdi_reporting.domain import Filters, Level, Measure, TerritoryMap, aggregate
from tdi_reporting.readmodels import READ_MODELS, with_labels
from tdi_reporting.store import Snapshot
from tdi_reporting.visibility import narrowed, reaches, require_model, shown, shown_row
from tdi_runtime.access import Access

ENVELOPES = "enveloppes"
NAMES = (*READ_MODELS, ENVELOPES)
"""Every read model a reader may ask for, in the order the README documents them."""
MAP_FIGURES = {
    "territoires_labellises": ("territoires", "territoires_labellises"),
    "fiches_actions": ("actions_axes", "fiches_actions"),
    "engage_centimes": ("financements", "engage_centimes"),
    "contrats_vte": ("vte", "contrats_signes"),
}
"""Figures the map can be coloured by: (read model, column)."""


def model_facts(snapshot: Snapshot, name: str, access: Access) -> list[dict[str, Any]]:
    """The facts of a read model the caller may count (built once per snapshot, narrowed per caller)."""
    key = "actions" if name == "actions_axes" else name
    if key not in snapshot.facts:
        snapshot.facts[key] = _build_facts(snapshot, key)
    return narrowed(snapshot.facts[key], name, access)


def _build_facts(snapshot: Snapshot, name: str) -> list[dict[str, Any]]:
    if name == "territoires":
        return facts.territory_facts(snapshot.territories)
    if name in ("actions", "actions_axes"):
        return facts.action_facts(snapshot.fiches)
    if name == "financements":
        return facts.application_facts(snapshot.applications) + facts.grant_facts(snapshot.grants)
    if name == "vte":
        return facts.vte_facts(snapshot.vte)
    raise KeyError(name)


def rows(snapshot: Snapshot, name: str, level: Level, filters: Filters, access: Access) -> list[dict[str, Any]]:
    """The rows of one read model at one level, within the filters, as the caller may see them."""
    require_model(access, name)
    if name == ENVELOPES:
        found = facts.envelope_rows(snapshot.envelopes, filters, snapshot.territories)
        return narrowed(found, name, access)
    model = READ_MODELS[name]
    counted = model_facts(snapshot, name, access)
    found = aggregate(counted, snapshot.territories, level, filters, model.dims, model.measures)
    return shown(with_labels(found, model), name, access)


def _total(snapshot: Snapshot, name: str, filters: Filters, access: Access) -> dict[str, Any]:
    model = READ_MODELS[name]
    if not reaches(access, name):  # another programme's figures: not published to this caller
        return dict.fromkeys((m.name for m in model.measures), None)
    counted = model_facts(snapshot, name, access)
    found = aggregate(counted, snapshot.territories, Level.NATIONAL, filters, (), model.measures)
    zero = {m.name: 0 for m in model.measures}
    return shown_row({**zero, **{k: v for k, v in (found[0] if found else {}).items() if k in zero}}, name, access)


def _map(snapshot: Snapshot, level: Level, access: Access) -> dict[str, dict[str, int]]:
    """Per zone code of a level, each map figure (whole country, or a regional caller's whole region: the map
    shows where the filters sit), from the per-territory sums the store read (`Snapshot.map_facts`)."""
    out: dict[str, dict[str, int]] = {}
    everywhere = Filters(region=access.region) if access.role == "regional" else Filters()
    per_territory = snapshot.map_facts or {}
    for figure, (name, column) in MAP_FIGURES.items():
        if not reaches(access, name):
            continue
        if name == "territoires":
            counted, measure = model_facts(snapshot, name, access), Measure(column, "count")
        else:
            counted, measure = narrowed(per_territory.get(name, []), name, access), Measure(column, "sum", column)
        for row in aggregate(counted, snapshot.territories, level, everywhere, (), [measure]):
            out.setdefault(row["code_zone"], {})[figure] = row[column]
    return out


def _rows_reached(snapshot: Snapshot, name: str, filters: Filters, access: Access) -> list[dict[str, Any]]:
    return rows(snapshot, name, Level.NATIONAL, filters, access) if reaches(access, name) else []


def figures(snapshot: Snapshot, filters: Filters, access: Access) -> dict[str, Any]:
    """Everything the dashboard shows for one set of filters (every chart also as a table), as the caller may see
    it: a regional caller's map and territory list are its region's, another programme's figures are null."""
    tmap: TerritoryMap = snapshot.territories
    fiches = _total(snapshot, "actions_axes", filters, access)
    return {
        "filtres": {"region": filters.region, "departement": filters.departement, "territoire": filters.territory},
        "territoires": _total(snapshot, "territoires", filters, access),
        "actions_par_categorie": rows(snapshot, "actions", Level.NATIONAL, filters, access),
        "actions_par_axe": rows(snapshot, "actions_axes", Level.NATIONAL, filters, access),
        "fiches_actions": fiches["fiches_actions"],
        "fiches_synthetiques": fiches["fiches_synthetiques"],
        "financements": rows(snapshot, "financements", Level.NATIONAL, filters, access),
        "financements_total": _total(snapshot, "financements", filters, access),
        "enveloppes": rows(snapshot, ENVELOPES, Level.NATIONAL, filters, access),
        "vte": _rows_reached(snapshot, "vte", filters, access),
        "vte_total": _total(snapshot, "vte", filters, access),
        "carte": {
            "departements": _map(snapshot, Level.DEPARTEMENT, access),
            "regions": _map(snapshot, Level.REGION, access),
        },
        "territoires_sans_chef_de_projet": [
            {"id": t.territory_id, "nom": t.name}
            for t in tmap.territories
            if t.labelled and not t.chefs_de_projet and filters.admits(t)
        ],
        "liste_territoires": [
            {"id": t.territory_id, "nom": t.name, "regions": t.regions, "departements": t.departements}
            for t in tmap.territories
            if t.labelled and access.sees(t.regions)
        ],
    }

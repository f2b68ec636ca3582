"""What a reader sees, computed from one snapshot: the rows of a read model, and the dashboard's figures."""

from __future__ import annotations

from typing import Any

from tdi_contracts.reference.figures import TERRITORIES_ANNOUNCED, TERRITORIES_IN_ANNEX
from tdi_reporting import facts
from tdi_reporting.domain import Filters, Level, TerritoryMap, aggregate
from tdi_reporting.readmodels import ENVELOPE_COLUMNS, FICHE_COLUMNS, READ_MODELS, with_labels
from tdi_reporting.store import Snapshot

ENVELOPES = "enveloppes"
FICHES = "fiches"
NAMES = (*READ_MODELS, ENVELOPES, FICHES)
"""Every read model a reader may ask for, in the order the README documents them."""
TITLES = {n: m.title for n, m in READ_MODELS.items()} | {
    ENVELOPES: "Consommation des enveloppes",
    FICHES: "Fiches actions une à une (les colonnes de l'import du service actions)",
}


def columns_of(name: str) -> tuple[str, ...]:
    """The stable columns of a read model (a KeyError for an unknown one)."""
    return {ENVELOPES: ENVELOPE_COLUMNS, FICHES: FICHE_COLUMNS}.get(name) or READ_MODELS[name].columns


MAP_FIGURES = {
    "territoires_labellises": ("territoires", "territoires_labellises"),
    "fiches_actions": ("actions_axes", "fiches_actions"),
    "engage_centimes": ("financements", "engage_centimes"),
    "contrats_vte": ("vte", "contrats_signes"),
}
"""Figures the map can be coloured by: (read model, column)."""


def model_facts(snapshot: Snapshot, name: str) -> list[dict[str, Any]]:
    """The facts a read model aggregates (built once per snapshot)."""
    key = "actions" if name == "actions_axes" else name
    if key not in snapshot.facts:
        snapshot.facts[key] = _build_facts(snapshot, key)
    return snapshot.facts[key]  # type: ignore[no-any-return]


def _build_facts(snapshot: Snapshot, name: str) -> list[dict[str, Any]]:
    if name == "territoires":
        return facts.territory_facts(snapshot.territories, snapshot.binomes)
    if name in ("actions", "actions_axes"):
        return facts.action_facts(snapshot.fiches)
    if name == "financements":
        return facts.application_facts(snapshot.applications) + facts.grant_facts(snapshot.grants)
    if name == "vte":
        return facts.vte_facts(snapshot.vte)
    raise KeyError(name)


def rows(snapshot: Snapshot, name: str, level: Level, filters: Filters) -> list[dict[str, Any]]:
    """The rows of one read model at one level, within the filters."""
    if name == ENVELOPES:
        return facts.envelope_rows(snapshot.envelopes, filters, snapshot.territories)
    if name == FICHES:
        return facts.fiche_rows(snapshot.fiches, filters, snapshot.territories)
    model = READ_MODELS[name]
    found = aggregate(model_facts(snapshot, name), snapshot.territories, level, filters, model.dims, model.measures)
    return with_labels(found, model)


def _total(snapshot: Snapshot, name: str, filters: Filters) -> dict[str, Any]:
    model = READ_MODELS[name]
    found = aggregate(model_facts(snapshot, name), snapshot.territories, Level.NATIONAL, filters, (), model.measures)
    zero = {m.name: 0 for m in model.measures}
    return {**zero, **{k: v for k, v in (found[0] if found else {}).items() if k in zero}}


def _map(snapshot: Snapshot, level: Level) -> dict[str, dict[str, int]]:
    """Per zone code of a level, each map figure (whole country: the map shows where the filters sit)."""
    out: dict[str, dict[str, int]] = {}
    everywhere = Filters()
    for figure, (name, column) in MAP_FIGURES.items():
        model = READ_MODELS[name]
        measures = [m for m in model.measures if m.name == column] or list(model.measures)
        found = aggregate(model_facts(snapshot, name), snapshot.territories, level, everywhere, (), measures)
        for row in found:
            out.setdefault(row["code_zone"], {})[figure] = row[measures[0].name]
    return out


def level_of(filters: Filters) -> Level:
    """The level whose one zone the filters describe: a territory, else a département, else a region, else France.
    The figures' rows say it (`niveau`, `code_zone`, `libelle_zone`), never « France » for the Marne."""
    if filters.territory:
        return Level.TERRITORY
    if filters.departement:
        return Level.DEPARTEMENT
    return Level.REGION if filters.region else Level.NATIONAL


def figures(snapshot: Snapshot, filters: Filters) -> dict[str, Any]:
    """Everything the dashboard shows for one set of filters (every chart also as a table)."""
    tmap: TerritoryMap = snapshot.territories
    level = level_of(filters)
    fiches = _total(snapshot, "actions_axes", filters)
    territories = _total(snapshot, "territoires", filters)
    applications = _total(snapshot, "financements", filters)
    contracts = _total(snapshot, "vte", filters)
    return {
        "filtres": {"region": filters.region, "departement": filters.departement, "territoire": filters.territory},
        "territoires": territories,
        "territoires_annonces": TERRITORIES_ANNOUNCED,  # the programme's 183, whatever the annex lists
        "territoires_annexe": TERRITORIES_IN_ANNEX,
        "actions_par_categorie": rows(snapshot, "actions", level, filters),
        "actions_par_axe": rows(snapshot, "actions_axes", level, filters),
        "fiches_actions": fiches["fiches_actions"],
        "fiches_synthetiques": fiches["fiches_synthetiques"],
        "synthetique": {  # every figure of the demonstration data, labelled as such on the page
            "fiches_actions": fiches["fiches_synthetiques"],
            "binomes": territories["binomes_synthetiques"],
            "demandes": applications["demandes_synthetiques"],
            "contrats_vte": contracts["contrats_synthetiques"],
        },
        "financements": rows(snapshot, "financements", level, filters),
        "financements_total": applications,
        "enveloppes": rows(snapshot, ENVELOPES, Level.NATIONAL, filters),
        "vte": rows(snapshot, "vte", level, filters),
        "vte_total": contracts,
        "carte": {"departements": _map(snapshot, Level.DEPARTEMENT), "regions": _map(snapshot, Level.REGION)},
        "territoires_sans_chef_de_projet": [
            {"id": t.territory_id, "nom": t.name}
            for t in tmap.territories
            if t.labelled and not t.chefs_de_projet and filters.admits(t)
        ],
        "liste_territoires": [
            {"id": t.territory_id, "nom": t.name, "regions": t.regions, "departements": t.departements}
            for t in tmap.territories
            if t.labelled
        ],
    }

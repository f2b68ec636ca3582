"""What a reader sees, computed from one snapshot: the rows of a read model, and the dashboard's figures."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tdi_contracts.reference.figures import TERRITORIES_ANNOUNCED, TERRITORIES_IN_ANNEX
from tdi_reporting import facts, ledger
from tdi_reporting.asof import PARIS
from tdi_reporting.domain import Filters, Level, Measure, TerritoryMap, aggregate
from tdi_reporting.readmodels import ENVELOPE_COLUMNS, FICHE_COLUMNS, READ_MODELS, with_labels
from tdi_reporting.store import Snapshot
from tdi_reporting.visibility import narrowed, reaches, require_model, shown, shown_row
from tdi_runtime.pipeline.caller import REGION_ROLES, TERRITORY_ROLE, Caller

ENVELOPES = "enveloppes"
FICHES = "fiches"
LEDGER = "grand_livre"
GAPS = "ecarts"
NAMES = (*READ_MODELS, ENVELOPES, FICHES, LEDGER, GAPS)
"""Every read model a reader may ask for, in the order the README documents them."""
TITLES = {n: m.title for n, m in READ_MODELS.items()} | {
    ENVELOPES: "Consommation des enveloppes",
    FICHES: "Fiches actions une à une (les colonnes de l'import du service actions)",
    LEDGER: "Grand livre : engagé (AE), versé par l'État (CP), versé par l'opérateur, par programme, enveloppe,"
    " territoire et année",
    GAPS: "Écarts du grand livre, chacun avec sa cause",
}


def _with_territory_label(columns: tuple[str, ...]) -> tuple[str, ...]:
    at = columns.index("territoire") + 1
    return (*columns[:at], "libelle_territoire", *columns[at:])


LEDGER_COLUMNS = _with_territory_label(ledger.LINE_COLUMNS)
GAP_COLUMNS = _with_territory_label(ledger.GAP_COLUMNS)


def columns_of(name: str) -> tuple[str, ...]:
    """The stable columns of a read model (a KeyError for an unknown one)."""
    found = {ENVELOPES: ENVELOPE_COLUMNS, FICHES: FICHE_COLUMNS, LEDGER: LEDGER_COLUMNS, GAPS: GAP_COLUMNS}
    return found.get(name) or READ_MODELS[name].columns


MAP_FIGURES = {
    "territoires_labellises": ("territoires", "territoires_labellises"),
    "fiches_actions": ("actions_axes", "fiches_actions"),
    "engage_centimes": ("financements", "engage_centimes"),
    "contrats_vte": ("vte", "contrats_signes"),
}
"""Figures the map can be coloured by: (read model, column)."""


def model_facts(snapshot: Snapshot, name: str, access: Caller) -> list[dict[str, Any]]:
    """The facts of a read model the caller may count (built once per snapshot, narrowed per caller)."""
    key = "actions" if name == "actions_axes" else name
    if key not in snapshot.facts:
        snapshot.facts[key] = _build_facts(snapshot, key)
    return narrowed(snapshot.facts[key], name, access)


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


def rows(snapshot: Snapshot, name: str, level: Level, filters: Filters, access: Caller) -> list[dict[str, Any]]:
    """The rows of one read model at one level, within the filters, as the caller may see them."""
    require_model(access, name)
    if name == ENVELOPES:
        found = facts.envelope_rows(snapshot.envelopes, filters, snapshot.territories)
        return narrowed(found, name, access)
    if name == FICHES:
        return narrowed(facts.fiche_rows(snapshot.fiches, filters, snapshot.territories), name, access)
    if name in (LEDGER, GAPS):
        return narrowed(ledger_rows(snapshot, name, filters), name, access)
    model = READ_MODELS[name]
    counted = model_facts(snapshot, name, access)
    found = aggregate(counted, snapshot.territories, level, filters, model.dims, model.measures)
    return shown(with_labels(found, model), name, access)


def ledger_rows(snapshot: Snapshot, name: str, filters: Filters) -> list[dict[str, Any]]:
    """The ledger's lines or gaps within the filters (a line without territory, e.g. a State transfer to an operator,
    only without a geographic filter, like a national envelope), each with its territory's name. Gaps are judged at
    the moment the snapshot describes (`situation`), with the rules it carries."""
    assert snapshot.ledger is not None
    tmap = snapshot.territories
    if name == LEDGER:
        found = ledger.ledger_lines(snapshot.ledger)
    else:
        today = (snapshot.situation.moment() if snapshot.situation else datetime.now(PARIS)).astimezone(PARIS).date()
        found = ledger.ledger_gaps(snapshot.ledger, today, snapshot.ledger_rules)
    out = []
    for row in found:
        territory = tmap.resolve(row["territoire"])
        if filters.any and (territory is None or not filters.admits(territory)):
            continue
        row = {**row, "territoire": territory.territory_id if territory else row["territoire"]}
        row["libelle_territoire"] = territory.name if territory else ""
        out.append({c: row.get(c) for c in columns_of(name)})
    return out


def _total(snapshot: Snapshot, name: str, filters: Filters, access: Caller) -> dict[str, Any]:
    model = READ_MODELS[name]
    if not reaches(access, name):  # another programme's figures: not published to this caller
        return dict.fromkeys((m.name for m in model.measures), None)
    counted = model_facts(snapshot, name, access)
    found = aggregate(counted, snapshot.territories, Level.NATIONAL, filters, (), model.measures)
    zero = {m.name: 0 for m in model.measures}
    return shown_row({**zero, **{k: v for k, v in (found[0] if found else {}).items() if k in zero}}, name, access)


def _map(snapshot: Snapshot, level: Level, access: Caller) -> dict[str, dict[str, int]]:
    """Per zone code of a level, each map figure (whole country, or a regional caller's whole region: the map
    shows where the filters sit), from the per-territory sums the store read (`Snapshot.map_facts`)."""
    out: dict[str, dict[str, int]] = {}
    everywhere = Filters(region=access.region) if access.role in REGION_ROLES else Filters()
    if access.role == TERRITORY_ROLE:  # its own territory only (issue 24): the map shows where it lies
        own = snapshot.territories.resolve(access.territory)
        everywhere = Filters(territory=own.territory_id if own else access.territory)
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


def level_of(filters: Filters) -> Level:
    """The level whose one zone the filters describe: a territory, else a département, else a region, else France.
    The figures' rows say it (`niveau`, `code_zone`, `libelle_zone`), never « France » for the Marne."""
    if filters.territory:
        return Level.TERRITORY
    if filters.departement:
        return Level.DEPARTEMENT
    return Level.REGION if filters.region else Level.NATIONAL


def _rows_reached(
    snapshot: Snapshot, name: str, level: Level, filters: Filters, access: Caller
) -> list[dict[str, Any]]:
    return rows(snapshot, name, level, filters, access) if reaches(access, name) else []


def figures(snapshot: Snapshot, filters: Filters, access: Caller) -> dict[str, Any]:
    """Everything the dashboard shows for one set of filters (every chart also as a table), as the caller may see
    it: a regional caller's map and territory list are its region's, another programme's figures are null. The
    rows carry the level and zone of the filters; `synthetique` counts every figure of the demonstration data;
    `situation` is the tick (and instant) the figures describe, live or as of a date."""
    tmap: TerritoryMap = snapshot.territories
    level = level_of(filters)
    fiches = _total(snapshot, "actions_axes", filters, access)
    territories = _total(snapshot, "territoires", filters, access)
    applications = _total(snapshot, "financements", filters, access)
    contracts = _total(snapshot, "vte", filters, access)
    return {
        "situation": snapshot.situation.as_json() if snapshot.situation else None,
        "filtres": {"region": filters.region, "departement": filters.departement, "territoire": filters.territory},
        "territoires": territories,
        "territoires_annonces": TERRITORIES_ANNOUNCED,  # the programme's 183, whatever the annex lists
        "territoires_annexe": TERRITORIES_IN_ANNEX,
        "actions_par_categorie": rows(snapshot, "actions", level, filters, access),
        "actions_par_axe": rows(snapshot, "actions_axes", level, filters, access),
        "fiches_actions": fiches["fiches_actions"],
        "fiches_synthetiques": fiches["fiches_synthetiques"],
        "synthetique": {  # every figure of the demonstration data, labelled as such on the page (null: not shown)
            "fiches_actions": fiches["fiches_synthetiques"],
            "binomes": territories["binomes_synthetiques"],
            "demandes": applications["demandes_synthetiques"],
            "contrats_vte": contracts["contrats_synthetiques"],
        },
        "financements": rows(snapshot, "financements", level, filters, access),
        "financements_total": applications,
        "enveloppes": rows(snapshot, ENVELOPES, Level.NATIONAL, filters, access),
        "vte": _rows_reached(snapshot, "vte", level, filters, access),
        "vte_total": contracts,
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

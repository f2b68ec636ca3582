"""The lists (pure): the territories the platform knows, with their regions, départements, EPCI and communes, from
the kit's territory projection. Names of EPCI and communes are not in it: the files give their SIREN and INSEE codes,
the keys to join the national references (BANATIC, code officiel géographique)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from tdi_reporting.domain import departement_label, region_label, region_of_departement
from tdi_reporting.opendata.store import Sources


def _by_any_id(sources: Sources) -> dict[str, dict[str, Any]]:
    found = {t["territory_id"]: t for t in sources.territories}
    found.update({t["official_id"]: t for t in sources.territories if t["official_id"]})
    return found


def territory_rows(sources: Sources) -> list[dict[str, Any]]:
    """One row per territory, labelled or not (`labellise` says which: a list read with `updated_since` learns
    that a territory lost its label)."""
    communes = Counter(c["territory_id"] for c in sources.communes)
    rows = []
    for t in sources.territories:
        regions, departements = tuple(t["regions"]), tuple(t["departements"])
        rows.append(
            {
                "code_territoire": t["territory_id"],
                "identifiant_officiel": t["official_id"],
                "nom_territoire": t["name"],
                "labellise": t["labelled"],
                "codes_regions": regions,
                "noms_regions": tuple(region_label(r) for r in regions),
                "codes_departements": departements,
                "noms_departements": tuple(departement_label(d) for d in departements),
                "nombre_epci": len(t["epci_sirens"]),
                "sirens_epci": tuple(t["epci_sirens"]),
                "nombre_communes": communes[t["territory_id"]] + communes[t["official_id"]],
                "binomes": t["active_binomes"],
                "chefs_de_projet": t["chefs_de_projet"],
                "date_mise_a_jour": t["as_of"],
            }
        )
    return rows


def epci_rows(sources: Sources) -> list[dict[str, Any]]:
    """One row per territory and member EPCI, with the communes of that EPCI the platform knows in the territory."""
    communes = Counter((c["territory_id"], c["epci_siren"]) for c in sources.communes)
    return [
        {
            "code_territoire": t["territory_id"],
            "nom_territoire": t["name"],
            "siren_epci": siren,
            "nombre_communes": communes[(t["territory_id"], siren)] + communes[(t["official_id"], siren)],
            "date_mise_a_jour": t["as_of"],
        }
        for t in sources.territories
        for siren in sorted(t["epci_sirens"])
    ]


def commune_rows(sources: Sources) -> list[dict[str, Any]]:
    """One row per commune recorded in a territory, with its département, region, EPCI and territory."""
    territories = _by_any_id(sources)
    rows = []
    for c in sources.communes:
        territory = territories.get(c["territory_id"])
        region = region_of_departement(c["departement"])
        rows.append(
            {
                "code_commune": c["insee"],
                "code_departement": c["departement"],
                "nom_departement": departement_label(c["departement"]),
                "code_region": region,
                "nom_region": region_label(region),
                "siren_epci": c["epci_siren"],
                "code_territoire": territory["territory_id"] if territory else c["territory_id"],
                "nom_territoire": territory["name"] if territory else None,
                "date_rattachement": c["assigned_on"],
            }
        )
    return rows

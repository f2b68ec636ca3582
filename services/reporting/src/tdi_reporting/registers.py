"""The `registres` section of `/api/figures` (issue 24): the programme's registers counted within the page's
filters, beside the figures the sources publish (never mixed with them).

- `sites_cles_en_main`: sites proposed and retained, per region with the `P:580` flag « 5 à 10 sites par région »
  (`moins-de-5`, `dans-la-fourchette`, `plus-de-10`: a flag, not a refusal), against the national objective of 50.
- `rebond_industriel`: the laureate territories of the register (the press kit's map names none in its text:
  « non publié » beyond the register).
- `ecoles_de_production`: `publie` (65 open, 25 in 2020, 100 by 2027, 39 through the programme) and `registre`.
- `reseau_chefs_de_projet`: per region, the regional posts in office, the distinct posts serving its labelled
  territories, and its territories without one.

A site, an école or a regional post belongs to a region and a département (a site may lie outside every territory):
a region or département filter keeps those of the zone, a territory filter those of the territory.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tdi_contracts.reference import Region
from tdi_contracts.reference.registers import (
    ECOLES_DE_PRODUCTION_IN_2020,
    ECOLES_DE_PRODUCTION_OPEN,
    ECOLES_DE_PRODUCTION_TARGET_2027,
    ECOLES_DE_PRODUCTION_VIA_PROGRAMME,
    SITES_CLES_EN_MAIN_OBJECTIVE,
    SITES_FIRST_ROUND,
    SITES_PER_REGION,
    sites_flag,
)
from tdi_reporting.geography import Filters
from tdi_runtime.db import Connection

Row = Any


def _admits(filters: Filters, row: Row) -> bool:
    """An entry of a region and département (and maybe a territory) within the filters."""
    if filters.territory is not None:
        return bool(row["territory_id"] == filters.territory)
    if filters.departement is not None and row["departement"] != filters.departement:
        return False
    return filters.region is None or row["region"] == filters.region


def sites_section(rows: Sequence[Row], filters: Filters, supports: Sequence[Row] = ()) -> dict[str, Any]:
    kept = [r for r in rows if _admits(filters, r)]
    ids = {r["site_id"] for r in kept}
    helped = [s for s in supports if s["site_id"] in ids]
    maturities: dict[str, int] = {}
    for row in kept:
        maturities[row["maturity"]] = maturities.get(row["maturity"], 0) + 1
    kinds: dict[str, int] = {}
    for support in helped:
        kinds[support["support"]] = kinds.get(support["support"], 0) + 1
    per_region: dict[str, list[Row]] = {}
    for row in kept:
        per_region.setdefault(row["region"], []).append(row)
    return {
        "objectif_national": SITES_CLES_EN_MAIN_OBJECTIVE,
        "par_region_attendus": list(SITES_PER_REGION),
        "premiere_releve": SITES_FIRST_ROUND.isoformat(),
        "proposes": len(kept),
        "retenus": sum(r["selected_on"] is not None for r in kept),
        "hors_territoires": sum(r["territory_id"] is None for r in kept),
        "synthetiques": sum(bool(r["synthetic"]) for r in kept),
        "par_maturite": dict(sorted(maturities.items())),
        "accompagnes": len({s["site_id"] for s in helped}),
        "soutiens": dict(sorted(kinds.items())),  # P:595-597: ingénierie, procédures, financements
        "financements_connus_centimes": sum(s["amount_cents"] or 0 for s in helped),
        "par_region": [
            {
                "region": code,
                "libelle_region": Region(code).label,
                "proposes": len(found),
                "retenus": sum(r["selected_on"] is not None for r in found),
                "flag": sites_flag(len(found)),
            }
            for code, found in sorted(per_region.items())
        ],
    }


def ecoles_section(rows: Sequence[Row], filters: Filters) -> dict[str, Any]:
    kept = [r for r in rows if _admits(filters, r)]
    return {
        "publie": {  # P:683, P:687, P:693-695 (national figures of 9 Nov 2023)
            "ouvertes": ECOLES_DE_PRODUCTION_OPEN,
            "ouvertes_en_2020": ECOLES_DE_PRODUCTION_IN_2020,
            "objectif_2027": ECOLES_DE_PRODUCTION_TARGET_2027,
            "via_programme": ECOLES_DE_PRODUCTION_VIA_PROGRAMME,
        },
        "registre": {
            "ecoles": len(kept),
            "via_programme": sum(bool(r["via_programme"]) for r in kept),
            "synthetiques": sum(bool(r["synthetic"]) for r in kept),
        },
    }


def rebond_section(rows: Sequence[Row], territories: dict[str, Row], filters: Filters) -> dict[str, Any]:
    """Laureate territories within the filters (one the map does not know yet counts nationally only)."""
    kept = []
    for row in rows:
        t = territories.get(row["territory_id"])
        if t is None:
            inside = not filters.any
        else:
            inside = (
                (filters.region is None or filters.region in t["regions"])
                and (filters.departement is None or filters.departement in t["departements"])
                and filters.territory in (None, row["territory_id"])
            )
        if inside:
            kept.append((row["territory_id"], t["name"] if t is not None else row["territory_id"], row["synthetic"]))
    return {
        "laureats": len(kept),
        "synthetiques": sum(bool(synthetic) for _, _, synthetic in kept),
        "territoires": [{"id": tid, "nom": name} for tid, name, _ in sorted(kept)],
    }


def network_section(posts: Sequence[Row], territories: dict[str, Row], filters: Filters) -> dict[str, Any]:
    regions: dict[str, dict[str, Any]] = {}

    def zone(code: str) -> dict[str, Any]:
        return regions.setdefault(
            code,
            {"region": code, "libelle_region": Region(code).label, "postes_regionaux": 0, "postes": set(),
             "territoires": 0, "territoires_sans_chef_de_projet": 0},
        )  # fmt: skip

    for t in territories.values():
        if not t["labelled"]:
            continue
        for code in t["regions"]:
            if filters.region in (None, code):
                found = zone(code)
                found["territoires"] += 1
                found["postes"].update(t["chefs_de_projet"])
                found["territoires_sans_chef_de_projet"] += not t["chefs_de_projet"]
    for post in posts:  # a region whose regional post ended still shows, with 0 in office
        if filters.region in (None, post["region"]):
            zone(post["region"])["postes_regionaux"] += post["ended_on"] is None
    rows = [
        {**{k: v for k, v in r.items() if k != "postes"}, "postes_des_territoires": len(r["postes"])}
        for _, r in sorted(regions.items())
    ]
    return {
        "postes_regionaux": sum(r["postes_regionaux"] for r in rows),
        "synthetiques": sum(bool(p["synthetic"]) for p in posts if p["ended_on"] is None),
        "par_region": rows,
    }


async def registers_figures(conn: Connection, filters: Filters) -> dict[str, Any]:
    """The `registres` section for these filters (a regional caller's filters already name its region)."""
    sites = await conn.fetch("SELECT * FROM rm_site WHERE region IS NOT NULL AND proposed_on IS NOT NULL")
    supports = await conn.fetch("SELECT site_id, support, amount_cents FROM rm_site_support")
    ecoles = await conn.fetch("SELECT * FROM rm_ecole_de_production")
    laureates = await conn.fetch("SELECT * FROM rm_rebond_laureate")
    posts = await conn.fetch("SELECT * FROM rm_regional_post WHERE appointed_on IS NOT NULL")
    territories = {
        r["territory_id"]: r
        for r in await conn.fetch(
            "SELECT territory_id, name, labelled, regions, departements, chefs_de_projet FROM known_territories"
        )
    }
    return {
        "sites_cles_en_main": sites_section(sites, filters, supports),
        "rebond_industriel": rebond_section(laureates, territories, filters),
        "ecoles_de_production": ecoles_section(ecoles, filters),
        "reseau_chefs_de_projet": network_section(posts, territories, filters),
    }

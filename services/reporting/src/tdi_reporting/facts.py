"""Facts from the read-model rows: what each row of a table counts for (pure, one function per read model).

Each fact names the row it comes from (`_cle`: `<table>:<key>`, as `event_log.facts` does), which is how a figure
finds the events that make it (`lineage.py`); aggregation ignores it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tdi_contracts.reference import Category, Programme, Region
from tdi_contracts.reference.labels import FicheStatus, capitalised
from tdi_contracts.reference.programmes_catalogue import DECLARED_PROGRAMMES
from tdi_reporting.domain import Filters, TerritoryMap, region_of_departement


def fiche_status(planned: Any, started: Any, completed: Any, abandoned: Any) -> FicheStatus:
    """Abandoned wins over completed, completed over started, started over planned, else proposed (the actions
    service's codes and words, from the contracts)."""
    if abandoned:
        return FicheStatus.ABANDONED
    if completed:
        return FicheStatus.DONE
    if started:
        return FicheStatus.IN_PROGRESS
    return FicheStatus.PLANNED if planned else FicheStatus.PROPOSED


def territory_facts(tmap: TerritoryMap, synthetic_binomes: Iterable[Mapping[str, Any]] = ()) -> list[dict[str, Any]]:
    """One fact per labelled territory, with how many of its binômes in office are demonstration data."""
    synthetic = {r["territory_id"]: int(r["synthetic_binomes"]) for r in synthetic_binomes}
    return [
        {
            "territory_id": t.territory_id,
            "_cle": f"known_territories:{t.territory_id}",
            "epci": t.epci_sirens,
            "binomes": t.active_binomes,
            "binomes_synthetiques": min(synthetic.get(t.territory_id, 0), t.active_binomes),
            "chefs_de_projet": t.chefs_de_projet,
            "sans_chef_de_projet": not t.chefs_de_projet,
        }
        for t in tmap.territories
        if t.labelled
    ]


_AXIS_OF = {c.value: c.axis.value for c in Category}


def action_facts(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One fact per fiche action and category it counts in (one action may count in several categories)."""
    facts = []
    for r in rows:
        status = fiche_status(r["planned_on"], r["started_on"], r["completed_on"], r["abandoned_on"])
        for code in r["categories"] or ():
            facts.append(
                {
                    "territory_id": r["territory_id"],
                    "_cle": f"rm_fiche_action:{r['fiche_action_id']}",
                    "fiche": (r["fiche_action_id"],),
                    "fiche_synthetique": (r["fiche_action_id"],) if r["synthetic"] else (),
                    "axe": _AXIS_OF[code],
                    "categorie": code,
                    "statut": status,
                }
            )
    return facts


def _holds(decided_at: Any, reverted_at: Any) -> bool:
    """A decision recorded and not taken back since (`ApplicationDecisionReverted`)."""
    return decided_at is not None and (reverted_at is None or decided_at > reverted_at)


def application_facts(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One fact per filed application; its state is derived from the decisions recorded so far."""
    facts = []
    for r in rows:
        if r["filed_at"] is None:  # a decision whose filing has not been folded yet
            continue
        reverted = r.get("reverted_at")  # a decision taken back counts no more (a later one does)
        approved, rejected = _holds(r["approved_at"], reverted), _holds(r["rejected_at"], reverted)
        withdrawn = _holds(r["withdrawn_at"], reverted) and not rejected
        decided = approved or rejected or withdrawn
        facts.append(
            {
                "territory_id": r["territory_id"],
                "_cle": f"rm_application:{r.get('application_id')}",
                "programme": r["programme"],
                "demandes_deposees": 1,
                "demandes_en_instruction": int(not decided),
                "demandes_accordees": int(approved and not rejected and not withdrawn),
                "demandes_refusees": int(rejected),
                "demandes_retirees": int(withdrawn),
                "montant_demande_centimes": r["requested_cents"] or 0,
                "montant_accorde_centimes": (r["approved_cents"] or 0) if approved and not rejected else 0,
                "investissement_prevu_centimes": r["eligible_cost_cents"] or 0,
                "emplois_prevus": r["jobs_expected"] or 0,
                "demandes_synthetiques": int(bool(r.get("synthetic"))),
            }
        )
    return facts


def grant_facts(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One fact per grant: committed net of releases, and paid."""
    return [
        {
            "territory_id": r["territory_id"],
            "_cle": f"rm_grant:{r.get('grant_id')}",
            "programme": r["programme"],
            "engage_centimes": (r["committed_cents"] or 0) - r["released_cents"],
            "verse_centimes": r["paid_cents"],
        }
        for r in rows
        if r["programme"] is not None
    ]


def vte_facts(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One fact per VTE contract: signed (or granted, the v2 flow), green, ended, its aid granted, refused, asked
    of the funders and paid (in one or several payments)."""
    facts = []
    for r in rows:
        base, green = (r["base_paid_cents"] or 0), (r["green_paid_cents"] or 0)
        green_granted = r["green_granted_cents"] or 0
        facts.append(
            {
                "territory_id": r["territory_id"],
                "_cle": f"rm_vte_contract:{r.get('vte_contract_id')}",
                "taille_entreprise": r["employer_size"],
                "contrats_signes": int(r["signed_on"] is not None or r["granted_on"] is not None),
                "contrats_verts": int(bool(r["green_mission"]) or green_granted > 0),
                "contrats_termines": int(r["ended_on"] is not None),
                "aides_refusees": int(r["refused_on"] is not None),
                "aides_versees": int(bool(r["payments"])),
                "aide_demandee_centimes": r["requested_cents"] or 0,
                "aides_logement": r["housing_aids"] or 0,
                "aide_logement_centimes": r["housing_cents"] or 0,
                "aide_base_centimes": base,
                "aide_verte_centimes": green,
                "aide_totale_centimes": base + green,
                "aide_base_accordee_centimes": r["base_granted_cents"] or 0,
                "aide_verte_accordee_centimes": green_granted,
                "contrats_synthetiques": int(bool(r.get("synthetic"))),
            }
        )
    return facts


def fiche_rows(rows: Iterable[Mapping[str, Any]], filters: Filters, tmap: TerritoryMap) -> list[dict[str, Any]]:
    """One row per fiche action of the territories within the filters, in the columns of the actions import:
    codes for maturity, lead kind, categories and status (the actions service's), lists `|`-separated, amounts in
    cents, the date the fiche reached its status. What the events do not carry (the description) is absent."""
    out = []
    for r in rows:
        territory = tmap.resolve(r["territory_id"])
        if territory is None or not filters.admits(territory):
            continue
        status = fiche_status(r["planned_on"], r["started_on"], r["completed_on"], r["abandoned_on"])
        stepped = {
            FicheStatus.ABANDONED: r["abandoned_on"],
            FicheStatus.DONE: r["completed_on"],
            FicheStatus.IN_PROGRESS: r["started_on"],
            FicheStatus.PLANNED: r["planned_on"],
        }.get(status) or r["proposed_on"]
        out.append(
            {
                "territoire": territory.territory_id,
                "libelle_territoire": territory.name,
                "code_fiche": r["fiche_action_id"],
                "reference": r["external_reference"],
                "titre": r["title"],
                "maturite": r["maturity"],
                "type_porteur": r["lead_kind"],
                "porteur": r["lead"],
                "partenaires": "|".join(r["partners"] or ()),
                "categories": "|".join(r["categories"] or ()),
                "budget_centimes": r["estimated_cost_cents"],
                "emplois_attendus": r["expected_jobs"],
                "investissement_centimes": r["expected_investment_cents"],
                "statut": status.value,
                "libelle_statut": capitalised(status.label),
                "date_statut": stepped.isoformat() if stepped else None,
                "synthetique": bool(r["synthetic"]),
            }
        )
    return sorted(out, key=lambda f: (f["territoire"], f["reference"] or "", f["titre"] or "", f["code_fiche"]))


def envelope_rows(rows: Iterable[Mapping[str, Any]], filters: Filters, tmap: TerritoryMap) -> list[dict[str, Any]]:
    """Envelopes with what is committed, paid and still available. A regional envelope is shown when the
    filters fall in its region; a national envelope only without a geographic filter (platform rule)."""
    regions = _regions_in_scope(filters, tmap)
    out = []
    for r in rows:
        if regions is not None and r["region"] not in regions:
            continue
        committed = (r["committed_cents"] or 0) - (r["released_cents"] or 0)
        paid = r["paid_cents"] or 0
        if r["balance_at"] is not None:  # the funding service's latest balance wins over our sum of grants
            committed, paid = r["balance_committed_cents"], r["balance_paid_cents"]
        ceiling = r["ceiling_cents"]  # null: « plafond non publié » (issue 24, A4), never a 0
        provenance = r.get("ceiling_provenance")
        allocated = r.get("balance_allocated_cents") or 0  # given to the envelopes it holds (national Fonds vert)
        rate = None if ceiling is None else round(100 * committed / ceiling, 1) if ceiling else 0.0
        out.append(
            {
                "code_enveloppe": r["envelope_id"],
                "programme": r["programme"],
                "libelle_programme": programme_label(r["programme"]),
                "code_region": r["region"],
                "libelle_region": Region(r["region"]).label if r["region"] else "National",
                "annee": r["year"],
                "plafond_centimes": ceiling,
                "plafond_libelle": CEILING_LABELS.get(provenance) if ceiling is not None else CEILING_LABELS[None],
                "engage_centimes": committed,
                "verse_centimes": paid,
                "reparti_centimes": allocated,
                "disponible_centimes": None if ceiling is None else ceiling - committed - allocated,
                "taux_engagement_pct": rate,
                "cloturee": r["closed_on"] is not None,
            }
        )
    return sorted(out, key=lambda e: (e["code_region"] or "", e["code_enveloppe"]))


CEILING_LABELS: dict[str | None, str] = {None: "plafond non publié", "synthetic": "plafond fictif (démonstration)"}
"""Beside a ceiling the sources do not publish (null) or one set for the demonstration (issue 24, A4)."""


def programme_label(code: str) -> str:
    """A programme's French name: the catalogue's, a declared programme of the catalogue's, else its code."""
    if code in {p.value for p in Programme}:
        return Programme(code).label
    return next((d.label for d in DECLARED_PROGRAMMES if d.programme == code), code)


def _regions_in_scope(filters: Filters, tmap: TerritoryMap) -> set[str] | None:
    if filters.region:
        return {filters.region}
    if filters.departement:
        return {region_of_departement(filters.departement)}
    if filters.territory:
        t = tmap.resolve(filters.territory)
        return set(t.regions) if t else set()
    return None

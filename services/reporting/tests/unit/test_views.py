"""What the dashboard's figures say about where they are: each row names the zone of the page's filters."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from tdi_reporting import views
from tdi_reporting.domain import Filters, Level, Territory, TerritoryMap
from tdi_reporting.store import Snapshot
from tdi_runtime.pipeline.caller import Caller

REIMS = Territory("tdi-44-grand-reims", "ti-8413", "Grand Reims", True, ("44",), ("51",))
LACQ = Territory("tdi-75-lacq-pau-tarbes", None, "Lacq – Pau – Tarbes", True, ("75", "76"), ("64", "65"))
D = date(2024, 1, 1)
NATIONAL = Caller("n", "national")


def fiche(territory: str, n: int, synthetic: bool = False) -> dict[str, Any]:
    return {"fiche_action_id": f"f{n}", "territory_id": territory, "categories": ["numerique"], "planned_on": D,
            "started_on": None, "completed_on": None, "abandoned_on": None, "synthetic": synthetic}  # fmt: skip


def contract(territory: str, size: str | None, *, refused: bool = False) -> dict[str, Any]:
    return {"territory_id": territory, "employer_size": size, "green_mission": False,
            "signed_on": None if refused else D, "granted_on": None, "refused_on": D if refused else None,
            "ended_on": None, "base_granted_cents": None if refused else 400_000, "green_granted_cents": None,
            "payments": None, "base_paid_cents": None, "green_paid_cents": None, "requested_cents": 0,
            "housing_aids": None, "housing_cents": None}  # fmt: skip


def snapshot() -> Snapshot:
    return Snapshot(
        TerritoryMap([REIMS, LACQ]),
        fiches=[fiche(REIMS.territory_id, 1), fiche(LACQ.territory_id, 2)],
        applications=[],
        grants=[],
        envelopes=[],
        vte=[contract(REIMS.territory_id, "pme"), contract(REIMS.territory_id, None, refused=True)],
    )


def zones_of(figures: dict[str, Any]) -> set[tuple[str, str, str]]:
    rows = [*figures["actions_par_categorie"], *figures["actions_par_axe"], *figures["vte"]]
    return {(r["niveau"], r["code_zone"], r["libelle_zone"]) for r in rows}


@pytest.mark.parametrize(
    ("filters", "zone"),
    [
        (Filters(), ("national", "FR", "France")),
        (Filters(region="44"), ("region", "44", "Grand Est")),
        (Filters(departement="51"), ("departement", "51", "Marne")),
        (Filters(region="44", departement="51"), ("departement", "51", "Marne")),
        (Filters(territory=REIMS.territory_id), ("territory", REIMS.territory_id, "Grand Reims")),
        (Filters(region="76"), ("region", "76", "Occitanie")),  # an interregional territory, seen from one region
    ],
)
def test_the_rows_of_the_figures_name_the_level_and_zone_of_the_filters(filters: Filters, zone: tuple) -> None:
    assert zones_of(views.figures(snapshot(), filters, NATIONAL)) == {zone}


def test_a_refused_vte_aid_has_a_labelled_row_and_the_aid_granted_is_given_beside_the_aid_paid() -> None:
    rows = views.figures(snapshot(), Filters(), NATIONAL)["vte"]
    by_label = {r["libelle_taille_entreprise"]: r for r in rows}
    assert set(by_label) == {"PME", "Non renseignée"}
    assert by_label["Non renseignée"]["aides_refusees"] == 1
    assert by_label["PME"]["aide_base_accordee_centimes"] == 400_000


def application(territory: str, *, synthetic: bool) -> dict[str, Any]:
    return {"territory_id": territory, "programme": "fonds-vert-ti", "requested_cents": 5, "eligible_cost_cents": None,
            "jobs_expected": None, "filed_at": D, "approved_cents": None, "approved_at": None, "rejected_at": None,
            "instruction_started_at": None, "withdrawn_at": None, "synthetic": synthetic}  # fmt: skip


def test_every_synthetic_figure_is_counted_as_such_and_only_within_the_filters() -> None:
    reims_with_binomes = replace(REIMS, active_binomes=5)  # 4 of its 5 binômes in office are synthetic
    demo = Snapshot(
        TerritoryMap([reims_with_binomes, LACQ]),
        fiches=[fiche(REIMS.territory_id, 1, synthetic=True), fiche(LACQ.territory_id, 2, synthetic=True),
                fiche(REIMS.territory_id, 3)],
        applications=[application(REIMS.territory_id, synthetic=True), application(LACQ.territory_id, synthetic=False)],
        grants=[],
        envelopes=[],
        vte=[{**contract(REIMS.territory_id, "pme"), "synthetic": True},
             {**contract(LACQ.territory_id, None, refused=True), "synthetic": True},
             {**contract(LACQ.territory_id, "eti"), "synthetic": False}],
        binomes=[{"territory_id": REIMS.territory_id, "synthetic_binomes": 4}],
    )  # fmt: skip

    assert views.figures(demo, Filters(), NATIONAL)["synthetique"] == {
        "fiches_actions": 2, "binomes": 4, "demandes": 1, "contrats_vte": 2
    }  # fmt: skip
    assert views.figures(demo, Filters(region="76"), NATIONAL)["synthetique"] == {
        "fiches_actions": 1, "binomes": 0, "demandes": 0, "contrats_vte": 1
    }  # fmt: skip


def described(fiche_row: dict[str, Any], **details: Any) -> dict[str, Any]:
    return {**fiche_row, "title": "Réseau de chaleur", "maturity": "ready", "lead_kind": "role",
            "lead": "Président de l'EPCI", "partners": ["ADEME", "CCI"], "external_reference": "GR-7",
            "estimated_cost_cents": 120_000_050, "expected_jobs": 25, "expected_investment_cents": None,
            "proposed_on": D, **details}  # fmt: skip


def test_the_fiches_of_a_territory_export_in_the_columns_the_actions_import_reads():
    done = {**fiche(REIMS.territory_id, 1), "started_on": D, "completed_on": date(2025, 1, 10)}
    demo = Snapshot(
        TerritoryMap([REIMS, LACQ]),
        fiches=[described(done), described(fiche(LACQ.territory_id, 2), title="Ailleurs")],
        applications=[], grants=[], envelopes=[], vte=[],
    )  # fmt: skip

    rows = views.rows(demo, "fiches", Level.NATIONAL, Filters(territory=REIMS.territory_id), NATIONAL)

    assert rows == [
        {
            "territoire": REIMS.territory_id, "libelle_territoire": "Grand Reims", "code_fiche": "f1",
            "reference": "GR-7", "titre": "Réseau de chaleur", "maturite": "ready", "type_porteur": "role",
            "porteur": "Président de l'EPCI", "partenaires": "ADEME|CCI", "categories": "numerique",
            "budget_centimes": 120_000_050, "emplois_attendus": 25, "investissement_centimes": None,
            "statut": "done", "libelle_statut": "Réalisée", "date_statut": "2025-01-10", "synthetique": False,
        }
    ]  # fmt: skip
    assert tuple(rows[0]) == views.columns_of("fiches")

"""What the dashboard's figures say about where they are: each row names the zone of the page's filters."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tdi_reporting import views
from tdi_reporting.domain import Filters, Territory, TerritoryMap
from tdi_reporting.store import Snapshot

REIMS = Territory("tdi-44-grand-reims", "ti-8413", "Grand Reims", True, ("44",), ("51",))
LACQ = Territory("tdi-75-lacq-pau-tarbes", None, "Lacq – Pau – Tarbes", True, ("75", "76"), ("64", "65"))
D = date(2024, 1, 1)


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
    assert zones_of(views.figures(snapshot(), filters)) == {zone}


def test_a_refused_vte_aid_has_a_labelled_row_and_the_aid_granted_is_given_beside_the_aid_paid() -> None:
    rows = views.figures(snapshot(), Filters())["vte"]
    by_label = {r["libelle_taille_entreprise"]: r for r in rows}
    assert set(by_label) == {"PME", "Non renseignée"}
    assert by_label["Non renseignée"]["aides_refusees"] == 1
    assert by_label["PME"]["aide_base_accordee_centimes"] == 400_000

"""Reporting applies the owning services' rules of who sees what (issue 22 #6): the same read models, figures
and exports give each role what the funding, VTE and territory APIs would give it, and no more."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tdi_reporting import views
from tdi_reporting.domain import Filters, Level, Territory, TerritoryMap
from tdi_reporting.store import Snapshot
from tdi_runtime.errors import DomainError
from tdi_runtime.pipeline.caller import Caller

REIMS = Territory("tdi-44-grand-reims", "ti-8413", "Grand Reims", True, ("44",), ("51",))
LACQ = Territory("tdi-76-albi", None, "Albi", True, ("76",), ("81",))
NATIONAL = Caller("n", "national")
GRAND_EST = Caller("r", "regional", region="44")
FONDS_VERT = Caller("i", "instructor", programme="fonds-vert-ti")
VTE_INSTRUCTOR = Caller("v", "instructor", programme="vte")
READER = Caller("l", "reader")
FILED = datetime(2024, 1, 1, tzinfo=UTC)
UNDECIDED_COLUMNS = ("montant_demande_centimes", "investissement_prevu_centimes", "emplois_prevus")


def application(territory: str, programme: str, *, decided: bool = False) -> dict[str, object]:
    return {
        "territory_id": territory,
        "programme": programme,
        "requested_cents": 10_000_000,
        "eligible_cost_cents": 40_000_000,
        "jobs_expected": 12,
        "filed_at": FILED,
        "approved_cents": 8_000_000 if decided else None,
        "approved_at": FILED if decided else None,
        "rejected_at": None,
        "instruction_started_at": FILED,
        "withdrawn_at": None,
    }


def snapshot() -> Snapshot:
    grant = {"territory_id": REIMS.territory_id, "programme": "fonds-vert-ti", "committed_cents": 8_000_000,
             "released_cents": 0, "paid_cents": 0}  # fmt: skip
    contract = {"territory_id": LACQ.territory_id, "employer_size": "pme", "green_mission": False,
                "signed_on": date(2024, 1, 2), "granted_on": None, "refused_on": None, "ended_on": None,
                "base_granted_cents": 400_000, "green_granted_cents": 0, "payments": None, "base_paid_cents": None,
                "green_paid_cents": None, "requested_cents": 0, "housing_aids": None,
                "housing_cents": None}  # fmt: skip
    return Snapshot(
        TerritoryMap([REIMS, LACQ]),
        fiches=[],
        applications=[
            application(REIMS.territory_id, "fonds-vert-ti"),
            application(LACQ.territory_id, "fonds-vert-ti", decided=True),
            application(LACQ.territory_id, "territoires-d-industrie-ingenierie"),
        ],
        grants=[grant],
        envelopes=[],
        vte=[contract],
    )


def test_a_reader_gets_no_amount_of_a_dossier_still_undecided_in_rows_totals_or_exports():
    for name in ("financements",):
        for row in views.rows(snapshot(), name, Level.TERRITORY, Filters(), READER):
            assert all(row[c] is None for c in UNDECIDED_COLUMNS), row
        everything = views.rows(snapshot(), name, Level.TERRITORY, Filters(), NATIONAL)
        assert all(isinstance(r["montant_demande_centimes"], int) for r in everything)
    shown = views.figures(snapshot(), Filters(), READER)
    assert all(shown["financements_total"][c] is None for c in UNDECIDED_COLUMNS)
    assert all(r[c] is None for r in shown["financements"] for c in UNDECIDED_COLUMNS)
    assert shown["financements_total"]["engage_centimes"] == 8_000_000, "decided money stays public"
    national = views.figures(snapshot(), Filters(), NATIONAL)["financements_total"]
    assert national["montant_demande_centimes"] == 30_000_000


def test_an_instructor_reads_its_own_programmes_funding_only_and_no_other_programmes_vte():
    rows = views.rows(snapshot(), "financements", Level.NATIONAL, Filters(), FONDS_VERT)
    assert [r["programme"] for r in rows] == ["fonds-vert-ti"]
    assert rows[0]["montant_demande_centimes"] == 20_000_000, "its own programme's dossiers, amounts included"
    with pytest.raises(DomainError) as refused:
        views.rows(snapshot(), "vte", Level.NATIONAL, Filters(), FONDS_VERT)
    assert refused.value.code == "OUT_OF_PROGRAMME"
    shown = views.figures(snapshot(), Filters(), FONDS_VERT)
    assert shown["vte"] == [] and all(v is None for v in shown["vte_total"].values())
    assert all("contrats_vte" not in zone for zone in shown["carte"]["departements"].values())
    assert shown["financements_total"]["demandes_deposees"] == 2
    assert views.rows(snapshot(), "vte", Level.NATIONAL, Filters(), VTE_INSTRUCTOR)[0]["contrats_signes"] == 1


def test_a_regional_callers_figures_hold_no_other_regions_zone_or_territory():
    shown = views.figures(snapshot(), Filters(region="44"), GRAND_EST)
    assert set(shown["carte"]["regions"]) == {"44"}
    assert set(shown["carte"]["departements"]) == {"51"}
    assert [t["id"] for t in shown["liste_territoires"]] == [REIMS.territory_id]
    everywhere = views.figures(snapshot(), Filters(), NATIONAL)
    assert set(everywhere["carte"]["regions"]) == {"44", "76"}

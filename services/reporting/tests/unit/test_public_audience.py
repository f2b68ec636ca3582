"""The open data is what an anonymous public caller may see, by the one rule of `visibility.py` (issue 25): no
amount of an undecided dossier, no VTE aid amount (counts only), and the staff roles keep exactly what they saw."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tdi_reporting import views
from tdi_reporting.domain import Filters, Level, Territory, TerritoryMap
from tdi_reporting.store import Snapshot
from tdi_reporting.visibility import PUBLIC, withheld
from tdi_runtime.pipeline.caller import Caller

REIMS = Territory("tdi-44-grand-reims", "ti-8413", "Grand Reims", True, ("44",), ("51",))
READER = Caller("l", "reader")
NATIONAL = Caller("n", "national")
VTE_INSTRUCTOR = Caller("v", "instructor", programme="vte")
UNDECIDED = {"montant_demande_centimes", "investissement_prevu_centimes", "emplois_prevus"}
VTE_AMOUNTS = {
    "aide_base_centimes",
    "aide_verte_centimes",
    "aide_totale_centimes",
    "aide_base_accordee_centimes",
    "aide_verte_accordee_centimes",
    "aide_demandee_centimes",
    "aide_logement_centimes",
}


def snapshot() -> Snapshot:
    contract = {"territory_id": REIMS.territory_id, "employer_size": "pme", "green_mission": True,
                "signed_on": date(2024, 1, 2), "granted_on": None, "refused_on": None, "ended_on": None,
                "base_granted_cents": 400_000, "green_granted_cents": 800_000, "payments": 1,
                "base_paid_cents": 400_000, "green_paid_cents": 800_000, "requested_cents": 400_000,
                "housing_aids": 1, "housing_cents": 150_000}  # fmt: skip
    application = {"territory_id": REIMS.territory_id, "programme": "fonds-vert-ti", "requested_cents": 10_000_000,
                   "eligible_cost_cents": 40_000_000, "jobs_expected": 12, "filed_at": datetime(2024, 1, 1, tzinfo=UTC),
                   "approved_cents": None, "approved_at": None, "rejected_at": None, "instruction_started_at": None,
                   "withdrawn_at": None}  # fmt: skip
    return Snapshot(TerritoryMap([REIMS]), applications=[application], vte=[contract])


def test_the_public_audience_gets_no_amount_of_an_undecided_dossier_and_no_vte_aid_amount():
    assert withheld("financements", PUBLIC) == UNDECIDED
    assert withheld("vte", PUBLIC) == VTE_AMOUNTS
    assert withheld("territoires", PUBLIC) == withheld("actions", PUBLIC) == frozenset()
    (vte,) = views.rows(snapshot(), "vte", Level.TERRITORY, Filters(), PUBLIC)
    assert all(vte[c] is None for c in VTE_AMOUNTS)
    assert (vte["contrats_signes"], vte["contrats_verts"], vte["aides_versees"], vte["aides_logement"]) == (1, 1, 1, 1)
    (funding,) = views.rows(snapshot(), "financements", Level.REGION, Filters(), PUBLIC)
    assert all(funding[c] is None for c in UNDECIDED) and funding["demandes_deposees"] == 1


def test_the_staff_roles_keep_the_vte_amounts_they_saw_before_the_public_audience_existed():
    for staff in (READER, NATIONAL, VTE_INSTRUCTOR):
        assert withheld("vte", staff) == frozenset()
        (vte,) = views.rows(snapshot(), "vte", Level.NATIONAL, Filters(), staff)
        assert (vte["aide_totale_centimes"], vte["aide_logement_centimes"]) == (1_200_000, 150_000)
    assert withheld("financements", READER) == UNDECIDED
    assert withheld("financements", NATIONAL) == frozenset()

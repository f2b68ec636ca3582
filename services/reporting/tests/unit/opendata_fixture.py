"""A small programme for the open-data unit tests: codes with leading zeros (01, 2A, 971), accents, a name a
spreadsheet would run, an interregional territory, decided and undecided dossiers, and VTE contracts whose aid
amounts must never reach the public files."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from tdi_reporting.domain import Territory, TerritoryMap
from tdi_reporting.opendata.store import Sources
from tdi_reporting.store import Snapshot

AS_OF = datetime(2024, 1, 2, 8, 30, tzinfo=UTC)
LATER = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)
D = date(2024, 3, 1)
TERRITORIES = [  # (id, official, name, regions, départements, EPCI, as_of)
    ("tdi-44-pays-de-chalons", None, "Pays de Châlons", ["44"], ["51"], ["200066793", "200069177"], AS_OF),
    ("tdi-84-bugey-sud", "ti-101", "-Bugey Sud (Ain)", ["84"], ["01"], ["200040350"], LATER),
    ("tdi-94-pays-ajaccien", None, "Pays ajaccien", ["94"], ["2A"], ["243500139"], AS_OF),
    ("tdi-01-cap-excellence", None, "Cap Excellence", ["01"], ["971"], ["200054781"], AS_OF),
    ("tdi-75-lacq-pau-tarbes", "ti-8413", "Lacq – Pau – Tarbes", ["75", "76"], ["64", "65"], [], AS_OF),
]
COMMUNES = [  # (INSEE, territory, EPCI, département, assigned on)
    ("01004", "tdi-84-bugey-sud", "200040350", "01", date(2025, 3, 1)),
    ("2A004", "tdi-94-pays-ajaccien", "243500139", "2A", date(2024, 1, 15)),
    ("51108", "tdi-44-pays-de-chalons", "200066793", "51", date(2024, 1, 15)),
    ("97101", "tdi-01-cap-excellence", "200054781", "971", date(2024, 1, 15)),
]
UNDECIDED_REQUEST_CENTS = 12_345_678  # 123456.78 EUR: must appear nowhere
ELIGIBLE_COST_CENTS = 98_765_432  # 987654.32 EUR: an undecided project's investment, nowhere
VTE_AID_CENTS = (400_000, 800_000, 1_200_000, 150_000)  # 4000.00, 8000.00, 12000.00, 1500.00: counts only
FORBIDDEN_VALUES = {"123456.78", "987654.32", "4000.00", "8000.00", "12000.00", "1500.00", "4321"}
"""Cell values that would betray a non-public figure (4321: the jobs an undecided dossier expects)."""


def territory_rows() -> list[dict[str, Any]]:
    return [
        {
            "territory_id": t,
            "official_id": o,
            "name": n,
            "labelled": True,
            "regions": r,
            "departements": d,
            "epci_sirens": e,
            "active_binomes": 2,
            "chefs_de_projet": 1,
            "as_of": a,
        }
        for t, o, n, r, d, e, a in TERRITORIES
    ]


def commune_rows() -> list[dict[str, Any]]:
    return [
        {"insee": i, "territory_id": t, "epci_siren": e, "departement": d, "assigned_on": a}
        for i, t, e, d, a in COMMUNES
    ]


def _application(territory: str, programme: str, *, decided: bool) -> dict[str, Any]:
    return {
        "territory_id": territory,
        "programme": programme,
        "requested_cents": UNDECIDED_REQUEST_CENTS,
        "eligible_cost_cents": ELIGIBLE_COST_CENTS,
        "jobs_expected": 4321,
        "filed_at": AS_OF,
        "approved_cents": 25_000_050 if decided else None,
        "approved_at": AS_OF if decided else None,
        "rejected_at": None,
        "instruction_started_at": AS_OF,
        "withdrawn_at": None,
        "synthetic": False,
    }


def _contract(territory: str) -> dict[str, Any]:
    base, green, _, housing = VTE_AID_CENTS
    return {
        "territory_id": territory,
        "employer_size": "pme",
        "green_mission": True,
        "signed_on": D,
        "granted_on": None,
        "refused_on": None,
        "ended_on": None,
        "base_granted_cents": base,
        "green_granted_cents": green,
        "payments": 1,
        "base_paid_cents": base,
        "green_paid_cents": green,
        "requested_cents": base,
        "housing_aids": 1,
        "housing_cents": housing,
        "synthetic": False,
    }


def _fiche(n: int, territory: str, categories: list[str]) -> dict[str, Any]:
    return {
        "fiche_action_id": f"f{n}",
        "territory_id": territory,
        "categories": categories,
        "planned_on": D,
        "started_on": None,
        "completed_on": None,
        "abandoned_on": None,
        "synthetic": n == 3,
    }


def snapshot() -> Snapshot:
    tmap = TerritoryMap(
        Territory(t, o, n, True, tuple(r), tuple(d), tuple(e), 2, ("c",)) for t, o, n, r, d, e, _ in TERRITORIES
    )
    chalons, bugey, ajaccio, _, lacq = (t[0] for t in TERRITORIES)
    grant = {
        "territory_id": chalons,
        "programme": "fonds-vert-ti",
        "committed_cents": 25_000_050,
        "released_cents": 50,
        "paid_cents": 10_000_000,
    }
    return Snapshot(
        tmap,
        fiches=[
            _fiche(1, chalons, ["numerique", "gestion-eau"]),
            _fiche(2, "ti-8413", ["numerique"]),
            _fiche(3, ajaccio, ["soutien-filieres"]),
        ],
        applications=[
            _application(chalons, "fonds-vert-ti", decided=True),
            _application(bugey, "fonds-vert-ti", decided=False),
            _application(lacq, "chef-de-projet", decided=False),
        ],
        grants=[grant],
        vte=[_contract(ajaccio), _contract(lacq)],
    )


def sources() -> Sources:
    return Sources(cursor=1_733_500_000_000, territories=territory_rows(), communes=commune_rows(), snapshot=snapshot())

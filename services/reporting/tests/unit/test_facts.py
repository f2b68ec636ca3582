"""What each read-model row counts for: fiche statuses, application states, envelope availability, VTE aids."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tdi_reporting.domain import Filters, Territory, TerritoryMap
from tdi_reporting.facts import action_facts, application_facts, envelope_rows, fiche_status, vte_facts
from tdi_reporting.readmodels import FICHE_STATUSES

REIMS = Territory("tdi-44-grand-reims", "ti-8413", "Grand Reims", True, ("44",), ("51",))
LACQ = Territory("tdi-75-lacq-pau-tarbes", None, "Lacq – Pau – Tarbes", True, ("75", "76"), ("64", "65"))
D = date(2024, 1, 1)
DATES = [(None, None, None, None), (D, None, None, None), (D, D, None, None), (D, D, D, None), (D, D, D, D)]


def test_an_abandoned_fiche_is_abandoned_whatever_else_happened_to_it():
    assert fiche_status(D, D, D, D) == "abandoned"
    assert fiche_status(D, D, D, None) == "done"
    assert fiche_status(D, D, None, None) == "in-progress"
    assert fiche_status(None, D, None, None) == "in-progress"  # started before its planning was folded
    assert fiche_status(D, None, None, None) == "planned"
    assert fiche_status(None, None, None, None) == "proposed"


def test_a_fiche_status_has_the_actions_service_code_and_the_one_french_word_of_the_contracts():
    statuses = [fiche_status(*dates) for dates in DATES]
    assert [(s.value, FICHE_STATUSES[s.value]) for s in statuses] == [
        ("proposed", "Proposée"),
        ("planned", "Programmée"),
        ("in-progress", "En cours"),
        ("done", "Réalisée"),
        ("abandoned", "Abandonnée"),
    ]


def test_one_action_counts_once_in_each_of_its_categories_under_their_axis():
    row = {
        "fiche_action_id": "f1",
        "territory_id": REIMS.territory_id,
        "categories": ["gestion-eau", "numerique"],
        "planned_on": D,
        "synthetic": True,
        "started_on": None,
        "completed_on": None,
        "abandoned_on": None,
    }
    assert [(f["axe"], f["categorie"], f["statut"]) for f in action_facts([row])] == [
        ("transition-ecologique", "gestion-eau", "planned"),
        ("innovation", "numerique", "planned"),
    ]
    assert all(f["fiche_synthetique"] == ("f1",) for f in action_facts([row]))  # labelled synthetic


def test_an_application_is_pending_until_decided_and_a_decision_alone_is_not_counted():
    filed = {
        "territory_id": "t",
        "programme": "fonds-vert-ti",
        "requested_cents": 5,
        "eligible_cost_cents": None,
        "jobs_expected": None,
        "filed_at": datetime(2024, 1, 1, tzinfo=UTC),
        "approved_cents": None,
        "approved_at": None,
        "rejected_at": None,
        "instruction_started_at": None,
        "withdrawn_at": None,
    }
    approved = {**filed, "approved_cents": 4, "approved_at": datetime(2024, 2, 1, tzinfo=UTC)}
    withdrawn = {**approved, "withdrawn_at": datetime(2024, 3, 1, tzinfo=UTC)}
    decision_only = {**approved, "filed_at": None}
    facts = application_facts([filed, approved, withdrawn, decision_only])
    states = [(f["demandes_en_instruction"], f["demandes_accordees"], f["demandes_retirees"]) for f in facts]
    assert states == [(1, 0, 0), (0, 1, 0), (0, 0, 1)]


def envelope(region: str | None, **values):
    return {
        "envelope_id": f"fonds-vert-ti-2024-r{region}",
        "programme": "fonds-vert-ti",
        "region": region,
        "year": 2024,
        "ceiling_cents": 790_000_000,
        "closed_on": None,
        "committed_cents": 120_000_000,
        "released_cents": 20_000_000,
        "paid_cents": 60_000_000,
        "balance_committed_cents": None,
        "balance_paid_cents": None,
        "balance_at": None,
        **values,
    }


def test_an_envelope_has_available_its_ceiling_less_what_stays_committed():
    [row] = envelope_rows([envelope("44")], Filters(), TerritoryMap([]))
    assert (row["engage_centimes"], row["disponible_centimes"], row["taux_engagement_pct"]) == (
        100_000_000,
        690_000_000,
        12.7,
    )
    assert row["libelle_region"] == "Grand Est"


def test_the_funding_services_latest_balance_wins_over_the_sum_of_grants():
    balance = {
        "balance_committed_cents": 150_000_000,
        "balance_paid_cents": 70_000_000,
        "balance_at": datetime(2024, 3, 4, tzinfo=UTC),
    }
    [row] = envelope_rows([envelope("44", **balance)], Filters(), TerritoryMap([]))
    assert (row["engage_centimes"], row["verse_centimes"], row["disponible_centimes"]) == (
        150_000_000,
        70_000_000,
        640_000_000,
    )


def test_a_territory_filter_shows_the_envelopes_of_each_region_it_spans_and_no_national_one():
    rows = [envelope("75"), envelope("76"), envelope("44"), envelope(None, envelope_id="national")]
    shown = envelope_rows(rows, Filters(territory=LACQ.territory_id), TerritoryMap([LACQ]))
    assert [r["code_region"] for r in shown] == ["75", "76"]
    assert len(envelope_rows(rows, Filters(), TerritoryMap([LACQ]))) == 4


def vte_row(**values):
    return {
        "territory_id": "t",
        "employer_size": "pme",
        "green_mission": True,
        "signed_on": D,
        "granted_on": None,
        "refused_on": None,
        "ended_on": None,
        "base_granted_cents": 400_000,
        "green_granted_cents": 800_000,
        "payments": None,
        "base_paid_cents": None,
        "green_paid_cents": None,
        "requested_cents": 0,
        "housing_aids": None,
        "housing_cents": None,
        **values,
    }


def test_a_vte_aid_counts_base_green_and_total_only_once_paid():
    paid_in_two = vte_row(payments=2, base_paid_cents=400_000, green_paid_cents=800_000)
    before, after = vte_facts([vte_row(), paid_in_two])
    assert (before["aides_versees"], before["aide_totale_centimes"]) == (0, 0)
    assert (after["aides_versees"], after["aide_totale_centimes"]) == (1, 1_200_000)


def test_a_contract_known_only_by_its_v2_grant_counts_as_a_contract_and_green_by_its_top_up():
    granted = vte_row(
        signed_on=None,
        green_mission=None,
        granted_on=D,
        green_granted_cents=500_000,
        requested_cents=300_000,
        housing_aids=1,
        housing_cents=100_000,
    )
    [fact] = vte_facts([granted])
    assert (fact["contrats_signes"], fact["contrats_verts"], fact["aide_demandee_centimes"]) == (1, 1, 300_000)
    assert (fact["aides_logement"], fact["aide_logement_centimes"]) == (1, 100_000)


def test_a_decision_taken_back_counts_no_more_and_the_decision_after_it_does():
    """`ApplicationDecisionReverted` (DS « repasser en instruction »): folded as the latest reversal time."""
    day = [datetime(2024, 3, d, tzinfo=UTC) for d in range(1, 8)]
    base = {
        "territory_id": "t",
        "programme": "fonds-vert-ti",
        "requested_cents": 5,
        "eligible_cost_cents": None,
        "jobs_expected": None,
        "filed_at": day[0],
        "approved_cents": 4,
        "approved_at": day[1],
        "rejected_at": None,
        "instruction_started_at": day[0],
        "withdrawn_at": None,
        "reverted_at": day[2],
    }
    refused_after = {**base, "rejected_at": day[3]}
    refused_reverted = {**refused_after, "reverted_at": day[4]}
    approved_again = {**refused_reverted, "withdrawn_at": day[5], "reverted_at": day[5], "approved_at": day[6]}
    facts = application_facts([base, refused_after, refused_reverted, approved_again])
    states = [
        (f["demandes_en_instruction"], f["demandes_accordees"], f["demandes_refusees"], f["montant_accorde_centimes"])
        for f in facts
    ]
    assert states == [(1, 0, 0, 0), (0, 0, 1, 0), (1, 0, 0, 0), (0, 1, 0, 4)]

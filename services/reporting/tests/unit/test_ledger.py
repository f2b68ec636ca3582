"""The money ledger (issue 26), pure: committed (AE) against paid by the State (CP) against paid out by the operator,
per programme, envelope, territory and year; every gap with its cause, explained by the payment period or a note."""

from __future__ import annotations

from datetime import date

from tdi_reporting.ledger import (
    Grant,
    LedgerFacts,
    Payment,
    Release,
    Rules,
    Transfer,
    VteAid,
    VtePayout,
    VteRequest,
    gap_reference,
    ledger_gaps,
    ledger_lines,
)

TODAY = date(2026, 1, 15)
RULES = Rules(due_days=730)
REIMS = "tdi-44-grand-reims"


def _grant(grant_id: str = "g1", committed: int | None = 1_000_00, on: date = date(2024, 3, 4), **kw) -> Grant:
    defaults = {"programme": "fonds-vert-ti", "envelope_id": "fonds-vert-ti-2024-r44", "territory_id": REIMS}
    return Grant(grant_id=grant_id, committed_cents=committed, committed_on=on, **{**defaults, **kw})


def _pay(cents: int, on: date = date(2024, 9, 2), grant_id: str = "g1", paid_by: str | None = None) -> Payment:
    return Payment(f"p-{grant_id}-{cents}-{on}", grant_id, REIMS, cents, on, paid_by)


def _gaps(facts: LedgerFacts, today: date = TODAY) -> list[tuple[str, str, int, bool]]:
    return [(g["cause"], g["objet"], g["ecart_centimes"], g["explique"]) for g in ledger_gaps(facts, today, RULES)]


def test_a_grant_paid_in_full_by_the_state_leaves_no_gap_and_its_lines_say_committed_and_paid_in_their_years():
    facts = LedgerFacts(grants=[_grant()], payments=[_pay(400_00), _pay(600_00, date(2025, 2, 3))])
    assert _gaps(facts) == []
    lines = {(r["annee"], r["engage_centimes"], r["verse_etat_centimes"], r["verse_operateur_centimes"])
             for r in ledger_lines(facts)}  # fmt: skip
    assert lines == {(2024, 1_000_00, 400_00, 0), (2025, 0, 600_00, 0)}
    line = ledger_lines(facts)[0]
    assert (line["programme"], line["code_enveloppe"]) == ("fonds-vert-ti", "fonds-vert-ti-2024-r44")
    assert line["territoire"] == REIMS
    assert line["operateur"] == "État" and line["libelle_programme"].startswith("Fonds vert")


def test_a_commitment_not_paid_within_the_payment_period_is_a_payment_awaited_left_unexplained():
    facts = LedgerFacts(grants=[_grant(on=date(2023, 12, 1))], payments=[_pay(250_00)])
    [gap] = ledger_gaps(facts, TODAY, RULES)
    assert (gap["cause"], gap["ecart_centimes"], gap["explique"]) == ("versement-attendu", 750_00, False)
    assert gap["libelle_cause"] == "Versement attendu" and gap["annee"] == 2023
    assert gap["engage_centimes"] == 1_000_00 and gap["verse_centimes"] == 250_00
    assert gap["reference"] == gap_reference("versement-attendu", "subvention:g1")


def test_a_commitment_within_its_payment_period_is_a_payment_awaited_explained_by_that_period():
    [gap] = ledger_gaps(LedgerFacts(grants=[_grant(on=date(2025, 6, 30))]), TODAY, RULES)
    assert (gap["cause"], gap["explique"]) == ("versement-attendu", True)
    assert "30/06/2027" in gap["explication"]  # 730 days after the commitment


def test_a_payment_of_a_grant_never_committed_is_a_payout_not_committed():
    facts = LedgerFacts(grants=[_grant(committed=None)], payments=[_pay(300_00, paid_by="bpifrance")])
    assert _gaps(facts) == [("versement-non-engage", "subvention:g1", 300_00, False)]
    facts = LedgerFacts(payments=[_pay(300_00, grant_id="inconnue")])  # not even the grant is known
    assert _gaps(facts) == [("versement-non-engage", "subvention:inconnue", 300_00, False)]


def test_paid_beyond_what_remains_committed_after_a_release_is_an_amount_that_differs():
    release = Release("g1", "fonds-vert-ti-2024-r44", REIMS, 200_00, date(2025, 1, 10))
    facts = LedgerFacts(grants=[_grant()], releases=[release], payments=[_pay(900_00)])
    assert _gaps(facts) == [("montant-different", "subvention:g1", 100_00, False)]
    assert {r["annee"]: r["engage_centimes"] for r in ledger_lines(facts)} == {2024: 1_000_00, 2025: -200_00}


def test_an_operator_payout_is_the_operators_and_the_states_share_is_owed_to_it_by_transfer():
    """VTE: Bpifrance pays the companies; the State owes Bpifrance the share the vte service asked of it."""
    aid = VteAid("c1", REIMS, 1_200_000, date(2024, 7, 15))
    payout = VtePayout("vp1", "c1", REIMS, 1_200_000, date(2024, 10, 1))
    requests = [VteRequest("c1", "etat", 800_000, date(2024, 7, 15)),
                VteRequest("c1", "banque-des-territoires", 400_000, date(2024, 7, 15))]  # fmt: skip
    transfer = Transfer("t1", "vte", "bpifrance", None, 2024, 800_000, date(2024, 12, 16))
    facts = LedgerFacts(vte_aids=[aid], vte_payouts=[payout], vte_requests=requests, transfers=[transfer])
    assert _gaps(facts) == []
    lines = {(r["programme"], r["territoire"], r["annee"]): r for r in ledger_lines(facts)}
    contract = lines[("vte", REIMS, 2024)]
    assert (contract["engage_centimes"], contract["verse_operateur_centimes"]) == (1_200_000, 1_200_000)
    assert contract["operateur"] == "Bpifrance"
    assert lines[("vte", "", 2024)]["verse_etat_centimes"] == 800_000  # the State's transfer: a national line


def test_a_state_transfer_short_of_the_states_share_is_awaited_and_one_above_it_is_an_amount_that_differs():
    aid = VteAid("c1", REIMS, 400_000, date(2023, 9, 1))
    paid = VtePayout("vp1", "c1", REIMS, 400_000, date(2023, 11, 2))
    owed = VteRequest("c1", "etat", 400_000, date(2023, 9, 1))
    short = Transfer("t1", "vte", "bpifrance", None, 2023, 300_000, date(2023, 12, 20))
    assert _gaps(LedgerFacts(vte_aids=[aid], vte_payouts=[paid], vte_requests=[owed], transfers=[short])) == [
        ("versement-attendu", "transfert:vte:bpifrance:2023", 100_000, False)  # due by 31/12/2023 + 730 days
    ]
    more = Transfer("t2", "vte", "bpifrance", None, 2023, 200_000, date(2023, 12, 21))
    facts = LedgerFacts(vte_aids=[aid], vte_payouts=[paid], vte_requests=[owed], transfers=[short, more])
    assert _gaps(facts) == [("montant-different", "transfert:vte:bpifrance:2023", 100_000, False)]


def test_rebond_payouts_by_bpifrance_are_owed_by_the_state_and_a_vte_aid_not_paid_out_is_awaited():
    programme = "rebond-industriel-investissement"
    rebond = _grant("g2", 5_000_00, programme=programme, envelope_id=programme)
    payout = _pay(5_000_00, grant_id="g2", paid_by="bpifrance")
    facts = LedgerFacts(grants=[rebond], payments=[payout], vte_aids=[VteAid("c9", REIMS, 400_000, date(2023, 9, 1))])
    assert _gaps(facts) == [  # ordered by what they are about
        ("versement-attendu", "contrat-vte:c9", 400_000, False),
        ("versement-attendu", "transfert:rebond-industriel-investissement:bpifrance:2024", 5_000_00, True),
    ]
    assert ledger_lines(facts)[0]["verse_operateur_centimes"] == 5_000_00


def test_a_staff_note_explains_a_gap_by_its_reference_and_only_that_gap():
    facts = LedgerFacts(grants=[_grant(on=date(2023, 1, 2)), _grant("g2", on=date(2023, 1, 2))])
    reference = gap_reference("versement-attendu", "subvention:g1")
    note = ("Projet décalé par le porteur, paiement prévu en 2026.", date(2025, 5, 2))
    noted = LedgerFacts(grants=facts.grants, notes={reference: note})
    gaps = {g["objet"]: g for g in ledger_gaps(noted, TODAY, RULES)}
    assert gaps["subvention:g1"]["explique"] and "Projet décalé" in gaps["subvention:g1"]["explication"]
    assert not gaps["subvention:g2"]["explique"]

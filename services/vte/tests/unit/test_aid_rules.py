"""The aid of one contract: 4,000 EUR base once, green top-up only for a green mission, early-end rules, payments."""

from __future__ import annotations

from datetime import date

import pytest
from vte_builders import IN_REIMS, contract, ended, green, housing, payment

from tdi_contracts.events.vte import VteAidAdjusted, VteAidPaymentRequested, VteEarlyEndRule, VteFunder
from tdi_runtime.errors import DomainError
from tdi_vte.decide import follow_up, record_contract
from tdi_vte.domain import VteContract
from tdi_vte.money import pro_rata
from tdi_vte.rules import VteRules


def granted(rules: VteRules) -> VteContract:
    c, _ = record_contract(None, contract(), "p", IN_REIMS, rules)
    return c


def asked(events: list[object]) -> dict[tuple[str, str], int]:
    return {(e.funder.value, e.part.value): e.amount_cents for e in events if isinstance(e, VteAidPaymentRequested)}


def test_the_base_is_split_between_the_state_and_banque_des_territoires_as_set() -> None:
    _, events = record_contract(None, contract(), "p", IN_REIMS, VteRules(state_share_basis_points=3333))
    assert asked(events) == {("etat", "base"): 133_320, ("banque-des-territoires", "base"): 266_680}


def test_the_same_contract_again_grants_nothing_more_and_other_terms_are_refused() -> None:
    rules = VteRules()
    c = granted(rules)
    assert record_contract(c, contract(), "p", IN_REIMS, rules) == (c, [])
    with pytest.raises(DomainError) as refused:
        record_contract(c, contract(duration_months=24), "p", IN_REIMS, rules)
    assert refused.value.code == "VTE_CONTRACT_ALREADY_RECORDED"


def test_green_top_up_requires_an_eligible_mission_and_stays_within_12000_eur() -> None:
    rules = VteRules(green_funder=VteFunder.BANQUE_DES_TERRITOIRES)
    c = granted(rules)
    with pytest.raises(DomainError):
        follow_up(c, green(scope="autre"), rules)
    events = follow_up(c, green(requested=800_000), rules)
    assert c.total_cents == 1_200_000
    assert asked(events) == {("banque-des-territoires", "vert"): 800_000}
    with pytest.raises(DomainError) as second:
        follow_up(c, green(requested=500_000), rules)
    assert second.value.code == "VTE_GREEN_ALREADY_DECLARED"


def test_a_refused_contract_gets_no_green_top_up() -> None:
    rules = VteRules()
    c, _ = record_contract(None, contract(establishment={"size": "grande-entreprise"}), "p", IN_REIMS, rules)
    with pytest.raises(DomainError) as refused:
        follow_up(c, green(), rules)
    assert refused.value.code == "VTE_NOT_ELIGIBLE" and c.total_cents == 0


@pytest.mark.parametrize(
    ("rule", "base_after"),
    [(VteEarlyEndRule.KEEP, 400_000), (VteEarlyEndRule.PRO_RATA, 199_452), (VteEarlyEndRule.CLAWBACK, 0)],
)
def test_an_early_end_applies_the_rule_the_setting_chooses(rule: VteEarlyEndRule, base_after: int) -> None:
    rules = VteRules(early_end_rule=rule)
    c = granted(rules)
    events = follow_up(c, ended(on=date(2025, 3, 2)), rules)  # 182 of 365 days served
    assert c.base_cents == base_after
    assert sum(asked(events).values()) == base_after - 400_000


def test_pro_rata_is_exact_to_the_cent_rounded_down() -> None:
    assert pro_rata(400_000, date(2024, 9, 2), date(2025, 9, 1), 12) == 400_000
    assert pro_rata(400_000, date(2024, 9, 2), date(2024, 9, 1), 12) == 0
    assert pro_rata(100, date(2024, 1, 1), date(2024, 1, 1), 12) == 0  # 1/366 of a euro: 0 cent, never a float


def test_payments_never_exceed_the_aid() -> None:
    rules = VteRules()
    c = granted(rules)
    follow_up(c, payment(300_000, "P1"), rules)
    assert follow_up(c, payment(300_000, "P1"), rules) == []  # the same payment again
    with pytest.raises(DomainError) as over:
        follow_up(c, payment(200_000, "P2"), rules)
    assert over.value.code == "VTE_PAYMENT_EXCEEDS_AID"
    follow_up(c, payment(100_000, "P3"), rules)
    with pytest.raises(DomainError) as paid:
        follow_up(c, payment(1, "P4"), rules)
    assert paid.value.code == "VTE_AID_ALREADY_PAID"


def test_an_event_about_an_unknown_contract_is_refused_with_a_code() -> None:
    with pytest.raises(DomainError) as unknown:
        follow_up(None, green(), VteRules())
    assert unknown.value.code == "UNKNOWN_AGGREGATE"


def test_the_candidate_pseudonym_is_keyed_and_stable() -> None:
    from tdi_vte.pseudonyms import pseudonym_of

    assert pseudonym_of("BPI-CAND-1", "k1") == pseudonym_of("BPI-CAND-1", "k1")
    assert pseudonym_of("BPI-CAND-1", "k1") != pseudonym_of("BPI-CAND-1", "k2")
    assert "BPI-CAND-1" not in pseudonym_of("BPI-CAND-1", "k1")


def test_action_logement_housing_aid_is_recorded_once_and_outside_the_vte_aid() -> None:
    rules = VteRules()
    c = granted(rules)
    [recorded] = follow_up(c, housing(150_000), rules)
    assert recorded.amount_cents == 150_000 and c.total_cents == 400_000
    assert follow_up(c, housing(150_000), rules) == []
    with pytest.raises(DomainError) as other:
        follow_up(c, housing(90_000), rules)
    assert other.value.code == "CONFLICTING_REDELIVERY"


@pytest.mark.parametrize("size", ["pme", "grande-entreprise"])
def test_a_contract_sent_as_demonstration_data_is_decided_as_synthetic_and_a_real_one_is_not(size: str) -> None:
    rules = VteRules()
    decided = [
        record_contract(None, contract(reference=f"BPI-VTE-{n}", synthetic=synthetic, establishment={"size": size}),
                        "p", IN_REIMS, rules)[1][0]
        for n, synthetic in enumerate((True, False))
    ]  # fmt: skip
    assert [type(d).__name__ for d in decided] == ["VteAidGrantedV2" if size == "pme" else "VteAidRefused"] * 2
    assert [d.synthetic for d in decided] == [True, False]


def test_a_green_top_up_asked_above_8000_eur_is_granted_8000_and_the_decision_says_it_was_capped() -> None:
    """Seed 000 line 673: the « VTE vert » aid goes « jusqu'à 8 000 euros (soit 12 000 euros total) »; a request
    of 9,500 EUR is granted 8,000 EUR, never refused (issue 24)."""
    rules = VteRules()
    c = granted(rules)
    [adjusted, *_] = follow_up(c, green(requested=950_000), rules)
    assert isinstance(adjusted, VteAidAdjusted)
    assert (adjusted.green_top_up_cents, adjusted.requested_cents, adjusted.capped) == (800_000, 950_000, True)
    assert c.total_cents == 1_200_000


def test_a_green_top_up_asked_within_8000_eur_is_granted_as_asked_and_not_capped() -> None:
    """Seed 000 line 673: up to 8,000 EUR, what was asked is granted."""
    rules = VteRules()
    [adjusted, *_] = follow_up(granted(rules), green(requested=500_000), rules)
    assert isinstance(adjusted, VteAidAdjusted)
    assert (adjusted.green_top_up_cents, adjusted.requested_cents, adjusted.capped) == (500_000, 500_000, False)

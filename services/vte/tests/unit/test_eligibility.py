"""Eligibility: every failed check is named; micro-enterprises count as PME; a large company is refused."""

from __future__ import annotations

from vte_builders import IN_REIMS, contract

from tdi_contracts.events.vte import VteContractType, VteRefusalReason
from tdi_vte.eligibility import refusals
from tdi_vte.rules import VteRules

RULES = VteRules()
R = VteRefusalReason


def reasons(**overrides: object) -> list[VteRefusalReason]:
    return [r.reason for r in refusals(contract(**overrides), IN_REIMS, RULES)]  # type: ignore[arg-type]


def test_an_eligible_contract_has_no_refusal() -> None:
    assert reasons() == []


def test_a_micro_enterprise_counts_as_a_pme_and_an_eti_is_eligible() -> None:
    assert reasons(establishment={"size": "tpe"}) == []
    assert reasons(establishment={"size": "eti"}) == []


def test_a_large_company_is_refused_with_the_reason_named() -> None:
    assert reasons(establishment={"size": "grande-entreprise"}) == [R.COMPANY_TOO_LARGE]


def test_every_failed_check_is_named_in_one_refusal() -> None:
    bad = contract(
        establishment={"size": "grande-entreprise"},
        candidate={"status": "etudiant", "study_level": "bac+2"},
        contract_type="stage",
        aid_requested_on="2025-12-01",
    )
    assert [r.reason for r in refusals(bad, None, RULES)] == [
        R.COMPANY_TOO_LARGE,
        R.CANDIDATE_NOT_ELIGIBLE,
        R.CONTRACT_TYPE_NOT_ELIGIBLE,
        R.AID_REQUESTED_TOO_LATE,
        R.OUTSIDE_EVERY_TERRITORY,
    ]


def test_a_student_needs_bac_plus_3_and_a_graduate_less_than_two_years() -> None:
    assert reasons(candidate={"status": "etudiant", "study_level": "bac+3"}) == []
    assert reasons(candidate={"status": "etudiant", "study_level": "bac+2"}) == [R.CANDIDATE_NOT_ELIGIBLE]
    assert reasons(candidate={"status": "jeune-diplome", "graduated_in": "2022-10"}) == []  # 23 months before
    assert reasons(candidate={"status": "jeune-diplome", "graduated_in": "2022-09"}) == [R.CANDIDATE_NOT_ELIGIBLE]


def test_contract_type_length_and_delay_follow_the_platform_settings() -> None:
    assert reasons(duration_months=6) == [R.CONTRACT_TOO_SHORT]
    assert reasons(contract_type="cdi", duration_months=None) == []
    strict = VteRules(eligible_contract_types=frozenset({VteContractType.CDI}), max_request_delay_days=10)
    found = [r.reason for r in refusals(contract(), IN_REIMS, strict)]
    assert found == [R.CONTRACT_TYPE_NOT_ELIGIBLE, R.AID_REQUESTED_TOO_LATE]

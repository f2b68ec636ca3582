"""Eligibility of a VTE contract: every check runs, and every failed one is named in the refusal.

Programme rules (seeds): the company is a PME or an ETI (a micro-enterprise counts as a PME, as in the EU SME
definition); the young person is a student at bac+3 or more, or graduated less than 2 years ago.
Platform rules (settings, README): eligible contract types and shortest length, delay to ask for the aid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tdi_contracts.events.vte import (
    CandidateStatus,
    RecordVteContractV2,
    StudyLevel,
    VteContractType,
    VteRefusalReason,
)
from tdi_contracts.reference import CompanySize
from tdi_vte.location import Location
from tdi_vte.rules import VteRules

GRADUATION_WINDOW_MONTHS = 24
"""Programme rule: « jeunes diplômés de moins de 2 ans »."""
AT_LEAST_BAC_3 = frozenset({StudyLevel.BAC_3, StudyLevel.BAC_4, StudyLevel.BAC_5, StudyLevel.BAC_8})
R = VteRefusalReason


@dataclass(frozen=True)
class Refusal:
    reason: VteRefusalReason
    message: str


def refusals(contract: RecordVteContractV2, location: Location | None, rules: VteRules) -> list[Refusal]:
    """Every failed check of the contract, in a stable order; an empty list means eligible."""
    found: list[Refusal] = []
    e = contract.establishment
    if e.size is CompanySize.GRANDE_ENTREPRISE:
        found.append(Refusal(R.COMPANY_TOO_LARGE, "Une grande entreprise n'est pas éligible : seules les PME et ETI."))
    if not e.siret.startswith(e.siren):
        found.append(
            Refusal(R.SIRET_NOT_OF_SIREN, f"Le SIRET {e.siret} n'est pas un établissement du SIREN {e.siren}.")
        )
    if not candidate_is_eligible(contract):
        found.append(
            Refusal(
                R.CANDIDATE_NOT_ELIGIBLE,
                "Le jeune n'est ni étudiant à bac+3 ou plus, ni diplômé depuis moins de 2 ans.",
            )
        )
    if contract.contract_type not in rules.eligible_contract_types:
        found.append(
            Refusal(
                R.CONTRACT_TYPE_NOT_ELIGIBLE,
                f"Un contrat « {contract.contract_type.value} » n'ouvre pas droit à l'aide.",
            )
        )
    elif (
        contract.contract_type is not VteContractType.CDI
        and (contract.duration_months or 0) < rules.min_contract_months
    ):
        found.append(Refusal(R.CONTRACT_TOO_SHORT, f"Le contrat doit durer au moins {rules.min_contract_months} mois."))
    if (contract.aid_requested_on - contract.starts_on).days > rules.max_request_delay_days:
        found.append(
            Refusal(
                R.AID_REQUESTED_TOO_LATE,
                f"L'aide doit être demandée au plus {rules.max_request_delay_days} jours après le début de la mission.",
            )
        )
    if location is None:
        found.append(
            Refusal(R.OUTSIDE_EVERY_TERRITORY, "L'établissement n'est situé dans aucun Territoire d'industrie.")
        )
    return found


def candidate_is_eligible(contract: RecordVteContractV2) -> bool:
    """A student at bac+3 or more; a graduate whose graduation month is less than 24 months before the start."""
    c = contract.candidate
    if c.status is CandidateStatus.STUDENT:
        return c.study_level in AT_LEAST_BAC_3
    if c.graduated_in is None:
        return False
    return months_between(c.graduated_in, contract.starts_on) < GRADUATION_WINDOW_MONTHS


def months_between(year_month: str, day: date) -> int:
    """Whole months from a "YYYY-MM" month to the month of `day` (negative if the month is later)."""
    year, month = (int(part) for part in year_month.split("-"))
    return (day.year - year) * 12 + day.month - month

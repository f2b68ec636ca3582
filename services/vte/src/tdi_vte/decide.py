"""One Bpifrance command applied to the contract it names: the new aggregate and the events it establishes.

Pure: the caller (a handler, `tdi_vte.handlers`) loads the contract, locates the establishment and pseudonymises
the candidate before, and saves the contract and announces its events after, in one unit of work.
"""

from __future__ import annotations

from typing import Any

from tdi_contracts.errors import ErrorCode
from tdi_contracts.events.vte import (
    DeclareVteGreenMission,
    DeclareVteGreenMissionV2,
    EndVteContractV2,
    RecordVteAidPaymentV2,
    RecordVteContractV2,
    RecordVteHousingAid,
)
from tdi_contracts.reference.figures import VTE_BASE_AID
from tdi_runtime.errors import DomainError
from tdi_vte import aid_changes, housing, payments
from tdi_vte.domain import VteContract, contract_id_of
from tdi_vte.eligibility import Refusal, refusals
from tdi_vte.location import Location
from tdi_vte.payments import payment_requests
from tdi_vte.rules import VteRules

FollowUp = (
    DeclareVteGreenMission | DeclareVteGreenMissionV2 | EndVteContractV2 | RecordVteAidPaymentV2 | RecordVteHousingAid
)


def record_contract(
    existing: VteContract | None,
    command: RecordVteContractV2,
    pseudonym: str,
    location: Location | None,
    rules: VteRules,
) -> tuple[VteContract, list[Any]]:
    """A signed contract is decided once: the same terms again change nothing, other terms are refused."""
    if existing is not None:
        if existing.same_terms(command, pseudonym):
            return existing, []
        raise DomainError(ErrorCode.VTE_CONTRACT_ALREADY_RECORDED, f"Contrat : {command.contract_reference}.")
    return sign(command, pseudonym, location, refusals(command, location, rules), rules)


def follow_up(existing: VteContract | None, command: FollowUp, rules: VteRules) -> list[Any]:
    """A green mission, an end or a payment on a recorded contract (an unknown one is refused: send it again
    once the contract is accepted)."""
    if existing is None:
        raise DomainError(
            ErrorCode.UNKNOWN_AGGREGATE,
            f"Le contrat VTE {command.contract_reference} n'est pas encore enregistré : envoyez d'abord sa signature.",
        )
    if isinstance(command, DeclareVteGreenMission | DeclareVteGreenMissionV2):
        return aid_changes.declare_green(existing, command)
    if isinstance(command, RecordVteHousingAid):
        return housing.record_housing_aid(existing, command)
    if isinstance(command, EndVteContractV2):
        return aid_changes.end(existing, command.reason, command.ended_on, rules)
    return payments.record_payment(existing, command.payment_reference, command.amount_cents, command.paid_on)


def sign(
    terms: RecordVteContractV2, pseudonym: str, location: Location | None, failed: list[Refusal], rules: VteRules
) -> tuple[VteContract, list[Any]]:
    """A newly recorded contract: the 4,000 EUR base when no check failed (funders asked their parts), else refused."""
    contract = VteContract(
        vte_contract_id=contract_id_of(terms.contract_reference),
        contract_reference=terms.contract_reference,
        terms=terms,
        candidate_pseudonym=pseudonym,
        location=location,
        refusals=failed,
        decided_on=terms.aid_requested_on,
        base_cents=0 if failed else VTE_BASE_AID,
        rules_state_bp=rules.state_share_basis_points,
        rules_green_funder=rules.green_funder,
    )
    return contract, [contract.decision_event(), *payment_requests(contract, contract.decided_on)]

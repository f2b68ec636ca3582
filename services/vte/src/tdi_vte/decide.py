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
    VteRefusalReason,
)
from tdi_contracts.reference.figures import VTE_BASE_AID
from tdi_runtime.errors import DomainError
from tdi_vte import aid_changes, housing, payments
from tdi_vte.domain import VteContract, contract_id_of
from tdi_vte.eligibility import Refusal, refusals
from tdi_vte.location import Location, Place, Waiting
from tdi_vte.payments import payment_requests
from tdi_vte.rules import VteRules

FollowUp = (
    DeclareVteGreenMission | DeclareVteGreenMissionV2 | EndVteContractV2 | RecordVteAidPaymentV2 | RecordVteHousingAid
)


def record_contract(
    existing: VteContract | None,
    command: RecordVteContractV2,
    pseudonym: str,
    place: Place,
    rules: VteRules,
) -> tuple[VteContract, list[Any]]:
    """A signed contract is decided once: the same terms again change nothing, other terms are refused.

    Where its commune waits for a territory's perimeter, it is HELD (no event: decided by `decide_held` when the
    perimeter arrives), unless another check already fails it: then it is refused at once with those reasons
    (PLATFORM RULE, README: no place could make it eligible)."""
    if existing is not None:
        if existing.same_terms(command, pseudonym):
            return existing, []
        raise DomainError(ErrorCode.VTE_CONTRACT_ALREADY_RECORDED, f"Contrat : {command.contract_reference}.")
    if isinstance(place, Waiting):
        failed = [r for r in refusals(command, None, rules) if r.reason is not VteRefusalReason.OUTSIDE_EVERY_TERRITORY]
        if failed:
            return sign(command, pseudonym, None, failed, rules)
        return new_contract(command, pseudonym, None, [], rules, waiting_for=place.territories), []
    return sign(command, pseudonym, place, refusals(command, place, rules), rules)


def decide_held(contract: VteContract, place: Place, rules: VteRules) -> list[Any]:
    """A held contract once its place is known: granted or refused, with the events a direct decision emits,
    dated by the aid's request as a direct one; still waiting (maybe for other territories): nothing. A contract
    already decided is never decided again."""
    if not contract.pending:
        return []
    if isinstance(place, Waiting):
        contract.waiting_for = place.territories
        return []
    contract.waiting_for = ()
    contract.location = place
    contract.refusals = refusals(contract.terms, place, rules)
    contract.base_cents = 0 if contract.refusals else VTE_BASE_AID
    return [contract.decision_event(), *payment_requests(contract, contract.decided_on)]


def follow_up(existing: VteContract | None, command: FollowUp, rules: VteRules) -> list[Any]:
    """A green mission, an end or a payment on a recorded contract (an unknown one is refused: send it again
    once the contract is accepted)."""
    if existing is None:
        raise DomainError(
            ErrorCode.UNKNOWN_AGGREGATE,
            f"Le contrat VTE {command.contract_reference} n'est pas encore enregistré : envoyez d'abord sa signature.",
        )
    if existing.pending and not isinstance(command, RecordVteHousingAid):  # Action Logement's aid is not ours
        raise DomainError(
            ErrorCode.TERRITORY_PERIMETER_PENDING,
            f"Le contrat VTE {command.contract_reference} est en attente du périmètre de son territoire : envoyez"
            " de nouveau cette déclaration une fois l'aide décidée.",
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
    contract = new_contract(terms, pseudonym, location, failed, rules)
    return contract, [contract.decision_event(), *payment_requests(contract, contract.decided_on)]


def new_contract(
    terms: RecordVteContractV2,
    pseudonym: str,
    location: Location | None,
    failed: list[Refusal],
    rules: VteRules,
    waiting_for: tuple[str, ...] = (),
) -> VteContract:
    """The aggregate of a signature, dated by the aid's request; the base only when decided and eligible."""
    return VteContract(
        vte_contract_id=contract_id_of(terms.contract_reference),
        contract_reference=terms.contract_reference,
        terms=terms,
        candidate_pseudonym=pseudonym,
        location=location,
        refusals=failed,
        decided_on=terms.aid_requested_on,
        base_cents=0 if failed or waiting_for else VTE_BASE_AID,
        rules_state_bp=rules.state_share_basis_points,
        rules_green_funder=rules.green_funder,
        waiting_for=waiting_for,
    )

"""What changes the aid of a recorded contract: a declared green mission, an early end (the platform rule).

Every change emits VteAidAdjusted with the new amounts and their deltas, then the funders' requests.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tdi_contracts.errors import ErrorCode
from tdi_contracts.events.vte import (
    ContractEndReason,
    DeclareVteGreenMission,
    DeclareVteGreenMissionV2,
    VteAdjustmentCause,
    VteAidAdjusted,
    VteEarlyEndRule,
    VteGreenScope,
)
from tdi_contracts.money import format_eur
from tdi_contracts.reference.figures import VTE_GREEN_TOP_UP_MAX, VTE_MAX_PER_CONTRACT
from tdi_runtime.errors import DomainError
from tdi_vte.domain import GreenMission, VteContract
from tdi_vte.money import pro_rata
from tdi_vte.payments import payment_requests
from tdi_vte.rules import VteRules


def declare_green(c: VteContract, declaration: DeclareVteGreenMission | DeclareVteGreenMissionV2) -> list[Any]:
    """The green top-up, once: what was asked within 8,000 EUR and the 12,000 EUR total, in scope only. More asked
    is granted the cap, and the decision says it was capped (seed 000 line 673: « jusqu'à 8 000 euros »)."""
    mission = GreenMission(declaration.scope.value, declaration.requested_cents, declaration.declared_on)
    if c.green is not None:
        if c.green == mission:
            return []  # the same declaration again: nothing changes
        raise DomainError(ErrorCode.VTE_GREEN_ALREADY_DECLARED)
    if c.ended_on is not None:
        raise DomainError(ErrorCode.VTE_CONTRACT_ALREADY_ENDED, "Une mission verte ne peut plus être déclarée.")
    if not c.granted:
        raise DomainError(ErrorCode.VTE_NOT_ELIGIBLE, "L'aide VTE de ce contrat a été refusée : pas de complément.")
    if declaration.scope is VteGreenScope.OTHER:
        raise DomainError(
            ErrorCode.VTE_NOT_ELIGIBLE, "La mission ne porte pas sur la transition énergétique ou écologique."
        )
    c.green = mission
    asked = declaration.requested_cents
    green = min(asked, VTE_GREEN_TOP_UP_MAX, VTE_MAX_PER_CONTRACT - c.base_cents)
    events = adjust(c, c.base_cents, green, VteAdjustmentCause.GREEN_MISSION_DECLARED, None, mission.declared_on)
    events[0] = events[0].model_copy(update={"requested_cents": asked, "capped": green < asked})
    return events


def capped_note(asked_cents: int, granted_cents: int) -> str:
    """The partner's answer when the top-up granted is less than asked."""
    return (
        f"Complément « VTE vert » demandé : {format_eur(asked_cents)} ; accordé : {format_eur(granted_cents)} "
        "(plafond du dispositif)."
    )


def end(c: VteContract, reason: ContractEndReason, ended_on: date, rules: VteRules) -> list[Any]:
    """The end of the contract; an early end applies the platform's early-end rule to the aid."""
    if c.ended_on is not None:
        if (c.ended_on, c.end_reason) == (ended_on, reason.value):
            return []
        raise DomainError(
            ErrorCode.VTE_CONTRACT_ALREADY_ENDED, "Il est terminé à une autre date ou pour une autre raison."
        )
    c.ended_on, c.end_reason = ended_on, reason.value
    if reason is not ContractEndReason.ENDED_EARLY or not c.granted:
        return []
    rule = rules.early_end_rule
    base, green = c.base_cents, c.green_cents
    if rule is VteEarlyEndRule.CLAWBACK:
        base, green = 0, 0
    elif rule is VteEarlyEndRule.PRO_RATA:
        months = c.terms.duration_months or rules.permanent_contract_reference_months
        base = pro_rata(base, c.terms.starts_on, ended_on, months)
        green = pro_rata(green, c.terms.starts_on, ended_on, months)
    return adjust(c, base, green, VteAdjustmentCause.ENDED_EARLY, rule, ended_on)


def adjust(
    c: VteContract, base: int, green: int, cause: VteAdjustmentCause, rule: VteEarlyEndRule | None, on: date
) -> list[Any]:
    assert c.location is not None
    base_delta, green_delta = base - c.base_cents, green - c.green_cents
    c.base_cents, c.green_cents = base, green
    adjusted = VteAidAdjusted(
        vte_contract_id=c.vte_contract_id,
        territory_id=c.location.territory_id,
        cause=cause,
        early_end_rule=rule,
        base_cents=base,
        green_top_up_cents=green,
        total_cents=base + green,
        base_delta_cents=base_delta,
        green_delta_cents=green_delta,
        adjusted_on=on,
    )
    return [adjusted, *payment_requests(c, on)]

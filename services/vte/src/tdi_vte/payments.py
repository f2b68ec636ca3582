"""Money out of a contract's aid: each funder asked for its part (and asked back after an early end), and
Bpifrance's payments, which never exceed the aid."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from tdi_contracts.errors import ErrorCode
from tdi_contracts.events.vte import VteAidPaid, VteAidPaymentRequested
from tdi_contracts.money import format_eur
from tdi_runtime.errors import DomainError
from tdi_vte.domain import VteContract
from tdi_vte.money import funder_parts


def record_payment(c: VteContract, reference: str, amount_cents: int, paid_on: date) -> list[Any]:
    """A payment Bpifrance made: the payments of a contract never exceed its aid."""
    if reference in c.payments:
        if c.payments[reference] == amount_cents:
            return []
        detail = f"Le versement {reference} est déjà enregistré avec un autre montant."
        raise DomainError(ErrorCode.CONFLICTING_REDELIVERY, detail)
    if not c.granted:
        raise DomainError(ErrorCode.VTE_NOT_ELIGIBLE, "L'aide VTE de ce contrat a été refusée : aucun versement.")
    if c.paid_cents >= c.total_cents:
        raise DomainError(ErrorCode.VTE_AID_ALREADY_PAID)
    if c.paid_cents + amount_cents > c.total_cents:
        left = c.total_cents - c.paid_cents
        detail = f"Il reste {format_eur(left)} d'aide à verser sur ce contrat, pas {format_eur(amount_cents)}."
        raise DomainError(ErrorCode.VTE_PAYMENT_EXCEEDS_AID, detail)
    base_part = min(amount_cents, max(c.base_cents - c.paid_cents, 0))
    c.payments[reference] = amount_cents
    c.paid_cents += amount_cents
    assert c.location is not None
    return [
        VteAidPaid(
            payment_id=uuid.uuid5(c.vte_contract_id, f"payment/{reference}"),
            vte_contract_id=c.vte_contract_id,
            territory_id=c.location.territory_id,
            base_cents=base_part,
            green_top_up_cents=amount_cents - base_part,
            partner_reference=reference,
            paid_on=paid_on,
        )
    ]


def payment_requests(c: VteContract, on: date) -> list[Any]:
    """Ask each funder for the change of its part since the last requests (negative: taken back)."""
    if c.location is None or not c.granted:
        return []
    due = funder_parts(c.base_cents, c.green_cents, c.rules_state_bp, c.rules_green_funder)
    events = []
    for (funder, part), amount in due.items():
        delta = amount - c.requested.get((funder, part), 0)
        if delta == 0:
            continue
        c.requested[(funder, part)] = amount
        c.requests_made += 1
        events.append(
            VteAidPaymentRequested(
                payment_request_id=uuid.uuid5(c.vte_contract_id, f"request/{c.requests_made}"),
                vte_contract_id=c.vte_contract_id,
                territory_id=c.location.territory_id,
                funder=funder,
                part=part,
                amount_cents=delta,
                requested_on=on,
            )
        )
    return events

"""Decisions on a grant once approved: a reduced grant (de-commitment) and payments (CP drawn on the AE)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from tdi_contracts.events.funding import PaymentMade, ReleaseReason
from tdi_funding.actor import Actor
from tdi_funding.deciding import Ids, decide_on, dossier, released_event, resulting
from tdi_funding.repositories import FundingUnitOfWork
from tdi_funding.store_applications import payment_id


async def release(
    uow: FundingUnitOfWork,
    grant_id: UUID,
    amount_cents: int,
    reason: ReleaseReason,
    actor: Actor,
    now: datetime,
    territory_id: str | None = None,
) -> Ids:
    """A reduced grant: part of its commitment goes back to the envelope."""
    stored = await dossier(uow, grant_id=grant_id, territory_id=territory_id)
    _, balance = await decide_on(uow, stored, actor, now, lambda a: a.release(amount_cents, now, actor.name))
    uow.emit(released_event(stored.application, amount_cents, reason, now), *balance)
    return resulting(uow, grant=grant_id)


async def pay(
    uow: FundingUnitOfWork,
    grant_id: UUID,
    reference: str,
    amount_cents: int,
    paid_on: date,
    actor: Actor,
    now: datetime,
    territory_id: str | None = None,
) -> Ids:
    """A payment on a grant, once per (grant, reference); never beyond what remains committed."""
    stored = await dossier(uow, grant_id=grant_id, territory_id=territory_id)
    effect, balance = await decide_on(
        uow, stored, actor, now, lambda a: a.pay(reference, amount_cents, now, actor.name), paid_on
    )
    app = stored.application
    pid = payment_id(app.application_id, reference)
    if effect.changed:
        paid = PaymentMade(
            payment_id=pid,
            grant_id=grant_id,
            territory_id=app.territory_id,
            amount_cents=amount_cents,
            partner_reference=reference,
            paid_on=paid_on,
        )
        uow.emit(paid, *balance)
    return resulting(uow, grant=grant_id, payment=pid)

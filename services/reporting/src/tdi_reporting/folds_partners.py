"""Folds of the partners' answers (their feedback topics) into `rm_partner_answer`: how many of a partner's events
were accepted or rejected lately, for the rejection-rate alert (`alerts.py`)."""

from __future__ import annotations

from tdi_contracts.events.partners import PartnerEventAccepted, PartnerEventRejected, PartnerEventRejectedV1
from tdi_reporting.folding import registry
from tdi_reporting.repositories import ReportingUnitOfWork

_ANSWER = (
    "INSERT INTO rm_partner_answer (event_id, partner, outcome, code, answered_at) VALUES ($1, $2, $3, $4, $5)"
    " ON CONFLICT (event_id) DO NOTHING"
)


@registry.handles(PartnerEventAccepted)
async def partner_event_accepted(p: PartnerEventAccepted, uow: ReportingUnitOfWork) -> None:
    await uow.defer(_ANSWER, uow.event.id, p.partner.value, "accepted", None, p.accepted_at)


@registry.handles(PartnerEventRejected, PartnerEventRejectedV1)
async def partner_event_rejected(p: PartnerEventRejected | PartnerEventRejectedV1, uow: ReportingUnitOfWork) -> None:
    await uow.defer(_ANSWER, uow.event.id, p.partner.value, "rejected", str(p.code), p.rejected_at)

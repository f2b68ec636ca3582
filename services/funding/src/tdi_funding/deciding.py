"""Decisions on a dossier: instruction, approval (commits), refusal, withdrawal (de-commits), reduced grant,
payment. The dossier is loaded whole and locked; the rule runs on it and on its envelope (domain), then the
envelope's amounts are written with conditional UPDATEs, so concurrent approvals never over-commit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Literal
from uuid import UUID, uuid4

from tdi_contracts.errors import ErrorCode
from tdi_contracts.events.funding import (
    ApplicationApproved,
    ApplicationDecisionReverted,
    ApplicationInstructionStarted,
    ApplicationOpinionRecorded,
    ApplicationRejected,
    ApplicationWithdrawn,
    CommitmentReleased,
    EnvelopeBalanceChangedV2,
    GrantCommittedV2,
    Opinion,
    RejectionReason,
    ReleaseReason,
    RevertedDecision,
)
from tdi_contracts.reference import Instrument
from tdi_funding import store_cdp, store_envelopes
from tdi_funding.actor import Actor
from tdi_funding.chef_de_projet_years import counted_in
from tdi_funding.domain.application import Application, Effect
from tdi_funding.domain.decisions import apply_decision
from tdi_funding.envelopes import balance_event
from tdi_funding.repositories import FundingUnitOfWork
from tdi_funding.store_applications import StoredApplication
from tdi_runtime.errors import DomainError

Right = Literal["decide", "instruct", "advise"]
Ids = dict[str, str]
"""The ids a decision names (`application_id`, `grant_id`, `payment_id`): the HTTP answer; quoted to a partner."""


def resulting(uow: FundingUnitOfWork, **ids: object) -> Ids:
    """Each id quoted back to a partner (`uow.resulted_in`), and the HTTP answer naming them."""
    for kind, id_ in ids.items():
        uow.resulted_in(kind, id_)
    return {f"{kind}_id": str(id_) for kind, id_ in ids.items()}


async def dossier(
    uow: FundingUnitOfWork,
    application_id: UUID | None = None,
    grant_id: UUID | None = None,
    territory_id: str | None = None,
) -> StoredApplication:
    """The dossier, whole and locked for this transaction; unknown (or not of the territory a partner quoted,
    in either id form): UNKNOWN_AGGREGATE. An instructor acts on its programme's dossiers only (OUT_OF_PROGRAMME)."""
    if grant_id is not None:
        stored = await uow.dossiers.of_grant(grant_id)
    else:
        assert application_id is not None
        stored = await uow.dossiers.get(application_id)
    if stored is not None and territory_id is not None:
        ref = await uow.territories.get(territory_id)
        if (ref.territory_id if ref else territory_id) != stored.application.territory_id:
            stored = None
    if stored is None:
        which = f"L'engagement {grant_id}" if grant_id else f"Le dossier {application_id}"
        raise DomainError(ErrorCode.UNKNOWN_AGGREGATE, f"{which} est inconnu de la plateforme.", field="application_id")
    uow.caller.require_programme(stored.application.programme)
    return stored


async def decide_on(
    uow: FundingUnitOfWork,
    stored: StoredApplication,
    actor: Actor,
    now: datetime,
    decide: Callable[[Application], Effect],
    paid_on: date | None = None,
    right: Right = "decide",
) -> tuple[Effect, list[EnvelopeBalanceChangedV2]]:
    """Runs the decision on the dossier and its envelope, writes both; returns the effect and the balance event.
    `right`: what the actor must be allowed on the programme (decide; instruct: open the instruction; advise).
    The envelope's ceiling is the domain's rule (`Envelope.commit`), guarded by the store's conditional UPDATE:
    an envelope is never over-committed, whatever runs at the same time. A refusal leaves nothing behind: the
    unit of work is discarded (HTTP: its transaction; Kafka: its savepoint)."""
    app = stored.application
    actor.require_own_dossier(stored.filed_by)
    rules = await uow.programmes.of(app.programme)
    {"decide": actor.require_decision, "instruct": actor.require_instruction, "advise": actor.require_opinion}[right](
        rules
    )
    envelope = await uow.envelopes.get(app.envelope_id)
    assert envelope is not None  # foreign key
    actor.require_reach(stored.regions, envelope)
    counted = await counted_in(uow, stored, decide)
    effect = apply_decision(app, envelope, decide, ledger=counted)
    if not effect.changed:
        return effect, []
    if counted is not None and (effect.commit or effect.decommit):
        await store_cdp.apply(uow.conn, counted[1], effect)
        stored.cdp_year, stored.cdp_post_id = counted[1].year, counted[1].post_id
    events: list[EnvelopeBalanceChangedV2] = []
    if effect.commit or effect.decommit or effect.pay:
        written = await store_envelopes.apply(uow.conn, app.envelope_id, effect)
        uow.envelopes.now(app.envelope_id, written)
        events.append(balance_event(written, now))
    stored.updated_at = now
    for reference in app.payments.keys() - stored.saved_payments - stored.paid_on.keys():
        stored.paid_on[reference] = paid_on or now.date()  # the payment this decision recorded
    uow.dossiers.changed(stored)
    return effect, events


async def start_instruction(uow: FundingUnitOfWork, application_id: UUID, actor: Actor, now: datetime) -> Ids:
    stored = await dossier(uow, application_id)
    effect, _ = await decide_on(
        uow, stored, actor, now, lambda a: a.start_instruction(now, actor.name), right="instruct"
    )
    app = stored.application
    if effect.changed:
        uow.emit(
            ApplicationInstructionStarted(
                application_id=app.application_id, territory_id=app.territory_id, started_at=now
            )
        )
    return resulting(uow, application=application_id)


async def approve(
    uow: FundingUnitOfWork,
    application_id: UUID,
    granted_cents: int,
    actor: Actor,
    now: datetime,
    territory_id: str | None = None,
) -> Ids:
    """Approves for `granted_cents` and commits it on the envelope, or refuses with ENVELOPE_CEILING_EXCEEDED."""
    stored = await dossier(uow, application_id, territory_id=territory_id)
    grant_id = stored.application.grant_id or uuid4()
    effect, balance = await decide_on(
        uow, stored, actor, now, lambda a: a.approve(granted_cents, grant_id, now, actor.name)
    )
    app = stored.application
    ids = resulting(uow, application=app.application_id, grant=app.grant_id)
    if not effect.changed:
        return ids
    year = stored.details.get("funding_year")
    approved = ApplicationApproved(
        application_id=app.application_id,
        territory_id=app.territory_id,
        approved_cents=granted_cents,
        approved_at=now,
        funding_year=year,
    )
    committed = GrantCommittedV2(
        grant_id=grant_id,
        application_id=app.application_id,
        territory_id=app.territory_id,
        envelope_id=app.envelope_id,
        programme=app.programme,
        instrument=Instrument(stored.details["instrument"]),
        amount_cents=granted_cents,
        operator=actor.partner,
        committed_on=now.date(),
        funding_year=year,
    )
    uow.emit(approved, committed, *balance)
    return ids


async def refuse(
    uow: FundingUnitOfWork,
    application_id: UUID,
    reason_code: RejectionReason,
    reason: str,
    actor: Actor,
    now: datetime,
    territory_id: str | None = None,
) -> Ids:
    stored = await dossier(uow, application_id, territory_id=territory_id)
    effect, _ = await decide_on(uow, stored, actor, now, lambda a: a.refuse(reason, now, actor.name))
    app = stored.application
    if effect.changed:
        uow.emit(
            ApplicationRejected(
                application_id=app.application_id,
                territory_id=app.territory_id,
                reason_code=reason_code,
                reason=reason,
                rejected_at=now,
            )
        )
    return resulting(uow, application=application_id)


async def withdraw(
    uow: FundingUnitOfWork, application_id: UUID, actor: Actor, now: datetime, territory_id: str | None = None
) -> Ids:
    stored = await dossier(uow, application_id, territory_id=territory_id)
    effect, balance = await decide_on(uow, stored, actor, now, lambda a: a.withdraw(now, actor.name))
    app = stored.application
    if effect.changed:
        uow.emit(
            ApplicationWithdrawn(
                application_id=app.application_id,
                territory_id=app.territory_id,
                released_cents=effect.decommit,
                withdrawn_at=now,
            )
        )
        if effect.decommit and app.grant_id:
            uow.emit(released_event(app, effect.decommit, ReleaseReason.PROJECT_ABANDONED, now))
        uow.emit(*balance)
    return resulting(uow, application=application_id)


async def record_opinion(
    uow: FundingUnitOfWork,
    application_id: UUID,
    opinion: Opinion,
    text: str,
    actor: Actor,
    now: datetime,
    territory_id: str | None = None,
) -> Ids:
    """An avis of those who advise on the programme (ADEME, the Conseil régional): a line of the dossier's history
    and an `ApplicationOpinionRecorded`; the dossier's state is unchanged (issue 24, A1)."""
    stored = await dossier(uow, application_id, territory_id=territory_id)
    effect, _ = await decide_on(
        uow, stored, actor, now, lambda a: a.record_opinion(opinion.label, text, now, actor.name), right="advise"
    )
    app = stored.application
    if effect.changed:
        uow.emit(
            ApplicationOpinionRecorded(
                application_id=app.application_id,
                territory_id=app.territory_id,
                opinion=opinion,
                text=text,
                author=actor.name,
                recorded_at=now,
            )
        )
    return resulting(uow, application=application_id)


async def reopen(uow: FundingUnitOfWork, application_id: UUID, actor: Actor, now: datetime) -> Ids:
    """A decision taken back (Démarches simplifiées, `demarches.DecisionReverted`): under instruction again; an
    approval's commitment released (`CommitmentReleased`, grant cancelled); refused with
    DS_DECISION_REVERTED_AFTER_PAYMENT once something was paid (`Application.reopen`)."""
    stored = await dossier(uow, application_id)
    was = stored.application.state
    grant_id = stored.application.grant_id
    effect, balance = await decide_on(uow, stored, actor, now, lambda a: a.reopen(now, actor.name))
    app = stored.application
    if effect.changed:
        uow.emit(
            ApplicationDecisionReverted(
                application_id=app.application_id,
                territory_id=app.territory_id,
                reverted=RevertedDecision(was.value),
                released_cents=effect.decommit,
                reverted_at=now,
            )
        )
        if effect.decommit and grant_id is not None:
            uow.emit(
                CommitmentReleased(
                    grant_id=grant_id,
                    territory_id=app.territory_id,
                    envelope_id=app.envelope_id,
                    released_cents=effect.decommit,
                    reason=ReleaseReason.GRANT_CANCELLED,
                    released_on=now.date(),
                )
            )
        uow.emit(*balance)
    return resulting(uow, application=application_id)


def released_event(app: Application, amount: int, reason: ReleaseReason, now: datetime) -> CommitmentReleased:
    assert app.grant_id is not None
    return CommitmentReleased(
        grant_id=app.grant_id,
        territory_id=app.territory_id,
        envelope_id=app.envelope_id,
        released_cents=amount,
        reason=reason,
        released_on=now.date(),
    )
